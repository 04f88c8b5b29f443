"""The synergy matrix (the paper's study 2, Table 1) from the synergy family's runs.

Every unordered pair of languages ``{i, j}`` trains 50:50 in one run (mixture ``{a}_{b}``) and
every language alone in a run ``{i}_{i}`` that repeats its own data to the full budget (two epochs
of half of it). One pair run serves both targets: target i reads its validation loss in run
``{i, j}``, target j its own. For every ordered (target i, auxiliary j ≠ i) and (model, tokens):

- ``loss_self``   ``L(i+i)``: mean over seeds of target i's validation loss in run ``i_i``;
- ``loss_mixed``  ``L(i+j)``: mean over seeds of target i's validation loss in run ``{i, j}``;
- ``gain``        ``Δ(i←j) = L(i+i) − L(i+j)``; **positive means the auxiliary helps** (it lowers
  the target's loss below repeating the target's own data);
- ``relative_gain``  ``Δ(i←j) / L(i+i)``.

Sign convention: the paper's Eq. 2 writes the gain with the opposite sign (``L(i+j) − L(i+i)``) to
its own numbers, which are positive for auxiliaries that help (Java + C#: 20.6% better). Here the
sign follows the numbers: positive = helps.

Intervals come from seeds. Seeds pair by replicate index (the summary's ``seed``: the same index in
both runs), giving one ``Δ_s`` (and one ``Δ_s / L_s(i+i)``) per seed present in both runs; the 95%
interval is ``mean ± t_{0.975, n−1} · sd / √n`` with ``n`` (``n_seeds``) such seeds. With one seed
the interval is NaN. ``significant``: the interval excludes 0.

The transfer coefficients of the proportion-dependent law's effective data,
``D_x = D·(1 + γ·Σ_{i≠j} p_i p_j τ_ij)``, are normalised as relative gains:
``τ_ij`` = the relative gain of auxiliary j for target i, ``(L(i+i) − L(i+j)) / L(i+i)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from codescale.languages import REGISTRY

SIGN_CONVENTION = ("gain = L(i+i) - L(i+j) on target i's validation loss: positive means auxiliary j "
                   "helps target i (lower loss than repeating the target's own data); relative gain = "
                   "gain / L(i+i). The paper's Eq. 2 has the opposite sign to its own numbers; this "
                   "follows the numbers.")

TABLE_COLUMNS = ["target", "auxiliary", "model", "tokens", "n_seeds", "loss_self", "loss_mixed", "gain",
                 "gain_ci_low", "gain_ci_high", "relative_gain", "relative_ci_low", "relative_ci_high",
                 "significant"]


def mixture_languages(mixture: str) -> tuple[str, str]:
    """``"java_csharp"`` -> ``("java", "csharp")``: the split of ``mixture`` at an underscore whose
    two sides are both language ids of :mod:`codescale.languages`."""
    parts = mixture.split("_")
    for k in range(1, len(parts)):
        a, b = "_".join(parts[:k]), "_".join(parts[k:])
        if a in REGISTRY and b in REGISTRY:
            return a, b
    raise ValueError(f"synergy mixture {mixture!r} is not '{{a}}_{{b}}' with a, b language ids "
                     f"({' '.join(REGISTRY)})")


def _interval(values: list[float]) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean - half, mean + half


def _target_losses(losses: dict, pair: frozenset, target: str, what: str, where: str) -> dict[int, float]:
    """seed -> target's validation loss in the run of ``pair``; a missing run or loss is named."""
    name = "_".join(sorted(pair)) if len(pair) == 2 else f"{target}_{target}"
    if pair not in losses:
        raise ValueError(f"synergy: {what} run {name} of {where} is missing (needed for target {target})")
    if target not in losses[pair]:
        raise ValueError(f"synergy: {what} run {name} of {where} has no validation loss of target {target}")
    return losses[pair][target]


def _point_rows(point: pd.DataFrame, model: str, tokens: int) -> list[dict]:
    """The table's rows of one (model, tokens) point."""
    where = f"{model} at {tokens} tokens"
    losses: dict[frozenset, dict[str, dict[int, float]]] = {}  # unordered pair -> target -> seed -> loss
    for r in point.itertuples(index=False):
        by_target = losses.setdefault(frozenset(mixture_languages(r.mixture)), {}) \
            .setdefault(r.lang_or_direction, {})
        if int(r.seed) in by_target:
            raise ValueError(f"synergy: two losses for target {r.lang_or_direction!r} in run "
                             f"{r.mixture} seed {r.seed} ({where})")
        by_target[int(r.seed)] = float(r.value)
    languages = sorted({lang for pair in losses for lang in pair})
    if len(languages) < 2:
        raise ValueError(f"synergy: runs of {where} cover fewer than two languages")
    out = []
    for target in languages:
        self_losses = _target_losses(losses, frozenset([target]), target, "self", where)
        loss_self = float(np.mean(list(self_losses.values())))
        for aux in languages:
            if aux == target:
                continue
            mixed = _target_losses(losses, frozenset([target, aux]), target, "pair", where)
            loss_mixed = float(np.mean(list(mixed.values())))
            seeds = sorted(set(self_losses) & set(mixed))  # seeds pair by replicate index
            g_low, g_high = _interval([self_losses[s] - mixed[s] for s in seeds])
            r_low, r_high = _interval([(self_losses[s] - mixed[s]) / self_losses[s] for s in seeds])
            gain = loss_self - loss_mixed
            out.append({"target": target, "auxiliary": aux, "model": model, "tokens": tokens,
                        "n_seeds": len(seeds), "loss_self": loss_self, "loss_mixed": loss_mixed,
                        "gain": gain, "gain_ci_low": g_low, "gain_ci_high": g_high,
                        "relative_gain": gain / loss_self, "relative_ci_low": r_low,
                        "relative_ci_high": r_high,
                        "significant": bool(g_low > 0 or g_high < 0)})  # NaN compares False
    return out


