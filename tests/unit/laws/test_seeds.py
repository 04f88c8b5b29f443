"""Every law is fitted on every seed's point, never on the means over seeds: the per-language
laws, the mixture models and the translation laws. And the held-out mixture comparison reports
the measured loss as the mean over seeds with its spread."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import codescale.laws.fit as fit_module
import codescale.laws.mixture as mixture_module
from codescale.laws.fit import Law, fit_language_laws
from codescale.laws.fitter import FitOptions
from codescale.laws.mixture import (
    compare_mixture_models,
    fit_cells,
    fit_paper,
    fit_transfer,
    mixture_observations,
    run_averages,
    run_mixture,
)
from codescale.laws.table import law_table
from codescale.laws.translation import fit_translation_laws

SEEDS = (0, 1, 2)
NS, DS = (1e5, 2e5, 4e5), (2e4, 4e4, 8e4)
LAW = Law(40.0, 0.35, 300.0, 0.45, 1.2)
QUICK = FitOptions(bootstrap=0, refine_top=4)


@pytest.fixture
def fits(monkeypatch):
    """Every (x, y, groups) the shared fitter is given, through either module's import."""
    seen = []
    real = fit_module.fit_law

    def spy(form, x, y, opts, **kw):
        seen.append({"form": form.name, "x": x, "y": np.asarray(y, dtype=float), "groups": kw.get("groups")})
        return real(form, x, y, opts, **kw)

    monkeypatch.setattr(fit_module, "fit_law", spy)
    monkeypatch.setattr(mixture_module, "fit_law", spy)
    return seen


def _noise(rng):
    return math.exp(rng.normal(0, 0.02))


# -- per-language laws --------------------------------------------------------------------------

def scaling_summary(seeds=SEEDS, drop=()):
    rng = np.random.default_rng(1)
    rows = []
    for n in NS:
        for d in DS:
            for seed in seeds:
                if (n, d, seed) in drop:
                    continue
                rows.append({"run": f"scaling-go-{n:g}-{d:g}-s{seed}", "family": "scaling", "model": "m",
                             "params": n, "tokens": d, "mixture": "go", "seed": seed, "task": "valid_loss",
                             "lang_or_direction": "go", "metric": "loss",
                             "value": float(LAW.predict(n, d)) * _noise(rng)})
    return pd.DataFrame(rows)


def test_language_laws_fit_every_seed(fits):
    summary = scaling_summary()
    laws = fit_language_laws(summary, ["go"], QUICK)
    assert len(fits) == 1
    call = fits[0]
    assert len(call["y"]) == len(NS) * len(DS) * len(SEEDS)
    np.testing.assert_allclose(np.sort(call["y"]), np.sort(summary.value))
    # seeds of one cell are one bootstrap / leave-one-out group
    groups = pd.Series(call["groups"])
    assert groups.nunique() == len(NS) * len(DS) and (groups.value_counts() == len(SEEDS)).all()
    assert len(laws["go"]["points"]) == len(summary)
    table = law_table(laws)
    row = table.iloc[0]
    assert row.points == 27 and row.cells == 9 and row.n_seeds == 3 and row.n_seeds_min == 3


def test_law_table_counts_uneven_seeds():
    summary = scaling_summary(drop={(1e5, 2e4, 2), (1e5, 2e4, 1)})
    row = law_table(fit_language_laws(summary, ["go"], QUICK)).iloc[0]
    assert row.points == 25 and row.cells == 9 and row.n_seeds == 3 and row.n_seeds_min == 1
    one = law_table(fit_language_laws(scaling_summary(seeds=(0,)), ["go"], QUICK)).iloc[0]
    assert one.points == 9 and one.cells == 9 and one.n_seeds == 1


# -- mixture models -----------------------------------------------------------------------------

LANGS = ["a", "b"]
LAWS = {"a": Law(30.0, 0.3, 400.0, 0.5, 1.2), "b": Law(20.0, 0.35, 300.0, 0.45, 0.9)}
MANIFEST = {"datasets": {f"{x}/train": {"tokens": 10**7} for x in LANGS}}
SHARES = (0.2, 0.5, 0.8)


def mixture_data(mixture_seeds=None):
    """Single-language scaling runs (one seed) and mixture runs at one (N, D), by default three
    seeds each; ``mixture_seeds`` maps share -> seeds."""
    rng = np.random.default_rng(2)
    runs = [(f"scaling-{x}-{n:g}-{d:g}", "scaling", x, n, d, {x: 1.0}, 0)
            for x in LANGS for n in (1e5, 4e5) for d in (2e4, 8e4)]
    for share in SHARES:
        for seed in (mixture_seeds or {}).get(share, SEEDS):
            runs.append((f"mixtures-mix{share}-s{seed}", "mixtures", f"mix{share}", 2e5, 8e4,
                         {"a": share, "b": 1 - share}, seed))
    rows, specs = [], {}
    for run, family, mixture, n, d, w, seed in runs:
        specs[run] = {"run": run, "tokens": d,
                      "blend": {"prefixes": [f"{x}/train" for x in w], "weights": list(w.values())}}
        mix = run_mixture(specs[run], MANIFEST, LANGS)
        for t, x in enumerate(LANGS):
            value = float(LAWS[x].predict(n, max(mix["own"][t], 1.0))) * _noise(rng) if mix["p"][t] > 0 else 7.0
            rows.append({"run": run, "family": family, "mixture": mixture, "params": n, "tokens": d,
                         "seed": seed, "task": "valid_loss", "lang_or_direction": x, "metric": "loss",
                         "value": value})
    return mixture_observations(pd.DataFrame(rows), specs, MANIFEST, LANGS)


