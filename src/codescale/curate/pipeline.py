"""The curation stage, in three steps over the shards of each language:

1. ``filter_shard`` (one job per language and content-hash shard): the document filters (heuristics,
   syntax), exact deduplication, Ruff for Python (drop undefined names, fix whitespace), and the
   MinHash band hashes of what is kept. Identical contents share a shard (sharding is by content
   hash), so exact deduplication here is global; the first copy in (source, repo, path) order is
   kept. The output is written in repository-shard order (``repo_shard``: one row group each) so
   step 3 reads just its repositories.
2. ``find_near_duplicates`` (one job per language): MinHash LSH over the band hashes of every
   shard, one band at a time; the first document of each cluster in (source, repo, path) order is kept.
3. ``assemble_shard`` (one job per language and repository shard): drops near duplicates and
   documents that overlap the evaluation data, orders each repository's files by their
   dependencies and writes file-level or repository-level documents.

Every step writes per-reason statistics with examples and, for audits, the dropped documents with
their reason ("keep and flag": content included when ``curate.keep_flagged`` is on).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, write_json, write_parquet
from codescale.corpus.documents import CURATED_SCHEMA, SCHEMA, doc_id
from codescale.curate.filters import REASONS, Thresholds, first_reason
from codescale.progress import track

EXAMPLES_PER_REASON = 3
BATCH = 128  # documents per worker task (and per Ruff process)
FLAGGED_SCHEMA = pa.schema([("doc_id", pa.string()), ("source", pa.string()), ("repo", pa.string()),
                            ("path", pa.string()), ("lang", pa.string()), ("bytes", pa.int64()),
                            ("reason", pa.string()), ("detail", pa.string()), ("content", pa.large_string())])


# The keys of the curate config each step reads (its rule's params), so that changing, say, the
# decontamination n-gram reruns step 3 and what follows but not the filters.
STEP_KEYS = {"filter": ("defaults", "languages", "ruff", "near_dedup", "keep_flagged"),
             "near_dedup": ("near_dedup",),
             "assemble": ("decontaminate", "dependency_order", "documents", "keep_flagged")}


def step_config(curate_config: dict, step: str) -> dict:
    """The step's part of the config with keys in sorted order: Snakemake compares params as written,
    so reordering keys in a YAML file must not rerun anything."""
    def canonical(value):
        return {k: canonical(value[k]) for k in sorted(value)} if isinstance(value, dict) else value

    return canonical({k: curate_config[k] for k in STEP_KEYS[step] if k in curate_config})


def thresholds_for(lang: str, curate_config: dict) -> Thresholds:
    values = dict(curate_config.get("defaults", {}))
    values.update(curate_config.get("languages", {}).get(lang, {}))
    return Thresholds(**values)


def band_columns(bands: int) -> list[str]:
    return [f"band{b:02d}" for b in range(bands)]


def repo_shard(source: str, repo: str, n_shards: int) -> int:
    """The output shard of a repository: all its files land in one, so they can be ordered together."""
    return int(hashlib.sha256(f"{source}\0{repo}".encode()).hexdigest()[:12], 16) % n_shards


@dataclass
class Ledger:
    """Documents and bytes dropped per reason, a few examples each, and the flagged rows."""

    keep_content: bool = False
    documents: Counter = field(default_factory=Counter)
    bytes: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))
    flagged: list = field(default_factory=list)

    def drop(self, doc: dict, reason: str, detail: str = "") -> None:
        self.documents[reason] += 1
        self.bytes[reason] += doc["bytes"]
        if len(self.examples[reason]) < EXAMPLES_PER_REASON:
            where = f"{doc['source']}:{doc['repo']}/{doc['path']}"
            self.examples[reason].append(f"{where} ({detail})" if detail else where)
        self.flagged.append({**{k: doc[k] for k in ("doc_id", "source", "repo", "path", "lang", "bytes")},
                             "reason": reason, "detail": detail,
                             "content": doc["content"] if self.keep_content else None})

    def dropped(self, reasons) -> dict:
        return {r: {"documents": self.documents[r], "bytes": self.bytes[r], "examples": self.examples.get(r, [])}
                for r in reasons}

    def write_flagged(self, path) -> None:
        write_parquet(path, pa.Table.from_pylist(self.flagged, schema=FLAGGED_SCHEMA))


def _totals(docs: list[dict]) -> dict:
    return {"documents": len(docs), "bytes": sum(d["bytes"] for d in docs)}


# -- step 1: filters, exact dedup, Ruff, MinHash ------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    thresholds: Thresholds
    lang: str
    ruff: dict
    minhash: dict | None


def _process(batch: list[dict], work: _Work) -> list[tuple[str | None, str, str | None, list[int] | None]]:
    """(reason, detail, fixed content or None, band hashes or None) for each document of a batch."""
    out: list = [[first_reason(doc, work.thresholds), "", None, None] for doc in batch]
    alive = [i for i, o in enumerate(out) if o[0] is None]
    if work.lang == "python" and work.ruff.get("enabled", True) and alive:
        from codescale.curate.static_analysis import WHITESPACE_RULES, check_python

        results = check_python([batch[i]["content"] for i in alive],
                               undefined_names=work.ruff.get("undefined_names", True),
                               fix=WHITESPACE_RULES if work.ruff.get("fix_whitespace", True) else ())
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


def minhash_params(curate_config: dict) -> dict | None:
    """The MinHash parameters of ``curate.near_dedup`` (bands × rows from the threshold), or None when off."""
    cfg = curate_config.get("near_dedup") or {}
    if not cfg.get("enabled", True):
        return None
    from codescale.curate.near_dedup import bands_rows_for

    bands, rows = bands_rows_for(cfg.get("threshold", 0.85), cfg.get("num_perm", 112))
    return {"ngram": cfg.get("ngram", 5), "bands": bands, "rows": rows, "seed": cfg.get("seed", 1)}


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


def filter_shard(corpus_dirs: list[str | Path], shard: str, lang: str, curate_config: dict, *, n_shards: int,
                 out_parquet: str | Path, out_stats: str | Path, out_flagged: str | Path, threads: int = 1) -> dict:
    """Step 1 for one (language, shard); see the module docstring."""
    t = thresholds_for(lang, curate_config)
    minhash = minhash_params(curate_config)
    work = _Work(t, lang, curate_config.get("ruff") or {}, minhash)
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

    ledger = Ledger(keep_content=curate_config.get("keep_flagged", False))
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

    _write_by_repo_shard(kept, out_parquet, minhash)
    ledger.write_flagged(out_flagged)
    stats = {"step": "filter", "lang": lang, "shard": shard, "thresholds": t.__dict__, "minhash": minhash,
             "input": _totals(docs), "kept": _totals(kept), "dropped": ledger.dropped(REASONS),
             "ruff_fixed": {"documents": fixed["documents"], "bytes_removed": fixed["bytes_removed"]}}
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


# -- step 2: near duplicates --------------------------------------------------------------------------------


def find_near_duplicates(filtered: list[str | Path], out_parquet: str | Path, curate_config: dict) -> dict:
    """Cluster one language's documents by MinHash LSH and list every document that is not its cluster's
    first (in source, repo, path order), with the document it duplicates.

    Memory: the sort keys are read once to fix the priority order (then dropped); the band hashes
    are read one band at a time, so the peak is ~24 bytes per document per band plus the union-find.
    """
    from codescale.curate.near_dedup import duplicate_of

    minhash = minhash_params(curate_config)
    keys = pa.concat_tables([pq.read_table(f, columns=["doc_id", "source", "repo", "path"]) for f in filtered])
    order = pc.sort_indices(keys, [("source", "ascending"), ("repo", "ascending"), ("path", "ascending")])
    keys = keys.take(order)
    n = keys.num_rows
    if minhash and n:
        order_np = order.to_numpy()

        def bands():
            for name in band_columns(minhash["bands"]):
                column = np.concatenate([pq.read_table(f, columns=[name]).column(0).to_numpy() for f in filtered])
                yield column[order_np]

        rep = duplicate_of(bands(), n)
    else:
        rep = np.arange(n)
    dup = np.flatnonzero(rep != np.arange(n))
    table = pa.table({"doc_id": keys.column("doc_id").take(dup),
                      "duplicate_of": keys.column("doc_id").take(rep[dup]),
                      "example": pc.binary_join_element_wise(keys.column("repo").take(rep[dup]),
                                                             keys.column("path").take(rep[dup]), "/")})
    write_parquet(out_parquet, table)
    clusters = len(np.unique(rep[dup]))
    return {"documents": n, "near_duplicates": len(dup), "clusters": clusters, "minhash": minhash}


# -- the evaluation data to decontaminate against ------------------------------------------------------------


def evaluation_texts(synth_corpus: str | Path | None = None, humaneval: bool = False,
                     multipl_e: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(item id, text) of every evaluation item: both sides of the held-out translation pairs, HumanEval's
    prompts with their canonical solutions, and MultiPL-E prompts."""
    texts: dict[str, str] = {}
    if synth_corpus:
        path = Path(synth_corpus) / "eval_pairs.parquet"
        t = pq.read_table(path, columns=["pair_id", "src", "tgt"])
        for pair, src, tgt in zip(*(t.column(c).to_pylist() for c in ("pair_id", "src", "tgt")), strict=True):
            texts.setdefault(src, f"translation:{pair}:src")
            texts.setdefault(tgt, f"translation:{pair}:tgt")
    from codescale.evaluate.completion import humaneval_problems, multipl_e_problems

    for p in humaneval_problems() if humaneval else []:
        texts.setdefault(p.prompt + p.solution, p.name)
    if multipl_e:
        for lang, file in sorted(multipl_e.items()):
            for p in multipl_e_problems(lang, file):
                texts.setdefault(p.prompt, f"multipl_e:{lang}:{p.name}")
    return [(item, text) for text, item in texts.items()]


