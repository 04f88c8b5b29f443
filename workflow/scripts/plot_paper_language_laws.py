"""Adapter for rule plot_paper_language_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json, write_text  # noqa: E402
from codescale.figures.paper_laws import (  # noqa: E402
    language_law_table,
    plot_language_surfaces,
    plot_law_parameters,
    rank_correlations,
)

s = snakemake  # noqa: F821
laws = read_json(s.input[0])
write_text(s.output.table, language_law_table(laws).to_csv(index=False))
write_text(s.output.ranks, rank_correlations(laws).to_csv(index=False))
plot_language_surfaces(laws, s.output.surfaces_pdf, s.output.surfaces_png)
plot_law_parameters(laws, s.output.parameters_pdf, s.output.parameters_png)
