"""Figures as PDF and PNG (the PNG feeds the Snakemake report)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from codescale.artifacts import atomic_path  # noqa: E402
from codescale.laws.fit import Law  # noqa: E402


def _save(fig, pdf: str | Path, png: str | Path) -> None:
    for target, fmt in ((pdf, "pdf"), (png, "png")):
        with atomic_path(target, suffix=f".{fmt}") as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
    plt.close(fig)


def _grid(n: int):
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def _scaling_rows(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[(summary.family == "scaling") & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & (summary.mixture == summary.lang_or_direction)]


def plot_loss_vs_tokens(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against training tokens, one colour per model size, with
    the fitted law as lines."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = _grid(len(langs))
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
    _save(fig, pdf, png)


def plot_loss_vs_params(summary: pd.DataFrame, laws: dict[str, dict], pdf, png) -> None:
    """Per language: validation loss against non-embedding parameters, one colour per budget."""
    rows = _scaling_rows(summary)
    langs = sorted(laws)
    fig, axes = _grid(len(langs))
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
    _save(fig, pdf, png)


def plot_allocation(allocation: dict, comparison: pd.DataFrame, pdf, png) -> None:
    """Left: token proportions, uniform vs optimized. Right: predicted and measured loss per
    language and on average."""
    langs = sorted(allocation["mixtures"]["uniform"]["proportions"])
    x = np.arange(len(langs))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    for i, mix in enumerate(("uniform", "optimized")):
        props = allocation["mixtures"][mix]["proportions"]
        ax1.bar(x + (i - 0.5) * 0.4, [props[k] for k in langs], width=0.4, label=mix)
    ax1.set_xticks(x, langs, rotation=30)
    ax1.set_ylabel("share of training tokens")
    ax1.set_title(f"Token composition ({allocation['model']}, {allocation['tokens']:,.0f} tokens)")
    ax1.legend()

    keys = langs + ["average"]
    x2 = np.arange(len(keys))
    for i, mix in enumerate(("uniform", "optimized")):
        sub = comparison[comparison.mixture == mix].set_index("lang")
        offset = (i - 0.5) * 0.4
        ax2.bar(x2 + offset, [sub.measured[k] for k in keys], width=0.4, alpha=0.8,
                label=f"{mix}: measured")
        ax2.scatter(x2 + offset, [sub.predicted[k] for k in keys], color="k", marker="_", s=200,
                    zorder=3, label="predicted" if i == 0 else None)
    ax2.set_xticks(x2, keys, rotation=30)
    ax2.set_ylabel("validation loss (nats/token)")
    ax2.set_title("Uniform vs optimized: predicted and measured")
    lo = comparison[["measured", "predicted"]].min().min()
    ax2.set_ylim(bottom=max(0.0, lo * 0.8))
    ax2.legend(fontsize=7)
    fig.tight_layout()
    _save(fig, pdf, png)


def plot_strategy(table: pd.DataFrame, pdf, png) -> None:
    """Mean translation loss against model size per data organization, on the seen (Python↔X)
    and the unseen (zero-shot) directions — the paper's Fig. 3."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, kind in zip(axes, ("seen", "unseen"), strict=True):
        for org, group in table.groupby("organization"):
            group = group.sort_values("params")
            ax.plot(group.params, group[f"{kind}_loss"], marker="o", label=org)
        ax.set_xscale("log")
        ax.set_xlabel("non-embedding parameters N")
        ax.set_title(f"{kind} directions")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("translation loss −E[log P(y|x)] (nats/token)")
    axes[1].legend(title="organization")
    fig.tight_layout()
    _save(fig, pdf, png)


def plot_curation(summary: pd.DataFrame, pdf, png) -> None:
    """Share of each language's bytes removed by each filter (stacked), like the Zhusuan breakdown;
    the number on each bar is the share kept."""
    if "kind" in summary:  # every drop reason, whatever its name; not the noted ones (kept documents)
        steps = summary[summary.kind == "dropped"]
    else:  # a summary written before the kind column
        steps = summary[~summary.step.isin(["input", "kept", "ruff_fixed"])]  # fixing whitespace drops no file
    inputs = summary[summary.step == "input"].set_index("lang").bytes
    kept = summary[summary.step == "kept"].set_index("lang").bytes
    langs = sorted(inputs.index)
    reasons = [r for r in steps.step.unique() if steps[steps.step == r].bytes.sum() > 0]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    bottom = np.zeros(len(langs))
    cmap = plt.get_cmap("tab20")
    for i, reason in enumerate(sorted(reasons)):
        sub = steps[steps.step == reason].set_index("lang").bytes
        share = np.array([sub.get(lang, 0) / inputs[lang] if inputs[lang] else 0.0 for lang in langs]) * 100
        ax.bar(langs, share, bottom=bottom, label=reason, color=cmap(i % 20))
        bottom += share
    for x, lang in enumerate(langs):
        ax.text(x, bottom[x], f"kept {100 * kept.get(lang, 0) / max(inputs[lang], 1):.1f}%", ha="center",
                va="bottom", fontsize=8)
    ax.set_ylabel("bytes removed (% of the language's input)")
    ax.set_title("Curation: what each filter removed")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    _save(fig, pdf, png)
