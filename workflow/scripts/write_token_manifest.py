"""Adapter for rule write_token_manifest."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_json  # noqa: E402
from codescale.tokens.manifest import token_manifest  # noqa: E402

s = snakemake  # noqa: F821
write_json(s.output[0], token_manifest(s.input.tokenizer, list(s.input.datasets)))
