"""Training throughput of the CPU path, one thread, per model shape and per switch; and the fixed
cost of a training job (process start to first optimizer step, and to the end of scoring).

Usage: python bench/train_step_cpu.py [--steps 30] [--shapes m1,m2,m3,l4h192,l4h256] [--compile]
       python bench/train_step_cpu.py --fixed

Each measurement runs in a fresh process (``--one SHAPE VARIANT``): warm-up steps, then ``--steps``
timed steps of a full training step (collate of packed samples with per-document masks and
position ids, as ``train.data`` yields them; forward; loss; backward; clip; AdamW), vocab 2048,
seq 128, batch 8. Variants:

- ``baseline``: the Megatron-Core CPU path as it was (Megatron's DotProductAttention, fp32,
  foreach AdamW);
- ``sdpa``, ``fused_adamw``, ``bf16``: one switch each on top of the baseline;
- ``all``: the CPU path now (SDPA core attention, fused AdamW, bf16 autocast);
- ``plain``: the fastest plain-PyTorch model of the same shape we wrote (F.rms_norm, RoPE,
  fp32 SDPA, SwiGLU, F.cross_entropy, fused AdamW, bf16 autocast); ``plain_fp32`` without autocast.

``--compile`` adds ``all+compile`` and ``plain+compile`` at m3 (torch.compile of the model's
forward): compile time is the first step's, throughput the steady state after it.

The machine's cores are shared: quote ratios, and repeat. Results go to
``bench/results/train_step_cpu.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {  # name -> (layers, hidden, heads, ffn)
    "m1": (2, 64, 4, 172),
    "m2": (2, 96, 4, 256),
    "m3": (2, 128, 4, 344),
    "l4h192": (4, 192, 6, 512),
    "l4h256": (4, 256, 8, 684),
}
VOCAB, SEQ, BATCH = 2048, 128, 8
VARIANTS = ["baseline", "sdpa", "fused_adamw", "bf16", "all", "plain_fp32", "plain"]
OUT = Path(__file__).parent / "results"


def samples(seed: int, n: int):
    """``n`` packed samples like GPTDataset's with reset position ids / attention masks: documents
    of 20-120 tokens (EOD 0) packed into seq+1 windows."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        tokens = rng.integers(2, VOCAB, SEQ + 1)
        ends = np.cumsum(rng.integers(20, 120, 8))
        ends = ends[ends < SEQ]
        tokens[ends] = 0
        doc = np.zeros(SEQ, dtype=np.int64)
        for e in ends:
            doc[e + 1:] += 1
        position = np.arange(SEQ) - np.array([np.flatnonzero(doc == d)[0] for d in doc])
        mask = (doc[:, None] != doc[None, :]) | np.triu(np.ones((SEQ, SEQ), dtype=bool), 1)
        out.append({"tokens": tokens[:-1], "labels": tokens[1:], "loss_mask": np.ones(SEQ, np.float32),
                    "attention_mask": mask[None], "position_ids": position})
    return out


