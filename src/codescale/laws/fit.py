"""Robust fits of ``L(N, D) = A·N^-α + B·D^-β + E`` (Hoffmann et al. 2022, approach 3).

In log space the prediction is ``LSE(a − α·log N, b − β·log D, e)`` with ``A = eᵃ``, ``B = eᵇ``,
``E = eᵉ``; the objective is the Huber loss of the log residuals, minimised with L-BFGS-B (with the
analytic gradient) from every point of a grid of starts, keeping the best. Confidence intervals
come from a bootstrap over data points; the held-out error is leave-one-out on log loss.

Conventions: N is the non-embedding parameter count, D the training tokens, L the validation loss
in nats per token, all in raw units (not billions), so A and B are in those units too.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax

PARAMS = ("A", "alpha", "B", "beta", "E")


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


@dataclass(frozen=True)
class FitOptions:
    huber_delta: float = 1e-3
    grid_log_a: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0)
    grid_log_b: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0)
    grid_log_e: tuple[float, ...] = (-1.0, 0.0, 1.0)
    grid_alpha: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
    grid_beta: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
    max_exponent: float = 5.0
    refine_top: int = 16      # L-BFGS runs from the best grid points (the grid is scored first)
    bootstrap: int = 100
    seed: int = 0


def _objective(theta, log_n, log_d, log_l, delta):
    a, b, e, alpha, beta = theta
    terms = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
    pred = logsumexp(terms, axis=0)
    r = pred - log_l
    abs_r = np.abs(r)
    quad = abs_r <= delta
    loss = np.where(quad, 0.5 * r**2, delta * (abs_r - 0.5 * delta)).sum()
    dr = np.where(quad, r, delta * np.sign(r))          # d huber / d r
    w = softmax(terms, axis=0)                          # d pred / d (each term)
    grad = np.array([
        (dr * w[0]).sum(),
        (dr * w[1]).sum(),
        (dr * w[2]).sum(),
        (dr * w[0] * -log_n).sum(),
        (dr * w[1] * -log_d).sum(),
    ])
    return loss, grad


def _minimize(start, log_n, log_d, log_l, opts: FitOptions):
    bounds = [(None, None), (None, None), (None, None), (0.0, opts.max_exponent),
              (0.0, opts.max_exponent)]
    res = minimize(_objective, np.asarray(start, dtype=float), args=(log_n, log_d, log_l,
                   opts.huber_delta), jac=True, method="L-BFGS-B", bounds=bounds,
                   # The Huber objective on log residuals is tiny (~1e-6) near the optimum, so
                   # the default relative tolerance would stop far too early.
                   options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-12})
    return res


def _to_law(theta) -> Law:
    a, b, e, alpha, beta = theta
    return Law(A=float(np.exp(a)), alpha=float(alpha), B=float(np.exp(b)), beta=float(beta),
               E=float(np.exp(e)))


def _best_grid_points(log_n, log_d, log_l, opts: FitOptions) -> np.ndarray:
    """Score the whole grid of starts at once; return the ``refine_top`` best."""
    grid = np.array(list(itertools.product(opts.grid_log_a, opts.grid_log_b, opts.grid_log_e,
                                           opts.grid_alpha, opts.grid_beta)))
    a, b, e, alpha, beta = (grid[:, i:i + 1] for i in range(5))
    terms = np.stack([a - alpha * log_n, b - beta * log_d, np.broadcast_to(e, (len(grid), len(log_n)))])
    r = np.abs(logsumexp(terms, axis=0) - log_l)
    delta = opts.huber_delta
    score = np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).sum(axis=1)
    return grid[np.argsort(score)[: opts.refine_top]]


def fit_law(n, d, loss, opts: FitOptions = FitOptions(), starts=None) -> tuple[Law, np.ndarray, float]:
    """Best fit over the grid of starts; returns (law, theta, objective)."""
    log_n, log_d, log_l = (np.log(np.asarray(x, dtype=float)) for x in (n, d, loss))
    if starts is None:
        starts = _best_grid_points(log_n, log_d, log_l, opts)
    best = None
    for start in starts:
        res = _minimize(start, log_n, log_d, log_l, opts)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise RuntimeError("scaling-law fit failed from every start")
    return _to_law(best.x), best.x, float(best.fun)


def fit_with_uncertainty(n, d, loss, opts: FitOptions = FitOptions()) -> dict:
    """Fit, bootstrap confidence intervals (95%) and leave-one-out held-out error."""
    n, d, loss = (np.asarray(x, dtype=float) for x in (n, d, loss))
    if len(loss) < len(PARAMS):
        raise ValueError(f"need at least {len(PARAMS)} points to fit 5 parameters, got {len(loss)}")
    if np.any(loss <= 0) or np.any(n <= 0) or np.any(d <= 0):
        raise ValueError("N, D and loss must be positive")
    law, theta, objective = fit_law(n, d, loss, opts)
    log_res = np.log(law.predict(n, d)) - np.log(loss)

    rng = np.random.default_rng(opts.seed)
    boot = []
    for _ in range(opts.bootstrap):
        idx = rng.integers(0, len(loss), len(loss))
        if len(set(zip(n[idx], d[idx], strict=True))) < len(PARAMS):
            continue
        b_law, _, _ = fit_law(n[idx], d[idx], loss[idx], opts, starts=[theta])
        boot.append([getattr(b_law, p) for p in PARAMS])
    boot = np.asarray(boot)
    ci = {p: [float(np.percentile(boot[:, i], 2.5)), float(np.percentile(boot[:, i], 97.5))]
          if len(boot) else [None, None] for i, p in enumerate(PARAMS)}

    loo = []
    for i in range(len(loss)):
        keep = np.arange(len(loss)) != i
        l_law, _, _ = fit_law(n[keep], d[keep], loss[keep], opts, starts=[theta])
        loo.append(float(np.log(l_law.predict(n[i], d[i])) - np.log(loss[i])))
    loo = np.asarray(loo)
    # A parameter at its bound (an exponent at 0 or max_exponent, A/B/E vanishing against the
    # data's scale) means the data do not identify that term: say so instead of hiding it.
    at_bounds = [p for p, v in (("alpha", law.alpha), ("beta", law.beta))
                 if v <= 1e-6 or v >= opts.max_exponent - 1e-6]
    scale = float(np.min(loss))
    at_bounds += [p for p, v in (("A", law.A * np.min(n) ** -law.alpha), ("B", law.B * np.min(d) ** -law.beta),
                                 ("E", law.E)) if v < 1e-3 * scale]
    return {
        "form": "L(N, D) = A*N^-alpha + B*D^-beta + E",
        "params": law.to_dict(),
        "ci95": ci,
        "bootstrap_samples": len(boot),
        "unidentified": sorted(set(at_bounds)),
        "fit": {"objective": objective, "rmse_log": float(np.sqrt(np.mean(log_res**2))),
                "max_abs_rel_error": float(np.max(np.abs(np.expm1(log_res))))},
        "heldout": {"method": "leave-one-out", "rmse_log": float(np.sqrt(np.mean(loo**2))),
                    "mean_abs_rel_error": float(np.mean(np.abs(np.expm1(loo))))},
        "points": [{"N": float(a), "D": float(b), "loss": float(c)}
                   for a, b, c in zip(n, d, loss, strict=True)],
        "options": {"huber_delta": opts.huber_delta, "starts": len(opts.grid_log_a)
                    * len(opts.grid_log_b) * len(opts.grid_log_e) * len(opts.grid_alpha)
                    * len(opts.grid_beta)},
    }


def fit_language_laws(summary, languages: list[str], opts: FitOptions = FitOptions()) -> dict:
    """Per-language fits from the ``scaling`` family rows of ``eval/summary.parquet``: each run
    trained on language ℓ alone, scored on ℓ's validation loss."""
    rows = summary[(summary.family == "scaling") & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & (summary.mixture == summary.lang_or_direction)]
    laws = {}
    for lang in languages:
        sub = rows[rows.mixture == lang]
        if sub.empty:
            raise ValueError(f"no scaling runs evaluated for language {lang!r}")
        laws[lang] = fit_with_uncertainty(sub.params.to_numpy(), sub.tokens.to_numpy(),
                                          sub.value.to_numpy(), opts)
    return laws
