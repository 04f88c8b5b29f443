"""The synergy matrix (the paper's Table 1) as a heatmap: the relative gain of each auxiliary
(columns) for each target (rows), positive = the auxiliary helps (codescale.laws.synergy)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm

from codescale.figures.style import plt, save


def _panel(ax, part: pd.DataFrame, languages: list[str], limit: float):
    k = len(languages)
    values = np.full((k, k), np.nan)
    for r in part.itertuples(index=False):
        i, j = languages.index(r.target), languages.index(r.auxiliary)
        values[i, j] = r.relative_gain
    cmap = plt.cm.RdBu.with_extremes(bad="#dddddd")  # the diagonal (grey) is the baseline itself
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap,
                      norm=TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit))
    for r in part.itertuples(index=False):
        i, j = languages.index(r.target), languages.index(r.auxiliary)
        mark = "*" if r.significant else ""
        shade = abs(r.relative_gain) > 0.6 * limit
        ax.text(j, i, f"{100 * r.relative_gain:+.1f}%{mark}", ha="center", va="center", fontsize=7,
                color="white" if shade else "black")
    for i in range(k):
        ax.text(i, i, "L(i+i)", ha="center", va="center", fontsize=6, color="#666666")
    ax.set_xticks(range(k), languages, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(k), languages, fontsize=8)
    ax.set_xlabel("auxiliary language j")
    ax.set_ylabel("target language i")
    return image


def plot_synergy_matrix(table: pd.DataFrame, pdf, png) -> None:
    """One heatmap per (model, tokens) point of ``table`` (:func:`codescale.laws.synergy.synergy_table`):
    cell (i, j) = relative gain ``(L(i+i) − L(i+j)) / L(i+i)`` in percent on a diverging colormap
    centred at 0 (blue: helps, red: hurts); ``*`` where the 95% seed interval excludes 0."""
    if table.empty:
        raise ValueError("plot_synergy_matrix: empty synergy table")
    languages = sorted(set(table.target) | set(table.auxiliary))
    points = sorted(set(zip(table.model, table.tokens, strict=True)))
    limit = float(np.nanmax(np.abs(table.relative_gain.to_numpy(dtype=float))))
    limit = limit if limit > 0 and math.isfinite(limit) else 0.01
    size = 0.75 * len(languages) + 1.5
    fig, axes = plt.subplots(1, len(points), figsize=(size * len(points) + 1.0, size), squeeze=False)
    image = None
    for ax, (model, tokens) in zip(axes.flat, points, strict=True):
        part = table[(table.model == model) & (table.tokens == tokens)]
        image = _panel(ax, part, languages, limit)
        ax.set_title(f"{model}, {tokens:,} tokens", fontsize=9)
    bar = fig.colorbar(image, ax=list(axes.flat), shrink=0.8)
    bar.set_label("relative gain (L(i+i) − L(i+j)) / L(i+i)")
    bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:+.0f}%"))
    fig.suptitle("Synergy: relative gain of auxiliary j for target i (* : 95% seed interval excludes 0)",
                 fontsize=10)
    save(fig, pdf, png)
