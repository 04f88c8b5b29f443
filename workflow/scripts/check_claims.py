"""Adapter for rule check_claims."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.claims import check_claims, read_inputs, write_claims  # noqa: E402

s = snakemake  # noqa: F821
table = check_claims(**read_inputs(dict(s.input.items()), s.params.budgets))
write_claims(table, s.output.table, s.output.html)
print(table[["claim_id", "verdict", "reason"]].to_string(), file=sys.stderr)
