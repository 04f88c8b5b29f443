"""Mixture models against known truth: data generated from each form with noise, parameters
recovered within their intervals, held-out mixtures predicted to within the noise."""

import numpy as np
import pandas as pd
import pytest

from codescale.laws.fit import Law
from codescale.laws.fitter import FitOptions, check_gradient
from codescale.laws.mixture import (
    PaperLaw,
    TransferLaw,
    choose_model,
    compare_mixture_models,
    fit_paper,
    fit_transfer,
    load_predictor,
    mixture_laws_report,
    mixture_observations,
    run_mixture,
    versus_trivial,
)
from codescale.laws.repetition import effective_tokens

LANGS = ["a", "b", "c"]
LAWS = {"a": Law(30.0, 0.3, 400.0, 0.5, 1.2), "b": Law(20.0, 0.35, 300.0, 0.45, 0.9),
        "c": Law(25.0, 0.25, 600.0, 0.55, 1.0)}
T_TRUE = np.array([[1.0, 0.6, 0.1], [0.3, 1.0, 0.5], [0.05, 0.4, 1.0]])
NOISE = 0.002
MANIFEST = {"datasets": {f"{x}/train": {"tokens": 10**7} for x in LANGS}}


def _runs(seed=0, mixtures=8):
    rng = np.random.default_rng(seed)
    runs = []  # (run, family, mixture, N, tokens, weights, epochs, seed)
    for lang in LANGS:
        for n in (1e5, 4e5):
            for d in (2e4, 8e4):
                runs.append((f"scaling-{lang}-{n:g}-{d:g}", "scaling", lang, n, d, {lang: 1.0}, 1, 0))
    for s in (0, 1):
        for i, a in enumerate(LANGS):
            for b in LANGS[i:]:
                w = {a: 1.0} if a == b else {a: 0.5, b: 0.5}
                runs.append((f"synergy-{a}_{b}-s{s}", "synergy", f"{a}_{b}", 2e5, 4e4, w, 2 if a == b else 1, s))
    for m in range(mixtures):
        p = rng.dirichlet(np.ones(len(LANGS)))
        runs.append((f"mixtures-mix{m}", "mixtures", f"mix{m}", 2e5, 8e4, dict(zip(LANGS, p, strict=True)), 1, 0))
    return runs


def _spec(run, tokens, weights, epochs):
    blend = {"prefixes": [f"{x}/train" for x in weights], "weights": list(weights.values())}
    if epochs > 1:
        blend["epochs"] = epochs
    return {"run": run, "tokens": tokens, "blend": blend}


def _dataset(truth, seed=0, mixtures=8):
    """summary + specs, every present target's loss from ``truth(N, p, own, target)``."""
    rng = np.random.default_rng(seed + 100)
    rows, specs = [], {}
    for run, family, mixture, n, d, w, epochs, s in _runs(seed, mixtures):
        specs[run] = _spec(run, d, w, epochs)
        mix = run_mixture(specs[run], MANIFEST, LANGS)
        for t, lang in enumerate(LANGS):
            value = truth(n, mix["p"], mix["own"], t) * np.exp(rng.normal(0, NOISE)) \
                if mix["p"][t] > 0 else 7.0
            rows.append({"run": run, "family": family, "mixture": mixture, "params": n, "tokens": d,
                         "task": "valid_loss", "lang_or_direction": lang, "metric": "loss",
                         "value": value, "seed": s})
    return pd.DataFrame(rows), specs


def _transfer_truth(n, p, own, t):
    law = LAWS[LANGS[t]]
    return law.A * n ** -law.alpha + law.B * (T_TRUE[t] @ own) ** -law.beta + law.E


def test_effective_tokens_follow_muennighoff():
    assert effective_tokens(100.0, 200.0) == 100.0               # fresh data is worth itself
    four = effective_tokens(400.0, 100.0)                          # 4 epochs ~ 3.7 fresh epochs
    assert 360 < four < 400
    assert effective_tokens(1e9, 100.0) < 100 * (1 + 15.39) + 1e-6  # repetition saturates
    # The synergy baseline: half the budget seen twice is worth nearly the whole budget.
    assert effective_tokens(2.0, 1.0) == pytest.approx(1 + 15.39 * (1 - np.exp(-1 / 15.39)))


