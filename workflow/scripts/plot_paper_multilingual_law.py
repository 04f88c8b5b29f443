"""Adapter for rule plot_paper_multilingual_law."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json, write_text  # noqa: E402
from codescale.figures.paper_laws import plot_multilingual_law  # noqa: E402

s = snakemake  # noqa: F821
table = plot_multilingual_law(read_json(s.input.laws), pd.read_csv(s.input.comparison), s.output.pdf, s.output.png)
write_text(s.output.table, table.to_csv(index=False))
