"""The value of repeated tokens (Muennighoff et al. 2023, "Scaling Data-Constrained Language
Models", arXiv 2305.16264, Eq. 5).

Training on ``T`` tokens drawn from ``U`` unique ones repeats the data ``R = T/U − 1`` times; the
repeated tokens are worth less than fresh ones, decaying with a fitted constant ``R*``:

    D' = U + U·R*·(1 − exp(−R/R*))        (D' = T when T ≤ U)

With their fitted ``R* ≈ 15.4``, four epochs are worth ~3.7 fresh epochs, and no amount of
repetition is worth more than ``U·(1 + R*)``. Every law here takes D as effective tokens, so a
mixture that asks a language for more than it has is valued as what it is.
"""

from __future__ import annotations

import numpy as np

R_STAR = 15.39  # Muennighoff et al. 2023, fitted decay constant of repeated data (R*_D)


def effective_tokens(tokens, unique, r_star: float = R_STAR):
    """Fresh-equivalent tokens of ``tokens`` seen from ``unique`` distinct ones (element-wise;
    ``unique`` = inf means unlimited data)."""
    t = np.asarray(tokens, dtype=float)
    u = np.asarray(unique, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(u) & (u > 0), t / np.where(u > 0, u, 1.0) - 1.0, 0.0)
        repeated = u * (1.0 + r_star * -np.expm1(-np.maximum(r, 0.0) / r_star))
    return np.where(r > 0, repeated, t)


def effective_tokens_grad(tokens, unique, r_star: float = R_STAR):
    """``dD'/dT``: 1 on fresh data, ``exp(−R/R*)`` once repeating."""
    t = np.asarray(tokens, dtype=float)
    u = np.asarray(unique, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(u) & (u > 0), t / np.where(u > 0, u, 1.0) - 1.0, 0.0)
    return np.where(r > 0, np.exp(-np.maximum(r, 0.0) / r_star), 1.0)