def plain_model(layers: int, hidden: int, heads: int, ffn: int):
    """A LLaMA-style decoder in plain PyTorch, the same parameters as the GPTModel of the shape."""
    import torch
    import torch.nn.functional as F

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.n1 = torch.nn.Parameter(torch.ones(hidden))
            self.qkv = torch.nn.Linear(hidden, 3 * hidden, bias=False)
            self.proj = torch.nn.Linear(hidden, hidden, bias=False)
            self.n2 = torch.nn.Parameter(torch.ones(hidden))
            self.fc1 = torch.nn.Linear(hidden, 2 * ffn, bias=False)
            self.fc2 = torch.nn.Linear(ffn, hidden, bias=False)

        def forward(self, x, cos, sin, mask):
            b, s, _ = x.shape
            h = F.rms_norm(x, (hidden,), self.n1, 1e-5)
            q, k, v = self.qkv(h).view(b, s, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
            q, k = rope(q, cos, sin), rope(k, cos, sin)
            with torch.autocast("cpu", enabled=False):   # fp32 SDPA: its bf16 CPU kernel is slower
                a = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=mask)
            x = x + self.proj(a.transpose(1, 2).reshape(b, s, hidden))
            g, u = self.fc1(F.rms_norm(x, (hidden,), self.n2, 1e-5)).chunk(2, dim=-1)
            return x + self.fc2(F.silu(g) * u)

    def rope(t, cos, sin):
        t1, t2 = t.chunk(2, dim=-1)
        return t * cos + torch.cat((-t2, t1), dim=-1) * sin

    class Plain(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(VOCAB, hidden)
            self.blocks = torch.nn.ModuleList(Block() for _ in range(layers))
            self.norm = torch.nn.Parameter(torch.ones(hidden))
            self.out = torch.nn.Linear(hidden, VOCAB, bias=False)
            dim = hidden // heads
            self.register_buffer("inv", 1.0 / 10000 ** (torch.arange(0, dim, 2).float() / dim), persistent=False)

        def forward(self, tokens, positions, mask, labels):
            freqs = positions[:, None, :, None].float() * self.inv
            emb = torch.cat((freqs, freqs), dim=-1)
            cos, sin = emb.cos(), emb.sin()
            x = self.emb(tokens)
            for block in self.blocks:
                x = block(x, cos, sin, ~mask)
            logits = self.out(F.rms_norm(x, (hidden,), self.norm, 1e-5))
            return F.cross_entropy(logits.float().flatten(0, 1), labels.flatten(), reduction="none").view_as(labels)

    return Plain()


def one(shape_name: str, variant: str, steps: int, warmup: int, around=None) -> dict:
    """Tokens/s of ``variant`` at ``shape_name`` in this process; ``around``: a context (a
    profiler) entered around the timed steps only."""
    import contextlib

    import torch

    torch.set_num_threads(1)
    from codescale import megatron
    from codescale.train import distributed
    from codescale.train.data import collate
    from codescale.train.loop import _loss
    from codescale.train.model import build_model
    from codescale.train.shape import ModelShape

    layers, hidden, heads, ffn = SHAPES[shape_name]
    base, _, compiled = variant.partition("+")
    torch.manual_seed(0)
    if base.startswith("plain"):
        model = plain_model(layers, hidden, heads, ffn)
        used = "bf16-autocast" if base == "plain" else "fp32"
        fused = True
    else:
        distributed.init()
        megatron.install(1)
        shape = ModelShape(layers=layers, hidden=hidden, heads=heads, ffn=ffn, vocab=VOCAB, seq=SEQ)
        model = build_model(shape, core_attention="sdpa" if base in ("sdpa", "all") else "megatron")
        used = "bf16-autocast" if base in ("bf16", "all") else "fp32"
        fused = base in ("fused_adamw", "all")
    forward = torch.compile(model) if compiled else model
    decay = [p for p in model.parameters() if p.ndim >= 2]
    rest = [p for p in model.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8, fused=fused)
    data = samples(0, BATCH * 8)

    def step(k: int) -> float:
        batch = collate(data[(k % 8) * BATCH:(k % 8 + 1) * BATCH])
        opt.zero_grad()
        if base.startswith("plain"):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=used != "fp32"):
                per_token = forward(batch["tokens"], batch["position_ids"], batch["attention_mask"],
                                    batch["labels"])
            loss = (per_token.float() * batch["loss_mask"]).sum() / batch["loss_mask"].sum()
        else:
            loss = _loss(forward, batch, "cpu", used)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    start = time.perf_counter()
    step(0)
    first = time.perf_counter() - start
    for k in range(1, warmup):
        step(k)
    with around if around is not None else contextlib.nullcontext():
        start = time.perf_counter()
        for k in range(steps):
            loss = step(k)
        elapsed = time.perf_counter() - start
    return {"shape": shape_name, "variant": variant, "precision": used, "steps": steps,
            "tokens_per_s": round(steps * BATCH * SEQ / elapsed, 1), "first_step_s": round(first, 2),
            "loss": round(loss, 4)}


