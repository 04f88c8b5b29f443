"""``eval/summary.parquet``: one row per (run, task, language or direction, metric), with the
run's family, model, parameter count, tokens and mixture, as DESIGN.md specifies."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from codescale.train.shape import ModelShape

COLUMNS = ["run", "family", "model", "params", "tokens", "mixture", "task", "lang_or_direction",
           "metric", "value"]


def summary_rows(spec: dict, task: str, result: dict) -> list[dict]:
    params = ModelShape.from_spec(spec["model"]).non_embedding_params()
    rows = []
    for key, metrics in sorted(result["results"].items()):
        for metric, value in sorted(metrics.items()):
            rows.append({"run": spec["run"], "family": spec["family"], "model": spec["model_name"],
                         "params": params, "tokens": spec["tokens"], "mixture": spec["mixture"],
                         "task": task, "lang_or_direction": key, "metric": metric,
                         "value": float(value)})
    return rows


def build_summary(spec_files: list[str | Path], eval_files: list[str | Path]) -> pd.DataFrame:
    """Join each ``eval/{run}/{task}.json`` with ``runs/{run}/spec.json``."""
    specs = {}
    for f in spec_files:
        spec = json.loads(Path(f).read_text())
        specs[spec["run"]] = spec
    rows = []
    for f in eval_files:
        result = json.loads(Path(f).read_text())
        if result["run"] not in specs:
            raise ValueError(f"{f}: run {result['run']!r} has no spec among the inputs")
        rows.extend(summary_rows(specs[result["run"]], result["task"], result))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["family", "run", "task", "lang_or_direction", "metric"],
                             ignore_index=True)
