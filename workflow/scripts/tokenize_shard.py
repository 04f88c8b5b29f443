"""Adapter for rule tokenize_shard."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_tree_digest  # noqa: E402
from codescale.tokens.shards import tokenize_dataset  # noqa: E402

s = snakemake  # noqa: F821
counts = tokenize_dataset([s.input.shard], s.input.tokenizer, s.output.tokens,
                          valid_fraction=s.params.valid_fraction, require=())
write_tree_digest(s.output.tokens, s.output.digest)
print(counts, file=sys.stderr)
