"""Adapter for rule plot_paper_token_composition: token composition, uniform vs optimized."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json  # noqa: E402
from codescale.figures.paper_allocation import composition_table, plot_token_composition  # noqa: E402

s = snakemake  # noqa: F821
allocation = read_json(s.input.allocation)
plot_token_composition(allocation, s.output.pdf, s.output.png, budget=s.wildcards.budget)
print(composition_table(allocation).to_string(), file=sys.stderr)