def synergy_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per (target, auxiliary, model, tokens) from the summary table's synergy runs
    (``task == "valid_loss"``, ``metric == "loss"``); columns :data:`TABLE_COLUMNS`."""
    rows = summary[(summary.family == "synergy") & (summary.task == "valid_loss") & (summary.metric == "loss")]
    if rows.empty:
        raise ValueError("synergy: the summary has no synergy valid_loss rows")
    rows = rows.assign(seed=rows["seed"].fillna(0).astype(int) if "seed" in rows else 0)
    out = []
    for (model, tokens), point in rows.groupby(["model", "tokens"], sort=True):
        out.extend(_point_rows(point, model, int(tokens)))
    return pd.DataFrame(out, columns=TABLE_COLUMNS)


def _value(x) -> float | None:
    """JSON-able: NaN -> None."""
    x = float(x)
    return None if math.isnan(x) else x


def synergy_matrix(table: pd.DataFrame) -> dict:
    """The table as JSON: per (model, tokens), the baseline loss per language and target ->
    auxiliary -> value maps of gains, relative gains, their intervals, ``n_seeds`` and
    ``significant`` (NaN written as null)."""
    points = []
    for (model, tokens), part in table.groupby(["model", "tokens"], sort=True):
        point: dict = {"model": model, "tokens": int(tokens),
                       "languages": sorted(set(part.target) | set(part.auxiliary)), "baseline": {}}
        for key in ("loss_mixed", "gain", "gain_ci", "relative_gain", "relative_ci", "n_seeds", "significant"):
            point[key] = {}
        for r in part.itertuples(index=False):
            point["baseline"][r.target] = _value(r.loss_self)
            cell = {"loss_mixed": _value(r.loss_mixed), "gain": _value(r.gain),
                    "gain_ci": [_value(r.gain_ci_low), _value(r.gain_ci_high)],
                    "relative_gain": _value(r.relative_gain),
                    "relative_ci": [_value(r.relative_ci_low), _value(r.relative_ci_high)],
                    "n_seeds": int(r.n_seeds), "significant": bool(r.significant)}
            for key, value in cell.items():
                point[key].setdefault(r.target, {})[r.auxiliary] = value
        points.append(point)
    languages = sorted(set(table.target) | set(table.auxiliary))
    return {"sign_convention": SIGN_CONVENTION, "languages": languages, "points": points}


def transfer_coefficients(table: pd.DataFrame, model: str | None = None, tokens: int | None = None
                          ) -> dict[str, dict[str, float]]:
    """``τ[target][auxiliary]`` = the relative gain ``(L(i+i) − L(i+j)) / L(i+i)`` of auxiliary j
    for target i, the transfer coefficients of the proportion-dependent law. The table must hold
    one (model, tokens) point, or ``model`` and ``tokens`` choose one."""
    part = table
    if model is not None:
        part = part[part.model == model]
    if tokens is not None:
        part = part[part.tokens == int(tokens)]
    points = sorted(set(zip(part.model, part.tokens, strict=True)))
    if len(points) != 1:
        raise ValueError(f"transfer_coefficients: {len(points)} (model, tokens) points "
                         f"{points} match; choose one with model= and tokens=")
    tau: dict[str, dict[str, float]] = {}
    for r in part.itertuples(index=False):
        tau.setdefault(r.target, {})[r.auxiliary] = float(r.relative_gain)
    return tau


def transfer_coefficients_from_json(matrix: dict) -> dict[str, dict[str, float]]:
    """τ from ``synergy.json`` (:func:`synergy_matrix`): each (target, auxiliary)'s relative gain,
    averaged over the (model, tokens) points measured; a cell with no value is left out (τ = 0)."""
    sums: dict[tuple[str, str], list[float]] = {}
    for point in matrix["points"]:
        for target, row in point["relative_gain"].items():
            for aux, value in row.items():
                if value is not None:
                    sums.setdefault((target, aux), []).append(value)
    tau: dict[str, dict[str, float]] = {}
    for (target, aux), values in sums.items():
        tau.setdefault(target, {})[aux] = float(np.mean(values))
    return tau
