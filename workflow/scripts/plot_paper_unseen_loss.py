"""Adapter for rule plot_paper_unseen_loss: unseen-direction loss by size, ours and the paper's."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.figures.paper_strategy import plot_unseen_loss, unseen_gap  # noqa: E402

s = snakemake  # noqa: F821
summary = pd.read_parquet(s.input.summary)
plot_unseen_loss(summary, s.output.pdf, s.output.png)
print(unseen_gap(summary).to_string(), file=sys.stderr)
