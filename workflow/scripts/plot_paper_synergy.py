"""Adapter for rule plot_paper_synergy."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_text  # noqa: E402
from codescale.figures.paper_laws import plot_synergy_comparison  # noqa: E402

s = snakemake  # noqa: F821
table = plot_synergy_comparison(pd.read_csv(s.input[0]), s.output.pdf, s.output.png)
write_text(s.output.table, table.to_csv(index=False))
