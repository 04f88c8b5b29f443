"""What every figure shares: the Agg backend, atomic PDF+PNG output (the PNG feeds the Snakemake
report), a grid of panels."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from codescale.artifacts import atomic_path  # noqa: E402


def save(fig, pdf: str | Path, png: str | Path) -> None:
    for target, fmt in ((pdf, "pdf"), (png, "png")):
        with atomic_path(target, suffix=f".{fmt}") as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
    plt.close(fig)


def grid(n: int):
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat
