"""Adapter for rule train_model."""
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json  # noqa: E402
from codescale.train.loop import train_run  # noqa: E402

s = snakemake  # noqa: F821
run_dir = Path(s.output.metrics).parent
result = train_run(read_json(s.input.spec), run_dir, Path(s.input.manifest).parent,
                   threads=s.threads, log_interval=s.params.log_interval)
print(result, file=sys.stderr)
