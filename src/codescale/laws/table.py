"""Flat table of fitted laws: one row per language (or per organization and direction set)."""

from __future__ import annotations

import pandas as pd

from codescale.laws.fit import PARAMS

HELDOUT = ("leave_one_out", "largest_model", "largest_budget")


def law_row(fit: dict) -> dict:
    """Parameters, their 95% intervals, fit and held-out errors of one fitted law."""
    row = {}
    for p in PARAMS:
        row[p] = fit["params"][p]
        lo, hi = fit["ci95"][p]
        row[f"{p}_ci_low"], row[f"{p}_ci_high"] = lo, hi
    row["points"] = len(fit["points"])
    row["fit_rmse_log"] = fit["fit"]["rmse_log"]
    for name in HELDOUT:
        held = fit["heldout"].get(name, {})
        row[f"{name}_rmse_log"] = held.get("rmse_log", float("nan"))
    row["unidentified"] = " ".join(fit.get("unidentified", []))
    return row


def law_table(laws: dict[str, dict]) -> pd.DataFrame:
    return pd.DataFrame([{"lang": lang, **law_row(fit)} for lang, fit in sorted(laws.items())])
