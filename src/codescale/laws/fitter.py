"""One robust fitter for every law form (:mod:`codescale.laws.forms`).

The objective is the Huber loss (``δ``, 1e-3 by default, as Hoffmann et al. and Epoch's refit
use) of the log residuals ``log pred − log L``, minimised with L-BFGS-B and the form's analytic
Jacobian. Every point of the form's start grid is scored first and L-BFGS-B runs from the best
``refine_top``, keeping the best optimum. A fitted law keeps its bootstrap draws (refits on
resampled points or, when ``groups`` are given, resampled runs), so anything computed from it
(an optimum, a predicted gain) can carry an interval too. Held-out errors are part of the fit:
each named held-out set (leave-one-out, the largest model, the largest budget, ...) is refitted
without those points and predicted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from codescale.laws.forms import LawForm


@dataclass(frozen=True)
class FitOptions:
    huber_delta: float = 1e-3
    refine_top: int = 16      # L-BFGS-B runs from the best-scored starts
    bootstrap: int = 100
    seed: int = 0
    maxiter: int = 5000
    # Bootstrap draws and held-out refits start at the full fit's optimum (or the best few grid
    # points of their data). A law with about as many points as parameters nearly interpolates
    # them: its objective falls towards 0 by ever smaller steps along a flat valley, and a tenth
    # of such refits ran 2,800-5,000 iterations (median 82; the embedded default's 4 x 42
    # per-direction translation laws, 6 points each), most of fit_translation_laws' time. 500
    # bounds them; identified laws converge long before it. Full fits keep ``maxiter``.
    refit_maxiter: int = 500


DEFAULT_OPTIONS = FitOptions()


def huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    """Huber loss of ``r`` and its derivative."""
    a = np.abs(r)
    quad = a <= delta
    return (np.where(quad, 0.5 * r**2, delta * (a - 0.5 * delta)),
            np.where(quad, r, delta * np.sign(r)))


_FLOOR = 1e-12  # predictions are clipped here: a form may stray non-positive far from its optimum


def objective(theta, form: LawForm, x, log_y, delta):
    pred, jac = form.evaluate(theta, x)
    safe = np.maximum(pred, _FLOOR)
    r = np.log(safe) - log_y
    loss, dr = huber(r, delta)
    dr = np.where(pred > _FLOOR, dr, 0.0)
    grad = np.nan_to_num((dr / safe) @ jac, nan=0.0, posinf=0.0, neginf=0.0)
    return float(loss.sum()), grad


def _scores(form, thetas, x, log_y, delta) -> np.ndarray:
    pred = form.predict_many(thetas, x)
    score = huber(np.log(np.maximum(pred, _FLOOR)) - log_y[None, :], delta)[0].sum(axis=1)
    return np.where(np.all(np.isfinite(pred), axis=1), score, np.inf)


def grid_starts(form: LawForm, x: dict, y: np.ndarray, delta: float, top: int) -> np.ndarray:
    """The ``top`` best-scored points of the form's start grid."""
    grid = form.starts(x, y)
    return grid[np.argsort(_scores(form, grid, x, np.log(y), delta))[:top]]


