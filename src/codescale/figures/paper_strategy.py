"""The paper's study 3 (cross-lingual strategies), regenerated from our runs with the published
numbers beside them: Table 2 (translation laws per organization and direction kind), Fig. 3
(unseen-direction loss by model size, shuffled vs pairing), Table 3 (Pass@1 per organization and
model) and Fig. 4 (translation per direction by organization, the paper's radar).

Our values come from ``eval/summary.parquet`` (every seed a run; means and 95% t-intervals over
seeds by :func:`codescale.seeds.spread`) and ``laws/translation_laws.csv``
(:mod:`codescale.laws.translation`); the paper's from :mod:`codescale.paper`. The two are never put
on one axis as if comparable: our N is in millions of non-embedding parameters, the paper's in
billions, and our losses are on our own held-out parallel set and tokenizer.

The paper's names: its "baseline" is our ``shuffled`` (a snippet and its translation as separate
documents), its "parallel pairing" / "doc level" our ``pairing`` (concatenated in one document).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter
from scipy import stats

from codescale import paper
from codescale.evaluate.summary import strategy_table
from codescale.figures.style import missing_panel, plt, save
from codescale.laws.fit import PARAMS
from codescale.seeds import spread

#: One colour, line style and marker per data organization in the study-3 figures (Paul Tol's
#: colour-blind-safe dark tones: none is a language's colour, so no organization reads as a language).
ORGANIZATION_STYLE = {
    "shuffled": {"color": "#222222", "ls": "-", "marker": "o"},
    "pairing": {"color": "#882255", "ls": "-", "marker": "s"},
    "direct": {"color": "#117733", "ls": "--", "marker": "^"},
    "prompt": {"color": "#999933", "ls": ":", "marker": "D"},
}
#: The two organizations the paper compares (Fig. 3, Table 3), in its order.
COMPARED = ("shuffled", "pairing")
PAPER_NAMES = {"shuffled": "baseline (shuffled)", "pairing": "parallel pairing"}

#: Our law parameter -> the paper's name of it (our E is its L_∞).
LAW_PARAMS = {"A": "A", "B": "B", "alpha": "alpha", "beta": "beta", "E": "L_inf"}
UNITS_NOTE = (
    "the paper does not state the units of N and D (its alpha = 6.404 is implausible with N "
    "in billions); ours are raw counts (N non-embedding parameters, D training tokens), so "
    "A and B are not comparable with the paper's; alpha and beta are exponents, and L_inf "
    "depends on the tokenizer and the evaluation set"
)


def organization_style(org: str) -> dict:
    """Colour, line style and marker of ``org`` (an organization not listed takes a grey)."""
    return ORGANIZATION_STYLE.get(org, {"color": "#777777", "ls": "-.", "marker": "v"})


def _ordered(orgs) -> list[str]:
    known = [o for o in ORGANIZATION_STYLE if o in set(orgs)]
    return known + sorted(set(orgs) - set(known))


# ---------------------------------------------------------------- Table 2: translation laws


def translation_law_comparison(laws: pd.DataFrame) -> pd.DataFrame:
    """``results/paper/translation_laws.csv``: one row per (organization, direction kind) of the
    pooled laws (``scope`` seen / unseen of ``laws/translation_laws.csv``), plus a row for every
    law the paper prints that we did not fit. Our A, B, α, β, L_∞ with their 95% bootstrap
    intervals (``<p>_ci_low`` / ``_ci_high``), ``identified`` (fitted, and no parameter left
    unidentified by the data), ``unidentified``, ``skipped`` (why no law), the fit's points and
    errors; then the paper's values (``paper_<p>``, empty where it prints no such law) and
    ``note``: the units caveat."""
    pooled = laws[laws.scope.isin(("seen", "unseen"))] if len(laws) else laws
    ours = {(r.organization, r.scope): r._asdict() for r in pooled.itertuples(index=False)}
    every = set(ours) | set(paper.TRANSLATION_LAWS)
    orgs = _ordered({org for org, _ in every})
    keys = sorted(every, key=lambda k: (orgs.index(k[0]), k[1]))
    rows = []
    for org, kind in keys:
        row = {"organization": org, "direction_kind": kind}
        fit = ours.get((org, kind))
        for p in PARAMS:
            name = LAW_PARAMS[p]
            for suffix in ("", "_ci_low", "_ci_high"):
                row[f"{name}{suffix}"] = float(fit[f"{p}{suffix}"]) if fit else math.nan
        if fit is None:
            row.update(
                identified=False, unidentified="", skipped="not fitted: the study has no such organization", points=0
            )
        else:
            skipped = fit.get("skipped")
            skipped = "" if not isinstance(skipped, str) else skipped
            unidentified = fit.get("unidentified")
            unidentified = unidentified if isinstance(unidentified, str) else ""
            row.update(
                identified=not skipped and not unidentified.strip(),
                unidentified=unidentified,
                skipped=skipped,
                points=int(fit.get("points", 0) or 0),
            )
        for extra in ("n_seeds", "fit_rmse_log", "leave_one_out_rmse_log"):
            row[extra] = float(fit[extra]) if fit and extra in fit else math.nan
        published = paper.TRANSLATION_LAWS.get((org, kind), {})
        for p in PARAMS:
            name = LAW_PARAMS[p]
            row[f"paper_{name}"] = published.get(name, math.nan)
        row["note"] = UNITS_NOTE
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- Fig. 3: unseen loss by size


def _welch(a, b) -> tuple[float, float, float]:
    """mean(a) − mean(b) with Welch's 95% interval (NaN with fewer than two values on a side)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if not len(a) or not len(b):
        return math.nan, math.nan, math.nan
    diff = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, df)) * se
    return diff, diff - half, diff + half


def unseen_gap(summary: pd.DataFrame) -> pd.DataFrame:
    """Per (model, budget): shuffled − pairing mean unseen-direction loss (positive: pairing is
    lower) with Welch's 95% interval over the two organizations' seeds."""
    from codescale.evaluate.summary import strategy_runs

    runs = strategy_runs(summary)
    rows = []
    for (params, tokens), cell in runs.groupby(["params", "tokens"], sort=True):
        sh = cell[cell.organization == "shuffled"].unseen_loss
        pa = cell[cell.organization == "pairing"].unseen_loss
        if not len(sh) or not len(pa):
            continue
        gap, low, high = _welch(sh, pa)
        rows.append(
            {
                "params": params,
                "tokens": tokens,
                "gap": gap,
                "ci95_low": low,
                "ci95_high": high,
                "seeds_shuffled": len(sh),
                "seeds_pairing": len(pa),
            }
        )
    return pd.DataFrame(
        rows, columns=["params", "tokens", "gap", "ci95_low", "ci95_high", "seeds_shuffled", "seeds_pairing"]
    )


def _errorbar(ax, x, mean, low, high, **style):
    x, mean, low, high = (np.asarray(v, dtype=float) for v in (x, mean, low, high))
    if np.isfinite(low).any():
        yerr = np.nan_to_num([mean - low, high - mean])
        return ax.errorbar(x, mean, yerr=yerr, capsize=3, **style)
    return ax.plot(x, mean, **style)


def plot_unseen_loss(summary: pd.DataFrame, pdf, png) -> None:
    """The paper's Fig. 3 beside ours. Top left: our mean unseen-direction translation loss per
    model size (N in millions, log) for shuffled and pairing (one line style per budget; mean
    over seeds with the 95% t-interval); bottom left: the gap shuffled − pairing with Welch's
    interval. Right: the paper's values (N in billions) and its gap, on their own axes."""
    table = strategy_table(summary) if len(summary) else pd.DataFrame()
    have = table[table.organization.isin(COMPARED)] if len(table) else table
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex="col", gridspec_kw={"height_ratios": [2.2, 1]})
    (ours, theirs), (ours_gap, theirs_gap) = axes
    # the largest budget solid, smaller ones dotted / dash-dotted (the paper's curves are dashed)
    budgets = sorted(have.tokens.unique(), reverse=True) if len(have) else []
    dashes = ["-", ":", "-.", (0, (1, 3))]
    seeds = (int(have.n_seeds.min()), int(have.n_seeds.max())) if len(have) else (0, 0)
    for org in COMPARED:
        for i, tokens in enumerate(budgets):
            cell = have[(have.organization == org) & (have.tokens == tokens)].sort_values("params")
            if not len(cell):
                continue
            st = organization_style(org)
            label = PAPER_NAMES[org] + (f", D={tokens:,.0f}" if len(budgets) > 1 else "")
            _errorbar(
                ours,
                cell.params / 1e6,
                cell.unseen_loss,
                cell.unseen_loss_ci95_low,
                cell.unseen_loss_ci95_high,
                color=st["color"],
                marker=st["marker"],
                ls=dashes[i % len(dashes)],
                label=label,
            )
    if not len(have) or not set(COMPARED) <= set(have.organization):
        absent = [o for o in COMPARED if not len(have) or o not in set(have.organization)]
        missing_panel(
            ours, f"no strategy runs of {' and '.join(absent)} in this study\n(experiments.strategy.organizations)"
        )
    else:
        spread_note = (
            f"{seeds[0]} seed" + ("s" if seeds[1] > 1 else "")
            if seeds[0] == seeds[1]
            else f"{seeds[0]}–{seeds[1]} seeds"
        )
        ours.legend(
            title=f"ours: mean over {spread_note}"
            + (", bars 95% t-interval" if seeds[0] > 1 else " (no interval from one run)"),
            fontsize=7,
            title_fontsize=7,
            handlelength=3.5,
        )
    ours.set_title("ours: mean loss over the unseen (non-Python) directions", fontsize=9)
    ours.set_ylabel("translation loss −E[log P(y|x)]\n(nats/token, our held-out set)")

    gap = unseen_gap(summary) if len(have) else pd.DataFrame()
    for i, tokens in enumerate(budgets):
        g = gap[gap.tokens == tokens].sort_values("params") if len(gap) else gap
        if len(g):
            _errorbar(
                ours_gap,
                g.params / 1e6,
                g.gap,
                g.ci95_low,
                g.ci95_high,
                color="#882255",
                marker="s",
                ls=dashes[i % len(dashes)],
                label=f"D={tokens:,.0f}" if len(budgets) > 1 else None,
            )
    ours_gap.axhline(0, color="0.5", lw=0.8)
    ours_gap.set_ylabel("shuffled − pairing\n(> 0: pairing lower)")
    ours_gap.set_xlabel("non-embedding parameters N (millions)")
    if len(gap) and len(budgets) > 1:
        ours_gap.legend(fontsize=7, handlelength=3.5)

    sizes = sorted(paper.UNSEEN_LOSS_BY_SIZE)
    for org in COMPARED:
        st = organization_style(org)
        theirs.plot(
            sizes,
            [paper.UNSEEN_LOSS_BY_SIZE[s][org] for s in sizes],
            color=st["color"],
            ls="--",
            marker=st["marker"],
            mfc="white",
            label=f"paper: {PAPER_NAMES[org]}",
        )
    theirs_gap.plot(
        sizes,
        [paper.UNSEEN_LOSS_BY_SIZE[s]["shuffled"] - paper.UNSEEN_LOSS_BY_SIZE[s]["pairing"] for s in sizes],
        color="#882255",
        ls="--",
        marker="s",
        mfc="white",
    )
    theirs_gap.axhline(0, color="0.5", lw=0.8)
    theirs.set_title("paper (Fig. 3): average over its 30 unseen directions", fontsize=9)
    theirs.set_ylabel("translation loss (paper's evaluation set)")
    theirs.legend(fontsize=7)
    theirs_gap.set_ylabel("shuffled − pairing")
    theirs_gap.set_xlabel("model size (billions of parameters, as the paper prints it)")
    for ax in axes.flat:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.grid(alpha=0.3)
    theirs_gap.set_xticks(sizes, [f"{s:g}" for s in sizes])
    if len(have):
        sizes_ours = sorted(have.params.unique() / 1e6)
        ours_gap.set_xticks(sizes_ours, [f"{n:.3g}" for n in sizes_ours])
        ours_gap.set_xlim(sizes_ours[0] / 1.25, sizes_ours[-1] * 1.25)
    fig.suptitle(
        "Fig. 3: unseen-direction translation loss, shuffled vs parallel pairing, by model size "
        "(ours left, the paper's right; units differ)",
        fontsize=10,
    )
    fig.tight_layout()
    save(fig, pdf, png)


# ---------------------------------------------------------------- Table 3: Pass@1


def pass_at_1_runs(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per strategy run and (task, language) of HumanEval / MultiPL-E pass@1 (percent),
    plus each run's ``average`` over its languages where it has more than one."""
    rows = summary[(summary.family == "strategy") & summary.task.isin(("humaneval", "multipl_e"))]
    if "seed" not in rows:
        rows = rows.assign(seed=0)
    keys = ["run", "mixture", "model", "params", "tokens", "seed", "task", "lang_or_direction"]
    wide = rows.pivot_table(index=keys, columns="metric", values="value", aggfunc="mean").reset_index()
    if "pass@1" not in wide:
        return pd.DataFrame(
            columns=[
                "run",
                "organization",
                "model",
                "params",
                "tokens",
                "seed",
                "task",
                "lang",
                "pass@1_pct",
                "problems",
            ]
        )
    wide = wide.rename(columns={"mixture": "organization", "lang_or_direction": "lang"})
    wide["pass@1_pct"] = 100.0 * wide["pass@1"]
    wide["problems"] = wide["problems"] if "problems" in wide else math.nan
    out = wide[["run", "organization", "model", "params", "tokens", "seed", "task", "lang", "pass@1_pct", "problems"]]
    averages = []
    for _, group in out.groupby("run"):
        if group.lang.nunique() > 1:
            first = group.iloc[0]
            averages.append(
                {
                    **first.to_dict(),
                    "task": "+".join(sorted(set(group.task))),
                    "lang": "average",
                    "pass@1_pct": group["pass@1_pct"].mean(),
                    "problems": group.problems.sum(),
                }
            )
    return pd.concat([out, pd.DataFrame(averages, columns=out.columns)], ignore_index=True) if averages else out


def pass_at_1_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``results/paper/pass_at_1.csv`` (the paper's Table 3 at our scale): per organization,
    model, budget, task and language, our pass@1 in percent, mean over seeds with its sd and 95%
    t-interval and the seeds; then the paper's MultiPL-E values for that organization and language
    at each of its sizes (``paper_pass@1_pct_<size>B``) when :mod:`codescale.paper` holds them.
    With no pass@1 evaluated for the strategy runs, one row per (organization, model, budget) says
    so in ``note``."""
    runs = pass_at_1_runs(summary)
    keys = ["organization", "model", "params", "tokens", "task", "lang"]
    published = paper.MULTIPL_E_PASS_AT_1
    if not len(runs):
        strat = summary[summary.family == "strategy"]
        cells = strat[["mixture", "model", "params", "tokens"]].drop_duplicates()
        cells = cells.rename(columns={"mixture": "organization"})
        table = cells.assign(
            task="",
            lang="",
            **{
                "pass@1_pct": math.nan,
                "pass@1_pct_sd": math.nan,
                "pass@1_pct_ci95_low": math.nan,
                "pass@1_pct_ci95_high": math.nan,
            },
            n_seeds=0,
            problems=math.nan,
            note="no HumanEval or MultiPL-E pass@1 for the strategy runs "
            "(evaluate.humaneval / evaluate.multipl_e families)",
        )
        return table.sort_values(["params", "tokens", "organization"], ignore_index=True)
    rows = []
    for key, cell in runs.groupby(keys, sort=True):
        s = spread(cell["pass@1_pct"])
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "pass@1_pct": s["mean"],
                "pass@1_pct_sd": s["sd"],
                "pass@1_pct_ci95_low": s["ci95_low"],
                "pass@1_pct_ci95_high": s["ci95_high"],
                "n_seeds": s["n"],
                "problems": float(cell.problems.mean()),
                "note": "pass@1 is 0 for every run: models this small complete no program"
                if (runs["pass@1_pct"] == 0).all()
                else "",
            }
        )
    table = pd.DataFrame(rows)
    if published:
        sizes = sorted({size for by_size in published.values() for size in by_size})
        for size in sizes:
            table[f"paper_pass@1_pct_{size:g}B"] = [
                published.get(lang, {}).get(size, {}).get(org, math.nan)
                for org, lang in zip(table.organization, table.lang, strict=True)
            ]
    order = {o: i for i, o in enumerate(_ordered(table.organization))}
    table = table.assign(_o=table.organization.map(order), _l=table.lang.eq("average"))
    return table.sort_values(["params", "tokens", "task", "_l", "lang", "_o"], ignore_index=True).drop(
        columns=["_o", "_l"]
    )


# ---------------------------------------------------------------- Fig. 4: radar per direction


def direction_order(directions, kinds: dict[str, str]) -> list[str]:
    """Seen directions first (Python→X, then X→Python), then the unseen ones by name."""

    def key(d):
        src, tgt = d.split("->")
        seen = kinds.get(d) == "seen"
        return (0 if seen else 1, 0 if src == "python" else 1, tgt if src == "python" else src, d)

    return sorted(directions, key=key)


def direction_scores(summary: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, dict]:
    """Per organization and direction at the largest strategy model (and its largest budget):
    ``metric`` mean over seeds with its 95% t-interval. Returns the table and ``{"model",
    "params", "tokens", "n_seeds"}`` of the cell."""
    rows = summary[(summary.family == "strategy") & (summary.task == "translation") & (summary.metric == metric)]
    if not len(rows):
        return pd.DataFrame(
            columns=["organization", "direction", "direction_kind", "mean", "ci95_low", "ci95_high", "n"]
        ), {}
    params = rows.params.max()
    rows = rows[rows.params == params]
    tokens = rows.tokens.max()
    rows = rows[rows.tokens == tokens]
    out = []
    for (org, direction, kind), g in rows.groupby(["mixture", "lang_or_direction", "direction_kind"]):
        s = spread(g.value)
        out.append(
            {
                "organization": org,
                "direction": direction,
                "direction_kind": kind,
                "mean": s["mean"],
                "ci95_low": s["ci95_low"],
                "ci95_high": s["ci95_high"],
                "n": s["n"],
            }
        )
    table = pd.DataFrame(out)
    return table, {
        "model": rows.model.iloc[0],
        "params": float(params),
        "tokens": float(tokens),
        "n_seeds": int(table.n.max()),
    }


METRICS = {"loss": "translation loss (nats/token; lower is better)", "bleu": "BLEU (greedy, 0–100)"}


def _pretty(direction: str) -> str:
    short = {
        "python": "Py",
        "java": "Java",
        "javascript": "JS",
        "typescript": "TS",
        "csharp": "C#",
        "go": "Go",
        "rust": "Rust",
    }
    src, tgt = direction.split("->")
    return f"{short.get(src, src)}→{short.get(tgt, tgt)}"


def plot_translation_radar(summary: pd.DataFrame, pdf, png) -> None:
    """The paper's Fig. 4 at our scale: one polar panel per metric (translation loss, BLEU), one
    spoke per direction (the seen Python↔X ones first, on a shaded sector, labels in bold), one
    line per organization at the largest model and budget, each point the mean over seeds. A
    metric the runs lack gets a panel saying so. The paper prints no per-direction values for its
    radar, so only ours is drawn."""
    fig, axes = plt.subplots(1, 2, figsize=(15, 8.2), subplot_kw={"projection": "polar"})
    notes = {}
    for ax, (metric, label) in zip(axes, METRICS.items(), strict=True):
        table, cell = direction_scores(summary, metric)
        ax.set_title(label, fontsize=10, pad=36, fontweight="bold")
        if not len(table) or not np.isfinite(table["mean"].astype(float)).any():
            ax.set_xticks([])
            ax.set_yticks([])
            missing_panel(ax, f"no translation {metric} for the strategy runs\n(evaluate.translation)")
            continue
        kinds = dict(zip(table.direction, table.direction_kind, strict=False))
        dirs = direction_order(table.direction.unique(), kinds)
        theta = np.linspace(0, 2 * np.pi, len(dirs), endpoint=False)
        closed = np.append(theta, theta[0])
        values = table["mean"].astype(float)
        lo, hi = float(values.min()), float(values.max())
        pad = 0.1 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1.0)
        rmin = 0.0 if metric == "bleu" else lo - pad
        seen = [i for i, d in enumerate(dirs) if kinds[d] == "seen"]
        if seen:
            width = 2 * np.pi / len(dirs)
            ax.bar(
                theta[seen].mean(),
                hi + pad - rmin,
                width=width * len(seen),
                bottom=rmin,
                color="#DDDDDD",
                alpha=0.5,
                zorder=0,
                label="seen (Python↔X) directions",
            )
        for org in _ordered(table.organization.unique()):
            sub = table[table.organization == org].set_index("direction")
            y = np.array([sub["mean"].get(d, np.nan) for d in dirs], dtype=float)
            st = organization_style(org)
            ax.plot(
                closed,
                np.append(y, y[0]),
                color=st["color"],
                ls=st["ls"],
                marker=st["marker"],
                ms=3,
                lw=1.3,
                label=PAPER_NAMES.get(org, org),
            )
        ax.set_ylim(rmin, hi + pad)
        ax.set_xticks(theta, [_pretty(d) for d in dirs], fontsize=6.5)
        for tick, d in zip(ax.get_xticklabels(), dirs, strict=True):
            if kinds[d] == "seen":
                tick.set_fontweight("bold")
        ax.tick_params(axis="y", labelsize=6.5)
        ax.tick_params(axis="x", pad=4)
        if metric == "bleu" and hi == 0:
            missing_panel(
                ax, "BLEU is 0 for every direction and organization:\nmodels this small produce no matching n-grams"
            )
        notes[ax] = (
            f"largest model {cell['model']} (N = {cell['params'] / 1e6:.3g}M non-embedding), "
            f"D = {cell['tokens']:,.0f} tokens; mean over {cell['n_seeds']} "
            f"seed{'s' if cell['n_seeds'] > 1 else ''}"
        )
    # each panel takes the largest model that has its metric (generation may be kept to some
    # models: evaluate.translation.generate_models); say so per panel when they differ
    cell_note = next(iter(notes.values())) if len(set(notes.values())) == 1 else ""
    if not cell_note:
        for ax, note in notes.items():
            ax.set_title(f"{ax.get_title()}\n{note.replace('largest model', 'largest model with it:')}",
                         fontsize=9, pad=36, fontweight="bold")
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(
        "Fig. 4: translation per direction by data organization (bold labels, shaded: seen "
        "Python↔X directions)" + (f"\n{cell_note}" if cell_note else ""),
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    save(fig, pdf, png)


__all__ = [
    "ORGANIZATION_STYLE",
    "organization_style",
    "translation_law_comparison",
    "unseen_gap",
    "plot_unseen_loss",
    "pass_at_1_runs",
    "pass_at_1_table",
    "direction_order",
    "direction_scores",
    "plot_translation_radar",
]
