"""Predicted vs measured loss of the uniform and optimized allocation runs, over their seeds, and
the verdict: did the optimized mixture win, lose or tie?

Each mixture is trained once per replicate seed (``allocation.seeds``). :func:`compare_allocation`
gives, per mixture and language (and their ``average``), the law's prediction beside the mean
measured loss, its standard deviation over seeds and the 95% t-interval of the mean.
:func:`allocation_difference` gives optimized − uniform per language and on average with a Welch
95% interval (the two mixtures' seeds are independent runs) and the verdict: ``won`` when the whole
interval is below 0, ``lost`` when it is above, ``tied`` when it holds 0, and ``unresolved`` when a
mixture has fewer than two seeds (no interval can be formed from one run).
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from codescale.seeds import spread

MIXTURES = ("uniform", "optimized")


def measured_losses(allocation: dict, summary: pd.DataFrame, run_ids: dict[str, list[str] | str]
                    ) -> pd.DataFrame:
    """One row per (mixture, run, language) with the run's validation loss, plus the run's
    ``average`` over the allocation's languages. ``run_ids`` maps mixture -> its runs (one per
    seed; a single id is one run)."""
    rows = []
    for mixture, runs in run_ids.items():
        runs = [runs] if isinstance(runs, str) else list(runs)
        langs = sorted(allocation["mixtures"][mixture]["proportions"])
        for run in runs:
            measured = summary[(summary.run == run) & (summary.task == "valid_loss")
                               & (summary.metric == "loss")].set_index("lang_or_direction").value
            missing = [lang for lang in langs if lang not in measured.index]
            if missing:
                raise ValueError(f"run {run} has no validation loss for {', '.join(missing)}")
            values = [float(measured[lang]) for lang in langs]
            rows.extend({"mixture": mixture, "run": run, "lang": lang, "measured": v}
                        for lang, v in zip(langs, values, strict=True))
            rows.append({"mixture": mixture, "run": run, "lang": "average",
                         "measured": sum(values) / len(values)})
    return pd.DataFrame(rows, columns=["mixture", "run", "lang", "measured"])


def compare_allocation(allocation: dict, summary: pd.DataFrame, run_ids: dict[str, list[str] | str]
                       ) -> pd.DataFrame:
    """One row per mixture and language, plus an ``average`` row per mixture: the law's
    ``predicted`` loss, the ``measured`` mean over seeds, its ``sd``, the 95% interval of the mean
    (``ci95_low``, ``ci95_high``), the number of seeds and the runs. A law that predicts only the
    average loss (the paper's form) leaves the per-language ``predicted`` empty."""
    long = measured_losses(allocation, summary, run_ids)
    rows = []
    for mixture in run_ids:
        mix = allocation["mixtures"][mixture]
        pred, props = mix.get("predicted", {}), mix["proportions"]
        sub = long[long.mixture == mixture]
        for lang in [*sorted(props), "average"]:
            values = sub[sub.lang == lang].measured
            stat = spread(values)
            rows.append({"mixture": mixture, "lang": lang,
                         "proportion": 1.0 if lang == "average" else props[lang],
                         "predicted": mix["predicted_average"] if lang == "average"
                         else pred.get(lang, math.nan),
                         "measured": stat["mean"], "sd": stat["sd"], "ci95_low": stat["ci95_low"],
                         "ci95_high": stat["ci95_high"],
                         "seeds": len(values), "runs": ";".join(sub[sub.lang == lang].run)})
    frame = pd.DataFrame(rows)
    frame["error"] = frame.measured - frame.predicted
    return frame


def verdict(low: float, high: float) -> str:
    """``won`` / ``lost`` / ``tied`` for an interval of optimized − uniform loss."""
    if math.isnan(low) or math.isnan(high):
        return "unresolved"
    if high < 0:
        return "won"
    if low > 0:
        return "lost"
    return "tied"


def allocation_difference(long: pd.DataFrame) -> pd.DataFrame:
    """Optimized − uniform measured loss per language and on ``average`` (rows of
    :func:`measured_losses`): the difference of means, Welch's 95% interval, the seeds of each
    mixture and the verdict (negative: the optimized mixture has the lower loss)."""
    rows = []
    langs = [lang for lang in dict.fromkeys(long.lang) if lang != "average"] + ["average"]
    for lang in langs:
        u = long[(long.mixture == "uniform") & (long.lang == lang)].measured
        o = long[(long.mixture == "optimized") & (long.lang == lang)].measured
        if u.empty or o.empty:
            continue
        diff = float(o.mean() - u.mean())
        low = high = math.nan
        if len(u) >= 2 and len(o) >= 2:
            vu, vo = float(u.var(ddof=1)) / len(u), float(o.var(ddof=1)) / len(o)
            se = math.sqrt(vu + vo)
            if se == 0:
                low = high = diff
            else:  # Welch-Satterthwaite degrees of freedom
                df = (vu + vo) ** 2 / (vu**2 / (len(u) - 1) + vo**2 / (len(o) - 1))
                half = float(stats.t.ppf(0.975, df)) * se
                low, high = diff - half, diff + half
        rows.append({"lang": lang, "optimized_minus_uniform": diff, "ci95_low": low, "ci95_high": high,
                     "seeds_uniform": len(u), "seeds_optimized": len(o), "verdict": verdict(low, high)})
    return pd.DataFrame(rows)


def verdict_sentence(difference: pd.DataFrame) -> str:
    """One plain sentence on the average loss, for the log, the figure and the report."""
    avg = difference.set_index("lang").loc["average"]
    d, low, high = avg.optimized_minus_uniform, avg.ci95_low, avg.ci95_high
    seeds = f"{int(avg.seeds_optimized)} vs {int(avg.seeds_uniform)} seeds"
    if avg.verdict == "unresolved":
        return (f"optimized - uniform average loss {d:+.4f} nats from {seeds}: unresolved, "
                "a single run per mixture gives no interval")
    words = {"won": "the optimized mixture won", "lost": "the optimized mixture lost",
             "tied": "a tie: the interval holds 0"}
    return (f"optimized - uniform average loss {d:+.4f} nats, 95% interval [{low:+.4f}, {high:+.4f}] "
            f"({seeds}): {words[avg.verdict]}")
