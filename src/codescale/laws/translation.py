"""Translation laws (the paper's §5, Table 2): ``L(N, D) = A·N^-α + B·D^-β + E`` fitted to the
translation loss of the ``strategy`` family, per data organization.

The strategy family trains the same parallel programs laid out by several organizations
(``shuffled``: a snippet and its translations as separate documents; ``pairing``: a snippet and
its translation concatenated in one document; ``direct``, ``prompt``) over model sizes × budgets,
and scores every run on the held-out parallel set's directions. For each organization three kinds
of law are fitted with the shared :class:`~codescale.laws.forms.PowerLaw` form and robust fitter
(:func:`codescale.laws.fit.fit_with_uncertainty`: Huber on log residuals, bootstrap 95% intervals,
leave-one-out and largest-model / largest-budget held-out errors):

* ``seen``: the run's mean translation loss over the *seen* directions, Python↔X (the pairs the
  training data contains; 12 with seven languages);
* ``unseen``: the mean over the *unseen*, zero-shot directions (the 30 non-Python X→Y);
* ``direction``: each direction's own loss, where it has at least ``min_points`` points spanning
  at least 2 distinct N and 2 distinct D.

Which direction is seen comes from the evaluation itself (``direction_kind`` in
``eval/summary.parquet``, set by :mod:`codescale.evaluate.translation`), not from its name. The
pooled loss of a run is the unweighted mean over its directions of that kind (each direction's
loss is already per target token), so every direction counts once whatever its length.

Units: ``N`` is the model's non-embedding parameter count and ``D`` the training tokens of the
run, both raw (not millions or billions); ``L`` is the translation loss ``−E[log P(y|x)]`` in nats
per target token. ``A`` and ``B`` are therefore in raw units and not comparable to the paper's
without a change of units; the exponents and ``E`` are unit-free in that sense.

Seeds: when the summary has a ``seed`` column and several seeds share a (N, D) cell, each seed is
its own point and the bootstrap resamples cells (``groups``), so a cell's seeds stay together.

Nothing is dropped silently: an organization with fewer than 5 points (or fewer than 2 distinct N
or D) gets a ``{"skipped": reason}`` entry instead of a law, and so does a direction below
``min_points``; the reasons carry the counts.

The paper's published values (form ``A·N^-α + B·D^-β + L∞``; it does not state the units of N
and D, and α = 6.404 is implausible if N is in billions), for comparison:

=====================  ======  =====  =====  ======  ======
law                    A       B      α      β       L∞
=====================  ======  =====  =====  ======  ======
shuffled, unseen       0.1574  9.553  0.3470 0.8829  0.1236
pairing, seen          0.0508  0.793  6.404  0.8829  0.1006
pairing, unseen        0.0350  4.518  0.781  0.869   0.0524
=====================  ======  =====  =====  ======  ======
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from codescale.laws.fit import PARAMS, POWER_LAW, FitOptions, fit_with_uncertainty
from codescale.laws.fitter import DEFAULT_OPTIONS
from codescale.laws.table import HELDOUT, law_row

__all__ = ["PUBLISHED", "DIRECTION_PREFIX", "translation_points", "direction_kinds",
           "fit_translation_laws", "translation_law_table"]

#: The paper's Table 2 values (units of N and D not stated there).
PUBLISHED = {
    ("shuffled", "unseen"): {"A": 0.1574, "B": 9.553, "alpha": 0.3470, "beta": 0.8829, "E": 0.1236},
    ("pairing", "seen"): {"A": 0.0508, "B": 0.793, "alpha": 6.404, "beta": 0.8829, "E": 0.1006},
    ("pairing", "unseen"): {"A": 0.0350, "B": 4.518, "alpha": 0.781, "beta": 0.869, "E": 0.0524},
}

#: Column prefix of a direction's loss in :func:`translation_points` (``loss:python->go``).
DIRECTION_PREFIX = "loss:"
MIN_LAW_POINTS = len(PARAMS)
SCOPES = ("seen", "unseen")
KEYS = ["run", "organization", "N", "D", "seed"]

CONVENTIONS = {
    "N": "non-embedding parameters (raw count)",
    "D": "training tokens of the run (raw count)",
    "L": "translation loss -E[log P(y|x)], nats per target token",
    "seen": "mean loss over the Python<->X directions (in the training pairs)",
    "unseen": "mean loss over the non-Python directions (zero-shot)",
    "direction": "one direction's loss",
}


def _loss_rows(summary: pd.DataFrame) -> pd.DataFrame:
    rows = summary[(summary.family == "strategy") & (summary.task == "translation")
                   & (summary.metric == "loss")]
    if rows.empty:
        raise ValueError("the summary has no translation loss rows of the strategy family "
                         "(family == 'strategy', task == 'translation', metric == 'loss'): "
                         "no translation law can be fitted")
    rows = rows.assign(seed=rows["seed"].fillna(0).astype(int) if "seed" in rows else 0)
    return rows[np.isfinite(rows.value.astype(float))]


def direction_kinds(summary: pd.DataFrame) -> dict[str, str]:
    """Each direction's kind (``seen`` / ``unseen``) as the evaluation recorded it."""
    rows = _loss_rows(summary)
    kinds = rows.groupby("lang_or_direction").direction_kind.agg(lambda k: sorted(set(k)))
    mixed = {d: k for d, k in kinds.items() if len(k) != 1}
    if mixed:
        raise ValueError(f"directions recorded with more than one kind: {mixed}")
    return {d: k[0] for d, k in kinds.items()}


