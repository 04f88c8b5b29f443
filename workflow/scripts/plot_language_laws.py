"""Adapter for rule plot_language_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json  # noqa: E402
from codescale.figures.laws import plot_loss_vs_params, plot_loss_vs_tokens  # noqa: E402

s = snakemake  # noqa: F821
summary = pd.read_parquet(s.input.summary)
laws = read_json(s.input.laws)
plot_loss_vs_tokens(summary, laws, s.output.tokens_pdf, s.output.tokens_png)
plot_loss_vs_params(summary, laws, s.output.params_pdf, s.output.params_png)
