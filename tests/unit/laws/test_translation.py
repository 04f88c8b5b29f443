import json

import numpy as np
import pandas as pd
import pytest

from codescale.laws.fit import FitOptions, Law
from codescale.laws.translation import (
    DIRECTION_PREFIX,
    fit_translation_laws,
    translation_law_table,
    translation_points,
)

LANGS = ("python", "go", "rust")
SEEN = [f"python->{x}" for x in LANGS[1:]] + [f"{x}->python" for x in LANGS[1:]]
UNSEEN = ["go->rust", "rust->go"]
FEW = ("python->go", "go->python", "go->rust")  # fewer fits where the test is not about directions
GRID_N = (1e5, 2.2e5, 4e5, 8e5)
GRID_D = (2e4, 4e4, 8e4)

# Within a kind every direction shares the exponents, so the pooled (mean) loss follows the law
# with the mean coefficients: the known law of the seen / unseen scope.
ORG_LAWS = {
    "pairing": {"seen": (0.35, 0.45), "unseen": (0.3, 0.5)},
    "shuffled": {"seen": (0.25, 0.4), "unseen": (0.2, 0.35)},
}


def direction_law(org: str, direction: str) -> Law:
    kind = "seen" if direction in SEEN else "unseen"
    alpha, beta = ORG_LAWS[org][kind]
    i = (SEEN + UNSEEN).index(direction)
    return Law(A=30.0 + 5 * i, alpha=alpha, B=200.0 + 40 * i, beta=beta, E=0.8 + 0.05 * i)


def pooled_law(org: str, kind: str, directions=tuple(SEEN + UNSEEN)) -> Law:
    laws = [direction_law(org, d) for d in directions if (d in SEEN) == (kind == "seen")]
    return Law(A=np.mean([x.A for x in laws]), alpha=laws[0].alpha, B=np.mean([x.B for x in laws]),
               beta=laws[0].beta, E=np.mean([x.E for x in laws]))


def make_summary(orgs=tuple(ORG_LAWS), grid_n=GRID_N, grid_d=GRID_D, noise=0.0, seeds=(0,), with_seed=True,
                 rng_seed=0, directions=tuple(SEEN + UNSEEN)) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    rows = []
    for org in orgs:
        for n in grid_n:
            for d in grid_d:
                for seed in seeds:
                    run = f"strategy-{org}-{n:.0f}-{d:.0f}-s{seed}"
                    for direction in directions:
                        loss = float(direction_law(org, direction).predict(n, d) * np.exp(rng.normal(0, noise)))
                        kind = "seen" if direction in SEEN else "unseen"
                        base = {"run": run, "family": "strategy", "model": "m", "params": n, "tokens": d,
                                "mixture": org, "seed": seed, "task": "translation",
                                "lang_or_direction": direction, "direction_kind": kind}
                        rows.append({**base, "metric": "loss", "value": loss})
                        rows.append({**base, "metric": "bleu", "value": 12.0})
                    rows.append({**base, "task": "humaneval", "lang_or_direction": "python", "direction_kind": "",
                                 "metric": "pass@1", "value": 0.1})
    # Another family's translation rows must be ignored.
    rows.append({**rows[0], "run": "allocation-uniform", "family": "allocation", "value": 99.0})
    frame = pd.DataFrame(rows)
    return frame if with_seed else frame.drop(columns="seed")


def test_points_pool_the_right_directions():
    summary = make_summary(with_seed=False)
    points = translation_points(summary)
    assert len(points) == 2 * len(GRID_N) * len(GRID_D)
    assert set(points.seed) == {0}
    row = points[(points.organization == "pairing") & (points.N == 2.2e5) & (points.D == 4e4)].iloc[0]
    expected_seen = np.mean([direction_law("pairing", d).predict(2.2e5, 4e4) for d in SEEN])
    expected_unseen = np.mean([direction_law("pairing", d).predict(2.2e5, 4e4) for d in UNSEEN])
    assert row.seen_loss == pytest.approx(expected_seen, rel=1e-12)
    assert row.unseen_loss == pytest.approx(expected_unseen, rel=1e-12)
    assert row.seen_directions == len(SEEN) and row.unseen_directions == len(UNSEEN)
    assert row[f"{DIRECTION_PREFIX}go->rust"] == pytest.approx(direction_law("pairing", "go->rust").predict(2.2e5, 4e4))
    # The kind comes from direction_kind, not from the name: relabel one direction and the pools follow.
    summary.loc[summary.lang_or_direction == "go->rust", "direction_kind"] = "seen"
    row = translation_points(summary).iloc[0]
    assert row.seen_directions == len(SEEN) + 1 and row.unseen_directions == 1


