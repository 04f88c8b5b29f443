"""Adapter for rule summarize_curation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_text  # noqa: E402
from codescale.curate.summary import summarize  # noqa: E402

rows = summarize(list(snakemake.input))  # noqa: F821
write_text(snakemake.output[0], pd.DataFrame(rows).to_csv(sep="\t", index=False))  # noqa: F821
