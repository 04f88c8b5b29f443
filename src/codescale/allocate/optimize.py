"""Choose language proportions ``p`` for a model of N parameters trained on D code tokens.

The objective is the predicted mean validation loss over all code languages, read from any fitted
mixture model of :mod:`codescale.laws.mixture` (the paper's proportion-dependent form, the
per-target transfer form, or the independent per-language laws). Constraints:

- ``Σ p = 1`` and ``min_share ≤ p_k ≤ max_share``;
- natural language keeps its fixed share outside the optimisation (D is the code tokens);
- **data availability**: language k has ``U_k`` unique tokens (the token manifest, or config at
  paper scale); asking it for more repeats data, valued by Muennighoff et al.'s data-constrained
  law (:mod:`codescale.laws.repetition`), not as fresh tokens;
- optionally, no language's predicted loss worse than under uniform by more than ``ε``
  (``max_loss_increase``; needs a model that predicts every language).

SLSQP from the uniform mixture and seeded Dirichlet starts; the best feasible optimum is kept.
The optimum is then bootstrapped: every bootstrap draw of the mixture model (refitted on resampled
runs) paired with a draw of the per-language laws gives its own optimum and predicted gain over
uniform, so ``p*`` and the gain come with 95% intervals.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from codescale.laws.fit import PARAMS, Law
from codescale.laws.mixture import MixturePredictor, PaperLaw, TransferLaw
from codescale.laws.repetition import effective_tokens
from codescale.progress import bar


def _mean_loss(model: MixturePredictor, n, d, p, unique, theta=None) -> float:
    per = model.per_language(n, d, p, unique, theta)
    if per is None:  # the paper form: its own average (every language is in the mixture)
        return model.average(n, d, p, unique, theta)
    return float(np.mean(per))


def optimize_allocation(model: MixturePredictor, n: float, d: float, unique, *, min_share: float,
                        max_share: float, max_loss_increase: float | None = None, starts: int = 8,
                        seed: int = 0, theta=None, x0=None) -> np.ndarray:
    """The proportions (in ``model.languages`` order) minimising the mean predicted loss."""
    k = len(model.languages)
    if min_share * k > 1 + 1e-9 or max_share * k < 1 - 1e-9:
        raise ValueError(f"shares [{min_share}, {max_share}] are infeasible for {k} languages")
    unique = np.asarray(unique, dtype=float)
    uniform = np.full(k, 1.0 / k)
    constraints = [{"type": "eq", "fun": lambda p: p.sum() - 1.0, "jac": lambda p: np.ones_like(p)}]
    if max_loss_increase is not None:
        base = model.per_language(n, d, uniform, unique, theta)
        if base is None:
            raise ValueError(f"max_loss_increase needs per-language predictions; the {model.name} "
                             "model predicts only the average loss")
        constraints.append({"type": "ineq", "fun": lambda p: max_loss_increase
                            - (model.per_language(n, d, np.maximum(p, 1e-9), unique, theta) - base)})

    def objective(p):
        return _mean_loss(model, n, d, np.maximum(p, 1e-9), unique, theta)

    rng = np.random.default_rng(seed)
    inits = [uniform] + ([np.asarray(x0, dtype=float)] if x0 is not None else []) \
        + [rng.dirichlet(np.ones(k)) for _ in range(max(0, starts - 1))]
    best = None
    for init in inits:
        init = np.clip(init, min_share, max_share)
        init = init / init.sum()
        res = minimize(objective, init, method="SLSQP", bounds=[(min_share, max_share)] * k,
                       constraints=constraints, options={"maxiter": 500, "ftol": 1e-12})
        feasible = all(np.all(c["fun"](res.x) >= -1e-6) if c["type"] == "ineq"
                       else abs(c["fun"](res.x)) < 1e-6 for c in constraints)
        if feasible and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise RuntimeError("allocation optimisation found no feasible mixture from any start")
    p = np.clip(best.x, min_share, max_share)
    return p / p.sum()


def _describe(model, n, d, p, unique, languages) -> dict:
    per = model.per_language(n, d, p, unique)
    seen = p * d
    own = effective_tokens(seen, unique)
    out = {"proportions": {x: float(p[i]) for i, x in enumerate(languages)},
           "tokens": {x: float(seen[i]) for i, x in enumerate(languages)},
           "epochs": {x: float(seen[i] / unique[i]) if np.isfinite(unique[i]) else None
                      for i, x in enumerate(languages)},
           "effective_tokens": {x: float(own[i]) for i, x in enumerate(languages)},
           "predicted_average": _mean_loss(model, n, d, p, unique)}
    if per is not None:
        out["predicted"] = {x: float(per[i]) for i, x in enumerate(languages)}
    return out


def law_draws(laws_json: dict, languages: list[str], count: int) -> list[dict[str, Law]]:
    """``count`` sets of per-language laws from their bootstrap draws (cycled when shorter;
    the point estimate when a law kept none)."""
    out = []
    for b in range(count):
        draw = {}
        for lang in languages:
            fit = laws_json[lang]
            draws = fit.get("draws") or {}
            m = len(draws.get("A", []))
            draw[lang] = Law(**{p: draws[p][b % m] for p in PARAMS}) if m else Law.from_fit(fit)
        out.append(draw)
    return out


def _with_laws(model: MixturePredictor, laws: dict[str, Law]) -> MixturePredictor:
    """The same fitted model over another draw of the per-language laws."""
    fitted = model.fitted
    if fitted is not None:
        form = fitted.form
        if isinstance(form, TransferLaw):
            form = TransferLaw(model.languages, laws)
        elif isinstance(form, PaperLaw):
            tau = form.spec()["tau"]
            form = PaperLaw(model.languages, laws, tau)
        fitted = type(fitted)(form, fitted.theta, fitted.objective, fitted.x, fitted.y, fitted.draws,
                              fitted.heldout)
    return MixturePredictor(model.name, model.languages, fitted=fitted, laws=laws,
                            cell_table=model.cell_table, r_star=model.r_star)


def _interval(values) -> list[float]:
    values = np.asarray(values, dtype=float)
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def allocation_report(model: MixturePredictor, n: float, d: float, unique, *, min_share: float,
                      max_share: float, model_name: str, max_loss_increase: float | None = None,
                      seed: int = 0, bootstrap: int = 0, laws_json: dict | None = None,
                      law_info: dict | None = None) -> dict:
    """Uniform vs optimized at (N, D): proportions, tokens, repetition, predicted losses, and
    (``bootstrap`` > 0) the optimum's and the gain's 95% intervals over the model's draws."""
    languages = model.languages
    unique = np.asarray(unique, dtype=float)
    k = len(languages)
    uniform = np.full(k, 1.0 / k)
    p_star = optimize_allocation(model, n, d, unique, min_share=min_share, max_share=max_share,
                                 max_loss_increase=max_loss_increase, seed=seed)
    out = {"model": model_name, "params": n, "tokens": d, "min_share": min_share,
           "max_share": max_share, "max_loss_increase": max_loss_increase,
           "objective": "mean predicted validation loss over the code languages",
           "law": law_info or {"form": model.name},
           "unique_tokens": {x: (float(unique[i]) if np.isfinite(unique[i]) else None)
                             for i, x in enumerate(languages)},
           "mixtures": {"uniform": _describe(model, n, d, uniform, unique, languages),
                        "optimized": _describe(model, n, d, p_star, unique, languages)}}
    out["predicted_gain"] = (out["mixtures"]["uniform"]["predicted_average"]
                             - out["mixtures"]["optimized"]["predicted_average"])
    if bootstrap:
        out["bootstrap"] = bootstrap_optimum(model, n, d, unique, p_star, min_share=min_share,
                                             max_share=max_share, max_loss_increase=max_loss_increase,
                                             seed=seed, count=bootstrap, laws_json=laws_json)
    return out


