"""Spread over replicate seeds, one convention for every table and figure that shows a measured
value: the mean over seeds, the sample standard deviation (``ddof=1``) and the 95% t-interval of
the mean, ``mean ± t_{0.975, n−1} · sd / √n`` (as :mod:`codescale.allocate.compare` and
:mod:`codescale.laws.synergy`). With one seed the sd and the interval are NaN: one run gives no
spread. Non-finite values (a metric a run lacks) are left out and not counted in ``n``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

FIELDS = ("mean", "sd", "ci95_low", "ci95_high", "n")


def spread(values) -> dict:
    """``{"mean", "sd", "ci95_low", "ci95_high", "n"}`` of the finite ``values``."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    n = int(len(v))
    mean = float(v.mean()) if n else math.nan
    if n < 2:
        return {"mean": mean, "sd": math.nan, "ci95_low": math.nan, "ci95_high": math.nan, "n": n}
    sd = float(v.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "sd": sd, "ci95_low": mean - half, "ci95_high": mean + half, "n": n}


def spread_by(frame: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
    """One row per value of ``keys``: the keys and :data:`FIELDS` of ``frame[value]`` (each row
    of ``frame`` one seed's value)."""
    rows = [{**dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)),
             **spread(group[value])}
            for key, group in frame.groupby(keys, sort=True)]
    return pd.DataFrame(rows, columns=[*keys, *FIELDS])
