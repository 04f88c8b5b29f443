"""Adapter for rule plot_curation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.figures.curation import plot_curation  # noqa: E402

s = snakemake  # noqa: F821
plot_curation(pd.read_csv(s.input[0], sep="\t"), s.output.pdf, s.output.png)