def translation_points(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per strategy run (and seed): ``run``, ``organization``, ``N``, ``D``, ``seed``,
    ``seen_loss`` / ``unseen_loss`` (the mean over that kind's directions, NaN if the run has
    none), ``seen_directions`` / ``unseen_directions`` (how many were averaged), and one
    ``loss:<direction>`` column per direction."""
    rows = _loss_rows(summary).rename(columns={"mixture": "organization", "params": "N", "tokens": "D"})
    direction_kinds(summary)  # one kind per direction, or an error
    out = rows.groupby(KEYS).size().rename("_n").reset_index()[KEYS]
    for kind in SCOPES:
        part = rows[rows.direction_kind == kind].groupby(KEYS).value.agg(["mean", "count"])
        part.columns = [f"{kind}_loss", f"{kind}_directions"]
        out = out.merge(part.reset_index(), on=KEYS, how="left")
        out[f"{kind}_directions"] = out[f"{kind}_directions"].fillna(0).astype(int)
    wide = rows.pivot_table(index=KEYS, columns="lang_or_direction", values="value", aggfunc="mean")
    wide.columns = [f"{DIRECTION_PREFIX}{c}" for c in wide.columns]
    out = out.merge(wide.reset_index(), on=KEYS, how="left")
    return out.sort_values(["organization", "N", "D", "seed", "run"], ignore_index=True)


def _groups(n: np.ndarray, d: np.ndarray):
    cells = np.array([f"{a:.17g}/{b:.17g}" for a, b in zip(n, d, strict=True)])
    return cells if len(np.unique(cells)) < len(cells) else None


def _why_not(n: np.ndarray, d: np.ndarray, need: int, dropped: int) -> str | None:
    """The reason a fit cannot be made on these points, or None."""
    k, kn, kd = len(n), len(np.unique(n)), len(np.unique(d))
    extra = f" ({dropped} runs without this loss left out)" if dropped else ""
    if k < need:
        return f"{k} points, at least {need} needed{extra}"
    if kn < 2 or kd < 2:
        return f"{kn} distinct N and {kd} distinct D over {k} points: at least 2 of each needed{extra}"
    return None


def _fit_job(job):
    """One fit (run in a worker process): ``job`` = (key, n, d, loss, opts)."""
    key, n, d, loss, opts = job
    return key, fit_with_uncertainty(n, d, loss, opts, groups=_groups(n, d), form=POWER_LAW)


def _run(jobs: list, workers: int) -> dict:
    if workers <= 1 or len(jobs) <= 1:
        return dict(map(_fit_job, jobs))
    workers = min(workers, len(jobs))
    # A few chunks per worker: fits take 0.1 s to a few seconds; pickling a fit is cheap. Fork
    # (not spawn): a spawned worker would re-run the Snakemake script that is __main__.
    chunk = max(1, len(jobs) // (4 * workers))
    # Each fit runs with one BLAS thread (codescale.laws.fitter.fit_law).
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return dict(pool.map(_fit_job, jobs, chunksize=chunk))


def fit_translation_laws(summary: pd.DataFrame, opts: FitOptions = DEFAULT_OPTIONS, min_points: int = 6,
                         workers: int | None = 1, direction_bootstrap: int | None = None,
                         direction_starts: int | None = None) -> dict:
    """Per organization: laws on the mean seen and unseen loss and on each direction.

    Returns ``{"form", "conventions", "published", "points": [records of translation_points],
    "organizations": {org: {"seen": fit, "unseen": fit, "directions": {direction: fit}}}}``
    where a fit is :func:`~codescale.laws.fit.fit_with_uncertainty`'s dict (plus ``kind`` for a
    direction) or ``{"skipped": reason, "points": k}``. Fits run on ``workers`` processes
    (``None``: every CPU; 1: in this process). ``direction_bootstrap`` (``None``: as ``opts``) sets
    the bootstrap draws of the per-direction fits alone: with 42 directions per organization they
    are most of the work, and on a small grid they are rarely identified. ``direction_starts``
    (``None``: ``opts.refine_top``) sets how many of the best-scored grid points their full fits
    start from.
    """
    if min_points < MIN_LAW_POINTS:
        raise ValueError(f"min_points must be at least {MIN_LAW_POINTS} (the law has 5 parameters)")
    points = translation_points(summary)
    kinds = direction_kinds(summary)
    workers = (os.cpu_count() or 1) if workers is None else int(workers)

    result: dict[str, dict] = {}
    jobs = []
    for org, sub in points.groupby("organization", sort=True):
        entry = result.setdefault(org, {"directions": {}})
        targets = [(scope, f"{scope}_loss", MIN_LAW_POINTS) for scope in SCOPES]
        targets += [(d, f"{DIRECTION_PREFIX}{d}", min_points) for d in sorted(kinds)]
        per_direction = dataclasses.replace(
            opts, bootstrap=opts.bootstrap if direction_bootstrap is None else direction_bootstrap,
            refine_top=opts.refine_top if direction_starts is None else direction_starts)
        for name, column, need in targets:
            have = sub[np.isfinite(sub[column].astype(float))]
            n, d, loss = (have[c].to_numpy(dtype=float) for c in ("N", "D", column))
            reason = _why_not(n, d, need, len(sub) - len(have))
            key = (org, name)
            if reason is not None:
                skipped = {"skipped": reason, "points": int(len(have))}
                if name in SCOPES:
                    entry[name] = skipped
                else:
                    entry["directions"][name] = {**skipped, "kind": kinds[name]}
            else:
                jobs.append((key, n, d, loss, opts if name in SCOPES else per_direction))

    for (org, name), fit in _run(jobs, workers).items():
        if name in SCOPES:
            result[org][name] = fit
        else:
            result[org]["directions"][name] = {**fit, "kind": kinds[name]}
    for entry in result.values():
        entry["directions"] = dict(sorted(entry["directions"].items()))

    return {"form": POWER_LAW.formula, "conventions": CONVENTIONS,
            "published": [{"organization": o, "scope": s, **v} for (o, s), v in PUBLISHED.items()],
            "min_points": min_points,
            "points": points.to_dict("records"),
            "organizations": {org: {"seen": e["seen"], "unseen": e["unseen"], "directions": e["directions"]}
                              for org, e in result.items()}}


def _row(org: str, scope: str, direction: str, kind: str, fit: dict) -> dict:
    head = {"organization": org, "scope": scope, "direction": direction, "direction_kind": kind}
    if "skipped" in fit:
        blank = {p: float("nan") for p in PARAMS}
        blank.update({f"{p}_ci_{s}": float("nan") for p in PARAMS for s in ("low", "high")})
        return {**head, **blank, "points": fit.get("points", 0), "fit_rmse_log": float("nan"),
                **{f"{h}_rmse_log": float("nan") for h in HELDOUT}, "unidentified": "",
                "skipped": fit["skipped"]}
    return {**head, **law_row(fit), "skipped": ""}


def translation_law_table(fits: dict) -> pd.DataFrame:
    """``results/laws/translation_laws.csv``: one row per (organization, scope, direction), the
    pooled scopes with direction ``""``; skipped fits keep their row, with the reason."""
    rows = []
    for org, entry in sorted(fits["organizations"].items()):
        for scope in SCOPES:
            rows.append(_row(org, scope, "", scope, entry[scope]))
        for direction, fit in sorted(entry["directions"].items()):
            rows.append(_row(org, "direction", direction, fit.get("kind", ""), fit))
    table = pd.DataFrame(rows)
    # Intervals of a fit without bootstrap draws are None: keep the columns numeric.
    num = [c for c in table.columns if c in PARAMS or c.endswith(("_ci_low", "_ci_high", "_rmse_log"))]
    table[num] = table[num].astype(float)
    return table
