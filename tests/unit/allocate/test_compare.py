import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from codescale.allocate.compare import (
    allocation_difference,
    compare_allocation,
    measured_losses,
    verdict,
    verdict_sentence,
)

LANGS = ("go", "rust")


def _allocation():
    return {"mixtures": {m: {"proportions": {"go": 0.5, "rust": 0.5}, "predicted": {"go": 2.0, "rust": 1.5},
                             "predicted_average": 1.75} for m in ("uniform", "optimized")}}


def _summary(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"run": run, "task": "valid_loss", "metric": "loss", "lang_or_direction": lang,
                          "value": v} for run, by_lang in values.items() for lang, v in by_lang.items()])


def _seeded(shift: float, seeds=3, seed=0):
    rng = np.random.default_rng(seed)
    uniform = {f"u-s{i}": {lang: 2.0 + rng.normal(0, 0.01) for lang in LANGS} for i in range(seeds)}
    optimized = {f"o-s{i}": {lang: 2.0 + shift + rng.normal(0, 0.01) for lang in LANGS} for i in range(seeds)}
    runs = {"uniform": list(uniform), "optimized": list(optimized)}
    return _summary({**uniform, **optimized}), runs


def test_comparison_means_and_intervals_over_seeds():
    summary, runs = _seeded(-0.05)
    frame = compare_allocation(_allocation(), summary, runs)
    row = frame[(frame.mixture == "uniform") & (frame.lang == "go")].iloc[0]
    vals = summary[summary.run.str.startswith("u") & (summary.lang_or_direction == "go")].value
    assert row.measured == pytest.approx(vals.mean())
    assert row.sd == pytest.approx(vals.std(ddof=1))
    lo, hi = stats.t.interval(0.95, len(vals) - 1, loc=vals.mean(), scale=stats.sem(vals))
    assert (row.ci95_low, row.ci95_high) == pytest.approx((lo, hi))
    assert row.seeds == 3 and row.runs == "u-s0;u-s1;u-s2"
    avg = frame[(frame.mixture == "optimized") & (frame.lang == "average")].iloc[0]
    assert avg.error == pytest.approx(avg.measured - 1.75)


def test_difference_is_welch_interval_and_verdicts():
    summary, runs = _seeded(-0.05)
    long = measured_losses(_allocation(), summary, runs)
    diff = allocation_difference(long).set_index("lang")
    o = long[(long.mixture == "optimized") & (long.lang == "average")].measured
    u = long[(long.mixture == "uniform") & (long.lang == "average")].measured
    ci = stats.ttest_ind(o, u, equal_var=False).confidence_interval(0.95)
    assert (diff.loc["average", "ci95_low"], diff.loc["average", "ci95_high"]) == pytest.approx(
        (ci.low, ci.high))
    assert diff.loc["average", "verdict"] == "won"
    assert set(diff.index) == {"go", "rust", "average"}
    assert "won" in verdict_sentence(allocation_difference(long))

    lost = allocation_difference(measured_losses(_allocation(), *_seeded(+0.05)))
    assert lost.set_index("lang").loc["average", "verdict"] == "lost"
    tied = allocation_difference(measured_losses(_allocation(), *_seeded(0.0, seed=3)))
    assert tied.set_index("lang").loc["average", "verdict"] == "tied"
    assert "tie" in verdict_sentence(tied)


def test_one_seed_is_unresolved_and_missing_language_names_the_run():
    summary = _summary({"u": {"go": 2.0, "rust": 1.5}, "o": {"go": 2.1, "rust": 1.3}})
    frame = compare_allocation(_allocation(), summary, {"uniform": "u", "optimized": "o"})
    assert math.isnan(frame.ci95_low.iloc[0]) and (frame.seeds == 1).all()
    diff = allocation_difference(measured_losses(_allocation(), summary, {"uniform": "u", "optimized": "o"}))
    avg = diff.set_index("lang").loc["average"]
    assert avg.verdict == "unresolved" and avg.optimized_minus_uniform == pytest.approx(-0.05)
    assert "unresolved" in verdict_sentence(diff)
    with pytest.raises(ValueError, match="run o has no validation loss for rust"):
        compare_allocation(_allocation(), summary[~((summary.run == "o") & (summary.lang_or_direction == "rust"))],
                           {"uniform": "u", "optimized": "o"})


def test_verdict_bounds():
    assert verdict(-0.2, -0.01) == "won"
    assert verdict(0.01, 0.2) == "lost"
    assert verdict(-0.1, 0.1) == "tied"
    assert verdict(math.nan, math.nan) == "unresolved"
