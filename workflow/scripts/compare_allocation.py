"""Adapter for rule compare_allocation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.allocate.compare import compare_allocation  # noqa: E402
from codescale.artifacts import read_json, write_text  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402

s = snakemake  # noqa: F821
summary = build_summary(list(s.input.specs), list(s.input.evals))
frame = compare_allocation(read_json(s.input.allocation), summary, dict(s.params.runs))
write_text(s.output[0], frame.to_csv(index=False))
print(frame.to_string(), file=sys.stderr)
