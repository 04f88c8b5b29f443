"""Adapter for rule plot_strategy."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import atomic_path  # noqa: E402
from codescale.evaluate.summary import strategy_table  # noqa: E402
from codescale.figures.strategy import plot_strategy  # noqa: E402

s = snakemake  # noqa: F821
table = strategy_table(pd.read_parquet(s.input.summary))
with atomic_path(s.output.table) as tmp:
    table.to_csv(tmp, index=False, float_format="%.5g")
plot_strategy(table, s.output.pdf, s.output.png)
print(table.to_string(), file=sys.stderr)
