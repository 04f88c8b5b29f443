"""Adapter for rule tokenize_language."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.tokens.shards import tokenize_dataset  # noqa: E402

s = snakemake  # noqa: F821
counts = tokenize_dataset(list(s.input.shards), s.input.tokenizer, s.output[0],
                          valid_fraction=s.params.valid_fraction)
print(counts, file=sys.stderr)