def test_mixture_models_fit_every_seed(fits):
    obs = mixture_data()
    fit_transfer(obs, LANGS, LAWS, QUICK)
    transfer = fits[-1]
    present = obs[obs.present]
    assert transfer["form"] == "transfer" and len(transfer["y"]) == len(present)
    np.testing.assert_allclose(transfer["y"], present.loss)
    assert set(transfer["groups"]) == set(obs.run)  # one group per run, i.e. per seed
    fit_paper(obs, LANGS, LAWS, {}, QUICK)
    paper = fits[-1]
    averages = run_averages(obs, LANGS)
    assert paper["form"] == "paper" and len(paper["y"]) == obs.run.nunique() == len(averages)
    np.testing.assert_allclose(np.sort(paper["y"]), np.sort(averages.loss))


def test_cell_models_weigh_every_seed_run():
    # uneven seeds: the uniform predictor is the mean over all mixture runs, not over the mixtures' means
    obs = mixture_data({0.2: (0,), 0.5: SEEDS, 0.8: SEEDS})
    uniform = fit_cells(obs, LANGS, "uniform")
    (table,) = uniform.cell_table.values()
    mix = obs[obs.family == "mixtures"]
    per_run = mix.pivot_table(index="run", columns="target", values="loss")[LANGS]
    np.testing.assert_allclose(table, per_run.to_numpy().mean(axis=0))
    means_of_means = mix.groupby(["mixture", "target"]).loss.mean().unstack()[LANGS].mean().to_numpy()
    assert not np.allclose(table, means_of_means)
    regmix = fit_cells(obs, LANGS, "regmix")
    assert next(iter(regmix.cell_table.values())).shape == (len(LANGS), len(LANGS) + 1)


def test_heldout_comparison_reports_mean_and_spread_over_seeds():
    obs = mixture_data({0.2: (0,), 0.5: SEEDS, 0.8: SEEDS})
    comparison = compare_mixture_models(obs, LANGS, LAWS, {}, QUICK)
    runs = comparison[comparison.scope == "run"]
    t = stats.t.ppf(0.975, 2)
    for share in SHARES:
        held = obs[(obs.mixture == f"mix{share}")]
        per_seed = held[held.present].groupby("run").loss.mean().to_numpy()
        rows = runs[runs.heldout == f"mix{share}"]
        assert len(rows) == len(mixture_module.MODELS)
        assert (rows.n_seeds == len(per_seed)).all()
        np.testing.assert_allclose(rows.measured_average, per_seed.mean())
        fitted = rows[rows.skipped == ""]
        assert len(fitted)
        a = held[held.target == "a"].loss.to_numpy()
        np.testing.assert_allclose(fitted.meas_a, a.mean())
        if len(per_seed) == 1:
            assert rows.measured_sd_average.isna().all() and rows.measured_ci95_low.isna().all()
            assert fitted.meas_sd_a.isna().all()
            continue
        sd = per_seed.std(ddof=1)
        np.testing.assert_allclose(rows.measured_sd_average, sd)
        np.testing.assert_allclose(rows.measured_ci95_low, per_seed.mean() - t * sd / math.sqrt(3))
        np.testing.assert_allclose(rows.measured_ci95_high, per_seed.mean() + t * sd / math.sqrt(3))
        np.testing.assert_allclose(fitted.meas_sd_a, a.std(ddof=1))


# -- translation laws ---------------------------------------------------------------------------

def translation_summary():
    rng = np.random.default_rng(3)
    rows = []
    for n in NS:
        for d in DS:
            for seed in SEEDS:
                base = {"run": f"strategy-pairing-{n:g}-{d:g}-s{seed}", "family": "strategy", "model": "m",
                        "params": n, "tokens": d, "mixture": "pairing", "seed": seed, "task": "translation",
                        "metric": "loss"}
                for direction, kind in (("python->go", "seen"), ("go->python", "seen"), ("go->rust", "unseen")):
                    rows.append({**base, "lang_or_direction": direction, "direction_kind": kind,
                                 "value": float(LAW.predict(n, d)) * _noise(rng)})
    return pd.DataFrame(rows)


def test_translation_laws_fit_every_seed(fits):
    summary = translation_summary()
    result = fit_translation_laws(summary, QUICK, min_points=6, workers=1)
    seen = result["organizations"]["pairing"]["seen"]
    assert len(seen["points"]) == len(NS) * len(DS) * len(SEEDS)
    per_run_seen = summary[summary.direction_kind == "seen"].groupby("run").value.mean()
    seen_call = next(c for c in fits if len(c["y"]) == 27 and np.allclose(np.sort(c["y"]), np.sort(per_run_seen)))
    groups = pd.Series(seen_call["groups"])
    assert groups.nunique() == 9 and (groups.value_counts() == 3).all()
    go_rust = result["organizations"]["pairing"]["directions"]["go->rust"]
    assert len(go_rust["points"]) == 27
    np.testing.assert_allclose(sorted(p["loss"] for p in go_rust["points"]),
                               np.sort(summary[summary.lang_or_direction == "go->rust"].value))
