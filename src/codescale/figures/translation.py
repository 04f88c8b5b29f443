"""The translation-law figure (the paper's §5 / Table 2): measured mean translation loss against
model size per data organization, on the seen and the unseen directions, with the fitted laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from codescale.figures.style import plt, save
from codescale.laws.fit import Law

LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def _skip_note(reason: str, width: int = 36) -> str:
    return reason if len(reason) <= width else reason[: width - 1] + "…"


def plot_translation_laws(points: pd.DataFrame, fits: dict, pdf, png) -> None:
    """Two panels (seen, unseen directions): each organization's measured mean translation loss
    against non-embedding parameters N (markers, one colour per organization, one marker and one
    line style per budget D) and its fitted law along N at each budget. An organization whose fit
    was skipped shows its points only, and its legend entry says so.

    ``points``: :func:`codescale.laws.translation.translation_points` (or the ``points`` records
    of the fits' JSON as a frame); ``fits``: :func:`codescale.laws.translation.fit_translation_laws`.
    """
    laws = fits.get("organizations", fits)
    orgs = sorted(set(points.organization) | set(laws))
    colors = dict(zip(orgs, plt.cm.tab10(np.arange(len(orgs)) % 10), strict=True))
    budgets = sorted(points.D.unique())
    style = {d: (LINE_STYLES[i % len(LINE_STYLES)], MARKERS[i % len(MARKERS)]) for i, d in enumerate(budgets)}
    n_lo, n_hi = (points.N.min() / 1.5, points.N.max() * 1.5) if len(points) else (1.0, 10.0)
    along = np.geomspace(n_lo, n_hi, 100)

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    for ax, kind in zip(axes, ("seen", "unseen"), strict=True):
        column = f"{kind}_loss"
        handles = []
        for org in orgs:
            color = colors[org]
            sub = points[(points.organization == org) & np.isfinite(points[column].astype(float))]
            fit = laws.get(org, {}).get(kind, {"skipped": "no fit"})
            for d in budgets:
                pts = sub[sub.D == d].sort_values("N")
                if len(pts):
                    ax.scatter(pts.N, pts[column], color=color, marker=style[d][1], s=22, zorder=3)
            if "skipped" in fit:
                label = f"{org}: fit skipped ({_skip_note(fit['skipped'])})"
            else:
                law = Law(**fit["params"])
                for d in sorted(sub.D.unique()):
                    ax.plot(along, law.predict(along, d), color=color, ls=style[d][0], lw=1.1)
                label = f"{org}: α={law.alpha:.2f}, β={law.beta:.2f}, E={law.E:.3g}"
            handles.append(Line2D([], [], color=color, marker="o", ls="-" if "skipped" not in fit else "none",
                                  label=label))
        handles += [Line2D([], [], color="0.35", ls=style[d][0], marker=style[d][1], label=f"D={d:,.0f}")
                    for d in budgets]
        if not len(points[np.isfinite(points[column].astype(float))]):
            ax.text(0.5, 0.5, f"no {kind}-direction points", transform=ax.transAxes, ha="center")
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("non-embedding parameters N")
        ax.set_title(f"{kind} directions" + (" (Python↔X)" if kind == "seen" else " (zero-shot, non-Python)"))
        ax.grid(alpha=0.3)
        ax.legend(handles=handles, fontsize=6.5, loc="best")
    axes[0].set_ylabel("mean translation loss −E[log P(y|x)] (nats/token)")
    fig.suptitle("Translation laws L(N, D) = A·N^-α + B·D^-β + E per data organization")
    fig.tight_layout()
    save(fig, pdf, png)
