import numpy as np
import pandas as pd
import pytest

from codescale.laws.fit import POWER_LAW, FitOptions, Law, fit_language_laws, fit_with_uncertainty
from codescale.laws.fitter import check_gradient, objective

TRUE = Law(A=40.0, alpha=0.35, B=300.0, beta=0.45, E=1.2)
N = np.repeat([1e5, 2.2e5, 4e5, 8e5], 4)
D = np.tile([2e4, 4e4, 8e4, 1.6e5], 4)


def test_recovers_known_law_exactly():
    fit = fit_with_uncertainty(N, D, TRUE.predict(N, D), FitOptions(bootstrap=10))
    for name, value in TRUE.to_dict().items():
        assert fit["params"][name] == pytest.approx(value, rel=1e-4), name
    assert fit["heldout"]["leave_one_out"]["rmse_log"] < 1e-6
    assert fit["heldout"]["largest_model"]["rmse_log"] < 1e-5
    assert fit["heldout"]["largest_budget"]["rmse_log"] < 1e-5
    assert fit["bootstrap_samples"] == len(fit["draws"]["beta"]) == 10
    assert len(fit["points"]) == len(N)


def test_noisy_fit_predicts_and_intervals_cover():
    rng = np.random.default_rng(0)
    loss = TRUE.predict(N, D) * np.exp(rng.normal(0, 0.002, len(N)))
    fit = fit_with_uncertainty(N, D, loss, FitOptions(bootstrap=60))
    law = Law(**fit["params"])
    # Extrapolation to a bigger model and budget stays close to the truth.
    assert law.predict(1.6e6, 3.2e5) == pytest.approx(TRUE.predict(1.6e6, 3.2e5), rel=0.02)
    assert fit["params"]["beta"] == pytest.approx(0.45, abs=0.05)
    lo, hi = fit["ci95"]["beta"]
    assert lo <= 0.45 <= hi
    assert 0 < fit["heldout"]["leave_one_out"]["rmse_log"] < 0.01
    # Extrapolation to the largest model / budget from the rest stays within a few percent.
    assert fit["heldout"]["largest_model"]["mean_abs_rel_error"] < 0.03
    assert fit["heldout"]["largest_budget"]["mean_abs_rel_error"] < 0.03


def test_gradient_matches_finite_differences():
    theta = np.array([3.0, 0.4, 5.0, 0.3, 0.1])
    x = {"N": N, "D": D}
    assert check_gradient(POWER_LAW, theta, x) < 1e-5
    log_y = np.log(TRUE.predict(N, D)) + 0.01
    _, grad = objective(theta, POWER_LAW, x, log_y, 1e-3)
    eps = 1e-6
    numeric = [(objective(theta + eps * np.eye(5)[i], POWER_LAW, x, log_y, 1e-3)[0]
                - objective(theta - eps * np.eye(5)[i], POWER_LAW, x, log_y, 1e-3)[0]) / (2 * eps)
               for i in range(5)]
    assert np.allclose(grad, numeric, rtol=1e-4, atol=1e-9)


def test_too_few_points_and_bad_values():
    with pytest.raises(ValueError, match="at least 5"):
        fit_with_uncertainty(N[:3], D[:3], TRUE.predict(N[:3], D[:3]))
    with pytest.raises(ValueError, match="positive"):
        fit_with_uncertainty(N, D, -TRUE.predict(N, D))


def test_language_laws_from_summary():
    rows = []
    for lang, law in {"go": TRUE, "rust": Law(20.0, 0.3, 500.0, 0.5, 0.9)}.items():
        for n, d in zip(N, D, strict=True):
            rows.append({"run": f"scaling-{lang}", "family": "scaling", "model": "m", "params": n,
                         "tokens": d, "mixture": lang, "task": "valid_loss",
                         "lang_or_direction": lang, "metric": "loss", "value": law.predict(n, d)})
            rows.append({**rows[-1], "lang_or_direction": "python", "value": 9.9})  # ignored
    laws = fit_language_laws(pd.DataFrame(rows), ["go", "rust"], FitOptions(bootstrap=5))
    assert laws["rust"]["params"]["E"] == pytest.approx(0.9, rel=1e-3)
    with pytest.raises(ValueError, match="java"):
        fit_language_laws(pd.DataFrame(rows), ["java"], FitOptions(bootstrap=0))


def test_unidentified_terms_are_flagged():
    # No dependence on N at all: the N term cannot be identified and must be flagged.
    flat = 300.0 * D ** -0.45 + 1.2
    fit = fit_with_uncertainty(N, D, flat, FitOptions(bootstrap=0))
    assert "A" in fit["unidentified"] or "alpha" in fit["unidentified"]
    clean = fit_with_uncertainty(N, D, TRUE.predict(N, D), FitOptions(bootstrap=0))
    assert clean["unidentified"] == []
