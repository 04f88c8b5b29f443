"""Adapter for rule plot_mixture_models."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json  # noqa: E402
from codescale.figures.mixture import plot_mixture_models  # noqa: E402

s = snakemake  # noqa: F821
plot_mixture_models(read_json(s.input.laws), pd.read_csv(s.input.comparison), s.output.pdf, s.output.png)
