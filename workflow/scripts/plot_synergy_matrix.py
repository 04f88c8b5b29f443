"""Adapter for rule plot_synergy_matrix."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.figures.synergy import plot_synergy_matrix  # noqa: E402

s = snakemake  # noqa: F821
plot_synergy_matrix(pd.read_csv(s.input[0]), s.output.pdf, s.output.png)
