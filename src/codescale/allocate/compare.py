"""Predicted vs measured loss of the uniform and optimized allocation runs."""

from __future__ import annotations

import pandas as pd


def compare_allocation(allocation: dict, summary: pd.DataFrame, run_ids: dict[str, str]) -> pd.DataFrame:
    """``run_ids`` maps mixture name (uniform, optimized) to run id. One row per mixture and
    language, plus an ``average`` row per mixture. A law that predicts only the average loss (the
    paper's form) leaves the per-language ``predicted`` empty."""
    rows = []
    for mixture, run in run_ids.items():
        measured = summary[(summary.run == run) & (summary.task == "valid_loss")
                           & (summary.metric == "loss")].set_index("lang_or_direction").value
        mix = allocation["mixtures"][mixture]
        pred = mix.get("predicted", {})
        props = mix["proportions"]
        sub = []
        for lang in sorted(props):
            if lang not in measured.index:
                raise ValueError(f"run {run} has no validation loss for {lang}")
            sub.append({"mixture": mixture, "run": run, "lang": lang, "proportion": props[lang],
                        "predicted": pred.get(lang, float("nan")), "measured": float(measured[lang])})
        rows.extend(sub)
        rows.append({"mixture": mixture, "run": run, "lang": "average", "proportion": 1.0,
                     "predicted": mix["predicted_average"],
                     "measured": sum(r["measured"] for r in sub) / len(sub)})
    frame = pd.DataFrame(rows)
    frame["error"] = frame.measured - frame.predicted
    return frame
