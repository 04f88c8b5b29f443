"""Per-language laws ``L(N, D) = A·N^-α + B·D^-β + E`` (the paper's §3), one :class:`PowerLaw`
form fitted by the shared robust fitter (:mod:`codescale.laws.fitter`).

Conventions: N is the non-embedding parameter count, D the training tokens, L the validation loss
in nats per token, all in raw units (not billions), so A and B are in those units too. Held-out
errors: leave-one-out, and extrapolation with the largest model (and, separately, the largest
budget) held out: fitted on the rest, predicted there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from codescale.laws.fitter import DEFAULT_OPTIONS, FitOptions, fit_law
from codescale.laws.forms import PowerLaw

PARAMS = ("A", "alpha", "B", "beta", "E")
POWER_LAW = PowerLaw()

__all__ = ["PARAMS", "FitOptions", "Law", "fit_with_uncertainty", "fit_language_laws", "scaling_rows"]


@dataclass(frozen=True)
class Law:
    A: float
    alpha: float
    B: float
    beta: float
    E: float

    def predict(self, n, d):
        n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
        return self.A * n ** -self.alpha + self.B * d ** -self.beta + self.E

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_fit(cls, fit: dict) -> Law:
        return cls(**{p: fit["params"][p] for p in PARAMS})


def extrapolation_sets(n, d) -> dict[str, np.ndarray]:
    """Held-out masks: the largest model, the largest budget."""
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    return {"largest_model": n == n.max(), "largest_budget": d == d.max()}


def fit_with_uncertainty(n, d, loss, opts: FitOptions = DEFAULT_OPTIONS, groups=None,
                         form: PowerLaw = POWER_LAW) -> dict:
    """Fit, bootstrap intervals (95%, draws kept), leave-one-out and extrapolation errors."""
    n, d, loss = (np.asarray(x, dtype=float) for x in (n, d, loss))
    if len(loss) < len(PARAMS):
        raise ValueError(f"need at least {len(PARAMS)} points to fit 5 parameters, got {len(loss)}")
    if np.any(loss <= 0) or np.any(n <= 0) or np.any(d <= 0):
        raise ValueError("N, D and loss must be positive")
    fitted = fit_law(form, {"N": n, "D": d}, loss, opts, heldout=extrapolation_sets(n, d),
                     groups=groups)
    out = fitted.to_dict()
    out["points"] = [{"N": float(a), "D": float(b), "loss": float(c)}
                     for a, b, c in zip(n, d, loss, strict=True)]
    out["options"] = {"huber_delta": opts.huber_delta, "starts": len(form.starts({}, loss)),
                      "refine_top": opts.refine_top, "refit_maxiter": opts.refit_maxiter}
    return out


def scaling_rows(summary, lang: str):
    """Validation-loss rows of the single-language runs of ``lang`` (the ``scaling`` family),
    scored on ``lang`` itself."""
    return summary[(summary.family == "scaling") & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & (summary.mixture == lang)
                   & (summary.lang_or_direction == lang)]


def fit_language_laws(summary, languages: list[str], opts: FitOptions = DEFAULT_OPTIONS) -> dict:
    """Per-language fits from the ``scaling`` family rows of ``eval/summary.parquet``: each run
    trained on language ℓ alone, scored on ℓ's validation loss; every seed's point is used and
    the bootstrap resamples (model, budget) cells, so seeds of one cell stay together."""
    laws = {}
    for lang in languages:
        sub = scaling_rows(summary, lang)
        if sub.empty:
            raise ValueError(f"no scaling runs evaluated for language {lang!r}")
        cells = sub.params.astype(str) + "/" + sub.tokens.astype(str)
        laws[lang] = fit_with_uncertainty(sub.params.to_numpy(), sub.tokens.to_numpy(),
                                          sub.value.to_numpy(), opts,
                                          groups=cells.to_numpy() if cells.nunique() < len(sub) else None)
    return laws
