"""``eval/summary.parquet``: one row per (run, task, language or direction, metric), with the
run's family, model, parameter count, tokens and mixture, as DESIGN.md specifies, plus
``direction_kind``: ``seen`` (Python↔X, in the training pairs) or ``unseen`` for translation rows,
empty otherwise, and ``seed``: the run's replicate index (the spec's ``replicate``; 0 for a run of
a family without ``seeds``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from codescale.seeds import spread
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


#: The per-run strategy metrics of :func:`strategy_table`, in column order.
STRATEGY_METRICS = ("seen_loss", "seen_bleu", "seen_pass@1", "unseen_loss", "unseen_bleu", "unseen_pass@1",
                    "humaneval_pass@1")
STRATEGY_KEYS = ["organization", "model", "params", "tokens"]


def strategy_runs(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per strategy run (one seed): ``run``, :data:`STRATEGY_KEYS`, ``seed`` and the
    :data:`STRATEGY_METRICS`: mean translation loss, BLEU and pass@1 over the seen and over the
    unseen directions, and HumanEval pass@1 (NaN where the run has none)."""
    runs = summary[summary.family == "strategy"]
    if "seed" not in runs:
        runs = runs.assign(seed=0)
    rows = []
    for (run, org, model, params, tokens), group in runs.groupby(["run", "mixture", "model", "params", "tokens"]):
        seeds = group.seed.fillna(0).astype(int).unique()
        if len(seeds) != 1:
            raise ValueError(f"strategy run {run} has rows of several seeds: {sorted(seeds)}")
        row = {"run": run, "organization": org, "model": model, "params": params, "tokens": tokens,
               "seed": int(seeds[0])}
        tr = group[group.task == "translation"]
        for kind in ("seen", "unseen"):
            part = tr[tr.direction_kind == kind]
            for metric in ("loss", "bleu", "pass@1"):
                values = part[part.metric == metric].value
                row[f"{kind}_{metric}"] = float(values.mean()) if len(values) else float("nan")
        he = group[(group.task == "humaneval") & (group.metric == "pass@1")].value
        row["humaneval_pass@1"] = float(he.mean()) if len(he) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows, columns=["run", *STRATEGY_KEYS, "seed", *STRATEGY_METRICS])


def strategy_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per (organization, model, budget): each :data:`STRATEGY_METRICS` column (the paper's Fig. 3
    and Table 3 at this scale) as the mean over the seeds' runs (:func:`strategy_runs`), with
    ``{metric}_sd`` (sample sd over seeds) and ``{metric}_ci95_low`` / ``_high`` (95% t-interval
    of the mean, :func:`codescale.seeds.spread`; NaN with one seed), ``n_seeds`` (runs in the
    cell), ``seeds`` and ``runs`` (``;``-joined). A metric some seeds lack is averaged over the
    seeds that have it."""
    per_run = strategy_runs(summary)
    columns = [*STRATEGY_KEYS, "n_seeds", "seeds"]
    columns += [f"{m}{suffix}" for m in STRATEGY_METRICS for suffix in ("", "_sd", "_ci95_low", "_ci95_high")]
    columns.append("runs")
    rows = []
    for key, cell in per_run.groupby(STRATEGY_KEYS, sort=True):
        cell = cell.sort_values(["seed", "run"])
        row = {**dict(zip(STRATEGY_KEYS, key, strict=True)), "n_seeds": len(cell),
               "seeds": ";".join(str(s) for s in cell.seed), "runs": ";".join(cell.run)}
        for metric in STRATEGY_METRICS:
            s = spread(cell[metric])
            row.update({metric: s["mean"], f"{metric}_sd": s["sd"], f"{metric}_ci95_low": s["ci95_low"],
                        f"{metric}_ci95_high": s["ci95_high"]})
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["params", "tokens", "organization"], ignore_index=True)
