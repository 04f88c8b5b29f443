"""Adapter for rule compare_allocation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.allocate.compare import (  # noqa: E402
    allocation_difference,
    compare_allocation,
    measured_losses,
    verdict_sentence,
)
from codescale.artifacts import read_json, write_text  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402

s = snakemake  # noqa: F821
summary = build_summary(list(s.input.specs), list(s.input.evals))
allocation = read_json(s.input.allocation)
runs = {mixture: list(ids) for mixture, ids in dict(s.params.runs).items()}
frame = compare_allocation(allocation, summary, runs)
difference = allocation_difference(measured_losses(allocation, summary, runs))
write_text(s.output.comparison, frame.to_csv(index=False))
write_text(s.output.difference, difference.to_csv(index=False))
print(frame.to_string(), file=sys.stderr)
print(difference.to_string(), file=sys.stderr)
print(verdict_sentence(difference), file=sys.stderr)
