"""The curation stage, in three steps over the shards of each language, one module each so that an
edit to one step reruns only that step and what follows:

1. ``filtering.filter_shard`` (one job per language and content-hash shard): the document filters,
   exact deduplication, Ruff for Python, and the MinHash band hashes of what is kept, written in
   repository-shard order.
2. ``near_duplicates.find_near_duplicates`` (one job per language): MinHash LSH over the band hashes
   of every shard (``near_dedup`` holds the algorithm).
3. ``assembly.assemble_shard`` (one job per language and repository shard): drops near duplicates
   and documents that overlap the evaluation data (``evaluation_data``), orders each repository's
   files by their dependencies and writes file-level or repository-level documents.

Every step writes per-reason statistics with examples and, for audits, the dropped documents with
their reason (``ledger``); ``summary`` turns the statistics into ``curate/summary.tsv``.

This module holds only which part of the ``curate`` config each step reads (``step_config``, used
by the rules' params), so the rules can import it without importing any step, and no step's script
imports it.
"""

from __future__ import annotations

# The keys of the curate config each step reads (its rule's params), so that changing, say, the
# decontamination n-gram reruns step 3 and what follows but not the filters.
STEP_KEYS = {"filter": ("defaults", "languages", "ruff", "near_dedup", "keep_flagged"),
             "near_dedup": ("near_dedup",),
             "assemble": ("decontaminate", "dependency_order", "documents", "keep_flagged")}


def step_config(curate_config: dict, step: str) -> dict:
    """The step's part of a validated ``curate`` config (every key present, defaults filled in) with
    keys in sorted order: Snakemake compares params as written, so reordering keys in a YAML file must
    not rerun anything."""
    def canonical(value):
        return {k: canonical(value[k]) for k in sorted(value)} if isinstance(value, dict) else value

    return canonical({k: curate_config[k] for k in STEP_KEYS[step]})
