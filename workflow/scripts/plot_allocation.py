"""Adapter for rule plot_allocation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json  # noqa: E402
from codescale.figures.allocation import plot_allocation  # noqa: E402

s = snakemake  # noqa: F821
plot_allocation(read_json(s.input.allocation), pd.read_csv(s.input.comparison), s.output.pdf,
                s.output.png, difference=pd.read_csv(s.input.difference))