def profile(shape_name: str, variant: str, steps: int = 10) -> dict:
    """Share of self CPU time per part of the step (torch.profiler), at ``shape_name``."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    # Categories come from op names and input shapes.
    prof = torch_profile(activities=[ProfilerActivity.CPU], record_shapes=True)
    one(shape_name, variant, steps=steps, warmup=5, around=prof)
    totals: dict[str, float] = {}
    for event in prof.key_averages(group_by_input_shape=True):
        part = _part(event.key, str(event.input_shapes))
        totals[part] = totals.get(part, 0.0) + event.self_cpu_time_total
    whole = sum(totals.values())
    return {k: round(v / whole, 3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def _part(name: str, shapes: str) -> str:
    vocab = str(VOCAB)
    if "Optimizer" in name or name in ("aten::_fused_adamw_", "aten::lerp_", "aten::addcdiv_",
                                      "aten::_foreach_lerp_", "aten::_foreach_addcdiv_",
                                      "aten::_foreach_mul_", "aten::_foreach_sqrt",
                                      "aten::_foreach_div_", "aten::_foreach_add_"):
        return "optimizer (AdamW)"
    if "norm" in name and ("vector_norm" in name or "clip" in name or "_foreach_norm" in name):
        return "grad clipping"
    if vocab in shapes and name in ("aten::mm", "aten::addmm", "aten::matmul"):
        return "output layer matmuls (vocab)"
    if vocab in shapes:
        return "cross-entropy over the vocab"
    if "scaled_dot_product" in name or name in ("aten::baddbmm", "aten::bmm", "aten::_softmax",
                                               "aten::_softmax_backward_data", "aten::masked_fill_"):
        return "attention core (scores, mask, softmax)"
    if name in ("aten::mm", "aten::addmm"):
        return "layer matmuls (qkv, proj, mlp)"
    if "rms_norm" in name or name in ("aten::pow", "aten::rsqrt", "aten::mean"):
        return "RMSNorm"
    if "silu" in name:
        return "SwiGLU"
    if name in ("aten::stack", "aten::as_tensor", "aten::from_numpy"):
        return "collate"
    if name in ("aten::cat", "aten::cos", "aten::sin", "aten::neg") or ", 1, 1, " in shapes:
        return "RoPE"
    if name in ("aten::copy_", "aten::_to_copy", "aten::to", "aten::contiguous", "aten::clone"):
        return "copies and casts"
    return "other elementwise/bookkeeping"


def fixed_cost() -> dict:
    """Seconds from interpreter start of a train_model-like job (train_run, 1 step, then scoring)."""
    with tempfile.TemporaryDirectory() as tmp:
        tokens_dir = Path(tmp) / "tokens"
        _synthetic_tokens(tokens_dir)
        code = f"""
import time, json, sys
t0 = {{"start": time.time()}}
from codescale.evaluate.loss import write_validation_loss
from codescale.train.loop import train_run
import codescale.train.loop as loop
t0["imported"] = time.time()
real = loop._Optimizer.step
def step(self):
    real(self)
    t0.setdefault("first_step", time.time())
