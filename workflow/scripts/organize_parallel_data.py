"""Adapter for rule organize_parallel_data."""
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_parquet  # noqa: E402
from codescale.synth.organize import organize  # noqa: E402

s = snakemake  # noqa: F821
pairs = pd.read_parquet(Path(s.input[0]) / "train_pairs.parquet")
table = organize(pairs, s.wildcards.organization, s.params.seed)
write_parquet(s.output[0], table)
print(f"{table.num_rows} documents", file=sys.stderr)
