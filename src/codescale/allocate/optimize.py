"""Choose language proportions ``p`` for a model of N parameters trained on D tokens.

The objective is the average predicted validation loss over languages,
``(1/K) Σ_k L_k(N, p_k·D)``, with each language's own law fitted on single-language runs: a
language's loss is taken to depend on its own tokens only (no transfer between languages; the
proportion-dependent law with transfer coefficients replaces this once the synergy family exists).
Constraints: ``Σ p = 1`` and ``min_share ≤ p_k ≤ max_share``. SLSQP from the uniform mixture and
seeded Dirichlet starts; the best feasible solution is kept. The objective is convex in ``p``
(a sum of convex power functions), so the starts agree; they guard against a poor local stop.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from codescale.laws.fit import Law


def predicted_losses(laws: dict[str, Law], n: float, d: float, p: dict[str, float]) -> dict[str, float]:
    return {k: float(laws[k].predict(n, max(p[k], 1e-12) * d)) for k in laws}


def optimize_allocation(laws: dict[str, Law], n: float, d: float, *, min_share: float,
                        max_share: float, starts: int = 8, seed: int = 0) -> dict[str, float]:
    langs = sorted(laws)
    k = len(langs)
    if min_share * k > 1 + 1e-9 or max_share * k < 1 - 1e-9:
        raise ValueError(f"shares [{min_share}, {max_share}] are infeasible for {k} languages")

    def objective(p):
        return float(np.mean([laws[lang].predict(n, max(p[i], 1e-12) * d)
                              for i, lang in enumerate(langs)]))

    def gradient(p):
        g = []
        for i, lang in enumerate(langs):
            law = laws[lang]
            x = max(p[i], 1e-12)
            g.append(-law.beta * law.B * d ** -law.beta * x ** (-law.beta - 1) / k)
        return np.array(g)

    rng = np.random.default_rng(seed)
    inits = [np.full(k, 1.0 / k)] + [rng.dirichlet(np.ones(k)) for _ in range(starts - 1)]
    best = None
    for x0 in inits:
        x0 = np.clip(x0, min_share, max_share)
        x0 = x0 / x0.sum()
        res = minimize(objective, x0, jac=gradient, method="SLSQP",
                       bounds=[(min_share, max_share)] * k,
                       constraints=[{"type": "eq", "fun": lambda p: p.sum() - 1.0,
                                     "jac": lambda p: np.ones_like(p)}],
                       options={"maxiter": 500, "ftol": 1e-12})
        if res.success and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise RuntimeError("allocation optimisation did not converge from any start")
    p = np.clip(best.x, min_share, max_share)
    p = p / p.sum()
    return {lang: float(p[i]) for i, lang in enumerate(langs)}


def allocation_report(laws: dict[str, Law], n: float, d: float, *, min_share: float,
                      max_share: float, model: str, seed: int = 0) -> dict:
    langs = sorted(laws)
    uniform = {lang: 1.0 / len(langs) for lang in langs}
    optimized = optimize_allocation(laws, n, d, min_share=min_share, max_share=max_share, seed=seed)
    out = {"model": model, "params": n, "tokens": d, "min_share": min_share,
           "max_share": max_share, "objective": "mean predicted validation loss over languages",
           "mixtures": {}}
    for name, p in (("uniform", uniform), ("optimized", optimized)):
        pred = predicted_losses(laws, n, d, p)
        out["mixtures"][name] = {"proportions": p, "tokens": {k: p[k] * d for k in langs},
                                 "predicted": pred, "predicted_average": float(np.mean(list(pred.values())))}
    return out
