"""Adapter for rule tokenize_language."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory, write_tree_digest  # noqa: E402
from codescale.tokens.shards import merge_parts  # noqa: E402

s = snakemake  # noqa: F821
counts = merge_parts([digested_directory(p) for p in s.input.parts], s.output.tokens,
                     upstream=f"curation of {s.wildcards.lang} (results/curate/summary.tsv)")
write_tree_digest(s.output.tokens, s.output.digest)
print(counts, file=sys.stderr)