def index_evaluation_data(out: str | Path, *, ngram: int, synth_corpus=None, humaneval=False, multipl_e=None) -> dict:
    from codescale.curate.decontaminate import EvalIndex

    texts = evaluation_texts(synth_corpus, humaneval, multipl_e)
    EvalIndex(texts, n=ngram).save(out)
    return {"items": len(texts), "ngram": ngram}


# -- step 3: decontamination, dependency order, documents ---------------------------------------------------


def read_repo_shard(filtered: list[str | Path], shard_index: int) -> list[dict]:
    """The rows of every filtered shard that belong to repository shard ``shard_index`` (row-group pruning)."""
    tables = [pq.read_table(f, columns=SCHEMA.names, filters=[("repo_shard", "=", shard_index)]) for f in filtered]
    table = pa.concat_tables([t.cast(SCHEMA) for t in tables]) if tables else SCHEMA.empty_table()
    table = table.take(pc.sort_indices(table, [("source", "ascending"), ("repo", "ascending"),
                                               ("path", "ascending")]))
    return table.to_pylist()


def assemble_shard(filtered: list[str | Path], near_duplicates: str | Path | None, eval_index: str | Path | None,
                   shard: str, lang: str, curate_config: dict, *, out_parquet: str | Path, out_stats: str | Path,
                   out_flagged: str | Path) -> dict:
    """Step 3 for one (language, repository shard); see the module docstring."""
    from codescale.curate.dependencies import dependency_order, repository_document

    shard_index = int(shard.removeprefix("part"))
    docs = read_repo_shard(filtered, shard_index)
    ledger = Ledger(keep_content=curate_config.get("keep_flagged", False))
    dups = {}
    if near_duplicates:
        t = pq.read_table(near_duplicates, columns=["doc_id", "example"])
        dups = dict(zip(t.column("doc_id").to_pylist(), t.column("example").to_pylist(), strict=True))
    index, min_matches = None, 1
    if eval_index:
        from codescale.curate.decontaminate import EvalIndex, contaminated

        index = EvalIndex.load(eval_index)
        min_matches = (curate_config.get("decontaminate") or {}).get("min_matches", 1)

    repos: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for doc in track(docs, f"assemble {lang}/{shard}", unit="doc"):
        if doc["doc_id"] in dups:
            ledger.drop(doc, "near_duplicate", f"like {dups[doc['doc_id']]}")
            continue
        if index is not None and (item := contaminated(index, doc["content"], min_matches)) is not None:
            ledger.drop(doc, "contaminated", f"overlaps {item}")
            continue
        repos[(doc["source"], doc["repo"])].append(doc)

    from codescale.curate.dependencies import LANGUAGES as ORDERED_LANGUAGES

    ordering = curate_config.get("dependency_order", True) and lang in ORDERED_LANGUAGES  # not `text`
    level = curate_config.get("documents", "file")
    out: list[dict] = []
    for (source, repo), files in repos.items():
        pairs = [(d["path"], d["content"]) for d in files]
        order = dependency_order(lang, pairs) if ordering else list(range(len(files)))
        if level == "repository":
            content = repository_document(lang, pairs, order)
            out.append({"doc_id": doc_id(content), "source": source, "repo": repo, "path": "", "lang": lang,
                        "content": content, "bytes": len(content.encode("utf-8")), "order": 0})
        else:
            out.extend({**files[i], "order": position} for position, i in enumerate(order))
    write_parquet(out_parquet, pa.Table.from_pylist(out, schema=CURATED_SCHEMA))
    ledger.write_flagged(out_flagged)
    kept_files = [d for files in repos.values() for d in files]
    stats = {"step": "assemble", "lang": lang, "shard": shard, "input": _totals(docs), "kept": _totals(kept_files),
             "documents_out": len(out), "repositories": len(repos), "dependency_order": ordering, "documents": level,
             "dropped": ledger.dropped(("near_duplicate", "contaminated"))}
    write_json(out_stats, stats)
    return stats


