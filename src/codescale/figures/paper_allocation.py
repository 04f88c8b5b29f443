"""The paper's study 4 (optimized allocation), regenerated from our runs: Fig. 5 (token
composition, uniform vs optimized, with the optimum's bootstrap interval) and Fig. 6 (BLEU, Pass@1
and validation loss per language, uniform vs optimized, over seeds).

Inputs are the allocate stage's ``allocation/{budget}/allocation.json``
(:func:`codescale.allocate.optimize.allocation_report`), ``comparison.csv`` and ``difference.csv``
(:mod:`codescale.allocate.compare`) and ``eval/summary.parquet``. The paper prints no per-language
value of its Fig. 5 or Fig. 6 that can be assigned to a language (only Python's +26.77B tokens), so
these figures show ours alone and say so.

Conventions: a language's BLEU is the mean over the translation directions *into* it (greedy
sacrebleu, 0–100) of one run, then the mean over the runs (seeds); Pass@1 is HumanEval's for
Python and MultiPL-E's for the other languages, in percent; the loss is each language's validation
loss (nats/token). Every bar is the mean over a mixture's seeds with its 95% t-interval
(:func:`codescale.seeds.spread`).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from codescale.figures.style import interval_yerr, language_color, missing_panel, plt, save
from codescale.seeds import spread

MIXTURES = ("uniform", "optimized")
AVERAGE_COLOR = "#444444"
METRICS = {
    "bleu": (
        "BLEU (greedy, 0–100)",
        "translation: BLEU of greedy translations into each language (mean over its source languages)",
        "translation",
    ),
    "pass@1": (
        "Pass@1 (%)",
        "code generation: Pass@1 (HumanEval for Python, MultiPL-E for the others)",
        "humaneval / multipl_e",
    ),
    "loss": (
        "validation loss (nats/token)",
        "validation loss per language (verdict: optimized vs uniform, Welch 95% interval)",
        None,
    ),
}


def _color(lang: str) -> str:
    return AVERAGE_COLOR if lang == "average" else language_color(lang)


def _langs(allocation: dict) -> list[str]:
    return sorted(allocation["mixtures"]["uniform"]["proportions"])


# ---------------------------------------------------------------- Fig. 5: token composition


def composition_table(allocation: dict) -> pd.DataFrame:
    """Per mixture and language: the share of code tokens, the tokens, and (optimized) the
    bootstrap 95% interval of the share; natural language (``text``) as its own row where the
    budget has a text share (outside the optimisation)."""
    boot = allocation.get("bootstrap") or {}
    ci = boot.get("proportions_ci95", {}) if boot.get("draws") else {}
    rows = []
    for mix in MIXTURES:
        m = allocation["mixtures"][mix]
        for lang in _langs(allocation):
            low, high = ci.get(lang, (math.nan, math.nan)) if mix == "optimized" else (math.nan, math.nan)
            rows.append(
                {
                    "mixture": mix,
                    "lang": lang,
                    "share": m["proportions"][lang],
                    "tokens": m["tokens"][lang],
                    "share_ci95_low": low,
                    "share_ci95_high": high,
                }
            )
        text = float(allocation.get("text_tokens") or 0)
        if text:
            rows.append(
                {
                    "mixture": mix,
                    "lang": "text",
                    "share": math.nan,
                    "tokens": text,
                    "share_ci95_low": math.nan,
                    "share_ci95_high": math.nan,
                }
            )
    return pd.DataFrame(rows)


def _law_note(allocation: dict) -> str:
    law = allocation.get("law", {})
    note = f"law: {law.get('form', '?')}; predicted gain {allocation['predicted_gain']:+.4f} nats"
    boot = allocation.get("bootstrap") or {}
    if boot.get("draws"):
        lo, hi = boot["gain_at_chosen_ci95"]
        note += f" [{lo:+.4f}, {hi:+.4f}] over {boot['draws']} bootstrap draws"
    trivial = law.get("versus_trivial", {}).get("mae_average")
    if trivial and not trivial["chosen_beats_trivial"]:
        note += (
            f"\nwarning: on held-out mixtures the law (MAE {trivial['chosen']:.3f}) does not beat the "
            f"mixture-blind predictor ({trivial['trivial']:.3f})"
        )
    return note


def _scale(tokens: float) -> tuple[float, str]:
    for div, unit in ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands")):
        if tokens >= div:
            return div, unit
    return 1.0, ""


def plot_token_composition(allocation: dict, pdf, png, budget: str = "") -> None:
    """The paper's Fig. 5 at our scale. Left: tokens per language of the uniform and the optimized
    mixture, stacked (natural language in grey where the budget has it), each segment labelled
    with its share of code tokens. Right: each language's share, uniform (hatched) vs optimized
    (solid) with the optimum's bootstrap 95% interval, and the change in tokens above."""
    table = composition_table(allocation)
    langs = _langs(allocation)
    boot = allocation.get("bootstrap") or {}
    total = table.groupby("mixture").tokens.sum().max()
    div, unit = _scale(total)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1, 2.2]})
    stack = langs + (["text"] if "text" in set(table.lang) else [])
    for i, mix in enumerate(MIXTURES):
        sub = table[table.mixture == mix].set_index("lang")
        bottom = 0.0
        for lang in stack:
            v = float(sub.tokens[lang]) / div
            ax1.bar(
                i,
                v,
                bottom=bottom,
                color=_color(lang),
                edgecolor="white",
                width=0.6,
                hatch="//" if mix == "uniform" else None,
                label=lang if i == 0 else None,
            )
            share = sub.share[lang]
            if np.isfinite(share):
                dark = lang in ("python", "go", "rust", "csharp", "text")
                ax1.text(
                    i,
                    bottom + v / 2,
                    f"{100 * share:.1f}%",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
            bottom += v
    ax1.set_xticks(range(len(MIXTURES)), MIXTURES)
    ax1.set_ylabel(f"training tokens ({unit})" if unit else "training tokens")
    ax1.set_title("(a) composition (segments: share of code tokens)", fontsize=9)
    ax1.legend(
        handles=[Patch(color=_color(x), label=x) for x in reversed(stack)],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
    )

    x = np.arange(len(langs))
    for i, mix in enumerate(MIXTURES):
        sub = table[table.mixture == mix].set_index("lang")
        shares = np.array([sub.share[k] for k in langs])
        offset = (i - 0.5) * 0.38
        colors = [_color(k) for k in langs]
        if mix == "uniform":
            ax2.bar(x + offset, shares, width=0.38, color="white", edgecolor=colors, hatch="//", lw=1.2)
        else:
            ax2.bar(x + offset, shares, width=0.38, color=colors, edgecolor="black", lw=0.5)
            low = sub.share_ci95_low.reindex(langs).to_numpy(dtype=float)
            high = sub.share_ci95_high.reindex(langs).to_numpy(dtype=float)
            if np.isfinite(low).any():
                ax2.errorbar(
                    x + offset, shares, yerr=interval_yerr(shares, low, high), fmt="none", ecolor="black", capsize=3
                )
    uniform = table[table.mixture == "uniform"].set_index("lang").tokens
    optimized = table[table.mixture == "optimized"].set_index("lang").tokens
    top = float(table.share_ci95_high.max()) if table.share_ci95_high.notna().any() else float(table.share.max())
    deltas = {lang: float(optimized[lang] - uniform[lang]) for lang in langs}
    ddiv, dunit = _scale(max(abs(v) for v in deltas.values()) or 1.0)
    for j, lang in enumerate(langs):
        ax2.text(j, top * 1.04, f"{deltas[lang] / ddiv:+.3g}", ha="center", va="bottom", fontsize=7)
    ax2.text(
        -0.6, top * 1.12, f"Δ tokens, optimized − uniform ({dunit}):" if dunit else "Δ tokens:", fontsize=7, ha="left"
    )
    ax2.set_ylim(0, top * 1.22)
    ax2.axhline(allocation["min_share"], color="0.5", lw=0.8, ls=":")
    ax2.axhline(allocation["max_share"], color="0.5", lw=0.8, ls=":") if allocation["max_share"] < top * 1.2 else None
    ax2.set_xticks(x, langs)
    ax2.set_ylabel("share of code tokens")
    ci_note = (
        f"bars: bootstrap 95% interval of the optimum ({boot['draws']} draws)"
        if boot.get("draws")
        else "no bootstrap of the optimum (allocation.bootstrap: 0): no interval"
    )
    ax2.set_title(
        "(b) share per language: uniform (hatched) vs optimized (solid)\n"
        + ci_note
        + f"; dotted: share bounds [{allocation['min_share']:g}, {allocation['max_share']:g}]",
        fontsize=9,
    )
    ax2.legend(
        handles=[
            Patch(fc="white", ec="0.3", hatch="//", label="uniform"),
            Patch(fc="0.5", ec="black", label="optimized"),
        ],
        fontsize=7,
        loc="upper right",
    )
    code = float(allocation["tokens"])
    text = float(allocation.get("text_tokens") or 0)
    head = (
        f"Fig. 5: token composition{f' at budget {budget}' if budget else ''}: model {allocation['model']} "
        f"(N = {allocation['params']:,.0f} non-embedding), {code:,.0f} code tokens"
        + (f" + {text:,.0f} natural-language tokens" if text else "")
    )
    fig.suptitle(head + "\n" + _law_note(allocation), fontsize=9)
    fig.tight_layout()
    save(fig, pdf, png)


# ---------------------------------------------------------------- Fig. 6: scores per language


def _mixture_runs(comparison: pd.DataFrame) -> dict[str, list[str]]:
    runs = {}
    for mix in MIXTURES:
        sub = comparison[(comparison.mixture == mix) & (comparison.lang == "average")]
        runs[mix] = [r for r in str(sub.runs.iloc[0]).split(";") if r] if len(sub) else []
    return runs


def _per_run(summary: pd.DataFrame, runs: dict[str, list[str]], metric: str) -> pd.DataFrame:
    """``mixture, run, lang, value`` of one metric (BLEU into each language; pass@1 in percent),
    with each run's ``average`` over its languages."""
    rows = []
    for mix, ids in runs.items():
        part = summary[summary.run.isin(ids)]
        if metric == "bleu":
            tr = part[(part.task == "translation") & (part.metric == "bleu")]
            for (run, direction), g in tr.groupby(["run", "lang_or_direction"]):
                rows.append(
                    {"mixture": mix, "run": run, "lang": direction.split("->")[1], "value": float(g.value.mean())}
                )
        else:
            pa = part[part.task.isin(("humaneval", "multipl_e")) & (part.metric == "pass@1")]
            rows.extend(
                {"mixture": mix, "run": r.run, "lang": r.lang_or_direction, "value": 100.0 * r.value}
                for r in pa.itertuples(index=False)
            )
    frame = pd.DataFrame(rows, columns=["mixture", "run", "lang", "value"])
    if not len(frame):
        return frame
    frame = frame.groupby(["mixture", "run", "lang"], as_index=False).value.mean()  # BLEU: over directions
    averages = [
        {"mixture": mix, "run": run, "lang": "average", "value": float(g.value.mean())}
        for (mix, run), g in frame.groupby(["mixture", "run"])
        if g.lang.nunique() > 1
    ]
    return pd.concat([frame, pd.DataFrame(averages, columns=frame.columns)], ignore_index=True)


def allocation_scores(
    summary: pd.DataFrame, comparison: pd.DataFrame, difference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``results/paper/allocation_scores_{budget}.csv``: per metric (``bleu``, ``pass@1``,
    ``loss``), mixture and language (and ``average``): the mean over the mixture's seeds, sd, 95%
    t-interval and seeds; the loss rows from ``comparison.csv``, with the loss verdict of
    ``difference.csv`` (optimized − uniform, Welch interval) on both mixtures' rows."""
    runs = _mixture_runs(comparison)
    rows = []
    for metric in ("bleu", "pass@1"):
        per = _per_run(summary, runs, metric)
        per = per.assign(_m=per.mixture.map(MIXTURES.index)).sort_values(["_m", "run"], kind="stable")
        for (mix, lang), g in per.groupby(["mixture", "lang"], sort=False):
            rows.append({"metric": metric, "mixture": mix, "lang": lang, **spread(g.value)})
    for r in comparison.itertuples(index=False):
        rows.append(
            {
                "metric": "loss",
                "mixture": r.mixture,
                "lang": r.lang,
                "mean": r.measured,
                "sd": r.sd,
                "ci95_low": r.ci95_low,
                "ci95_high": r.ci95_high,
                "n": int(r.seeds),
            }
        )
    table = pd.DataFrame(rows, columns=["metric", "mixture", "lang", "mean", "sd", "ci95_low", "ci95_high", "n"])
    table["verdict"] = ""
    if difference is not None and len(difference):
        verdicts = difference.set_index("lang").verdict
        loss = table.metric == "loss"
        table.loc[loss, "verdict"] = table.loc[loss, "lang"].map(verdicts).fillna("")
    return table


def _reason(metric: str, evaluated) -> str:
    _, _, task = METRICS[metric]
    tasks = {"bleu": ("translation",), "pass@1": ("humaneval", "multipl_e")}[metric]
    configured = [t for t in tasks if t in set(evaluated)]
    if not configured:
        keys = " / ".join(f"evaluate.{t}.families" for t in tasks)
        return f"not evaluated: the allocation runs are not\ngraded on {task} ({keys}\ndoes not list allocation)"
    return f"no {metric} rows for these runs in eval/summary.parquet\n(configured: {', '.join(configured)})"


def _has(scores: pd.DataFrame, metric: str) -> bool:
    sub = scores[scores.metric == metric]
    return bool(len(sub)) and bool(np.isfinite(sub["mean"].astype(float)).any())


def plot_allocation_scores(
    scores: pd.DataFrame,
    pdf,
    png,
    *,
    difference: pd.DataFrame | None = None,
    evaluated=(),
    budget: str = "",
    scale: str = "",
) -> None:
    """The paper's Fig. 6 at our scale: BLEU, Pass@1 and validation loss per language and on
    average, uniform (hatched bars / open markers) vs optimized (solid) in each language's colour,
    each the mean over seeds with its 95% t-interval. BLEU and Pass@1 are bars from 0; the loss is
    a dot plot (a bar from 0 would hide the differences) marked with each language's verdict (won /
    lost / tied / unresolved, from ``difference``). A metric the allocation runs were not graded on
    gets a short panel that says why (``evaluated``: the tasks configured for the allocation
    family)."""
    present = {m: _has(scores, m) for m in METRICS}
    fig, axes = plt.subplots(
        3,
        1,
        figsize=(11, 3.0 + sum(2.9 if p else 1.0 for p in present.values())),
        gridspec_kw={"height_ratios": [3 if present[m] else 1 for m in METRICS]},
    )
    legend_done = False
    for ax, (metric, (ylabel, title, _)) in zip(axes, METRICS.items(), strict=True):
        sub = scores[scores.metric == metric]
        ax.set_title(title, fontsize=9, loc="left")
        if not present[metric]:
            ax.set_xticks([])
            ax.set_yticks([])
            missing_panel(ax, _reason(metric, evaluated))
            continue
        ax.set_ylabel(ylabel, fontsize=8)
        keys = sorted(set(sub.lang) - {"average"}) + (["average"] if "average" in set(sub.lang) else [])
        x = np.arange(len(keys))
        for i, mix in enumerate(MIXTURES):
            m = sub[sub.mixture == mix].set_index("lang")
            mean = np.array([m["mean"].get(k, np.nan) for k in keys], dtype=float)
            low = np.array([m.ci95_low.get(k, np.nan) for k in keys], dtype=float)
            high = np.array([m.ci95_high.get(k, np.nan) for k in keys], dtype=float)
            offset = (i - 0.5) * (0.38 if metric != "loss" else 0.3)
            colors = [_color(k) for k in keys]
            if metric == "loss":
                for j in range(len(keys)):
                    ax.scatter(
                        x[j] + offset,
                        mean[j],
                        s=42,
                        zorder=3,
                        marker="o",
                        facecolor="white" if mix == "uniform" else colors[j],
                        edgecolor=colors[j],
                        linewidth=1.6,
                    )
            elif mix == "uniform":
                ax.bar(x + offset, np.nan_to_num(mean), width=0.38, color="white", edgecolor=colors, hatch="//", lw=1.2)
            else:
                ax.bar(x + offset, np.nan_to_num(mean), width=0.38, color=colors, edgecolor="black", lw=0.5)
            if metric != "loss":  # the value on each bar, so a measured 0 is told from a missing bar
                top = np.where(np.isfinite(high), high, mean)
                for j in np.flatnonzero(np.isfinite(mean)):
                    ax.text(x[j] + offset, top[j], f"{mean[j]:.3g}", ha="center", va="bottom", fontsize=6)
            if np.isfinite(low).any():
                ax.errorbar(
                    x + offset,
                    mean,
                    yerr=np.nan_to_num([mean - low, high - mean]),
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                    lw=1,
                    zorder=2,
                )
        values = sub[["mean", "ci95_low", "ci95_high"]].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        lo, hi = float(values.min()), float(values.max())
        if metric == "loss":
            pad = 0.15 * (hi - lo) if hi > lo else 0.1
            ax.set_ylim(lo - pad, hi + 2 * pad)
            verdicts = sub.drop_duplicates("lang").set_index("lang").verdict
            for j, k in enumerate(keys):
                v = verdicts.get(k, "")
                if isinstance(v, str) and v:
                    ax.text(
                        j,
                        hi + pad,
                        v,
                        ha="center",
                        va="bottom",
                        fontsize=7,
                        fontweight="bold" if v in ("won", "lost") else None,
                    )
            handles = [
                plt.Line2D([], [], ls="none", marker="o", mfc="white", mec="0.3", label="uniform"),
                plt.Line2D([], [], ls="none", marker="o", mfc="0.4", mec="0.4", label="optimized"),
            ]
        else:
            ax.set_ylim(0, max(hi * 1.2, 1.0))
            if hi == 0:
                why = "complete no program" if metric == "pass@1" else "produce no matching n-grams"
                missing_panel(ax, f"{metric} is 0 for every run and language: models this small {why}")
            handles = [
                Patch(fc="white", ec="0.3", hatch="//", label="uniform"),
                Patch(fc="0.5", ec="black", label="optimized"),
            ]
        if metric == "loss" or not legend_done:
            ax.legend(handles=handles, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
            legend_done = legend_done or metric != "loss"
        labels = [f"{k}\n(HumanEval)" if metric == "pass@1" and k == "python" else k for k in keys]
        ax.set_xticks(x, labels, fontsize=8)
        ax.set_xlim(-0.6, len(keys) - 0.4)
        n = sub.n.astype(float)
        seeds = f"{int(n.min())}" if n.min() == n.max() else f"{int(n.min())}–{int(n.max())}"
        ax.text(
            1.0,
            1.02,
            f"mean over {seeds} seed{'s' if n.max() > 1 else ''} per mixture"
            + ("; bars: 95% t-interval" if n.min() > 1 else ""),
            transform=ax.transAxes,
            ha="right",
            fontsize=7,
        )
        ax.grid(axis="y", alpha=0.3)
    head = f"Fig. 6: uniform vs optimized allocation{f' at budget {budget}' if budget else ''}"
    head += f" ({scale})" if scale else ""
    if difference is not None and "average" in set(difference.lang):
        from codescale.allocate.compare import verdict_sentence

        head += "\n" + textwrap.fill("validation loss: " + verdict_sentence(difference), 120)
    fig.suptitle(head, fontsize=9)
    fig.tight_layout()
    save(fig, pdf, png)


__all__ = [
    "composition_table",
    "plot_token_composition",
    "allocation_scores",
    "plot_allocation_scores",
]
