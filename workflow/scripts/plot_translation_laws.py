"""Adapter for rule plot_translation_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json  # noqa: E402
from codescale.figures.translation import plot_translation_laws  # noqa: E402

s = snakemake  # noqa: F821
fits = read_json(s.input.laws)
plot_translation_laws(pd.DataFrame(fits["points"]), fits, s.output.pdf, s.output.png)
