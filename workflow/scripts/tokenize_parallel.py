"""Adapter for rule tokenize_parallel."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_tree_digest  # noqa: E402
from codescale.tokens.shards import tokenize_dataset  # noqa: E402

s = snakemake  # noqa: F821
counts = tokenize_dataset([s.input.documents], s.input.tokenizer, s.output.tokens,
                          valid_fraction=s.params.valid_fraction, require=("train",),
                          upstream=f"synthesis (results/synth/corpus/report.json) or organizing "
                                   f"{s.wildcards.organization}")
write_tree_digest(s.output.tokens, s.output.digest)
print(counts, file=sys.stderr)
