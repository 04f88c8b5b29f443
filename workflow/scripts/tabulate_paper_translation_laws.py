"""Adapter for rule tabulate_paper_translation_laws: the paper's Table 2 (translation laws) beside ours."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import pandas as pd  # noqa: E402

from codescale.artifacts import write_text  # noqa: E402
from codescale.figures.paper_strategy import translation_law_comparison  # noqa: E402

s = snakemake  # noqa: F821
table = translation_law_comparison(pd.read_csv(s.input.laws))
write_text(s.output.table, table.to_csv(index=False, float_format="%.6g"))
print(table.drop(columns="note").to_string(), file=sys.stderr)
