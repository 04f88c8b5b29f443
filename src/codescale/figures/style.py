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


def interval_yerr(center, low, high):
    """Matplotlib's ``yerr`` for an interval around ``center``. A bootstrap's percentile interval
    need not hold the point estimate (an optimum, a fit on all the data): the bar on that side
    is then empty rather than negative, which matplotlib rejects."""
    import numpy as np

    center, low, high = (np.asarray(v, dtype=float) for v in (center, low, high))
    return np.stack([np.clip(center - low, 0, None), np.clip(high - center, 0, None)])


def missing_panel(ax, text: str) -> None:
    """Say on a panel why it has no data (a family the config lacks, a metric never evaluated)."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=8, wrap=True,
            bbox={"boxstyle": "round", "fc": "#f4f4f4", "ec": "0.7"})


# One colour per language in every figure: the Okabe–Ito palette (colour-blind safe); natural
# language in grey. Languages beyond these (a user's own) take tab10's colours in name order.
LANGUAGE_COLORS = {
    "python": "#0072B2", "java": "#E69F00", "javascript": "#F0E442", "typescript": "#56B4E9",
    "csharp": "#CC79A7", "go": "#009E73", "rust": "#D55E00", "text": "#7F7F7F",
}


def language_color(lang: str) -> str:
    """The colour of ``lang`` (its name as in config ``languages``), the same in every figure."""
    if lang in LANGUAGE_COLORS:
        return LANGUAGE_COLORS[lang]
    extra = plt.cm.tab10.colors
    return matplotlib.colors.to_hex(extra[sum(map(ord, lang)) % len(extra)])
