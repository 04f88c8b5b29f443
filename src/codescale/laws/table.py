"""Flat table of fitted laws: one row per language (or per organization and direction set)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from codescale.laws.fit import PARAMS

HELDOUT = ("leave_one_out", "largest_model", "largest_budget")


def point_counts(points: list[dict]) -> dict:
    """``points``: how many points the law was fitted on (every seed's point counts; the fits
    never average seeds), ``cells``: distinct (N, D), and ``n_seeds`` / ``n_seeds_min``: the most
    and fewest points at one (N, D) cell, i.e. the replicate seeds per (model, budget) cell (the
    fit's points carry N, D and loss, not the seed index)."""
    per_cell = Counter((float(p["N"]), float(p["D"])) for p in points)
    return {"points": len(points), "cells": len(per_cell),
            "n_seeds": max(per_cell.values(), default=0), "n_seeds_min": min(per_cell.values(), default=0)}


def law_row(fit: dict) -> dict:
    """Parameters, their 95% intervals, fit and held-out errors of one fitted law."""
    row = {}
    for p in PARAMS:
        row[p] = fit["params"][p]
        lo, hi = fit["ci95"][p]
        row[f"{p}_ci_low"], row[f"{p}_ci_high"] = lo, hi
    row.update(point_counts(fit["points"]))
    row["fit_rmse_log"] = fit["fit"]["rmse_log"]
    for name in HELDOUT:
        held = fit["heldout"].get(name, {})
        row[f"{name}_rmse_log"] = held.get("rmse_log", float("nan"))
    row["unidentified"] = " ".join(fit.get("unidentified", []))
    return row


def law_table(laws: dict[str, dict]) -> pd.DataFrame:
    """``results/laws/language_laws.csv``: one row per language, :func:`law_row`'s columns."""
    return pd.DataFrame([{"lang": lang, **law_row(fit)} for lang, fit in sorted(laws.items())])
