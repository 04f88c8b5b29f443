"""The data-organization figure: translation loss by organization and size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from codescale.figures.style import plt, save


def _seed_note(table: pd.DataFrame) -> str:
    n = table["n_seeds"] if "n_seeds" in table else pd.Series([1])
    lo, hi = int(n.min()), int(n.max())
    return f"{lo} seed" + ("s" if hi > 1 else "") if lo == hi else f"{lo}–{hi} seeds"


def plot_strategy(table: pd.DataFrame, pdf, png) -> None:
    """Mean translation loss against model size per data organization, on the seen (Python↔X)
    and the unseen (zero-shot) directions — the paper's Fig. 3. ``table`` is
    :func:`codescale.evaluate.summary.strategy_table`: each point is the mean over seeds, with
    the 95% t-interval of the mean as an error bar where a cell has two or more seeds. Several
    budgets draw one line per (organization, budget)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    budgets = sorted(table.tokens.unique()) if "tokens" in table and len(table) else []
    several = len(budgets) > 1
    seeded = "n_seeds" in table and bool((table.n_seeds > 1).any())
    for ax, kind in zip(axes, ("seen", "unseen"), strict=True):
        for key, group in table.groupby(["organization", "tokens"] if several else ["organization"]):
            org, tokens = (key[0], key[1]) if several else (key[0], None)
            group = group.sort_values("params")
            mean = group[f"{kind}_loss"].to_numpy(dtype=float)
            label = org if tokens is None else f"{org}, D={tokens:,.0f}"
            low, high = f"{kind}_loss_ci95_low", f"{kind}_loss_ci95_high"
            if seeded and low in group:
                yerr = np.nan_to_num([mean - group[low].to_numpy(dtype=float),
                                      group[high].to_numpy(dtype=float) - mean])
                ax.errorbar(group.params, mean, yerr=yerr, marker="o", capsize=3, label=label)
            else:
                ax.plot(group.params, mean, marker="o", label=label)
        ax.set_xscale("log")
        ax.set_xlabel("non-embedding parameters N")
        ax.set_title(f"{kind} directions", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("translation loss −E[log P(y|x)] (nats/token)")
    note = _seed_note(table) if len(table) else "no runs"
    title = "organization: mean over seeds" + (", bars: 95% t-interval of the mean" if seeded else "")
    axes[1].legend(title=f"{title}\n({note})", fontsize=7, title_fontsize=7)
    fig.tight_layout()
    save(fig, pdf, png)
