"""Adapter for rule fit_synergy."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_json, write_text  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402
from codescale.laws.synergy import synergy_matrix, synergy_table  # noqa: E402

s = snakemake  # noqa: F821
table = synergy_table(build_summary(list(s.input.specs), list(s.input.evals)))
write_json(s.output[0], synergy_matrix(table))
write_text(s.output[1], table.to_csv(index=False))
print(table.to_string(), file=sys.stderr)
