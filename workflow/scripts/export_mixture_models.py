"""Adapter for rule export_mixture_models."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import read_json, write_text  # noqa: E402

s = snakemake  # noqa: F821
write_text(s.output[0], pd.DataFrame(read_json(s.input[0])["comparison"]).to_csv(index=False))
