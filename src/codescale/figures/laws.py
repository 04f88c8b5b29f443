"""Scaling-law figures: loss against tokens and against parameters, with the fitted curves (fitted on
every seed's point); a measured (model, budget) cell with several seeds shows their mean and spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from codescale.figures.style import grid, plt, save
from codescale.laws.fit import Law
from codescale.seeds import spread_by


def _scaling_rows(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[(summary.family == "scaling") & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & (summary.mixture == summary.lang_or_direction)]


def _seed_label(n: pd.Series) -> str:
    lo, hi = int(n.min()), int(n.max())
    return f"{hi} seeds" if lo == hi else f"{lo}–{hi} seeds"


def _loss_panels(summary: pd.DataFrame, laws: dict[str, dict], pdf, png, *, x: str, series: str, cmap,
                 label, title, xlabel: str, suptitle: str) -> None:
    """One panel per language: measured loss against ``x`` (tokens or params), one colour per value of
    ``series`` (the other of the two), and the fitted law along ``x`` for each. A (model, budget)
    cell with several seeds shows their mean with the 95% t-interval of the mean as an error bar
    (:func:`codescale.seeds.spread`) and each seed's point faintly; a cell with one seed its point."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = grid(len(langs))
    for ax, lang in zip(axes, langs, strict=False):
        law = Law(**laws[lang]["params"])
        sub = rows[rows.mixture == lang]
        cells = spread_by(sub, [series, x])
        seeded = bool((cells.n > 1).any())
        values = sorted(sub[series].unique())
        along = np.geomspace(sub[x].min() / 1.5, sub[x].max() * 1.5, 100)
        for color, v in zip(cmap(len(values)), values, strict=True):
            pts = cells[cells[series] == v].sort_values(x)
            if seeded:
                raw = sub[sub[series] == v]
                ax.scatter(raw[x], raw.value, color=color, s=8, alpha=0.3, linewidths=0, zorder=2)
                yerr = np.nan_to_num([pts["mean"] - pts.ci95_low, pts.ci95_high - pts["mean"]])
                ax.errorbar(pts[x], pts["mean"], yerr=yerr, fmt="o", color=color, ms=4, capsize=2,
                            elinewidth=1, zorder=3, label=label(v))
            else:
                ax.scatter(pts[x], pts["mean"], color=color, s=18, zorder=3, label=label(v))
            n, d = (v, along) if x == "tokens" else (along, v)
            ax.plot(along, law.predict(n, d), color=color, lw=1)
        if seeded:  # what the markers mean, in the legend
            ax.errorbar([np.nan], [np.nan], yerr=[[np.nan], [np.nan]], fmt="o", color="0.3", ms=4,
                        capsize=2, elinewidth=1,
                        label=f"mean ± 95% t-interval of the mean ({_seed_label(cells.n)})")
            ax.scatter([np.nan], [np.nan], color="0.3", s=8, alpha=0.3, linewidths=0, label="one seed")
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
    the fitted law as lines; several seeds at a cell: their mean with the 95% t-interval of the
    mean, each seed faintly."""
    _loss_panels(summary, laws, pdf, png, x="tokens", series="params",
                 cmap=lambda k: plt.cm.viridis(np.linspace(0.1, 0.9, k)), label=lambda n: f"N={n / 1e6:.2f}M",
                 title=lambda lang, law: f"{lang}  (α={law.alpha:.2f}, β={law.beta:.2f}, E={law.E:.2f})",
                 xlabel="training tokens D",
                 suptitle="Per-language loss vs tokens with fitted L(N, D) = A·N^-α + B·D^-β + E")


def plot_loss_vs_params(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against non-embedding parameters, one colour per budget;
    seeds as in :func:`plot_loss_vs_tokens`."""
    _loss_panels(summary, laws, pdf, png, x="params", series="tokens",
                 cmap=lambda k: plt.cm.plasma(np.linspace(0.1, 0.85, k)), label=lambda d: f"D={d:,}",
                 title=lambda lang, law: lang, xlabel="non-embedding parameters N",
                 suptitle="Per-language loss vs parameters with fitted laws")
