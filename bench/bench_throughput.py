"""Throughput of the CPU-bound stages on the artifacts of a finished run (results/).

Usage: python bench/bench_throughput.py

- curation: the filter chain (heuristics + syntax parse) on every corpus shard, one core;
- tokenization: codescale's batched encoding against the per-document loop a script would write;
- training: tokens/s per model size from the scaling runs' metrics.jsonl (median of the last record).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from codescale.configuration import defaults
from codescale.curate.filters import Thresholds, first_reason
from codescale.tokens.tokenizer import load_tokenizer

RESULTS = Path("results")


def bench_curation() -> None:
    docs = []
    for shard in sorted((RESULTS / "corpus").glob("*/part*.parquet")):
        docs.extend(pq.read_table(shard).to_pylist())
    by_lang = defaultdict(list)
    for d in docs:
        by_lang[d["lang"]].append(d)
    print(f"{'curation (1 core)':<24}{'docs':>8}{'MB':>8}{'docs/s':>10}{'MB/s':>8}")
    t = Thresholds(**defaults("thresholds"))
    for lang, items in sorted(by_lang.items()):
        start = time.perf_counter()
        for d in items:
            first_reason(d, t)
        dt = time.perf_counter() - start
        mb = sum(d["bytes"] for d in items) / 1e6
        print(f"{lang:<24}{len(items):>8}{mb:>8.2f}{len(items) / dt:>10.0f}{mb / dt:>8.2f}")


def bench_tokenization() -> None:
    tok = load_tokenizer(RESULTS / "tokenizer/tokenizer.json")
    texts = []
    for shard in sorted((RESULTS / "curate").glob("*/part*.parquet")):
        texts.extend(pq.read_table(shard, columns=["content"]).column("content").to_pylist())
    mb = sum(len(t.encode()) for t in texts) / 1e6
    start = time.perf_counter()
    n = sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))
    batched = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        tok.encode(text, add_special_tokens=False)
    loop = time.perf_counter() - start
    print(f"\ntokenization of {mb:.1f} MB, {n:,} tokens:")
    print(f"  codescale (encode_batch): {n / batched:>12,.0f} tokens/s  {mb / batched:6.2f} MB/s")
    print(f"  per-document encode loop: {n / loop:>12,.0f} tokens/s  {mb / loop:6.2f} MB/s")


def bench_training() -> None:
    rates = defaultdict(list)
    for metrics in sorted((RESULTS / "runs").glob("scaling-*/metrics.jsonl")):
        spec = json.loads((metrics.parent / "spec.json").read_text())
        last = json.loads(metrics.read_text().splitlines()[-1])
        rates[spec["model_name"]].append(last["tokens_per_s"])
    print("\ntraining (Megatron-Core GPTModel, CPU, 1 thread per run, 2 runs in parallel):")
    for model, values in sorted(rates.items()):
        print(f"  {model}: median {statistics.median(values):>8,.0f} tokens/s over {len(values)} runs")


if __name__ == "__main__":
    bench_curation()
    bench_tokenization()
    bench_training()
