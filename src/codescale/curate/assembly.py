"""Curation step 3, ``assemble_shard`` (one job per language and repository shard): drops near
duplicates (``near_duplicate``) and documents that overlap the evaluation data (``contaminated``),
orders each repository's files by their dependencies and writes file-level or repository-level
documents.

A file whose dependency analysis raised is kept — the analysis only decides its position, and its
content passed every filter — and counted under ``dependency_analysis_error`` in the stats'
``noted`` (with examples), so a grammar or analysis bug shows in the summary instead of silently
costing data; its place in the order follows the imports found before the failure.
``input = kept + Σ dropped`` is checked before anything is written.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codescale.artifacts import write_json, write_parquet
from codescale.corpus.documents import CURATED_SCHEMA, SCHEMA, doc_id
from codescale.corpus.ledger import check_balance
from codescale.curate.ledger import CurationError, CurationLedger, totals
from codescale.languages import language
from codescale.progress import track


def _read(path: str | Path, what: str, **kw) -> pa.Table:
    try:
        return pq.read_table(path, **kw)
    except (pa.ArrowException, OSError) as err:
        raise CurationError(f"{path}: unreadable {what} ({err})") from err


def read_repo_shard(filtered: list[str | Path], shard_index: int) -> list[dict]:
    """The rows of every filtered shard that belong to repository shard ``shard_index`` (row-group pruning)."""
    tables = [_read(f, "filtered shard", columns=SCHEMA.names, filters=[("repo_shard", "=", shard_index)])
              for f in filtered]
    table = pa.concat_tables([t.cast(SCHEMA) for t in tables]) if tables else SCHEMA.empty_table()
    table = table.take(pc.sort_indices(table, [("source", "ascending"), ("repo", "ascending"),
                                               ("path", "ascending")]))
    return table.to_pylist()


@dataclass(frozen=True)
class Decontaminate:
    """``curate.decontaminate`` (no field defaults: the schema's are the only ones)."""

    enabled: bool
    ngram: int
    min_matches: int


@dataclass(frozen=True)
class AssembleSettings:
    """The assembly step's part of a validated ``curate`` config (its rule's params)."""

    decontaminate: Decontaminate
    dependency_order: bool
    documents: str  # file | repository
    keep_flagged: bool

    @classmethod
    def from_params(cls, curate_config: dict) -> AssembleSettings:
        return cls(decontaminate=Decontaminate(**curate_config["decontaminate"]),
                   dependency_order=curate_config["dependency_order"], documents=curate_config["documents"],
                   keep_flagged=curate_config["keep_flagged"])


def assemble_shard(filtered: list[str | Path], near_duplicates: str | Path | None, eval_index: str | Path | None,
                   shard: str, lang: str, curate_config: dict, *, out_parquet: str | Path, out_stats: str | Path,
                   out_flagged: str | Path) -> dict:
    """Step 3 for one (language, repository shard); see the module docstring. ``curate_config`` is the
    rule's params (``pipeline.step_config`` of a validated config: every key present)."""
    from codescale.curate.dependencies import dependency_order, repository_document

    settings = AssembleSettings.from_params(curate_config)
    shard_index = int(shard.removeprefix("part"))
    docs = read_repo_shard(filtered, shard_index)
    ledger = CurationLedger(keep_content=settings.keep_flagged)
    dups = {}
    if near_duplicates:
        ledger.expect("near_duplicate")
        t = _read(near_duplicates, "near-duplicate table", columns=["doc_id", "example"])
        dups = dict(zip(t.column("doc_id").to_pylist(), t.column("example").to_pylist(), strict=True))
    index, min_matches = None, settings.decontaminate.min_matches
    if eval_index:
        from codescale.curate.decontaminate import EvalIndex, contaminated

        ledger.expect("contaminated")
        try:
            index = EvalIndex.load(eval_index)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as err:
            raise CurationError(f"{eval_index}: unreadable evaluation index ({err})") from err

    repos: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for doc in track(docs, f"assemble {lang}/{shard}", unit="doc"):
        if doc["doc_id"] in dups:
            ledger.drop(doc, "near_duplicate", f"like {dups[doc['doc_id']]}")
            continue
        if index is not None and (item := contaminated(index, doc["content"], min_matches)) is not None:
            ledger.drop(doc, "contaminated", f"overlaps {item}")
            continue
        repos[(doc["source"], doc["repo"])].append(doc)

    ordering = settings.dependency_order and language(lang).dependency_ordered  # not `text`
    level = settings.documents
    out: list[dict] = []
    for (source, repo), files in repos.items():
        pairs = [(d["path"], d["content"]) for d in files]
        errors: dict[int, str] = {}
        order = dependency_order(lang, pairs, errors=errors) if ordering else list(range(len(files)))
        for i, message in sorted(errors.items()):
            ledger.note(files[i], "dependency_analysis_error", message)
        if level == "repository":
            content = repository_document(lang, pairs, order)
            out.append({"doc_id": doc_id(content), "source": source, "repo": repo, "path": "", "lang": lang,
                        "content": content, "bytes": len(content.encode("utf-8")), "order": 0})
        else:
            out.extend({**files[i], "order": position} for position, i in enumerate(order))
    kept_files = [d for files in repos.values() for d in files]
    stats = {"step": "assemble", "lang": lang, "shard": shard, "input": totals(docs), "kept": totals(kept_files),
             "documents_out": len(out), "repositories": len(repos), "dependency_order": ordering, "documents": level,
             "dropped": ledger.dropped(), "noted": ledger.notes.dropped()}
    check_balance(f"assemble {lang}/{shard}", stats["input"], stats["kept"], stats["dropped"])
    write_parquet(out_parquet, pa.Table.from_pylist(out, schema=CURATED_SCHEMA))
    ledger.write_flagged(out_flagged)
    write_json(out_stats, stats)
    return stats
