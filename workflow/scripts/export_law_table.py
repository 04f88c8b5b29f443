"""Adapter for rule export_law_table."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json, write_text  # noqa: E402
from codescale.laws.table import law_table  # noqa: E402

table = law_table(read_json(snakemake.input[0]))  # noqa: F821
write_text(snakemake.output[0], table.to_csv(index=False))  # noqa: F821
