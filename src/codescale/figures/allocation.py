"""The allocation figure: token composition and loss, uniform vs optimized."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from codescale.figures.style import interval_yerr, plt, save


def plot_allocation(allocation: dict, comparison: pd.DataFrame, pdf, png,
                    difference: pd.DataFrame | None = None) -> None:
    """Left: token proportions, uniform vs optimized. Right: predicted and measured loss per
    language and on average (mean over seeds with its 95% interval); the right title states the
    measured optimized − uniform difference and the verdict (``difference``, from
    :func:`codescale.allocate.compare.allocation_difference`)."""
    langs = sorted(allocation["mixtures"]["uniform"]["proportions"])
    x = np.arange(len(langs))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    for i, mix in enumerate(("uniform", "optimized")):
        props = allocation["mixtures"][mix]["proportions"]
        ax1.bar(x + (i - 0.5) * 0.4, [props[k] for k in langs], width=0.4, label=mix)
    boot = allocation.get("bootstrap", {})
    title = f"Token composition ({allocation['model']}, {allocation['tokens']:,.0f} code tokens)"
    if boot.get("draws"):
        props = allocation["mixtures"]["optimized"]["proportions"]
        ci = boot["proportions_ci95"]
        ax1.errorbar(x + 0.2, [props[k] for k in langs],
                     yerr=interval_yerr([props[k] for k in langs], [ci[k][0] for k in langs],
                                        [ci[k][1] for k in langs]),
                     fmt="none", ecolor="k", capsize=3, label=f"95% interval ({boot['draws']} draws)")
        lo, hi = boot["gain_at_chosen_ci95"]
        title += (f"\nlaw: {allocation['law'].get('form')}; predicted gain {allocation['predicted_gain']:.3f}"
                  f" [{lo:.3f}, {hi:.3f}] nats")
    trivial = allocation.get("law", {}).get("versus_trivial", {}).get("mae_average")
    if trivial and not trivial["chosen_beats_trivial"]:
        title += "\n" + textwrap.fill(f"warning: on held-out mixtures the law (MAE {trivial['chosen']:.3f}) "
                                      f"does not beat the mixture-blind predictor ({trivial['trivial']:.3f})", 70)
    ax1.set_xticks(x, langs, rotation=30)
    ax1.set_ylabel("share of code tokens")
    ax1.set_title(title, fontsize=9)
    ax1.legend(fontsize=7)

    keys = langs + ["average"]
    x2 = np.arange(len(keys))
    for i, mix in enumerate(("uniform", "optimized")):
        sub = comparison[comparison.mixture == mix].set_index("lang")
        offset = (i - 0.5) * 0.4
        mean = np.array([sub.measured[k] for k in keys])
        seeds = int(sub.seeds.max()) if "seeds" in sub else 1
        ax2.bar(x2 + offset, mean, width=0.4, alpha=0.8, label=f"{mix}: measured ({seeds} seeds)")
        if "ci95_low" in sub and sub.ci95_low.notna().any():
            low = np.array([sub.ci95_low[k] for k in keys])
            high = np.array([sub.ci95_high[k] for k in keys])
            ax2.errorbar(x2 + offset, mean, yerr=[mean - low, high - mean], fmt="none", ecolor="0.2",
                         capsize=3, label="95% interval of the mean" if i == 0 else None)
        ax2.scatter(x2 + offset, [sub.predicted[k] for k in keys], color="k", marker="_", s=200,
                    zorder=3, label="predicted" if i == 0 else None)
    ax2.set_xticks(x2, keys, rotation=30)
    ax2.set_ylabel("validation loss (nats/token)")
    title2 = "Uniform vs optimized: predicted and measured"
    if difference is not None and "average" in set(difference.lang):
        from codescale.allocate.compare import verdict_sentence

        title2 += "\n" + textwrap.fill(verdict_sentence(difference), 70)
    ax2.set_title(title2, fontsize=9)
    lo = comparison[["measured", "predicted"]].min().min()
    ax2.set_ylim(bottom=max(0.0, lo * 0.8))
    ax2.legend(fontsize=7)
    fig.tight_layout()
    save(fig, pdf, png)
