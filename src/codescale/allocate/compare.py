"""Predicted vs measured loss of the uniform and optimized allocation runs."""

from __future__ import annotations

import pandas as pd


def compare_allocation(allocation: dict, summary: pd.DataFrame, run_ids: dict[str, str]) -> pd.DataFrame:
    """``run_ids`` maps mixture name (uniform, optimized) to run id. One row per mixture and
    language, plus an ``average`` row per mixture."""
    rows = []
    for mixture, run in run_ids.items():
        measured = summary[(summary.run == run) & (summary.task == "valid_loss")
                           & (summary.metric == "loss")].set_index("lang_or_direction").value
        pred = allocation["mixtures"][mixture]["predicted"]
        props = allocation["mixtures"][mixture]["proportions"]
        for lang in sorted(pred):
            if lang not in measured.index:
                raise ValueError(f"run {run} has no validation loss for {lang}")
            rows.append({"mixture": mixture, "run": run, "lang": lang, "proportion": props[lang],
                         "predicted": pred[lang], "measured": float(measured[lang])})
        sub = [r for r in rows if r["mixture"] == mixture]
        rows.append({"mixture": mixture, "run": run, "lang": "average", "proportion": 1.0,
                     "predicted": sum(r["predicted"] for r in sub) / len(sub),
                     "measured": sum(r["measured"] for r in sub) / len(sub)})
    frame = pd.DataFrame(rows)
    frame["error"] = frame.measured - frame.predicted
    return frame
