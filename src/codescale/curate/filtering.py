"""Curation step 1, ``filter_shard`` (one job per language and content-hash shard): the document
filters (heuristics, syntax), exact deduplication, Ruff for Python (drop undefined names, fix
whitespace), and the MinHash band hashes of what is kept.

Identical contents share a shard (sharding is by content hash), so exact deduplication here is
global; the first copy in (source, repo, path) order is kept. The output is written in
repository-shard order (``repo_shard``: one row group each) so the assembly step reads just its
repositories. Every document read is kept or dropped under a named reason (the stats' ``dropped``
lists every reason seen, with examples); ``input = kept + Σ dropped`` is checked before anything is
written.

A language for which no corpus source has any document is an error here, naming each source and
its main drop reasons from its ``counts.json``: no later step could do anything with it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, read_json, write_json
from codescale.corpus.documents import SCHEMA, doc_id
from codescale.corpus.ledger import check_balance, top_reasons
from codescale.curate.filters import Thresholds, first_reason
from codescale.curate.ledger import CurationError, CurationLedger, totals
from codescale.curate.minhash_columns import NearDedup, band_columns
from codescale.progress import track

BATCH = 128  # documents per worker task (and per Ruff process)


def thresholds_for(lang: str, curate_config: dict) -> Thresholds:
    """``curate.defaults`` with the language's overrides (only the keys it writes) over them."""
    return Thresholds(**{**curate_config["defaults"], **curate_config["languages"].get(lang, {})})


@dataclass(frozen=True)
class Ruff:
    """``curate.ruff`` (no field defaults: the schema's are the only ones)."""

    enabled: bool
    undefined_names: bool
    fix_whitespace: bool


@dataclass(frozen=True)
class FilterSettings:
    """The filter step's part of a validated ``curate`` config (its rule's params), for one language."""

    thresholds: Thresholds
    ruff: Ruff
    near_dedup: NearDedup
    keep_flagged: bool

    @classmethod
    def from_params(cls, curate_config: dict, lang: str) -> FilterSettings:
        return cls(thresholds=thresholds_for(lang, curate_config), ruff=Ruff(**curate_config["ruff"]),
                   near_dedup=NearDedup(**curate_config["near_dedup"]), keep_flagged=curate_config["keep_flagged"])


def repo_shard(source: str, repo: str, n_shards: int) -> int:
    """The output shard of a repository: all its files land in one, so they can be ordered together."""
    return int(hashlib.sha256(f"{source}\0{repo}".encode()).hexdigest()[:12], 16) % n_shards


@dataclass(frozen=True)
class _Work:
    thresholds: Thresholds
    lang: str
    ruff: Ruff
    minhash: dict | None


def _process(batch: list[dict], work: _Work) -> list[tuple[str | None, str, str | None, list[int] | None]]:
    """(reason, detail, fixed content or None, band hashes or None) for each document of a batch."""
    out: list = [[first_reason(doc, work.thresholds), "", None, None] for doc in batch]
    alive = [i for i, o in enumerate(out) if o[0] is None]
    if work.lang == "python" and work.ruff.enabled and alive:
        from codescale.curate.static_analysis import WHITESPACE_RULES, check_python

        results = check_python([batch[i]["content"] for i in alive],
                               undefined_names=work.ruff.undefined_names,
                               fix=WHITESPACE_RULES if work.ruff.fix_whitespace else ())
        for i, r in zip(alive, results, strict=True):
            out[i][0], out[i][1] = r.reason, r.detail
            if r.content != batch[i]["content"]:
                out[i][2] = r.content
        alive = [i for i in alive if out[i][0] is None]
    if work.minhash and alive:
        from codescale.curate.near_dedup import MinHashParams, band_hashes, signatures

        params = MinHashParams(**work.minhash)
        texts = [out[i][2] or batch[i]["content"] for i in alive]
        hashes = band_hashes(signatures(texts, params), params)
        for i, row in zip(alive, hashes, strict=True):
            out[i][3] = [int(h) for h in row]
    return [tuple(o) for o in out]


def read_language_shard(corpus_dirs: list[str | Path], shard: str, lang: str) -> pa.Table:
    tables = []
    for d in corpus_dirs:
        path = Path(d) / f"{shard}.parquet"
        try:
            tables.append(pq.read_table(path, filters=[("lang", "=", lang)]).cast(SCHEMA))
        except (pa.ArrowException, OSError, ValueError) as err:
            raise CurationError(f"{path}: unreadable corpus shard ({err})") from err
    if not tables:
        return SCHEMA.empty_table()
    table = pa.concat_tables(tables)
    return table.take(pc.sort_indices(table, [("source", "ascending"), ("repo", "ascending"),
                                              ("path", "ascending")]))


