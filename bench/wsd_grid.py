"""WSD branching against independent runs on one scaling study: tokens, wall time, fitted laws.

Usage: python bench/wsd_grid.py [--tokens-dir results/tokens] [--work /tmp/wsd_grid_bench]
                                [--languages python java] [--models m1 m2 m3]
                                [--smallest 40960] [--budgets 5] [--workers 2]

The study is the embedded default's training recipe (config/config.yaml: models, batch 8 × 128,
cosine schedule for the independent runs) over ``--budgets`` budgets doubling from ``--smallest``
tokens, once with ``grid: independent`` and once with ``grid: wsd`` (schema defaults: decay_fraction
0.15, 1-sqrt decay). Runs, specs and the stable/branch structure come from
:mod:`codescale.experiments.grid`; each run trains with :func:`codescale.train.loop.train_run` (one
thread) in a pool of ``--workers`` processes, a branch once its stable run is done, and is scored on
its language's validation tokens as the train rule does. Then the per-language law of each mode is
fitted with :func:`codescale.laws.fit.fit_with_uncertainty` and compared: parameters with 95%
intervals, held-out errors, whether each parameter lies within the other mode's interval.

Writes bench/results/wsd_grid.json and bench/results/wsd_grid.md.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import numpy as np
import yaml

from codescale.configuration import validated
from codescale.experiments.grid import expand_runs, run_spec, stable_runs
from codescale.laws.fit import PARAMS, FitOptions, fit_with_uncertainty
from codescale.laws.table import HELDOUT, law_row
from codescale.train.shape import ModelShape

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "results"


def study_config(mode: str, languages: list[str], models: list[str], budgets: list[int],
                 warmup_steps: int | None = None) -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["experiments"] = {"scaling": {"languages": languages, "models": models, "tokens": budgets,
                                         "grid": mode}}
    if mode == "wsd" and warmup_steps:
        config["experiments"]["scaling"]["warmup_steps"] = warmup_steps
    return validated(config)


def _job(spec: dict, run_dir: str, tokens_dir: str, sequences: int) -> dict:
    """One run in a worker process: train, then score the final checkpoint (the train rule's work)."""
    from codescale.evaluate.loss import validation_loss
    from codescale.train.loop import train_run

    start = time.perf_counter()
    result = train_run(spec, run_dir, tokens_dir, threads=1, log_interval=20)
    loss = None
    if "stable" not in spec:
        losses = validation_loss(spec, Path(run_dir) / "checkpoint", tokens_dir, [spec["mixture"]],
                                 sequences=sequences, threads=1)
        loss = losses[spec["mixture"]]["loss"]
    return {"run": spec["run"], "seconds": time.perf_counter() - start, "loss": loss,
            "tokens": result["tokens"], "job_tokens": result.get("job_tokens", result["tokens"])}


def run_mode(mode: str, config: dict, work: Path, tokens_dir: Path, workers: int) -> dict:
    runs_dir = work / mode / "runs"
    shutil.rmtree(runs_dir, ignore_errors=True)
    runs_dir.mkdir(parents=True)
    specs = {r.run: run_spec(r, config) for r in stable_runs(config) + expand_runs(config)}
    waiting = dict(specs)
    done: dict[str, dict] = {}
    sequences = config["evaluate"]["valid_sequences"]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        futures = {}
        while waiting or futures:
            ready = [r for r, s in waiting.items() if "branch" not in s or s["branch"]["from"] in done]
            for r in ready:  # stable runs (and independent runs) first: they are listed first
                futures[pool.submit(_job, waiting.pop(r), str(runs_dir / r), str(tokens_dir), sequences)] = r
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for f in finished:
                out = f.result()
                done[futures.pop(f)] = out
                print(f"[{mode}] {out['run']}: {out['job_tokens']} tokens in {out['seconds']:.0f} s, "
                      f"loss {out['loss']}", flush=True)
    wall = time.perf_counter() - start
    points = []
    for r, spec in specs.items():
        if "stable" in spec:
            continue
        points.append({"run": r, "lang": spec["mixture"], "model": spec["model_name"],
                       "N": ModelShape.from_spec(spec["model"]).non_embedding_params(),
                       "D": spec["tokens"], "loss": done[r]["loss"]})
    return {"mode": mode, "wall_s": round(wall, 1), "runs": len(specs),
            "tokens_trained": int(sum(d["job_tokens"] for d in done.values())),
            "jobs": done, "points": points}


def fit_laws(points: list[dict], opts: FitOptions) -> dict:
    laws = {}
    for lang in sorted({p["lang"] for p in points}):
        sub = [p for p in points if p["lang"] == lang]
        fit = fit_with_uncertainty([p["N"] for p in sub], [p["D"] for p in sub], [p["loss"] for p in sub], opts)
        fit.pop("draws", None)
        laws[lang] = law_row(fit)
    return laws


def compare(laws: dict[str, dict]) -> dict:
    """Per language and parameter: each mode's value and interval, and whether each value lies in
    the other's interval."""
    out = {}
    a, b = laws["independent"], laws["wsd"]
    for lang in a:
        rows = {}
        for p in PARAMS:
            ia = (a[lang][f"{p}_ci_low"], a[lang][f"{p}_ci_high"])
            ib = (b[lang][f"{p}_ci_low"], b[lang][f"{p}_ci_high"])
            rows[p] = {"independent": a[lang][p], "independent_ci95": ia, "wsd": b[lang][p], "wsd_ci95": ib,
                       "wsd_in_independent_ci": bool(ia[0] <= b[lang][p] <= ia[1]),
                       "independent_in_wsd_ci": bool(ib[0] <= a[lang][p] <= ib[1])}
        rows["heldout_rmse_log"] = {h: {"independent": a[lang][f"{h}_rmse_log"], "wsd": b[lang][f"{h}_rmse_log"]}
                                    for h in ("fit", *HELDOUT)}
        out[lang] = rows
    return out


def markdown(result: dict) -> str:
    ind, wsd = result["modes"]["independent"], result["modes"]["wsd"]
    lines = ["# WSD grid vs independent runs", "",
             f"Study: {', '.join(result['study']['languages'])} × {', '.join(result['study']['models'])} × "
             f"budgets {', '.join(str(t) for t in result['study']['budgets'])} tokens; {result['study']['workers']} "
             "runs in parallel, 1 thread each (`bench/wsd_grid.py`).", "",
             "| mode | jobs | tokens trained | wall time (s) |", "|---|---:|---:|---:|",
             f"| independent | {ind['runs']} | {ind['tokens_trained']:,} | {ind['wall_s']} |",
             f"| wsd | {wsd['runs']} | {wsd['tokens_trained']:,} | {wsd['wall_s']} |", "",
             f"WSD / independent: tokens {result['token_ratio']:.3f}, wall time {result['wall_ratio']:.3f}.", "",
             "Median |WSD − independent| validation loss per point: "
             f"{result['loss_difference']['median_abs']:.4f} nats "
             f"(mean signed {result['loss_difference']['mean']:+.4f}).", ""]
    for lang, rows in result["comparison"].items():
        lines += [f"## {lang}", "",
                  "| parameter | independent [95% CI] | wsd [95% CI] | wsd in ind. CI | ind. in wsd CI |",
                  "|---|---|---|---|---|"]
        for p in PARAMS:
            r = rows[p]
            ci_a, ci_b = r["independent_ci95"], r["wsd_ci95"]
            lines.append(f"| {p} | {r['independent']:.4g} [{ci_a[0]:.4g}, {ci_a[1]:.4g}] "
                         f"| {r['wsd']:.4g} [{ci_b[0]:.4g}, {ci_b[1]:.4g}] "
                         f"| {'yes' if r['wsd_in_independent_ci'] else 'no'} "
                         f"| {'yes' if r['independent_in_wsd_ci'] else 'no'} |")
        lines += ["", "| RMSE of log loss | independent | wsd |", "|---|---:|---:|"]
        for h, v in rows["heldout_rmse_log"].items():
            lines.append(f"| {h} | {v['independent']:.4f} | {v['wsd']:.4f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tokens-dir", default=str(REPO / "results" / "tokens"))
    ap.add_argument("--work", default="/tmp/wsd_grid_bench")
    ap.add_argument("--languages", nargs="+", default=["python", "java"])
    ap.add_argument("--models", nargs="+", default=["m1", "m2", "m3"])
    ap.add_argument("--smallest", type=int, default=40960, help="smallest budget (tokens; 40 steps of 8 × 128)")
    ap.add_argument("--budgets", type=int, default=5, help="budgets, doubling from the smallest")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--warmup-steps", type=int, default=None,
                    help="grid wsd: the stable run's warmup in steps (default: 10%% of the smallest budget's)")
    ap.add_argument("--reuse-independent", metavar="JSON", default=None,
                    help="take the independent mode's runs from an earlier result instead of training them")
    ap.add_argument("--out", default="wsd_grid", help="result name under bench/results/")
    a = ap.parse_args()
    budgets = [a.smallest * 2**i for i in range(a.budgets)]
    work, tokens_dir = Path(a.work), Path(a.tokens_dir)
    modes, laws = {}, {}
    for mode in ("independent", "wsd"):
        config = study_config(mode, a.languages, a.models, budgets, a.warmup_steps)
        if mode == "independent" and a.reuse_independent:
            modes[mode] = json.loads(Path(a.reuse_independent).read_text())["modes"][mode]
        else:
            modes[mode] = run_mode(mode, config, work, tokens_dir, a.workers)
        opts = FitOptions(huber_delta=config["laws"]["huber_delta"], bootstrap=config["laws"]["bootstrap"],
                          seed=config["laws"]["seed"])
        laws[mode] = fit_laws(modes[mode]["points"], opts)
    by_run = {p["run"]: p["loss"] for p in modes["independent"]["points"]}
    diffs = np.array([p["loss"] - by_run[p["run"]] for p in modes["wsd"]["points"]])
    result = {
        "study": {"languages": a.languages, "models": a.models, "budgets": budgets, "workers": a.workers,
                  "warmup_steps": config["experiments"]["scaling"].get("warmup_steps"),
                  "independent_from": a.reuse_independent,
                  "decay_fraction": config["experiments"]["scaling"]["decay_fraction"],
                  "decay_shape": config["experiments"]["scaling"]["decay_shape"],
                  "independent_schedule": config["train"]["schedule"]},
        "modes": modes,
        "token_ratio": modes["wsd"]["tokens_trained"] / modes["independent"]["tokens_trained"],
        "wall_ratio": modes["wsd"]["wall_s"] / modes["independent"]["wall_s"],
        "loss_difference": {"median_abs": float(np.median(np.abs(diffs))), "mean": float(diffs.mean()),
                            "max_abs": float(np.abs(diffs).max())},
        "laws": laws,
        "comparison": compare(laws),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{a.out}.json").write_text(json.dumps(result, indent=2, default=lambda x: None if (
        isinstance(x, float) and math.isnan(x)) else str(x)) + "\n")
    (OUT / f"{a.out}.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
