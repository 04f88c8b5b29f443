import numpy as np
import pandas as pd
import pytest

from codescale.allocate.compare import compare_allocation
from codescale.allocate.optimize import allocation_report, optimize_allocation
from codescale.laws.fit import Law


def test_identical_laws_give_uniform():
    law = Law(10.0, 0.3, 100.0, 0.5, 1.0)
    p = optimize_allocation({"a": law, "b": law, "c": law}, 1e6, 1e5, min_share=0.0, max_share=1.0)
    assert all(v == pytest.approx(1 / 3, abs=1e-4) for v in p.values())


def test_matches_closed_form_for_equal_exponents():
    # With equal beta, minimising Σ B_k (p_k D)^-β gives p_k ∝ B_k^(1/(1+β)).
    beta = 0.5
    b = {"x": 100.0, "y": 400.0, "z": 900.0}
    laws = {k: Law(1.0, 0.3, v, beta, 1.0) for k, v in b.items()}
    p = optimize_allocation(laws, 1e6, 1e5, min_share=0.0, max_share=1.0)
    w = {k: v ** (1 / (1 + beta)) for k, v in b.items()}
    total = sum(w.values())
    for k in b:
        assert p[k] == pytest.approx(w[k] / total, abs=1e-3)


def test_bounds_are_honoured_and_infeasible_rejected():
    laws = {"x": Law(1, 0.3, 1.0, 0.5, 1), "y": Law(1, 0.3, 1e4, 0.5, 1)}
    p = optimize_allocation(laws, 1e6, 1e5, min_share=0.2, max_share=0.8)
    assert p["x"] == pytest.approx(0.2, abs=1e-6) and p["y"] == pytest.approx(0.8, abs=1e-6)
    with pytest.raises(ValueError, match="infeasible"):
        optimize_allocation(laws, 1e6, 1e5, min_share=0.6, max_share=1.0)


def test_report_and_comparison():
    laws = {"go": Law(10, 0.3, 100, 0.5, 1.0), "rust": Law(10, 0.3, 300, 0.5, 0.8)}
    rep = allocation_report(laws, 2e5, 1e5, min_share=0.1, max_share=0.9, model="m2")
    opt, uni = rep["mixtures"]["optimized"], rep["mixtures"]["uniform"]
    assert opt["predicted_average"] <= uni["predicted_average"]
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