def check_language_has_documents(corpus_dirs: list[str | Path], lang: str) -> None:
    """Raise ``CurationError`` when no source gave ``lang`` a document (from the sources' ``counts.json``;
    a corpus directory without one, not written by build_corpus, is not checked)."""
    if not corpus_dirs:
        raise CurationError(f"language {lang}: no corpus source provides it")
    found = []
    for d in corpus_dirs:
        path = Path(d) / "counts.json"
        if not path.is_file():
            return
        counts = read_json(path)
        entry = counts.get("langs", {}).get(lang)
        if entry is None:
            found.append(f"source {counts['source']}: not one of its fetched languages")
        elif entry["documents"]:
            return
        else:
            unit = counts.get("unit", "files")
            found.append(f"source {counts['source']}: 0 documents of {entry.get(unit, 0)} {lang} {unit} "
                         f"({top_reasons(entry.get('dropped', {}))})")
    raise CurationError(f"language {lang}: the corpus stage (build_corpus) gave it no documents from any "
                        f"source — {'; '.join(found)}")


def filter_shard(corpus_dirs: list[str | Path], shard: str, lang: str, curate_config: dict, *, n_shards: int,
                 out_parquet: str | Path, out_stats: str | Path, out_flagged: str | Path, threads: int = 1) -> dict:
    """Step 1 for one (language, shard); see the module docstring. ``curate_config`` is the rule's
    params (``pipeline.step_config`` of a validated config: every key present)."""
    check_language_has_documents(corpus_dirs, lang)
    settings = FilterSettings.from_params(curate_config, lang)
    t, ruff = settings.thresholds, settings.ruff
    minhash = settings.near_dedup.minhash()
    work = _Work(t, lang, ruff, minhash)
    docs = read_language_shard(corpus_dirs, shard, lang).to_pylist()
    batches = [docs[i:i + BATCH] for i in range(0, len(docs), BATCH)]
    results: list = []
    label = f"filter {lang}/{shard}"
    if threads > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=threads) as pool:
            for r in track(pool.map(_process, batches, [work] * len(batches)), label, total=len(batches),
                           unit="batch"):
                results.extend(r)
    else:
        for batch in track(batches, label, unit="batch"):
            results.extend(_process(batch, work))

    ledger = CurationLedger(keep_content=settings.keep_flagged)
    ledger.expect("duplicate")  # the checks that always run are reported even at zero
    if lang == "python" and ruff.enabled and ruff.undefined_names:
        ledger.expect("undefined_name")
    seen: set[str] = set()
    kept: list[dict] = []
    fixed = Counter()
    for doc, (reason, detail, content, hashes) in zip(docs, results, strict=True):
        if reason is None and doc["doc_id"] in seen:
            reason = "duplicate"
        if reason is not None:
            ledger.drop(doc, reason, detail)
            continue
        seen.add(doc["doc_id"])
        if content is not None:  # Ruff fixed whitespace: the document is its fixed text
            fixed["documents"] += 1
            fixed["bytes_removed"] += doc["bytes"] - len(content.encode("utf-8"))
            doc = {**doc, "content": content, "doc_id": doc_id(content), "bytes": len(content.encode("utf-8"))}
        doc["repo_shard"] = repo_shard(doc["source"], doc["repo"], n_shards)
        if minhash:
            doc.update(zip(band_columns(minhash["bands"]), hashes, strict=True))
        kept.append(doc)

    stats = {"step": "filter", "lang": lang, "shard": shard, "thresholds": t.__dict__, "minhash": minhash,
             "input": totals(docs), "kept": totals(kept), "dropped": ledger.dropped(),
             "ruff_fixed": {"documents": fixed["documents"], "bytes_removed": fixed["bytes_removed"]}}
    check_balance(f"filter {lang}/{shard}", stats["input"], stats["kept"], stats["dropped"],
                  changed={"bytes": fixed["bytes_removed"]})
    _write_by_repo_shard(kept, out_parquet, minhash)
    ledger.write_flagged(out_flagged)
    write_json(out_stats, stats)
    return stats


def _write_by_repo_shard(kept: list[dict], out_parquet, minhash: dict | None) -> None:
    schema = SCHEMA.append(pa.field("repo_shard", pa.int32()))
    for name in band_columns(minhash["bands"]) if minhash else []:
        schema = schema.append(pa.field(name, pa.uint64()))
    table = pa.Table.from_pylist(kept, schema=schema)
    table = table.take(pc.sort_indices(table, [("repo_shard", "ascending"), ("source", "ascending"),
                                               ("repo", "ascending"), ("path", "ascending")]))
    with atomic_path(out_parquet, suffix=".parquet") as tmp:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            if table.num_rows == 0:
                writer.write_table(table)
            for value in np.unique(table.column("repo_shard").to_numpy()):  # one row group per repository shard
                writer.write_table(table.filter(pc.equal(table.column("repo_shard"), value)))
