"""The synergy matrix from a hand-built summary with known gains."""

import math

import pandas as pd
import pytest
from scipy import stats

from codescale.laws.synergy import (
    TABLE_COLUMNS,
    mixture_languages,
    synergy_matrix,
    synergy_table,
    transfer_coefficients,
)

LANGS = ["csharp", "java", "python"]
SELF = {"csharp": 0.40, "java": 0.90, "python": 0.75}
# target -> auxiliary -> gain L(i+i) - L(i+j) (python is hurt by both)
GAIN = {"java": {"csharp": 0.18, "python": 0.04}, "csharp": {"java": 0.05, "python": 0.02},
        "python": {"java": -0.01, "csharp": -0.02}}
NOISE = {0: 0.0, 1: 0.01, 2: -0.004}  # per seed, added to the pair runs' losses only


def summary(seeds=(0, 1, 2), drop=None):
    rows = []

    def add(mixture, seed, losses):
        run = f"synergy-{mixture}-m1-t40k-s{seed}"
        if run == drop:
            return
        for lang, value in losses.items():
            rows.append({"run": run, "family": "synergy", "model": "m1", "params": 1000, "tokens": 40000,
                         "mixture": mixture, "seed": seed, "task": "valid_loss", "lang_or_direction": lang,
                         "direction_kind": "", "metric": "loss", "value": value})
            rows.append({**rows[-1], "metric": "tokens", "value": 100.0})

    for seed in seeds:
        for i, a in enumerate(LANGS):
            add(f"{a}_{a}", seed, {lang: SELF[lang] + (0.0 if lang == a else 1.0) for lang in LANGS})
            for b in LANGS[i + 1:]:
                add(f"{a}_{b}", seed, {a: SELF[a] - GAIN[a][b] + NOISE[seed],
                                       b: SELF[b] - GAIN[b][a] + NOISE[seed], **{
                                           c: 5.0 for c in LANGS if c not in (a, b)}})
    rows.append({**rows[0], "family": "scaling", "run": "scaling-java-m1-t40k", "mixture": "java"})
    return pd.DataFrame(rows)


def test_mixture_names_split_into_language_ids():
    assert mixture_languages("java_csharp") == ("java", "csharp")
    assert mixture_languages("typescript_typescript") == ("typescript", "typescript")
    with pytest.raises(ValueError, match="language ids"):
        mixture_languages("java_cobol")


def test_gains_relative_gains_and_seed_intervals():
    table = synergy_table(summary())
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == 6  # ordered (target, auxiliary) pairs, no diagonal
    row = table[(table.target == "java") & (table.auxiliary == "csharp")].iloc[0]
    mean_noise = sum(NOISE.values()) / 3
    assert row.n_seeds == 3 and row.model == "m1" and row.tokens == 40000
    assert row.loss_self == pytest.approx(0.90)
    assert row.loss_mixed == pytest.approx(0.90 - 0.18 + mean_noise)
    assert row.gain == pytest.approx(0.18 - mean_noise)
    assert row.relative_gain == pytest.approx((0.18 - mean_noise) / 0.90)
    per_seed = [0.18 - n for n in NOISE.values()]
    mean = sum(per_seed) / 3
    sd = math.sqrt(sum((g - mean) ** 2 for g in per_seed) / 2)
    half = stats.t.ppf(0.975, 2) * sd / math.sqrt(3)
    assert (row.gain_ci_low, row.gain_ci_high) == (pytest.approx(mean - half), pytest.approx(mean + half))
    assert row.relative_ci_low == pytest.approx((mean - half) / 0.90)
    assert row.relative_ci_high == pytest.approx((mean + half) / 0.90)
    assert bool(row.significant)
    # one bilingual run serves both targets: csharp reads its own loss in java_csharp
    back = table[(table.target == "csharp") & (table.auxiliary == "java")].iloc[0]
    assert back.gain == pytest.approx(0.05 - mean_noise)
    hurt = table[(table.target == "python") & (table.auxiliary == "csharp")].iloc[0]
    assert hurt.gain < 0 and hurt.relative_gain == pytest.approx(hurt.gain / 0.75)


def test_seeds_pair_by_replicate_index_and_one_seed_has_no_interval():
    table = synergy_table(summary(drop="synergy-csharp_java-m1-t40k-s2"))
    row = table[(table.target == "java") & (table.auxiliary == "csharp")].iloc[0]
    assert row.n_seeds == 2  # seed 2 of the pair is missing
    assert row.loss_mixed == pytest.approx(0.90 - 0.18 + (NOISE[0] + NOISE[1]) / 2)
    one = synergy_table(summary(seeds=(0,)))
    assert (one.n_seeds == 1).all()
    assert one.gain_ci_low.isna().all() and one.relative_ci_high.isna().all()
    assert not one.significant.any()
    assert one.gain.tolist() == pytest.approx([GAIN[t][a] for t, a in zip(one.target, one.auxiliary, strict=True)])


def test_a_summary_without_seed_column_reads_as_seed_zero():
    frame = summary(seeds=(0,)).drop(columns="seed")
    assert (synergy_table(frame).n_seeds == 1).all()


def test_missing_runs_are_named():
    with pytest.raises(ValueError, match="self run python_python"):
        synergy_table(summary(seeds=(0,), drop="synergy-python_python-m1-t40k-s0"))
    with pytest.raises(ValueError, match="pair run csharp_java"):
        synergy_table(summary(seeds=(0,), drop="synergy-csharp_java-m1-t40k-s0"))
    with pytest.raises(ValueError, match="no synergy"):
        synergy_table(summary()[lambda f: f.family != "synergy"])


def test_matrix_is_json_and_tau_is_the_relative_gain():
    import json

    table = synergy_table(summary(seeds=(0,)))
    matrix = synergy_matrix(table)
    text = json.dumps(matrix, allow_nan=False)  # NaN intervals become null
    assert "opposite sign" in matrix["sign_convention"]
    assert matrix["languages"] == LANGS
    point = matrix["points"][0]
    assert point["baseline"] == pytest.approx(SELF)
    assert point["gain"]["java"]["csharp"] == pytest.approx(0.18)
    assert point["relative_gain"]["java"]["csharp"] == pytest.approx(0.2)
    assert point["gain_ci"]["java"]["csharp"] == [None, None] and point["n_seeds"]["java"]["csharp"] == 1
    assert "java" not in point["gain"]["java"] and text
    tau = transfer_coefficients(table)
    assert tau["java"]["csharp"] == pytest.approx(0.2) and set(tau) == set(LANGS)
    assert tau["python"]["csharp"] == pytest.approx(-0.02 / 0.75)
    two = pd.concat([table, table.assign(tokens=80000)])
    with pytest.raises(ValueError, match="choose one"):
        transfer_coefficients(two)
    assert transfer_coefficients(two, tokens=80000) == tau


def test_tau_from_json_averages_points_and_skips_missing():
    from codescale.laws.synergy import transfer_coefficients_from_json

    matrix = {"points": [{"relative_gain": {"a": {"b": 0.1, "c": None}}},
                         {"relative_gain": {"a": {"b": 0.3}, "b": {"a": -0.2}}}]}
    assert transfer_coefficients_from_json(matrix) == {"a": {"b": pytest.approx(0.2)}, "b": {"a": -0.2}}
