"""Learning rate against model width at one budget: does one rate suit every size of a scaling grid?

Usage: python bench/lr_sweep.py TOKENS_DIR [--lang python] [--tokens 256000] [--shapes c1 c3 c5]
       [--rates 0.001 0.003 0.01 0.03]

Trains each (shape, peak rate) once with the CPU path (cosine from the peak to a tenth of it, 5%
warmup, batch 10 × seq 128, precision auto, one thread, seed 1234, so every run reads the same data
in the same order) and prints the training loss of the last 20 steps (fresh data: under one epoch).
Shapes are config/study-cpu.yaml's c1-c5 (hidden 24, 32, 48, 80, 128); by default c1, c3 and c5.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from codescale.train.loop import train_run

SHAPES = {"c1": (24, 2, 64), "c2": (32, 2, 88), "c3": (48, 4, 128), "c4": (80, 4, 216),
          "c5": (128, 4, 344)}
RATES = (0.001, 0.003, 0.01, 0.03)


def final_loss(shape: str, lr: float, tokens_dir: str, lang: str, tokens: int) -> float:
    hidden, heads, ffn = SHAPES[shape]
    spec = {"run": f"{shape}-lr{lr}", "family": "bench", "mixture": lang, "model_name": shape,
            "model": {"layers": 2, "hidden": hidden, "heads": heads, "ffn": ffn, "vocab": 2048, "seq": 128},
            "tokens": tokens, "blend": {"prefixes": [f"{lang}/train"], "weights": [1.0]},
            "batch": {"global": 10, "micro": 10},
            "schedule": {"kind": "cosine", "lr": lr, "min_lr": lr / 10, "warmup_fraction": 0.05},
            "optimizer": {"weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "clip_grad": 1.0},
            "precision": "auto", "document_mask": True, "seed": 1234}
    with tempfile.TemporaryDirectory() as run_dir:
        train_run(spec, run_dir, tokens_dir, log_interval=20)
        return json.loads((Path(run_dir) / "metrics.jsonl").read_text().splitlines()[-1])["loss"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tokens_dir")
    ap.add_argument("--lang", default="python")
    ap.add_argument("--tokens", type=int, default=256000)
    ap.add_argument("--shapes", nargs="+", default=["c1", "c3", "c5"], choices=sorted(SHAPES))
    ap.add_argument("--rates", nargs="+", type=float, default=list(RATES))
    a = ap.parse_args()
    print(f"| shape | {' | '.join(f'lr {r:g}' for r in a.rates)} |")
    print(f"|---|{'---|' * len(a.rates)}")
    for shape in a.shapes:
        losses = [final_loss(shape, r, a.tokens_dir, a.lang, a.tokens) for r in a.rates]
        print(f"| {shape} (hidden {SHAPES[shape][0]}) | " + " | ".join(f"{x:.3f}" for x in losses) + " |", flush=True)


if __name__ == "__main__":
    main()