def test_repeated_baseline_counts_half_unique():
    mix = run_mixture(_spec("s", 1000, {"a": 1.0}, 2), MANIFEST, LANGS)
    assert mix["unique"][0] == 500 and mix["seen"][0] == 1000
    assert 980 < mix["own"][0] < 1000


def test_transfer_gradient_and_paper_gradient():
    obs = mixture_observations(*_dataset(_transfer_truth), MANIFEST, LANGS)
    form = TransferLaw(LANGS, LAWS)
    x = {"N": obs.N.to_numpy(), "t": obs.t.to_numpy(), "own": obs[[f"own_{x}" for x in LANGS]].to_numpy()}
    assert check_gradient(form, np.full(6, 0.3), x, eps=1e-7) < 1e-4
    paper = PaperLaw(LANGS, LAWS, {"a": {"b": 0.05, "c": -0.02}, "b": {"a": 0.03}})
    xp = paper.inputs_of(obs.N.to_numpy(), obs[[f"p_{x}" for x in LANGS]].to_numpy(),
                         obs[[f"own_{x}" for x in LANGS]].to_numpy())
    assert check_gradient(paper, np.array([2.0, 6.0, 1.5]), xp) < 1e-4


def test_transfer_matrix_recovered_within_intervals():
    obs = mixture_observations(*_dataset(_transfer_truth), MANIFEST, LANGS)
    model = fit_transfer(obs, LANGS, LAWS, FitOptions(bootstrap=40))
    values, ci = model.fitted.values, model.fitted.ci95()
    for i, a in enumerate(LANGS):
        for j, b in enumerate(LANGS):
            if i == j:
                continue
            name = f"T_{a}_{b}"
            assert values[name] == pytest.approx(T_TRUE[i, j], abs=0.08), name
            lo, hi = ci[name]
            assert lo - 1e-3 <= T_TRUE[i, j] <= hi + 1e-3, (name, lo, hi)


def test_heldout_mixtures_predicted_within_noise_and_beat_trivial():
    obs = mixture_observations(*_dataset(_transfer_truth), MANIFEST, LANGS)
    table = compare_mixture_models(obs, LANGS, LAWS, {}, FitOptions(bootstrap=0))
    overall = table[table.scope == "overall"].set_index("model")
    typical = obs[obs.family == "mixtures"].loss.mean()
    assert overall.loc["transfer", "mae_language"] < 3 * NOISE * typical
    assert overall.loc["transfer", "mae_average"] < 3 * NOISE * typical
    assert overall.loc["transfer", "mae_language"] < overall.loc["uniform", "mae_language"]
    assert overall.loc["transfer", "mae_language"] < overall.loc["independent", "mae_language"]
    assert overall.loc["transfer", "spearman_average"] > 0.8
    # The trivial predictor is the mean of the other mixtures: it ranks held-out runs backwards.
    assert overall.loc["uniform", "spearman_average"] < overall.loc["transfer", "spearman_average"]
    assert choose_model(table)[0] in ("transfer", "paper")
    assert choose_model(table, "independent") == ("independent", "named in config (allocation.law)")


def test_paper_form_recovered():
    tau = {"a": {"b": 0.06, "c": -0.03}, "b": {"a": 0.04, "c": 0.05}, "c": {"a": 0.02, "b": 0.08}}
    form = PaperLaw(LANGS, LAWS, tau)
    truth = np.array([np.log(8.0), np.log(500.0), 3.0])

    def paper_truth(n, p, own, t):
        return float(form.predict(truth, form.inputs_of(n, p, own))[0])

    obs = mixture_observations(*_dataset(paper_truth, mixtures=12), MANIFEST, LANGS)
    model = fit_paper(obs, LANGS, LAWS, tau, FitOptions(bootstrap=40))
    values, ci = model.fitted.values, model.fitted.ci95()
    for name, true in (("A", 8.0), ("B", 500.0), ("gamma", 3.0)):
        lo, hi = ci[name]
        assert values[name] == pytest.approx(true, rel=0.15), name
        # 40 percentile-bootstrap draws: within the interval, give or take one interval width.
        width = hi - lo
        assert lo - width <= true <= hi + width, (name, lo, hi, values[name])
    assert values["gamma"] == pytest.approx(3.0, abs=1.0)
    table = compare_mixture_models(obs, LANGS, LAWS, tau, FitOptions(bootstrap=0))
    overall = table[table.scope == "overall"].set_index("model")
    assert overall.loc["paper", "mae_average"] < 3 * NOISE * obs.loss[obs.present].mean()
    assert pd.isna(overall.loc["paper"].get("mae_language"))  # the paper form has no per-language loss