def test_recovers_known_laws_per_organization_scope_and_direction():
    fits = fit_translation_laws(make_summary(noise=0.001), FitOptions(bootstrap=20, refine_top=4), workers=2)
    assert set(fits["organizations"]) == set(ORG_LAWS)
    for org, entry in fits["organizations"].items():
        for kind in ("seen", "unseen"):
            fit, true = entry[kind], pooled_law(org, kind)
            assert len(fit["points"]) == len(GRID_N) * len(GRID_D)
            law = Law(**fit["params"])
            for name in ("alpha", "beta", "E"):
                lo, hi = fit["ci95"][name]
                value = getattr(true, name)
                assert lo - 0.02 * value <= value <= hi + 0.02 * value, (org, kind, name, lo, hi)
            assert fit["params"]["alpha"] == pytest.approx(true.alpha, abs=0.05), (org, kind)
            assert fit["params"]["beta"] == pytest.approx(true.beta, abs=0.05), (org, kind)
            # Inside and just beyond the grid the fitted law predicts the truth.
            assert law.predict(4e5, 4e4) == pytest.approx(true.predict(4e5, 4e4), rel=0.005)
            assert law.predict(1.6e6, 1.6e5) == pytest.approx(true.predict(1.6e6, 1.6e5), rel=0.02)
        assert set(entry["directions"]) == set(SEEN + UNSEEN)
        for direction, fit in entry["directions"].items():
            assert "skipped" not in fit
            assert fit["kind"] == ("seen" if direction in SEEN else "unseen")
            true = direction_law(org, direction)
            assert fit["params"]["beta"] == pytest.approx(true.beta, abs=0.08), (org, direction)
            assert Law(**fit["params"]).predict(4e5, 4e4) == pytest.approx(true.predict(4e5, 4e4), rel=0.01)


def test_noise_free_laws_are_exact_and_parallel_matches_serial():
    summary = make_summary(orgs=("pairing",), directions=FEW)
    serial = fit_translation_laws(summary, FitOptions(bootstrap=4, refine_top=4), workers=1)
    parallel = fit_translation_laws(summary, FitOptions(bootstrap=4, refine_top=4), workers=2)
    seen = serial["organizations"]["pairing"]["seen"]
    for name, value in pooled_law("pairing", "seen", FEW).to_dict().items():
        assert seen["params"][name] == pytest.approx(value, rel=1e-3), name
    assert json.dumps(serial, sort_keys=True, default=float) == json.dumps(parallel, sort_keys=True, default=float)


def test_direction_bootstrap_sets_the_per_direction_draws_alone():
    summary = make_summary(orgs=("pairing",), directions=FEW)
    fits = fit_translation_laws(summary, FitOptions(bootstrap=6, refine_top=4), workers=1, direction_bootstrap=2)
    entry = fits["organizations"]["pairing"]
    assert entry["seen"]["bootstrap_samples"] == 6 and entry["unseen"]["bootstrap_samples"] == 6
    assert {fit["bootstrap_samples"] for fit in entry["directions"].values()} == {2}
    fewer = fit_translation_laws(summary, FitOptions(bootstrap=6, refine_top=4), workers=1, direction_bootstrap=2,
                                 direction_starts=1)["organizations"]["pairing"]
    assert {fit["options"]["refine_top"] for fit in fewer["directions"].values()} == {1}
    assert fewer["seen"]["options"]["refine_top"] == 4 and fewer["seen"] == entry["seen"]


