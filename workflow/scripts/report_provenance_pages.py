"""Adapter for rule report_provenance_pages."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json  # noqa: E402
from codescale.report import write_pages  # noqa: E402

s = snakemake  # noqa: F821
write_pages(read_json(s.input[0]), page=s.output.page, front=s.output.front)
