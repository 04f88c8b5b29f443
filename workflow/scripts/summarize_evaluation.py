"""Adapter for rule summarize_evaluation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_parquet  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402

s = snakemake  # noqa: F821
frame = build_summary(list(s.input.specs), list(s.input.evals), list(s.input.tasks))
write_parquet(s.output[0], frame)
print(f"{len(frame)} rows", file=sys.stderr)
