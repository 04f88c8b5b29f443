"""Curate one (language, shard): read that shard of every source's corpus, apply the filters,
drop exact duplicates, and write the kept documents plus per-reason statistics.

Identical contents share a shard (sharding is by content hash), so exact deduplication here is
global. The first copy in (source, repo, path) order is kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codescale.artifacts import write_json, write_parquet
from codescale.corpus.documents import CURATED_SCHEMA, SCHEMA
from codescale.curate.filters import REASONS, Thresholds, first_reason
from codescale.progress import track

EXAMPLES_PER_REASON = 3


def thresholds_for(lang: str, curate_config: dict) -> Thresholds:
    values = dict(curate_config.get("defaults", {}))
    values.update(curate_config.get("languages", {}).get(lang, {}))
    return Thresholds(**values)


def _reasons(batch: list[dict], t: Thresholds) -> list[str | None]:
    return [first_reason(doc, t) for doc in batch]


def read_language_shard(corpus_dirs: list[str | Path], shard: str, lang: str) -> pa.Table:
    tables = []
    for d in corpus_dirs:
        path = Path(d) / f"{shard}.parquet"
        try:
            table = pq.read_table(path, filters=[("lang", "=", lang)])
        except (pa.ArrowInvalid, OSError) as err:
            raise RuntimeError(f"{path}: unreadable corpus shard ({err})") from err
        tables.append(table.cast(SCHEMA))
    if not tables:
        return SCHEMA.empty_table()
    table = pa.concat_tables(tables)
    return table.take(pc.sort_indices(table, [("source", "ascending"), ("repo", "ascending"),
                                              ("path", "ascending")]))


def curate_shard(corpus_dirs: list[str | Path], shard: str, lang: str, curate_config: dict,
                 out_parquet: str | Path, out_stats: str | Path, threads: int = 1) -> dict:
    t = thresholds_for(lang, curate_config)
    table = read_language_shard(corpus_dirs, shard, lang)
    docs = table.to_pylist()

    chunk = 64
    batches = [docs[i:i + chunk] for i in range(0, len(docs), chunk)]
    reasons: list[str | None] = []
    if threads > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=threads) as pool:
            for r in track(pool.map(_reasons, batches, [t] * len(batches)),
                           f"curate {lang}/{shard}", total=len(batches), unit="batch"):
                reasons.extend(r)
    else:
        for batch in track(batches, f"curate {lang}/{shard}", unit="batch"):
            reasons.extend(_reasons(batch, t))

    seen: set[str] = set()
    kept: list[dict] = []
    dropped_docs: Counter = Counter()
    dropped_bytes: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for doc, reason in zip(docs, reasons, strict=True):
        if reason is None and doc["doc_id"] in seen:
            reason = "duplicate"
        if reason is not None:
            dropped_docs[reason] += 1
            dropped_bytes[reason] += doc["bytes"]
            if len(examples[reason]) < EXAMPLES_PER_REASON:
                examples[reason].append(f"{doc['source']}:{doc['repo']}/{doc['path']}")
            continue
        seen.add(doc["doc_id"])
        kept.append(doc)

    # Position within the repository (dependency ordering refines this in a later stage).
    position: Counter = Counter()
    for doc in kept:
        doc["order"] = position[(doc["source"], doc["repo"])]
        position[(doc["source"], doc["repo"])] += 1
    write_parquet(out_parquet, pa.Table.from_pylist(kept, schema=CURATED_SCHEMA))

    stats = {
        "lang": lang, "shard": shard, "thresholds": t.__dict__,
        "input": {"documents": len(docs), "bytes": sum(d["bytes"] for d in docs)},
        "kept": {"documents": len(kept), "bytes": sum(d["bytes"] for d in kept)},
        "dropped": {r: {"documents": dropped_docs[r], "bytes": dropped_bytes[r],
                        "examples": examples.get(r, [])} for r in REASONS},
    }
    write_json(out_stats, stats)
    return stats


def summarize(stats_files: list[str | Path]) -> list[dict]:
    """One row per (lang, reason) summed over shards, plus input/kept rows, for summary.tsv."""
    import json

    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in stats_files:
        s = json.loads(Path(f).read_text())
        for key in ("input", "kept"):
            totals[(s["lang"], key)][0] += s[key]["documents"]
            totals[(s["lang"], key)][1] += s[key]["bytes"]
        for reason, v in s["dropped"].items():
            totals[(s["lang"], reason)][0] += v["documents"]
            totals[(s["lang"], reason)][1] += v["bytes"]
    rows = []
    for (lang, what), (n, b) in sorted(totals.items()):
        inp = totals[(lang, "input")]
        rows.append({"lang": lang, "step": what, "documents": n, "bytes": b,
                     "share_of_documents": round(n / inp[0], 4) if inp[0] else 0.0})
    return rows
