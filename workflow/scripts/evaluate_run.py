"""Adapter for rule evaluate_run."""
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json, write_json  # noqa: E402
from codescale.evaluate.loss import validation_loss  # noqa: E402

s = snakemake  # noqa: F821
spec = read_json(s.input.spec)
results = validation_loss(spec, s.input.checkpoint, Path(s.input.manifest).parent,
                          s.params.datasets, sequences=s.params.sequences, threads=s.threads)
write_json(s.output[0], {"run": spec["run"], "task": s.wildcards.task, "results": results})
