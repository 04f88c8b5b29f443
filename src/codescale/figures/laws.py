"""Scaling-law figures: loss against tokens and against parameters, with the fitted curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from codescale.figures.style import grid, plt, save
from codescale.laws.fit import Law


def _scaling_rows(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[(summary.family == "scaling") & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & (summary.mixture == summary.lang_or_direction)]


def plot_loss_vs_tokens(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against training tokens, one colour per model size, with
    the fitted law as lines."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = grid(len(langs))
    for ax, lang in zip(axes, langs, strict=False):
        law = Law(**laws[lang]["params"])
        sub = rows[rows.mixture == lang]
        sizes = sorted(sub.params.unique())
        colors = plt.cm.viridis(np.linspace(0.1, 0.9, len(sizes)))
        d_grid = np.geomspace(sub.tokens.min() / 1.5, sub.tokens.max() * 1.5, 100)
        for color, n in zip(colors, sizes, strict=True):
            pts = sub[sub.params == n].sort_values("tokens")
            ax.scatter(pts.tokens, pts.value, color=color, s=18, zorder=3,
                       label=f"N={n / 1e6:.2f}M")
            ax.plot(d_grid, law.predict(n, d_grid), color=color, lw=1)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"{lang}  (α={law.alpha:.2f}, β={law.beta:.2f}, E={law.E:.2f})", fontsize=9)
        ax.set_xlabel("training tokens D")
        ax.set_ylabel("validation loss (nats/token)")
        ax.legend(fontsize=6)
    fig.suptitle("Per-language loss vs tokens with fitted L(N, D) = A·N^-α + B·D^-β + E")
    fig.tight_layout()
    save(fig, pdf, png)


def plot_loss_vs_params(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against non-embedding parameters, one colour per budget."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = grid(len(langs))
    for ax, lang in zip(axes, langs, strict=False):
        law = Law(**laws[lang]["params"])
        sub = rows[rows.mixture == lang]
        budgets = sorted(sub.tokens.unique())
        colors = plt.cm.plasma(np.linspace(0.1, 0.85, len(budgets)))
        n_grid = np.geomspace(sub.params.min() / 1.5, sub.params.max() * 1.5, 100)
        for color, d in zip(colors, budgets, strict=True):
            pts = sub[sub.tokens == d].sort_values("params")
            ax.scatter(pts.params, pts.value, color=color, s=18, zorder=3, label=f"D={d:,}")
            ax.plot(n_grid, law.predict(n_grid, d), color=color, lw=1)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(lang, fontsize=9)
        ax.set_xlabel("non-embedding parameters N")
        ax.set_ylabel("validation loss (nats/token)")
        ax.legend(fontsize=6)
    fig.suptitle("Per-language loss vs parameters with fitted laws")
    fig.tight_layout()
    save(fig, pdf, png)
