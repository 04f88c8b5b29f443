"""Adapter for rule fit_mixture_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import read_json, write_json  # noqa: E402
from codescale.evaluate.summary import build_summary, read_specs  # noqa: E402
from codescale.laws.fit import Law  # noqa: E402
from codescale.laws.fitter import FitOptions  # noqa: E402
from codescale.laws.mixture import mixture_laws_report, mixture_observations  # noqa: E402
from codescale.laws.synergy import transfer_coefficients_from_json  # noqa: E402

s = snakemake  # noqa: F821
languages = list(s.params.languages)
summary = build_summary(list(s.input.specs), list(s.input.evals))
laws = {lang: Law.from_fit(fit) for lang, fit in read_json(s.input.laws).items()}
# Without a synergy family τ is 0 and the paper form's γ is not identified (the report says so).
tau = transfer_coefficients_from_json(read_json(s.input.synergy)) if "synergy" in s.input.keys() else {}
opts = FitOptions(huber_delta=s.params.options["huber_delta"], bootstrap=s.params.options["bootstrap"],
                  seed=s.params.options["seed"])
obs = mixture_observations(summary, read_specs(s.input.specs), read_json(s.input.manifest), languages)
report, comparison = mixture_laws_report(obs, languages, laws, tau, opts, requested=s.params.law)
report["comparison"] = comparison.to_dict(orient="records")
write_json(s.output[0], report)