def fit_theta(form: LawForm, x: dict, y: np.ndarray, opts: FitOptions = DEFAULT_OPTIONS,
              starts: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Best ``theta`` over the starts (the form's scored grid by default) and its objective."""
    log_y = np.log(y)
    if starts is None:
        starts = grid_starts(form, x, y, opts.huber_delta, opts.refine_top)
    best_theta, best = None, np.inf
    bounds = form.bounds()
    for start in np.atleast_2d(starts):
        start = np.array([np.clip(s, lo if lo is not None else -np.inf, hi if hi is not None else np.inf)
                          for s, (lo, hi) in zip(start, bounds, strict=True)])
        res = minimize(objective, start, args=(form, x, log_y, opts.huber_delta), jac=True,
                       method="L-BFGS-B", bounds=bounds,
                       # The Huber objective of log residuals is tiny (~1e-6) near the optimum:
                       # the default relative tolerance would stop far too early.
                       options={"maxiter": opts.maxiter, "ftol": 1e-15, "gtol": 1e-12})
        if np.isfinite(res.fun) and res.fun < best:
            best_theta, best = res.x, float(res.fun)
    if best_theta is None:
        raise RuntimeError(f"{form.name}: the fit failed from every start")
    return best_theta, best


def _subset(x: dict, idx) -> dict:
    return {k: np.asarray(v)[idx] for k, v in x.items()}


def _errors(log_pred: np.ndarray, log_y: np.ndarray) -> dict:
    r = log_pred - log_y
    return {"rmse_log": float(np.sqrt(np.mean(r**2))),
            "mean_abs_rel_error": float(np.mean(np.abs(np.expm1(r)))),
            "max_abs_rel_error": float(np.max(np.abs(np.expm1(r))))}


@dataclass
class FittedLaw:
    """A form fitted to data: its optimum, bootstrap draws and held-out errors."""

    form: LawForm
    theta: np.ndarray
    objective: float
    x: dict
    y: np.ndarray
    draws: np.ndarray                     # (bootstrap samples, k) in fitted coordinates
    heldout: dict = field(default_factory=dict)

    @property
    def values(self) -> dict[str, float]:
        return self.form.values(self.theta)

    def draw_values(self) -> list[dict[str, float]]:
        return [self.form.values(t) for t in self.draws]

    def ci95(self) -> dict[str, list[float | None]]:
        if not len(self.draws):
            return {p: [None, None] for p in self.form.labels}
        vals = np.array([[d[p] for p in self.form.labels] for d in self.draw_values()])
        return {p: [float(np.percentile(vals[:, i], 2.5)), float(np.percentile(vals[:, i], 97.5))]
                for i, p in enumerate(self.form.labels)}

    def predict(self, x: dict) -> np.ndarray:
        return self.form.predict(self.theta, x)

    def predict_draws(self, x: dict) -> np.ndarray:
        """(draws, n) predictions, one row per bootstrap draw."""
        return np.array([self.form.predict(t, x) for t in self.draws])

    def unidentified(self) -> list[str]:
        return sorted(set(self.form.at_bounds(self.theta))
                      | set(self.form.negligible(self.theta, self.x, self.y)))

    def to_dict(self) -> dict:
        pred = self.predict(self.x)
        return {
            "form": self.form.formula,
            "form_spec": self.form.spec(),
            "params": self.values,
            "ci95": self.ci95(),
            "bootstrap_samples": len(self.draws),
            "draws": {p: [d[p] for d in self.draw_values()] for p in self.form.labels},
            "unidentified": self.unidentified(),
            "fit": {"objective": self.objective, **_errors(np.log(pred), np.log(self.y))},
            "heldout": self.heldout,
        }


def fit_law(form: LawForm, x: dict, y, opts: FitOptions = DEFAULT_OPTIONS, *,
            heldout: dict[str, np.ndarray] | None = None, leave_one_out: bool = True,
            groups=None) -> FittedLaw:
    """Fit ``form`` to ``(x, y)`` with one BLAS thread (:func:`_fit_law`)."""
    # The fits multiply tiny matrices: BLAS threads only spin, and two fitting processes each
    # spinning two threads on two cores ran 25x slower than with one thread each.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_law(form, x, y, opts, heldout=heldout, leave_one_out=leave_one_out, groups=groups)


def _fit_law(form, x, y, opts, *, heldout, leave_one_out, groups) -> FittedLaw:
    """Fit ``form`` to ``(x, y)``: best optimum, ``opts.bootstrap`` draws and held-out errors.

    ``heldout`` maps a name to a boolean mask of the points to hold out (refit without them from
    the whole start grid, predict them); ``leave_one_out`` adds leave-one-group-out (one point per
    group when ``groups`` is None). ``groups`` labels points that belong together (one run's
    seeds, one mixture run's languages): the bootstrap resamples groups, not points.
    """
    x = {k: np.asarray(v, dtype=float) for k, v in x.items()}
    y = np.asarray(y, dtype=float)
    k = len(form.params)
    if len(y) < k:
        raise ValueError(f"{form.name}: need at least {k} points to fit {k} parameters, got {len(y)}")
    if np.any(~np.isfinite(y)) or np.any(y <= 0):
        raise ValueError(f"{form.name}: losses must be finite and positive")
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    theta, obj = fit_theta(form, x, y, opts)

    refit_opts = replace(opts, maxiter=min(opts.maxiter, opts.refit_maxiter))
    rng = np.random.default_rng(opts.seed)
    labels = np.unique(groups)
    members = {g: np.flatnonzero(groups == g) for g in labels}
    draws = []
    for _ in range(opts.bootstrap):
        pick = rng.choice(labels, size=len(labels), replace=True)
        idx = np.concatenate([members[g] for g in pick])
        if len(np.unique(idx)) < k:
            continue
        t, _ = fit_theta(form, _subset(x, idx), y[idx], refit_opts, starts=theta[None, :])
        draws.append(t)

    # Held-out refits start from the full fit's optimum and the best few grid points of their
    # own data (not the whole grid: 16 starts per refit made leave-one-out 16x dearer for
    # optima that agreed to 1e-9 on the tests' known laws).
    def refit(keep):
        sub_x, sub_y = _subset(x, keep), y[keep]
        starts = np.vstack([theta[None, :], grid_starts(form, sub_x, sub_y, opts.huber_delta,
                                                        max(1, opts.refine_top // 4))])
        return fit_theta(form, sub_x, sub_y, refit_opts, starts=starts)[0]

    sets = dict(heldout or {})
    out = {}
    if leave_one_out:
        log_pred = np.empty(len(y))
        for g in labels:
            keep = groups != g
            if keep.sum() < k:
                out["leave_one_out"] = {"skipped": f"fewer than {k} points remain"}
                break
            t = refit(keep)
            log_pred[~keep] = np.log(np.maximum(form.predict(t, _subset(x, ~keep)), _FLOOR))
        else:
            out["leave_one_out"] = {"points": int(len(y)), **_errors(log_pred, np.log(y))}
    for name, mask in sets.items():
        mask = np.asarray(mask, dtype=bool)
        if mask.all() or not mask.any() or (~mask).sum() < k:
            out[name] = {"skipped": f"{int((~mask).sum())} points remain to fit {k} parameters"
                         if mask.any() else "nothing to hold out"}
            continue
        t = refit(~mask)
        pred = np.maximum(form.predict(t, _subset(x, mask)), _FLOOR)
        out[name] = {"points": int(mask.sum()), **_errors(np.log(pred), np.log(y[mask]))}
    return FittedLaw(form, theta, obj, x, y, np.asarray(draws).reshape(-1, k), out)


def check_gradient(form: LawForm, theta, x, eps: float = 1e-6) -> float:
    """Largest relative difference between the form's Jacobian and central finite differences."""
    theta = np.asarray(theta, dtype=float)
    _, jac = form.evaluate(theta, x)
    num = np.empty_like(jac)
    for i in range(len(theta)):
        up, dn = theta.copy(), theta.copy()
        up[i] += eps
        dn[i] -= eps
        num[:, i] = (form.predict(up, x) - form.predict(dn, x)) / (2 * eps)
    scale = np.maximum(np.abs(num), 1e-8)
    return float(np.max(np.abs(jac - num) / scale))
