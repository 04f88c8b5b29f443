"""Adapter for rule optimize_allocation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.allocate.optimize import allocation_report  # noqa: E402
from codescale.artifacts import read_json, write_json  # noqa: E402
from codescale.laws.fit import Law  # noqa: E402

s = snakemake  # noqa: F821
laws = {lang: Law(**fit["params"]) for lang, fit in read_json(s.input.laws).items()}
text = s.params.budget["text_tokens"]  # natural language: fixed, outside the optimisation
report = allocation_report(laws, s.params.model_params, s.params.budget["tokens"] - text,
                           min_share=s.params.min_share, max_share=s.params.max_share,
                           model=s.params.budget["model"], seed=s.params.seed)
report["text_tokens"] = text
write_json(s.output[0], report)