def test_report_round_trips_to_a_predictor():
    obs = mixture_observations(*_dataset(_transfer_truth), MANIFEST, LANGS)
    report, _ = mixture_laws_report(obs, LANGS, LAWS, {}, FitOptions(bootstrap=5))
    model = load_predictor(report, "transfer", LAWS)
    p = np.array([0.2, 0.5, 0.3])
    truth = np.array([_transfer_truth(2e5, p, p * 8e4, t) for t in range(3)])
    assert model.per_language(2e5, 8e4, p, np.full(3, np.inf)) == pytest.approx(truth, rel=0.01)
    assert len(model.draws()) == 5
    assert report["chosen_vs_trivial"]["mae_average"]["chosen_beats_trivial"]
    assert set(report["models"]) >= {"paper", "transfer", "independent", "regmix", "uniform"}
    with pytest.raises(ValueError, match="cannot allocate"):
        load_predictor(report, "regmix", LAWS)


def test_cell_models_predict_a_cell_whose_tokens_differ_in_the_last_places():
    """D is tokens × the sum of float weights: 1023998.976 and 1024000 are one grid cell."""
    obs = mixture_observations(*_dataset(_transfer_truth), MANIFEST, LANGS)
    table = compare_mixture_models(obs, LANGS, LAWS, {}, FitOptions(bootstrap=0))
    runs = table[(table.scope == "run") & table.model.isin(["regmix", "uniform"])]
    assert (runs.skipped == "").all(), runs.skipped.tolist()
    from codescale.laws.mixture import _cell

    assert _cell(155280.0, 1023998.976) == _cell(155280.0, 1024000.0)
    assert _cell(155280.0, 1024000.0) != _cell(155280.0, 1025000.0)


def test_versus_trivial_scores_both_on_the_mixtures_both_predicted():
    rows = [{"scope": "run", "model": m, "heldout": h, "N": 1.0, "D": 2.0, "skipped": s,
             "abs_error_average": e, "mae_language": e}
            for m, h, s, e in [("transfer", "mix1", "", 0.10), ("transfer", "mix2", "", 0.30),
                               ("uniform", "mix1", "", 0.20), ("uniform", "mix2", "fitted elsewhere", np.nan)]]
    rows.append({"scope": "overall", "model": "transfer", "mae_average": 0.20})
    rows.append({"scope": "overall", "model": "uniform", "mae_average": 0.20})
    out = versus_trivial(pd.DataFrame(rows), "transfer")
    # over mix1 only: 0.10 vs 0.20 (over all its mixtures transfer's 0.20 would tie the baseline)
    assert out["mae_average"] == {"chosen": 0.10, "trivial": 0.20, "chosen_beats_trivial": True, "mixtures": 1}


def test_errors_name_what_is_missing():
    summary, specs = _dataset(_transfer_truth)
    with pytest.raises(ValueError, match="no spec"):
        mixture_observations(summary, {}, MANIFEST, LANGS)
    with pytest.raises(ValueError, match="no validation losses"):
        mixture_observations(summary[summary.family == "nope"], specs, MANIFEST, LANGS)


def test_without_mixture_runs_nothing_is_held_out_and_the_report_says_so():
    summary, specs = _dataset(_transfer_truth)
    keep = summary.family != "mixtures"
    obs = mixture_observations(summary[keep], specs, MANIFEST, LANGS)
    report, comparison = mixture_laws_report(obs, LANGS, LAWS, {}, FitOptions(bootstrap=0))
    assert comparison.empty
    assert report["chosen"] == "transfer" and "no held-out" in report["chosen_reason"]
    assert "regmix" in report["skipped"]
