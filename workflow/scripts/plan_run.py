"""Adapter for rule plan_run."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json, write_json  # noqa: E402
from codescale.experiments.grid import with_allocation  # noqa: E402

s = snakemake  # noqa: F821
spec = dict(s.params.spec)
allocation = [s.input.allocation] if isinstance(s.input.allocation, str) else list(s.input.allocation)
if allocation:  # optimized allocation runs take their blend from the allocate stage
    spec = with_allocation(spec, read_json(allocation[0]))
write_json(s.output[0], spec)
