"""The mixture-model figure: held-out predictions of every mixture model, and the fitted transfer
matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from codescale.figures.style import plt, save


def plot_mixture_models(report: dict, comparison: pd.DataFrame, pdf, png) -> None:
    """Left: predicted vs measured average loss of each held-out mixture run, one marker per
    model (MAE in the legend); the measured loss is the mean over the mixture's seeds, with the
    95% t-interval of the mean as a horizontal error bar where it has two or more seeds
    (``measured_ci95_low`` / ``_high`` of :func:`codescale.laws.mixture.compare_mixture_models`).
    Right: the transfer form's matrix T (row: target, column: source)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    runs = comparison[(comparison.scope == "run") & (comparison.skipped.fillna("") == "")]
    overall = comparison[comparison.scope == "overall"].set_index("model")
    markers = dict(zip(["paper", "transfer", "independent", "regmix", "uniform"], "osD^v", strict=True))
    seeded = "measured_ci95_low" in runs and bool(runs.measured_ci95_low.notna().any())
    for name, sub in runs.groupby("model"):
        mae = overall.loc[name, "mae_average"] if name in overall.index else np.nan
        if seeded:
            xerr = np.nan_to_num([sub.measured_average - sub.measured_ci95_low,
                                  sub.measured_ci95_high - sub.measured_average])
            ax1.errorbar(sub.measured_average, sub.predicted_average, xerr=xerr, fmt=markers.get(name, "o"),
                         capsize=2, elinewidth=0.8, label=f"{name} (MAE {mae:.3f})", alpha=0.8)
        else:
            ax1.scatter(sub.measured_average, sub.predicted_average, marker=markers.get(name, "o"),
                        label=f"{name} (MAE {mae:.3f})", alpha=0.8)
    if seeded:  # what the bars are, in the legend
        n = runs.n_seeds.dropna()
        lo, hi = int(n.min()), int(n.max())
        seeds = f"{hi} seeds" if lo == hi else f"{lo}–{hi} seeds"
        ax1.errorbar([np.nan], [np.nan], xerr=[[np.nan], [np.nan]], fmt="none", ecolor="0.3", capsize=2,
                     elinewidth=0.8, label=f"measured: mean ± 95% t-interval of the mean ({seeds})")
    if len(runs):
        lo = float(np.nanmin(runs[["measured_average", "predicted_average"]].to_numpy()))
        hi = float(np.nanmax(runs[["measured_average", "predicted_average"]].to_numpy()))
        pad = 0.05 * (hi - lo or 1.0)
        ax1.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.5", lw=1, ls="--")
    skipped = [m for m in overall.index if overall.loc[m].get("runs", 0) == 0]
    title = "Held-out mixtures: average loss"
    if skipped:
        title += f"\n(not fitted: {', '.join(skipped)})"
    ax1.set_title(title, fontsize=9)
    ax1.set_xlabel("measured, mean over seeds (nats/token)" if seeded else "measured (nats/token)")
    ax1.set_ylabel("predicted")
    ax1.legend(fontsize=7)

    langs = report["languages"]
    transfer = report["models"].get("transfer", {})
    matrix = transfer.get("matrix")
    if matrix:
        m = np.array([[1.0 if a == b else matrix[a][b] for b in langs] for a in langs])
        im = ax2.imshow(m, vmin=0, vmax=1, cmap="viridis")
        ci = transfer.get("ci95", {})
        for i, a in enumerate(langs):
            for j, b in enumerate(langs):
                if i != j:
                    lo, hi = ci.get(f"T_{a}_{b}", [None, None])
                    text = f"{m[i, j]:.2f}" + (f"\n[{lo:.2f}, {hi:.2f}]" if lo is not None else "")
                    ax2.text(j, i, text, ha="center", va="center", fontsize=6,
                             color="w" if m[i, j] < 0.6 else "k")
        ax2.set_xticks(range(len(langs)), langs, rotation=45, ha="right")
        ax2.set_yticks(range(len(langs)), langs)
        ax2.set_xlabel("source language j")
        ax2.set_ylabel("target language i")
        fig.colorbar(im, ax=ax2, fraction=0.046, label="T_ij: worth of a j token to i")
        ax2.set_title("Transfer matrix (per-target form), 95% bootstrap intervals", fontsize=9)
    else:
        ax2.text(0.5, 0.5, "transfer form not fitted", ha="center", va="center")
        ax2.set_axis_off()
    fig.tight_layout()
    save(fig, pdf, png)
