"""Adapter for rule plot_paper_allocation_scores: BLEU, Pass@1 and loss per language, uniform vs optimized."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_text  # noqa: E402
from codescale.figures.paper_allocation import allocation_scores, plot_allocation_scores  # noqa: E402

s = snakemake  # noqa: F821
difference = pd.read_csv(s.input.difference)
scores = allocation_scores(pd.read_parquet(s.input.summary), pd.read_csv(s.input.comparison), difference)
write_text(s.output.table, scores.to_csv(index=False, float_format="%.6g"))
plot_allocation_scores(
    scores,
    s.output.pdf,
    s.output.png,
    difference=difference,
    evaluated=s.params.evaluated,
    budget=s.wildcards.budget,
    scale=s.params.scales[s.wildcards.budget],
)
print(scores.to_string(), file=sys.stderr)
