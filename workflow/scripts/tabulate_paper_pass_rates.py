"""Adapter for rule tabulate_paper_pass_rates: Pass@1 per organization and model (the paper's Table 3)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_text  # noqa: E402
from codescale.figures.paper_strategy import pass_at_1_table  # noqa: E402

s = snakemake  # noqa: F821
table = pass_at_1_table(pd.read_parquet(s.input.summary))
write_text(s.output.table, table.to_csv(index=False, float_format="%.6g"))
print(table.to_string(), file=sys.stderr)
