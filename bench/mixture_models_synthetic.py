"""Mixture models on synthetic truth at the embedded study's shape: 7 languages, the scaling grid
(3 sizes × 3 budgets), the synergy family (21 pairs + 7 repeated self runs × 2 seeds) and
``--mixtures`` Dirichlet mixtures, every present target's loss drawn from a known law with
log-normal noise ``--noise``. For each truth (the per-target transfer form, and the paper's form)
it fits every mixture model, holds each mixture run out in turn, and prints the held-out errors
and how well the fitted parameters match the truth.

Usage: python bench/mixture_models_synthetic.py [--noise 0.005] [--mixtures 6] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from codescale.laws.fit import Law
from codescale.laws.fitter import FitOptions
from codescale.laws.mixture import (
    PaperLaw,
    compare_mixture_models,
    fit_paper,
    fit_transfer,
    mixture_observations,
    run_mixture,
)

LANGS = ["python", "java", "javascript", "typescript", "csharp", "go", "rust"]
MANIFEST = {"datasets": {f"{x}/train": {"tokens": 700_000} for x in LANGS}}


def laws(rng) -> dict[str, Law]:
    return {x: Law(A=float(rng.uniform(20, 60)), alpha=float(rng.uniform(0.25, 0.45)),
                   B=float(rng.uniform(200, 800)), beta=float(rng.uniform(0.4, 0.6)),
                   E=float(rng.uniform(0.8, 1.6))) for x in LANGS}


def runs(rng, mixtures: int):
    out = []
    for lang in LANGS:
        for n in (1e5, 2.2e5, 4e5):
            for d in (2e4, 4e4, 8e4):
                out.append((f"scaling-{lang}-{n:g}-{d:g}", "scaling", lang, n, d, {lang: 1.0}, 1, 0))
    for s in (0, 1):
        for i, a in enumerate(LANGS):
            for b in LANGS[i:]:
                w = {a: 1.0} if a == b else {a: 0.5, b: 0.5}
                out.append((f"synergy-{a}_{b}-s{s}", "synergy", f"{a}_{b}", 1e5, 4e4, w,
                            2 if a == b else 1, s))
    for m in range(mixtures):
        p = rng.dirichlet(np.ones(len(LANGS)))
        out.append((f"mixtures-mix{m}", "mixtures", f"mix{m}", 2.2e5, 8e4, dict(zip(LANGS, p, strict=True)), 1, 0))
    return out


def dataset(truth, rng, mixtures, noise):
    rows, specs = [], {}
    for run, family, mixture, n, d, w, epochs, s in runs(rng, mixtures):
        blend = {"prefixes": [f"{x}/train" for x in w], "weights": list(w.values())}
        if epochs > 1:
            blend["epochs"] = epochs
        specs[run] = {"run": run, "tokens": d, "blend": blend}
        mix = run_mixture(specs[run], MANIFEST, LANGS)
        for t, lang in enumerate(LANGS):
            value = truth(n, mix["p"], mix["own"], t) * np.exp(rng.normal(0, noise)) if mix["p"][t] > 0 else 7.0
            rows.append({"run": run, "family": family, "mixture": mixture, "params": n, "tokens": d,
                         "task": "valid_loss", "lang_or_direction": lang, "metric": "loss",
                         "value": value, "seed": s})
    return mixture_observations(pd.DataFrame(rows), specs, MANIFEST, LANGS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--noise", type=float, default=0.005)
    ap.add_argument("--mixtures", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    law = laws(rng)
    k = len(LANGS)
    t_true = np.eye(k) + (1 - np.eye(k)) * rng.uniform(0.0, 0.6, (k, k))
    tau = {a: {b: float(rng.normal(0.02, 0.03)) for b in LANGS if b != a} for a in LANGS}
    paper = PaperLaw(LANGS, law, tau)
    paper_theta = np.array([np.log(10.0), np.log(600.0), 4.0])
    truths = {
        "transfer": lambda n, p, own, t: law[LANGS[t]].A * n ** -law[LANGS[t]].alpha
        + law[LANGS[t]].B * (t_true[t] @ own) ** -law[LANGS[t]].beta + law[LANGS[t]].E,
        "paper": lambda n, p, own, t: float(paper.predict(paper_theta, paper.inputs_of(n, p, own))[0]),
    }
    opts = FitOptions(bootstrap=50)
    for name, truth in truths.items():
        obs = dataset(truth, rng, args.mixtures, args.noise)
        start = time.perf_counter()
        table = compare_mixture_models(obs, LANGS, law, tau, FitOptions(bootstrap=0))
        overall = table[table.scope == "overall"].set_index("model")
        cols = [c for c in ("runs", "mae_language", "mae_average", "spearman_average") if c in overall]
        typical = obs[obs.family == "mixtures"].loss.mean()
        print(f"\n== truth: {name} form, noise {args.noise} (≈ {args.noise * typical:.4f} nats), "
              f"{args.mixtures} mixture runs held out one at a time ({time.perf_counter() - start:.1f} s)")
        print(overall[cols].to_string(float_format=lambda v: f"{v:.4f}"))
        if name == "transfer":
            fitted = fit_transfer(obs, LANGS, law, opts).fitted
            est = fitted.form.matrix(fitted.theta)
            ci = fitted.ci95()
            off = ~np.eye(k, dtype=bool)
            cover = np.mean([ci[f"T_{LANGS[i]}_{LANGS[j]}"][0] - 1e-3 <= t_true[i, j]
                             <= ci[f"T_{LANGS[i]}_{LANGS[j]}"][1] + 1e-3
                             for i in range(k) for j in range(k) if i != j])
            print(f"transfer matrix: mean |T̂ − T| = {np.abs(est - t_true)[off].mean():.3f}, "
                  f"95% intervals cover the truth for {cover:.0%} of the {off.sum()} entries")
        else:
            fitted = fit_paper(obs, LANGS, law, tau, opts).fitted
            ci = fitted.ci95()
            for p, true in zip(("A", "B", "gamma"), (10.0, 600.0, 4.0), strict=True):
                print(f"paper {p}: true {true:g}, fitted {fitted.values[p]:.4g} "
                      f"[{ci[p][0]:.4g}, {ci[p][1]:.4g}]")


if __name__ == "__main__":
    main()
