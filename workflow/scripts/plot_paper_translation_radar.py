"""Adapter for rule plot_paper_translation_radar: translation per direction by organization (the radar)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.figures.paper_strategy import plot_translation_radar  # noqa: E402

s = snakemake  # noqa: F821
plot_translation_radar(pd.read_parquet(s.input.summary), s.output.pdf, s.output.png)
