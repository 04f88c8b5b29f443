"""Flat table of fitted laws: one row per language."""

from __future__ import annotations

import pandas as pd

from codescale.laws.fit import PARAMS


def law_table(laws: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for lang, fit in sorted(laws.items()):
        row = {"lang": lang}
        for p in PARAMS:
            row[p] = fit["params"][p]
            lo, hi = fit["ci95"][p]
            row[f"{p}_ci_low"], row[f"{p}_ci_high"] = lo, hi
        row["points"] = len(fit["points"])
        row["fit_rmse_log"] = fit["fit"]["rmse_log"]
        row["heldout_rmse_log"] = fit["heldout"]["rmse_log"]
        row["unidentified"] = " ".join(fit.get("unidentified", []))
        rows.append(row)
    return pd.DataFrame(rows)
