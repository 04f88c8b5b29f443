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


def _loss_panels(summary: pd.DataFrame, laws: dict[str, dict], pdf, png, *, x: str, series: str, cmap,
                 label, title, xlabel: str, suptitle: str) -> None:
    """One panel per language: measured loss against ``x`` (tokens or params), one colour per value of
    ``series`` (the other of the two), and the fitted law along ``x`` for each."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = grid(len(langs))
    for ax, lang in zip(axes, langs, strict=False):
        law = Law(**laws[lang]["params"])
        sub = rows[rows.mixture == lang]
        values = sorted(sub[series].unique())
        along = np.geomspace(sub[x].min() / 1.5, sub[x].max() * 1.5, 100)
        for color, v in zip(cmap(len(values)), values, strict=True):
            pts = sub[sub[series] == v].sort_values(x)
            ax.scatter(pts[x], pts.value, color=color, s=18, zorder=3, label=label(v))
            n, d = (v, along) if x == "tokens" else (along, v)
            ax.plot(along, law.predict(n, d), color=color, lw=1)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(title(lang, law), fontsize=9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("validation loss (nats/token)")
        ax.legend(fontsize=6)
    fig.suptitle(suptitle)
    fig.tight_layout()
    save(fig, pdf, png)


def plot_loss_vs_tokens(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against training tokens, one colour per model size, with
    the fitted law as lines."""
    _loss_panels(summary, laws, pdf, png, x="tokens", series="params",
                 cmap=lambda k: plt.cm.viridis(np.linspace(0.1, 0.9, k)), label=lambda n: f"N={n / 1e6:.2f}M",
                 title=lambda lang, law: f"{lang}  (α={law.alpha:.2f}, β={law.beta:.2f}, E={law.E:.2f})",
                 xlabel="training tokens D",
                 suptitle="Per-language loss vs tokens with fitted L(N, D) = A·N^-α + B·D^-β + E")


def plot_loss_vs_params(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against non-embedding parameters, one colour per budget."""
    _loss_panels(summary, laws, pdf, png, x="params", series="tokens",
                 cmap=lambda k: plt.cm.plasma(np.linspace(0.1, 0.85, k)), label=lambda d: f"D={d:,}",
                 title=lambda lang, law: lang, xlabel="non-embedding parameters N",
                 suptitle="Per-language loss vs parameters with fitted laws")