# -- summary ------------------------------------------------------------------------------------------------


def summarize(stats_files: list[str | Path]) -> list[dict]:
    """One row per (lang, step) summed over shards and steps, for summary.tsv: ``input`` (what the filters
    saw), every drop reason (with examples), ``kept`` (what the last step kept) and ``ruff_fixed``."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in stats_files:
        s = json.loads(Path(f).read_text())
        lang = s["lang"]
        if s.get("step", "filter") == "filter":
            totals[(lang, "input")][0] += s["input"]["documents"]
            totals[(lang, "input")][1] += s["input"]["bytes"]
            fixed = s.get("ruff_fixed", {})
            if fixed.get("documents"):
                totals[(lang, "ruff_fixed")][0] += fixed["documents"]
                totals[(lang, "ruff_fixed")][1] += fixed["bytes_removed"]
        if s.get("step") == "assemble":
            totals[(lang, "kept")][0] += s["kept"]["documents"]
            totals[(lang, "kept")][1] += s["kept"]["bytes"]
        for reason, v in s["dropped"].items():
            totals[(lang, reason)][0] += v["documents"]
            totals[(lang, reason)][1] += v["bytes"]
            examples[(lang, reason)].extend(v.get("examples", []))
    rows = []
    for (lang, what), (n, b) in sorted(totals.items()):
        inp = totals[(lang, "input")]
        rows.append({"lang": lang, "step": what, "documents": n, "bytes": b,
                     "share_of_documents": round(n / inp[0], 4) if inp[0] else 0.0,
                     "share_of_bytes": round(b / inp[1], 4) if inp[1] else 0.0,
                     "examples": "; ".join(examples[(lang, what)][:EXAMPLES_PER_REASON])})
    return rows