loop._Optimizer.step = step
spec = json.loads({json.dumps(json.dumps(_spec()))})
train_run(spec, "{tmp}/run", "{tokens_dir}", log_interval=1)
t0["trained"] = time.time()
write_validation_loss("{tmp}/eval.json", spec, "{tmp}/run/checkpoint", "{tokens_dir}", ["python"], sequences=16)
t0["scored"] = time.time()
print(json.dumps(t0))
"""
        launched = time.time()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(out.stderr[-3000:])
        t = json.loads(out.stdout.strip().splitlines()[-1])
    return {"interpreter_start_s": round(t["start"] - launched, 2),
            "imports_s": round(t["imported"] - launched, 2),
            "first_optimizer_step_s": round(t["first_step"] - launched, 2),
            "train_run_done_s": round(t["trained"] - launched, 2),
            "scored_s": round(t["scored"] - launched, 2)}


def _spec() -> dict:
    return {"run": "bench-python-m3", "family": "scaling", "mixture": "python", "model_name": "m3",
            "seed": 1, "precision": os.environ.get("BENCH_PRECISION", "auto"), "tokens": 2 * BATCH * SEQ,
            "model": {"layers": 2, "hidden": 128, "heads": 4, "ffn": 344, "vocab": VOCAB, "seq": SEQ},
            "batch": {"global": BATCH, "micro": BATCH},
            "schedule": {"kind": "cosine", "lr": 0.01, "min_lr": 0.001, "warmup_fraction": 0.1},
            "optimizer": {"weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "clip_grad": 1.0},
            "blend": {"prefixes": ["python/train"], "weights": [1.0]}, "document_mask": True}


def _synthetic_tokens(out: Path) -> None:
    """A tokens directory (manifest.json, python/{train,valid}.bin/.idx) of random documents."""
    import numpy as np

    from codescale.megatron import IndexedDatasetBuilder

    rng = np.random.default_rng(0)
    (out / "python").mkdir(parents=True)
    for split, docs in (("train", 400), ("valid", 60)):
        builder = IndexedDatasetBuilder(str(out / "python" / f"{split}.bin"), dtype=np.uint16)
        for _ in range(docs):
            doc = np.append(rng.integers(2, VOCAB, rng.integers(20, 200)), 0).astype(np.uint16)
            builder.add_document(doc, [len(doc)])
        builder.finalize(str(out / "python" / f"{split}.idx"))
    (out / "manifest.json").write_text(json.dumps({"vocab_size": VOCAB, "eod": 0, "pad": 1, "datasets": {}}))


def _run_one(shape: str, variant: str, steps: int) -> dict:
    cmd = [sys.executable, __file__, "--one", shape, variant, "--steps", str(steps)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--shapes", default=",".join(SHAPES))
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--compile", action="store_true")
    p.add_argument("--fixed", action="store_true")
    p.add_argument("--profile", nargs=2, metavar=("SHAPE", "VARIANT"))
    p.add_argument("--one", nargs=2, metavar=("SHAPE", "VARIANT"))
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, steps=args.steps, warmup=args.warmup)))
        return
    if args.profile:
        print(json.dumps(profile(*args.profile), indent=1))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    if args.fixed:
        result = fixed_cost()
        print(json.dumps(result, indent=1))
        (OUT / "train_fixed_cost.json").write_text(json.dumps(result, indent=1) + "\n")
        return
    rows = []
    for shape in args.shapes.split(","):
        for variant in args.variants.split(","):
            rows.append(_run_one(shape, variant, args.steps))
            print(f"{shape:8s} {variant:14s} {rows[-1]['tokens_per_s']:>9.0f} tok/s", file=sys.stderr)
    if args.compile:
        for variant in ("all+compile", "plain+compile"):
            rows.append(_run_one("m3", variant, args.steps))
    (OUT / "train_step_cpu.json").write_text(json.dumps(rows, indent=1) + "\n")
    table = _table(rows)
    (OUT / "train_step_cpu.md").write_text(table)
    print(table)


def _table(rows: list[dict]) -> str:
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    shapes = list(dict.fromkeys(r["shape"] for r in rows))
    by = {(r["shape"], r["variant"]): r for r in rows}
    lines = ["tokens/s, 1 thread, vocab 2048, seq 128, batch 8 (× = over baseline)", "",
             "| shape | " + " | ".join(variants) + " |", "|---" * (len(variants) + 1) + "|"]
    for s in shapes:
        base = by.get((s, "baseline"), {}).get("tokens_per_s")
        cells = []
        for v in variants:
            r = by.get((s, v))
            if r is None:
                cells.append("")
                continue
            ratio = f" ({r['tokens_per_s'] / base:.2f}×)" if base and v != "baseline" else ""
            first = f", first step {r['first_step_s']} s" if "compile" in v else ""
            cells.append(f"{r['tokens_per_s']:.0f}{ratio}{first}")
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
