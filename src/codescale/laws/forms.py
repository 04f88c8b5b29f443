"""Law forms: what a scaling law declares so that one fitter (:mod:`codescale.laws.fitter`) can
fit any of them.

A form names its parameters in *fitted coordinates* ``theta`` (a scale parameter such as ``A`` is
fitted as ``log A``, so it stays positive without a bound), with bounds and a grid of starting
values, and predicts the loss with its Jacobian ``d pred / d theta``. Inputs ``x`` are a dict of
equal-length arrays (``N``, ``D``, proportions, ...), so a form can read whatever its runs
describe. A form also says which of its terms the data leave unidentified: an exponent at its
bound, or a term that is negligible against the losses it was fitted on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Param:
    """One fitted coordinate. ``log``: theta holds ``log(value)``; reported values are ``exp``."""

    name: str
    lower: float | None = None
    upper: float | None = None
    grid: tuple[float, ...] = (0.0,)
    log: bool = False

    @property
    def label(self) -> str:
        """The reported name: ``A`` for the coordinate ``log_A``."""
        return self.name[4:] if self.log and self.name.startswith("log_") else self.name


class LawForm:
    """Base class of every law form. Subclasses set ``name``, ``formula`` and ``params`` and
    implement :meth:`evaluate`."""

    name: str = ""
    formula: str = ""
    params: tuple[Param, ...] = ()

    def evaluate(self, theta: np.ndarray, x: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """``(pred, jac)``: the predicted loss (n,) and its Jacobian (n, k) in ``theta``."""
        raise NotImplementedError

    def predict(self, theta: np.ndarray, x: dict[str, np.ndarray]) -> np.ndarray:
        return self.evaluate(np.asarray(theta, dtype=float), x)[0]

    def predict_many(self, thetas: np.ndarray, x: dict[str, np.ndarray]) -> np.ndarray:
        """(m, n) predictions for m parameter vectors (forms override this to vectorise)."""
        return np.array([self.predict(t, x) for t in thetas])

    def starts(self, x: dict[str, np.ndarray], y: np.ndarray) -> np.ndarray:
        """Candidate starting points: the product of the parameters' grids."""
        return np.array(list(itertools.product(*(p.grid for p in self.params))), dtype=float)

    def bounds(self) -> list[tuple[float | None, float | None]]:
        return [(p.lower, p.upper) for p in self.params]

    def values(self, theta: np.ndarray) -> dict[str, float]:
        """Reported parameter values (``exp`` of log coordinates)."""
        return {p.label: float(np.exp(t) if p.log else t) for p, t in zip(self.params, theta, strict=True)}

    def negligible(self, theta: np.ndarray, x: dict[str, np.ndarray], y: np.ndarray) -> list[str]:
        """Parameters whose term is too small against the data to be identified."""
        return []

    def at_bounds(self, theta: np.ndarray, tol: float = 1e-6) -> list[str]:
        out = []
        for p, t in zip(self.params, theta, strict=True):
            if (p.lower is not None and t <= p.lower + tol) or (p.upper is not None and t >= p.upper - tol):
                out.append(p.label)
        return out

    def spec(self) -> dict:
        """Enough to name the form in a JSON artifact (subclasses with settings extend it)."""
        return {"name": self.name, "formula": self.formula}

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.params]


def saturating_exp(z):
    """``exp`` that saturates instead of overflowing while the optimiser explores."""
    return np.exp(np.minimum(z, 700.0))


class PowerLaw(LawForm):
    """``L(N, D) = A·N^-α + B·D^-β + E`` (Hoffmann et al. 2022, approach 3) with ``N`` the
    non-embedding parameters and ``D`` the training tokens in raw units; fitted as
    ``(log A, α, log B, β, log E)`` with the exponents in ``[0, max_exponent]``."""

    name = "power_law"
    formula = "L(N, D) = A*N^-alpha + B*D^-beta + E"

    def __init__(self, max_exponent: float = 5.0,
                 grid_log_a=(0.0, 5.0, 10.0, 15.0, 20.0), grid_log_b=(0.0, 5.0, 10.0, 15.0, 20.0),
                 grid_log_e=(-1.0, 0.0, 1.0), grid_alpha=(0.2, 0.5, 1.0, 2.0),
                 grid_beta=(0.2, 0.5, 1.0, 2.0)):
        self.max_exponent = max_exponent
        self.params = (
            Param("log_A", grid=tuple(grid_log_a), log=True),
            Param("alpha", 0.0, max_exponent, tuple(grid_alpha)),
            Param("log_B", grid=tuple(grid_log_b), log=True),
            Param("beta", 0.0, max_exponent, tuple(grid_beta)),
            Param("log_E", grid=tuple(grid_log_e), log=True),
        )

    def evaluate(self, theta, x):
        a, alpha, b, beta, e = theta
        log_n, log_d = np.log(x["N"]), np.log(x["D"])
        t_n = saturating_exp(a - alpha * log_n)
        t_d = saturating_exp(b - beta * log_d)
        t_e = np.full_like(t_n, saturating_exp(e))
        jac = np.stack([t_n, -t_n * log_n, t_d, -t_d * log_d, t_e], axis=1)
        return t_n + t_d + t_e, jac

    def predict_many(self, thetas, x):
        a, alpha, b, beta, e = (np.asarray(thetas, dtype=float)[:, i:i + 1] for i in range(5))
        log_n, log_d = np.log(x["N"])[None, :], np.log(x["D"])[None, :]
        return saturating_exp(a - alpha * log_n) + saturating_exp(b - beta * log_d) + saturating_exp(e)

    def negligible(self, theta, x, y):
        # A term under 0.1% of the smallest loss at the grid's smallest N (or D) is not measured.
        a, alpha, b, beta, e = theta
        scale = 1e-3 * float(np.min(y))
        out = []
        if np.exp(a - alpha * np.log(np.min(x["N"]))) < scale:
            out.append("A")
        if np.exp(b - beta * np.log(np.min(x["D"]))) < scale:
            out.append("B")
        if np.exp(e) < scale:
            out.append("E")
        return out

    def spec(self):
        return {**super().spec(), "max_exponent": self.max_exponent}
