"""The data-organization figure: translation loss by organization and size."""

from __future__ import annotations

import pandas as pd

from codescale.figures.style import plt, save


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
    save(fig, pdf, png)
