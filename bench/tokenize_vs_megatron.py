"""Tokenization throughput per core: codescale's ``tokenize_shard`` (``tokenize_dataset`` on a curated
Parquet shard) against Megatron-LM's ``tools/preprocess_data.py`` on the same documents with the
same tokenizer, writing the same Megatron ``.bin/.idx``.

Megatron-LM's tool is not part of the megatron-core wheel and is never installed into the project:
point ``--megatron-lm`` at a checkout (or an extracted tree) that has ``tools/preprocess_data.py``
and ``megatron/training`` at the tag matching the project's megatron-core (``core_v0.16.1``).
Its imports need ``transformers`` (its HuggingFaceTokenizer) and ``six``: ``--setup`` makes
``.venv-bench-megatron/``, a virtualenv that sees the project's ``.venv`` packages through a
``.pth`` file and adds those two (``bench/tokenize_vs_megatron_requirements.txt``). Its import of
``megatron.training`` also loads a module of GPU batch-invariant kernels that imports ``triton``
(absent with the CPU torch wheel); preprocessing never calls it, so the runner puts an empty module
in its place. Nothing of the tokenization path is changed.

    python bench/tokenize_vs_megatron.py --setup
    python bench/tokenize_vs_megatron.py --prepare DIR --curated 'results/curate/*/part*.parquet' --mb 64
    # then, side by side as whole processes (one core each):
    RAYON_NUM_THREADS=1 .venv/bin/python bench/tokenize_vs_megatron.py --ours DIR
    .venv-bench-megatron/bin/python bench/tokenize_vs_megatron.py --theirs DIR --megatron-lm PATH
    python bench/tokenize_vs_megatron.py --check DIR      # the two token streams are identical

Results: bench/results/tokenize_vs_megatron.md.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import runpy
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-bench-megatron"
REQUIREMENTS = ROOT / "bench" / "tokenize_vs_megatron_requirements.txt"


def setup() -> None:
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(VENV / "bin" / "python"), "-c", purelib], check=True, capture_output=True,
                          text=True).stdout.strip()
    project = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", purelib], check=True,
                             capture_output=True, text=True).stdout.strip()
    Path(site, "codescale-project.pth").write_text(project + "\n")
    subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)


def prepare(out: Path, curated: str, mb: int) -> None:
    """``out/docs.parquet`` (curated schema) and ``out/docs.jsonl`` ({"text"}) of the same documents,
    the curated shards repeated until ``mb`` MB; ``out/tokenizer/`` for both tools."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from codescale.corpus.documents import CURATED_SCHEMA

    files = sorted(glob.glob(curated))
    if not files:
        raise SystemExit(f"no curated shards match {curated!r} (run the pipeline first)")
    base = pa.concat_tables([pq.read_table(f).cast(CURATED_SCHEMA) for f in files])
    out.mkdir(parents=True, exist_ok=True)
    total, tables = 0, []
    while total < mb << 20:
        tables.append(base)
        total += sum(base.column("bytes").to_pylist())
    table = pa.concat_tables(tables)
    pq.write_table(table, out / "docs.parquet", compression="zstd")
    with open(out / "docs.jsonl", "w") as fh:
        for text in table.column("content").to_pylist():
            fh.write(json.dumps({"text": text}) + "\n")
    tok = out / "tokenizer"
    tok.mkdir(exist_ok=True)
    src = Path(files[0]).parents[2] / "tokenizer" / "tokenizer.json"
    (tok / "tokenizer.json").write_bytes(src.read_bytes())
    (tok / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "eos_token": "<|endoftext|>", "pad_token": "<|pad|>",
        "model_max_length": 10**9}))
    print(json.dumps({"documents": table.num_rows, "mb": round(total / 2**20, 1)}))


def ours(d: Path) -> None:
    from codescale.tokens.shards import tokenize_dataset

    tokenize_dataset([d / "docs.parquet"], d / "tokenizer" / "tokenizer.json", d / "ours", valid_fraction=0.0,
                     require=())


def theirs(d: Path, megatron_lm: Path) -> None:
    stub = types.ModuleType("megatron.core.transformer.custom_layers.batch_invariant_kernels")

    def _gpu_only(*args, **kwargs):
        raise RuntimeError("batch-invariant GPU kernels are not available in this benchmark")

    stub.enable_batch_invariant_mode = _gpu_only  # GPU kernels that import triton; never called here
    sys.modules[stub.__name__] = stub
    script = megatron_lm / "tools" / "preprocess_data.py"
    sys.argv = [str(script), "--input", str(d / "docs.jsonl"), "--json-keys", "text",
                "--tokenizer-type", "HuggingFaceTokenizer", "--tokenizer-model", str(d / "tokenizer"),
                "--append-eod", "--workers", "1", "--output-prefix", str(d / "theirs")]
    sys.path.insert(0, str(megatron_lm))
    runpy.run_path(str(script), run_name="__main__")


def check(d: Path) -> None:
    import numpy as np

    from codescale.megatron import IndexedDataset

    a = IndexedDataset(str(d / "ours" / "train"))
    b = IndexedDataset(str(d / "theirs_text_document"))
    assert len(a) == len(b), (len(a), len(b))
    same = all(np.array_equal(a[i], b[i]) for i in range(len(a)))
    print(json.dumps({"documents": len(a), "tokens": int(a.sequence_lengths.sum()), "identical": same}))
    if not same:
        raise SystemExit("the two tools wrote different tokens")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--setup", action="store_true")
    p.add_argument("--prepare", type=Path)
    p.add_argument("--curated", default=str(ROOT / "results/curate/*/part*.parquet"))
    p.add_argument("--mb", type=int, default=64)
    p.add_argument("--ours", type=Path)
    p.add_argument("--theirs", type=Path)
    p.add_argument("--megatron-lm", type=Path)
    p.add_argument("--check", type=Path)
    args = p.parse_args()
    if args.setup:
        setup()
    elif args.prepare:
        prepare(args.prepare, args.curated, args.mb)
    elif args.ours:
        os.environ.setdefault("RAYON_NUM_THREADS", "1")
        ours(args.ours)
    elif args.theirs:
        if not args.megatron_lm:
            raise SystemExit("--theirs needs --megatron-lm PATH (a Megatron-LM checkout at core_v0.16.1)")
        theirs(args.theirs, args.megatron_lm)
    elif args.check:
        check(args.check)
    else:
        p.print_help()


if __name__ == "__main__":
    main()