def bootstrap_optimum(model: MixturePredictor, n, d, unique, p_star, *, min_share, max_share,
                      max_loss_increase, seed, count, laws_json) -> dict:
    """Re-optimise under each bootstrap draw: the distribution of p* and of the predicted gain
    over uniform (both of the re-optimised mixture and of the chosen p* itself)."""
    languages = model.languages
    thetas = model.draws()
    laws = law_draws(laws_json, languages, count) if laws_json else [model.laws] * count
    uniform = np.full(len(languages), 1.0 / len(languages))
    optima, gains, gains_at_chosen = [], [], []
    progress = bar("bootstrap the optimum", total=count, unit="draw")
    for b in range(count):
        draw = _with_laws(model, laws[b]) if laws[b] is not None else model
        theta = thetas[b % len(thetas)] if len(thetas) else None
        try:
            p_b = optimize_allocation(draw, n, d, unique, min_share=min_share, max_share=max_share,
                                      max_loss_increase=max_loss_increase, starts=2, seed=seed + b,
                                      theta=theta, x0=p_star)
        except RuntimeError:
            progress.update(1)
            continue
        u = _mean_loss(draw, n, d, uniform, unique, theta)
        optima.append(p_b)
        gains.append(u - _mean_loss(draw, n, d, p_b, unique, theta))
        gains_at_chosen.append(u - _mean_loss(draw, n, d, p_star, unique, theta))
        progress.update(1)
    progress.close()
    if not optima:
        return {"draws": 0}
    optima = np.array(optima)
    return {
        "draws": len(optima),
        "model_draws": int(len(thetas)),
        "proportions_ci95": {x: _interval(optima[:, i]) for i, x in enumerate(languages)},
        "proportions": {x: optima[:, i].tolist() for i, x in enumerate(languages)},
        "gain_ci95": _interval(gains),
        "gain_at_chosen_ci95": _interval(gains_at_chosen),
        "gain_at_chosen_positive_share": float(np.mean(np.asarray(gains_at_chosen) > 0)),
        "gains": [float(g) for g in gains],
    }