def test_seeds_are_separate_points_of_one_cell():
    summary = make_summary(orgs=("pairing",), seeds=(0, 1), noise=0.002, directions=FEW)
    points = translation_points(summary)
    assert len(points) == 2 * len(GRID_N) * len(GRID_D)
    fits = fit_translation_laws(summary, FitOptions(bootstrap=10, refine_top=4))
    seen = fits["organizations"]["pairing"]["seen"]
    assert len(seen["points"]) == 2 * len(GRID_N) * len(GRID_D)
    # Leave-one-out leaves out a whole cell (both seeds): it predicts every point once.
    assert seen["heldout"]["leave_one_out"]["points"] == len(seen["points"])
    assert seen["bootstrap_samples"] == 10


def test_small_studies_skip_with_reasons_and_still_tabulate():
    summary = pd.concat([
        make_summary(orgs=("pairing",), directions=FEW),
        make_summary(orgs=("shuffled",), grid_n=(1e5, 2e5), grid_d=(2e4, 4e4), directions=FEW),   # 4 points
        make_summary(orgs=("shuffled",), grid_n=GRID_N, grid_d=(2e4,), directions=FEW)
        .assign(mixture="direct", run=lambda f: f.run.str.replace("shuffled", "direct")),  # 4 points, 1 D
    ], ignore_index=True)
    # Drop one direction's loss at two runs of pairing: that direction falls below min_points=11.
    drop = (summary.mixture == "pairing") & (summary.lang_or_direction == "go->rust") & (summary.metric == "loss") \
        & (summary.params == 1e5)
    summary = summary[~drop]
    fits = fit_translation_laws(summary, FitOptions(bootstrap=0, refine_top=4), min_points=11)
    orgs = fits["organizations"]
    assert "4 points, at least 5 needed" in orgs["shuffled"]["seen"]["skipped"]
    assert orgs["shuffled"]["directions"]["go->rust"]["skipped"].startswith("4 points, at least 11 needed")
    assert orgs["direct"]["unseen"] == {"skipped": "4 points, at least 5 needed", "points": 4}
    go_rust = orgs["pairing"]["directions"]["go->rust"]
    assert go_rust["skipped"] == "9 points, at least 11 needed (3 runs without this loss left out)"
    assert go_rust["points"] == 9 and go_rust["kind"] == "unseen"
    assert "params" in orgs["pairing"]["directions"]["go->python"]

    table = translation_law_table(fits)
    directions = len(FEW)
    assert len(table) == 3 * (2 + directions)
    assert list(table.columns[:4]) == ["organization", "scope", "direction", "direction_kind"]
    pooled = table[table.scope != "direction"]
    assert set(pooled.direction) == {""}
    skipped = table[table.skipped != ""]
    assert skipped.A.isna().all() and skipped.beta_ci_high.isna().all()
    row = table[(table.organization == "pairing") & (table.direction == "go->rust")].iloc[0]
    assert row.points == 9 and "9 points" in row.skipped
    ok = table[(table.organization == "pairing") & (table.scope == "seen")].iloc[0]
    assert ok.skipped == "" and ok.points == 12
    assert ok.E == pytest.approx(pooled_law("pairing", "seen", FEW).E, rel=1e-3)
    # Without bootstrap draws the intervals are NaN, not None; the CSV round-trips.
    assert np.isnan(ok.A_ci_low)
    assert table.to_csv(index=False)


def test_one_distinct_budget_is_skipped_not_fitted():
    summary = make_summary(orgs=("pairing",), grid_n=GRID_N + (1.6e6,), grid_d=(4e4,), directions=FEW)
    fits = fit_translation_laws(summary, FitOptions(bootstrap=0, refine_top=4), min_points=5)
    entry = fits["organizations"]["pairing"]
    assert entry["seen"]["skipped"] == "5 distinct N and 1 distinct D over 5 points: at least 2 of each needed"
    assert entry["directions"]["python->go"]["skipped"].startswith("5 distinct N and 1 distinct D")


def test_no_strategy_translation_rows_is_an_error():
    summary = make_summary(orgs=("pairing",), directions=FEW)
    with pytest.raises(ValueError, match="no translation loss rows of the strategy family"):
        fit_translation_laws(summary[summary.family != "strategy"], FitOptions(bootstrap=0, refine_top=4))
    with pytest.raises(ValueError, match="strategy family"):
        translation_points(summary[summary.task != "translation"])
    with pytest.raises(ValueError, match="min_points"):
        fit_translation_laws(summary, FitOptions(bootstrap=0, refine_top=4), min_points=3)
