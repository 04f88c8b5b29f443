"""``eval/summary.parquet``: one row per (run, task, language or direction, metric), with the
run's family, model, parameter count, tokens and mixture, as DESIGN.md specifies, plus
``direction_kind``: ``seen`` (Python↔X, in the training pairs) or ``unseen`` for translation rows,
empty otherwise, and ``seed``: the run's replicate index (the spec's ``replicate``; 0 for a run of
a family without ``seeds``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from codescale.train.shape import ModelShape

COLUMNS = ["run", "family", "model", "params", "tokens", "mixture", "seed", "task", "lang_or_direction",
           "direction_kind", "metric", "value"]


def summary_rows(spec: dict, task: str, result: dict) -> list[dict]:
    params = ModelShape.from_spec(spec["model"]).non_embedding_params()
    rows = []
    for key, metrics in sorted(result["results"].items()):
        metrics = dict(metrics)
        kind = metrics.pop("kind", "")
        for metric, value in sorted(metrics.items()):
            rows.append({"run": spec["run"], "family": spec["family"], "model": spec["model_name"],
                         "params": params, "tokens": spec["tokens"], "mixture": spec["mixture"],
                         "seed": int(spec.get("replicate", 0)), "task": task, "lang_or_direction": key,
                         "direction_kind": kind, "metric": metric,
                         "value": float(value)})
    return rows


def read_specs(spec_files) -> dict[str, dict]:
    """``runs/{run}/spec.json`` files by run id."""
    specs = {}
    for f in spec_files:
        spec = json.loads(Path(f).read_text())
        specs[spec["run"]] = spec
    return specs


def build_summary(spec_files: list[str | Path], eval_files: list[str | Path],
                  task_dirs: list[str | Path] = ()) -> pd.DataFrame:
    """Join each ``eval/{run}/{task}.json`` and ``eval/{run}/tasks/*.json`` with ``runs/{run}/spec.json``."""
    eval_files = list(eval_files) + [f for d in task_dirs for f in sorted(Path(d).glob("*.json"))]
    specs = read_specs(spec_files)
    rows = []
    for f in eval_files:
        result = json.loads(Path(f).read_text())
        if result["run"] not in specs:
            raise ValueError(f"{f}: run {result['run']!r} has no spec among the inputs")
        rows.extend(summary_rows(specs[result["run"]], result["task"], result))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["family", "run", "task", "lang_or_direction", "metric"],
                             ignore_index=True)


def strategy_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per strategy run: mean translation loss, BLEU and pass@1 over seen and over unseen
    directions, and HumanEval pass@1 (the paper's Fig. 3 and Table 3 at this scale)."""
    runs = summary[summary.family == "strategy"]
    rows = []
    for (run, org, model, params, tokens), group in runs.groupby(["run", "mixture", "model", "params", "tokens"]):
        row = {"run": run, "organization": org, "model": model, "params": params, "tokens": tokens}
        tr = group[group.task == "translation"]
        for kind in ("seen", "unseen"):
            part = tr[tr.direction_kind == kind]
            for metric in ("loss", "bleu", "pass@1"):
                values = part[part.metric == metric].value
                row[f"{kind}_{metric}"] = float(values.mean()) if len(values) else float("nan")
        he = group[(group.task == "humaneval") & (group.metric == "pass@1")].value
        row["humaneval_pass@1"] = float(he.mean()) if len(he) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["params", "organization"], ignore_index=True) if rows else \
        pd.DataFrame(columns=["run", "organization", "model", "params", "tokens"])
