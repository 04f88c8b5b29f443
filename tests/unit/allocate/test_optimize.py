import numpy as np
import pandas as pd
import pytest

from codescale.allocate.compare import compare_allocation
from codescale.allocate.optimize import allocation_report, optimize_allocation
from codescale.laws.fit import Law
from codescale.laws.fitter import FittedLaw
from codescale.laws.mixture import MixturePredictor, TransferLaw

INF = np.inf


def independent(laws):
    return MixturePredictor("independent", sorted(laws), laws=laws)


def test_identical_laws_give_uniform():
    law = Law(10.0, 0.3, 100.0, 0.5, 1.0)
    p = optimize_allocation(independent({"a": law, "b": law, "c": law}), 1e6, 1e5, [INF] * 3,
                            min_share=0.0, max_share=1.0)
    assert p == pytest.approx(np.full(3, 1 / 3), abs=1e-4)


def test_matches_closed_form_for_equal_exponents():
    # With equal beta, minimising Σ B_k (p_k D)^-β gives p_k ∝ B_k^(1/(1+β)).
    beta = 0.5
    b = {"x": 100.0, "y": 400.0, "z": 900.0}
    laws = {k: Law(1.0, 0.3, v, beta, 1.0) for k, v in b.items()}
    p = optimize_allocation(independent(laws), 1e6, 1e5, [INF] * 3, min_share=0.0, max_share=1.0)
    w = np.array([v ** (1 / (1 + beta)) for v in b.values()])
    assert p == pytest.approx(w / w.sum(), abs=1e-3)


def test_scarce_data_is_not_asked_for_as_if_fresh():
    beta = 0.5
    laws = {k: Law(1.0, 0.3, v, beta, 1.0) for k, v in {"x": 100.0, "y": 900.0}.items()}
    free = optimize_allocation(independent(laws), 1e6, 1e5, [INF, INF], min_share=0.0, max_share=1.0)
    # y has only 1% of the budget's tokens: repetition is worth less, so y gets less than before.
    scarce = optimize_allocation(independent(laws), 1e6, 1e5, [INF, 1e3], min_share=0.0, max_share=1.0)
    assert scarce[1] < free[1] - 0.05
    rep = allocation_report(independent(laws), 1e6, 1e5, [INF, 1e3], min_share=0.0, max_share=1.0,
                            model_name="m")
    opt = rep["mixtures"]["optimized"]
    assert opt["epochs"]["y"] > 1 and opt["effective_tokens"]["y"] < opt["tokens"]["y"]


def test_bounds_are_honoured_and_infeasible_rejected():
    laws = {"x": Law(1, 0.3, 1.0, 0.5, 1), "y": Law(1, 0.3, 1e4, 0.5, 1)}
    p = optimize_allocation(independent(laws), 1e6, 1e5, [INF, INF], min_share=0.2, max_share=0.8)
    assert p == pytest.approx([0.2, 0.8], abs=1e-6)
    with pytest.raises(ValueError, match="infeasible"):
        optimize_allocation(independent(laws), 1e6, 1e5, [INF, INF], min_share=0.6, max_share=1.0)


def test_no_language_worse_than_uniform_by_more_than_epsilon():
    laws = {"x": Law(1, 0.3, 1.0, 0.5, 1), "y": Law(1, 0.3, 1e4, 0.5, 1)}
    model = independent(laws)
    free = optimize_allocation(model, 1e6, 1e5, [INF, INF], min_share=0.0, max_share=1.0)
    eps = 0.001
    held = optimize_allocation(model, 1e6, 1e5, [INF, INF], min_share=0.0, max_share=1.0,
                               max_loss_increase=eps)
    base = model.per_language(1e6, 1e5, np.full(2, 0.5), [INF, INF])
    assert np.max(model.per_language(1e6, 1e5, free, [INF, INF]) - base) > eps
    assert np.all(model.per_language(1e6, 1e5, held, [INF, INF]) - base <= eps + 1e-6)


def test_bootstrap_gives_intervals_around_the_optimum():
    laws = {"go": Law(10, 0.3, 100, 0.5, 1.0), "rust": Law(10, 0.3, 300, 0.5, 0.8)}
    form = TransferLaw(["go", "rust"], laws)
    rng = np.random.default_rng(0)
    draws = np.clip(0.3 + rng.normal(0, 0.05, (20, 2)), 0, 1)
    fitted = FittedLaw(form, np.array([0.3, 0.3]), 0.0, {}, np.zeros(0), draws)
    model = MixturePredictor("transfer", ["go", "rust"], fitted=fitted, laws=laws)
    rep = allocation_report(model, 2e5, 1e5, [INF, INF], min_share=0.1, max_share=0.9,
                            model_name="m2", bootstrap=20)
    boot = rep["bootstrap"]
    assert boot["draws"] == 20
    lo, hi = boot["proportions_ci95"]["rust"]
    assert lo <= rep["mixtures"]["optimized"]["proportions"]["rust"] <= hi
    assert boot["gain_ci95"][0] >= 0  # each draw's own optimum is at least as good as uniform


def test_report_and_comparison():
    laws = {"go": Law(10, 0.3, 100, 0.5, 1.0), "rust": Law(10, 0.3, 300, 0.5, 0.8)}
    rep = allocation_report(independent(laws), 2e5, 1e5, [INF, INF], min_share=0.1, max_share=0.9,
                            model_name="m2")
    opt, uni = rep["mixtures"]["optimized"], rep["mixtures"]["uniform"]
    assert opt["predicted_average"] <= uni["predicted_average"]
    assert rep["predicted_gain"] >= 0
    assert sum(opt["proportions"].values()) == pytest.approx(1.0)
    summary = pd.DataFrame([
        {"run": r, "task": "valid_loss", "metric": "loss", "lang_or_direction": lang, "value": v}
        for r, vals in (("u", {"go": 2.0, "rust": 1.5}), ("o", {"go": 2.1, "rust": 1.3}))
        for lang, v in vals.items()])
    frame = compare_allocation(rep, summary, {"uniform": "u", "optimized": "o"})
    avg = frame[(frame.mixture == "optimized") & (frame.lang == "average")].iloc[0]
    assert avg.measured == pytest.approx(1.7)
    assert avg.error == pytest.approx(avg.measured - avg.predicted)
    assert np.isclose(frame[frame.mixture == "uniform"].proportion.iloc[0], 0.5)
