"""Adapter for rule fit_language_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_json  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402
from codescale.laws.fit import FitOptions, fit_language_laws  # noqa: E402

s = snakemake  # noqa: F821
summary = build_summary(list(s.input.specs), list(s.input.evals))
opts = FitOptions(huber_delta=s.params.options["huber_delta"],
                  bootstrap=s.params.options["bootstrap"], seed=s.params.options["seed"])
write_json(s.output[0], fit_language_laws(summary, s.params.languages, opts))
