"""The curation figure: what each reason removed, per language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from codescale.figures.style import plt, save


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
    save(fig, pdf, png)
