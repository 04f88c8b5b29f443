"""The claims check (codescale.claims) on synthetic results built here: every verdict branch of every
claim, the numbers it reports, and the files it writes."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from codescale import claims, paper
from codescale.allocate.compare import allocation_difference
from codescale.claims import NOT_REPRODUCED, NOT_TESTABLE, REPRODUCED, check_claims
from codescale.seeds import spread

LANGS = list(paper.LANGUAGES)


# ---------------------------------------------------------------------------------------------
# Synthetic fitted laws, in the shape of laws/language_laws.json


def _fit(params: dict[str, float], *, sd: float = 0.01, n_draws: int = 60, seed: int = 0,
         ci: dict | None = None, unidentified=(), min_loss: float = 2.0) -> dict:
    """A fitted law: draws normal around each value (sd relative), ci95 their percentiles unless
    given, one point per (N, D) with the smallest loss ``min_loss``."""
    rng = np.random.default_rng(seed)
    draws = {p: list(v * (1 + sd * rng.standard_normal(n_draws))) for p, v in params.items()}
    ci95 = {p: [float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))] for p, d in draws.items()}
    ci95.update(ci or {})
    return {"params": dict(params), "ci95": ci95, "draws": draws, "unidentified": list(unidentified),
            "form_spec": {"name": "power_law", "max_exponent": 5.0},
            "points": [{"N": 1e5, "D": 1e6, "loss": min_loss}, {"N": 2e5, "D": 2e6, "loss": min_loss + 1}]}


def _laws(E=None, alpha=None, beta=None, **kw) -> dict:
    """Per language: E, alpha, beta from the given maps (default: the paper's, so ranks agree)."""
    E = E or {k: v["L_inf"] for k, v in paper.LANGUAGE_LAWS.items()}
    alpha = alpha or {k: v["alpha_N"] for k, v in paper.LANGUAGE_LAWS.items()}
    beta = beta or {k: v["alpha_D"] for k, v in paper.LANGUAGE_LAWS.items()}
    return {lang: _fit({"A": 100.0, "alpha": alpha[lang], "B": 50.0, "beta": beta[lang], "E": E[lang]},
                       seed=i, **kw) for i, lang in enumerate(LANGS)}


def _row(table: pd.DataFrame, cid: str) -> pd.Series:
    return table.set_index("claim_id").loc[cid]


def _claim(cid: str, **inputs) -> pd.Series:
    return _row(check_claims(**inputs), cid)


# ---------------------------------------------------------------------------------------------
# Identification


def test_parameter_status_names_why_a_parameter_is_no_evidence():
    fit = _fit({"A": 1.0, "alpha": 0.5, "B": 1.0, "beta": 0.4, "E": 1.0})
    assert claims.parameter_status(fit, "alpha") is None
    assert claims.parameter_status(fit, "E") is None
    at_top = _fit({"alpha": 4.0, "E": 1.0}, ci={"alpha": [2.0, 5.0]})
    assert claims.parameter_status(at_top, "alpha") == "its interval reaches its bound 5"
    at_zero = _fit({"alpha": 0.1, "E": 1.0}, ci={"alpha": [0.0, 0.3], "E": [1e-40, 1.5]})
    assert claims.parameter_status(at_zero, "alpha") == "its interval reaches 0"
    # E's bound 0 is reached below NEGLIGIBLE_SHARE of the smallest loss (2.0 here): 0.001 is, 0.01 is not
    assert claims.parameter_status(at_zero, "E") == "its interval reaches 0"
    assert claims.parameter_status(_fit({"E": 1.0}, ci={"E": [0.001, 1.5]}), "E") == "its interval reaches 0"
    assert claims.parameter_status(_fit({"E": 1.0}, ci={"E": [0.01, 1.5]}), "E") is None
    flagged = _fit({"A": 1.0, "E": 1.0}, unidentified=["A"])
    assert claims.parameter_status(flagged, "A") == "flagged unidentified by its fit"
    assert claims.parameter_status({"skipped": "3 points"}, "alpha") == "no law (3 points)"


# ---------------------------------------------------------------------------------------------
# Study 1: rankings and α_D > α_N


def test_irreducible_ranking_equal_to_the_papers_is_reproduced():
    row = _claim("a", language_laws=_laws(E={k: 1.0 + 2 * v["L_inf"] for k, v in paper.LANGUAGE_LAWS.items()}))
    assert row.verdict == REPRODUCED
    assert row.value == pytest.approx(1.0)
    assert 0 < row.ci_low <= row.ci_high <= 1.0
    assert row.n == 7
    assert "over 7 of 7 languages" in row.reason and "above 0" in row.reason


def test_reversed_irreducible_ranking_is_not_reproduced():
    row = _claim("a", language_laws=_laws(E={k: 2.0 - v["L_inf"] for k, v in paper.LANGUAGE_LAWS.items()}))
    assert row.verdict == NOT_REPRODUCED
    assert row.value == pytest.approx(-1.0)
    assert row.ci_high < 0
    assert "below 0" in row.reason


def test_noisy_ranking_is_a_tie_not_a_result():
    laws = _laws()
    rng = np.random.default_rng(3)
    for lang in LANGS:  # draws spread over the whole range: the order is anything
        laws[lang]["draws"]["E"] = list(rng.uniform(0.2, 0.7, 60))
        laws[lang]["ci95"]["E"] = [0.2, 0.7]
    row = _claim("a", language_laws=laws)
    assert row.verdict == NOT_REPRODUCED
    assert row.ci_low < 0 < row.ci_high
    assert "the interval includes 0" in row.reason


def test_unidentified_E_makes_the_ranking_not_testable_and_says_how_many():
    laws = _laws()
    for lang in ("python", "java", "go", "rust"):
        laws[lang]["unidentified"] = ["E"]
    row = _claim("a", language_laws=laws)
    assert row.verdict == NOT_TESTABLE
    assert row.n == 3
    assert "identified in 3 of 7 languages" in row.reason
    assert "flagged unidentified by its fit: go, java, python, rust" in row.reason
    assert math.isnan(row.value)


def test_ranking_is_computed_over_the_identified_languages_only():
    laws = _laws()
    laws["python"]["ci95"]["E"] = [0.0, 0.9]  # reaches its bound: left out, not counted against
    laws["python"]["params"]["E"] = 0.01  # would be the lowest E and break the order if kept
    row = _claim("a", language_laws=laws)
    assert row.verdict == REPRODUCED and row.n == 6
    assert "over 6 of 7 languages" in row.reason
    assert "its interval reaches 0: python" in row.detail


def test_a_law_without_draws_gives_no_interval():
    laws = _laws()
    for fit in laws.values():
        fit["draws"] = {}
    assert _claim("a", language_laws=laws).verdict == NOT_TESTABLE


def test_data_and_size_rankings_read_beta_and_alpha():
    table = check_claims(language_laws=_laws(
        alpha={k: 1.0 - v["alpha_N"] for k, v in paper.LANGUAGE_LAWS.items()}))  # reversed α_N order
    assert _row(table, "b1").verdict == REPRODUCED  # beta = the paper's α_D
    assert _row(table, "b2").verdict == NOT_REPRODUCED
    assert _row(table, "b2").value == pytest.approx(-1.0)


def test_data_beats_size_in_every_language_is_reproduced():
    row = _claim("b3", language_laws=_laws())  # the paper's own exponents
    assert row.verdict == REPRODUCED
    assert row.value == pytest.approx(min(v["alpha_D"] - v["alpha_N"] for v in paper.LANGUAGE_LAWS.values()))
    assert row.paper_value == pytest.approx(1.149 - 0.845)  # Go's, the smallest the paper prints
    assert row.ci_low > 0


def test_one_identified_counterexample_refutes_every_language():
    alpha = {k: v["alpha_N"] for k, v in paper.LANGUAGE_LAWS.items()}
    alpha["csharp"] = 3.0  # α_N far above its α_D = 1.35, tight interval
    row = _claim("b3", language_laws=_laws(alpha=alpha))
    assert row.verdict == NOT_REPRODUCED
    assert "csharp" in row.reason and "counterexample" in row.reason
    assert row.value == pytest.approx(1.350 - 3.0)


def test_data_beats_size_with_exponents_at_their_bounds_is_not_testable():
    laws = _laws()
    for fit in laws.values():
        fit["ci95"]["alpha"] = [0.1, 5.0]
    row = _claim("b3", language_laws=laws)
    assert row.verdict == NOT_TESTABLE and row.n == 0
    assert "alpha: its interval reaches its bound 5" in row.detail


def test_data_beats_size_with_a_tie_is_not_reproduced():
    laws = _laws()
    laws["go"]["ci95"]["beta"] = [0.2, 2.0]
    laws["go"]["draws"]["beta"] = list(np.linspace(0.2, 2.0, 60))  # straddles alpha = 0.845
    row = _claim("b3", language_laws=laws)
    assert row.verdict == NOT_REPRODUCED
    assert "the interval includes 0 in go" in row.reason


# ---------------------------------------------------------------------------------------------
# Study 2: synergy


def _synergy(gains: dict | None = None, default=(-0.05, -0.07, -0.03), n_seeds=3, langs=LANGS) -> pd.DataFrame:
    """All ordered pairs of ``langs`` at one point; ``gains``: (target, aux) -> (gain, low, high)."""
    rows = []
    for target, aux in itertools.permutations(langs, 2):
        g, lo, hi = (gains or {}).get((target, aux), default)
        rows.append({"target": target, "auxiliary": aux, "model": "m1", "tokens": 40000, "n_seeds": n_seeds,
                     "relative_gain": g, "relative_ci_low": lo, "relative_ci_high": hi,
                     "significant": lo > 0 or hi < 0})
    return pd.DataFrame(rows)


STRONG = {("java", "csharp"): (0.20, 0.15, 0.25), ("typescript", "javascript"): (0.10, 0.05, 0.15)}


def test_java_csharp_strongest_and_significant_is_reproduced():
    table = check_claims(synergy=_synergy(STRONG))
    c1, c2 = _row(table, "c1"), _row(table, "c2")
    assert c1.verdict == REPRODUCED and c2.verdict == REPRODUCED
    assert c1.value == pytest.approx(0.20) and (c1.ci_low, c1.ci_high) == (0.15, 0.25)
    assert c1.paper_value == pytest.approx(0.2058)
    assert "ranks 1 of 42" in c1.reason and "ranks 2 of 42" in c2.reason
    assert "rank 1 of 42" in c1.detail  # the paper's own rank of Java+C#


def test_a_strong_pair_whose_interval_holds_zero_is_a_tie():
    gains = {**STRONG, ("java", "csharp"): (0.20, -0.01, 0.41)}
    row = _claim("c1", synergy=_synergy(gains))
    assert row.verdict == NOT_REPRODUCED
    assert "does not lie above 0" in row.reason


def test_a_significant_pair_outside_the_top_quarter_is_not_among_the_strongest():
    others = ["python", "javascript", "typescript", "go", "rust"]
    gains = {(t, a): (0.30, 0.25, 0.35) for t, a in itertools.permutations(others, 2)}  # 20 stronger pairs
    gains[("java", "csharp")] = (0.10, 0.05, 0.15)
    row = _claim("c1", synergy=_synergy(gains))
    assert row.verdict == NOT_REPRODUCED
    assert claims.top_synergy_rank(42) == 11
    assert "outside our top 11" in row.reason


def test_synergy_from_one_seed_is_not_testable():
    row = _claim("c1", synergy=_synergy(STRONG, default=(-0.05, math.nan, math.nan), n_seeds=1))
    assert row.verdict == NOT_TESTABLE
    assert "one-seed comparison is not a result" in row.reason


def test_a_pair_the_config_lacks_is_not_testable():
    row = _claim("c1", synergy=_synergy(langs=["python", "go", "rust"]))
    assert row.verdict == NOT_TESTABLE and "no Java–C# pair" in row.reason


def _python_pattern(hurt_target=True, help_aux=True):
    gains = {}
    for other in LANGS[1:]:
        gains[("python", other)] = (-0.03, -0.05, -0.01) if hurt_target else (0.0, -0.02, 0.02)
        gains[(other, "python")] = (0.05, 0.03, 0.07) if help_aux else (0.01, -0.01, 0.03)
    return _synergy(gains, default=(0.02, 0.01, 0.03))  # other pairs help a little


def test_python_hurt_as_target_and_helpful_as_auxiliary_is_reproduced():
    table = check_claims(synergy=_python_pattern())
    d1, d2 = _row(table, "d1"), _row(table, "d2")
    assert d1.verdict == REPRODUCED and d1.value == 1.0
    assert d2.verdict == REPRODUCED and d2.value == 1.0
    assert d1.paper_value == pytest.approx(5 / 6)  # Table 1: only Java helps Python
    assert d2.paper_value == 1.0


def test_python_claims_fail_on_ties_and_when_others_are_hurt_too():
    table = check_claims(synergy=_python_pattern(hurt_target=False, help_aux=False))
    assert _row(table, "d1").verdict == NOT_REPRODUCED and _row(table, "d1").value == 0.0
    assert "tied in 6 of 6" in _row(table, "d2").reason
    assert _row(table, "d2").verdict == NOT_REPRODUCED
    everyone_hurt = _synergy(default=(-0.05, -0.07, -0.03))  # Python hurt, but not the only one
    d1 = _claim("d1", synergy=everyone_hurt)
    assert d1.verdict == NOT_REPRODUCED and "6 other target(s) are also hurt by most" in d1.reason


def test_the_synergy_rules_pass_on_the_papers_own_table():
    """Applied to Table 1 itself (with tight intervals), the rules reproduce the paper's claims."""
    gains = {k: (g, g - 1e-4, g + 1e-4) for k, g in paper.SYNERGY_RELATIVE_GAIN.items()}
    table = check_claims(synergy=_synergy(gains))
    assert list(table.set_index("claim_id").loc[["c1", "c2", "d1", "d2"]].verdict) == [REPRODUCED] * 4


# ---------------------------------------------------------------------------------------------
# Study 3: strategies


def _strategy(loss: dict, sd=0.01, n_seeds=3, tokens=(40000, 80000)) -> pd.DataFrame:
    """``loss``: (organization, model) -> unseen-direction loss (the same at every budget)."""
    params = {"m1": 1e5, "m2": 2e5, "m3": 4e5}
    return pd.DataFrame([{"organization": org, "model": m, "params": params[m], "tokens": t, "n_seeds": n_seeds,
                          "unseen_loss": v, "unseen_loss_sd": sd} for (org, m), v in loss.items() for t in tokens])


NARROWING = {("shuffled", "m1"): 5.0, ("pairing", "m1"): 4.6, ("shuffled", "m2"): 4.5, ("pairing", "m2"): 4.3,
             ("shuffled", "m3"): 4.0, ("pairing", "m3"): 3.9}


def test_pairing_beating_shuffled_with_a_narrowing_gap_is_reproduced():
    table = check_claims(strategy=_strategy(NARROWING))
    e1, e2 = _row(table, "e1"), _row(table, "e2")
    assert e1.verdict == REPRODUCED and e1.value == 1.0 and e1.n == 6
    assert e2.verdict == REPRODUCED
    assert e2.value == pytest.approx(0.1 - 0.4)  # gap at m3 minus gap at m1
    assert e2.ci_high < 0
    assert e2.paper_value == pytest.approx((0.0849 - 0.0760) - (0.2690 - 0.2014))


def test_a_widening_gap_and_a_lost_cell_are_not_reproduced():
    widening = {**NARROWING, ("pairing", "m1"): 4.95, ("pairing", "m3"): 3.5}
    assert _claim("e2", strategy=_strategy(widening)).verdict == NOT_REPRODUCED
    assert "significantly the other way" in _claim("e2", strategy=_strategy(widening)).reason
    lost = {**NARROWING, ("pairing", "m2"): 4.8}
    e1 = _claim("e1", strategy=_strategy(lost))
    assert e1.verdict == NOT_REPRODUCED
    assert "higher in 2 of 6" in e1.reason


def test_strategy_from_one_seed_is_not_testable():
    table = check_claims(strategy=_strategy(NARROWING, sd=math.nan, n_seeds=1))
    assert _row(table, "e1").verdict == NOT_TESTABLE
    assert _row(table, "e2").verdict == NOT_TESTABLE
    assert "one-seed comparison is not a result" in _row(table, "e1").reason
    old = _strategy(NARROWING).drop(columns=["n_seeds", "unseen_loss_sd"])  # a table from before seeds
    assert _claim("e1", strategy=old).verdict == NOT_TESTABLE


def test_the_gap_interval_is_welchs_over_the_seeds():
    rng = np.random.default_rng(1)
    seeds = {k: rng.normal(v, 0.05, 4) for k, v in NARROWING.items() if k[1] == "m1"}
    cells = [(1.0, pd.Series({"unseen_loss": spread(seeds[(o, "m1")])["mean"], "n_seeds": 4,
                              "unseen_loss_sd": spread(seeds[(o, "m1")])["sd"]}))
             for o in ("pairing", "shuffled")]
    cells[1] = (-1.0, cells[1][1])
    value, low, high = claims._combine(cells, "unseen_loss")
    long = pd.DataFrame([{"mixture": m, "lang": "x", "measured": v}
                         for m, o in (("optimized", "pairing"), ("uniform", "shuffled")) for v in seeds[(o, "m1")]])
    ref = allocation_difference(long).iloc[0]  # the allocation's Welch interval on the same values
    assert value == pytest.approx(ref.optimized_minus_uniform)
    assert (low, high) == pytest.approx((ref.ci95_low, ref.ci95_high))
    assert low < value < high


def _translation(shuffled=(10.0, 0.5), pairing=(5.0, 0.5), **kw) -> dict:
    def law(a, alpha):
        return {**_fit({"A": a, "alpha": alpha, "B": 10.0, "beta": 0.4, "E": 1.0}, **kw),
                "points": [{"N": n, "D": 4e4, "loss": 4.0} for n in (1e5, 2e5, 4e5)]}

    return {"organizations": {"shuffled": {"unseen": law(*shuffled)}, "pairing": {"unseen": law(*pairing)}}}


def test_the_translation_laws_gap_change():
    row = _claim("e3", translation_laws=_translation())
    assert row.verdict == REPRODUCED  # gap 5·N^-0.5 narrows with N
    assert row.value == pytest.approx(5 * (4e5**-0.5 - 1e5**-0.5))
    assert row.ci_low <= row.value <= row.ci_high < 0
    widening = _claim("e3", translation_laws=_translation(pairing=(15.0, 0.5)))
    assert widening.verdict == NOT_REPRODUCED
    at_bound = _translation()
    at_bound["organizations"]["shuffled"]["unseen"]["ci95"]["alpha"] = [0.0, 5.0]
    row = _claim("e3", translation_laws=at_bound)
    assert row.verdict == NOT_TESTABLE and "shuffled: alpha its interval reaches 0" in row.reason
    skipped = _translation()
    skipped["organizations"]["pairing"]["unseen"] = {"skipped": "4 points", "points": 4}
    assert _claim("e3", translation_laws=skipped).verdict == NOT_TESTABLE


# ---------------------------------------------------------------------------------------------
# Study 4: allocation


def _difference(avg="won", per=("won", "tied"), seeds=3) -> pd.DataFrame:
    values = {"won": (-0.1, -0.15, -0.05), "lost": (0.1, 0.05, 0.15), "tied": (0.0, -0.05, 0.05),
              "unresolved": (0.0, math.nan, math.nan)}
    rows = [("go", per[0]), ("rust", per[1]), ("average", avg)]
    return pd.DataFrame([{"lang": lang, "optimized_minus_uniform": values[v][0], "ci95_low": values[v][1],
                          "ci95_high": values[v][2], "seeds_uniform": seeds, "seeds_optimized": seeds,
                          "verdict": v} for lang, v in rows])


@pytest.mark.parametrize(("avg", "per", "verdict", "words"), [
    ("won", ("won", "tied"), REPRODUCED, "the optimized mixture won; per language 1 won, 1 tied"),
    ("won", ("won", "lost"), NOT_REPRODUCED, "significantly worse: rust"),
    ("tied", ("tied", "tied"), NOT_REPRODUCED, "a tie, the interval includes 0"),
    ("lost", ("lost", "lost"), NOT_REPRODUCED, "the optimized mixture lost"),
    ("unresolved", ("unresolved", "unresolved"), NOT_TESTABLE, "one-seed comparison is not a result"),
])
def test_allocation_verdicts(avg, per, verdict, words):
    row = _claim("f_b1", differences={"b1": _difference(avg, per, seeds=1 if avg == "unresolved" else 3)})
    assert row.verdict == verdict
    assert words in row.reason
    assert row.value == _difference(avg, per).set_index("lang").loc["average"].optimized_minus_uniform


# ---------------------------------------------------------------------------------------------
# The table and its files


def test_absent_families_are_not_testable_and_say_why():
    table = check_claims()
    assert list(table.claim_id) == ["a", "b1", "b2", "b3", "c1", "c2", "d1", "d2", "e1", "e2", "e3", "f"]
    assert set(table.verdict) == {NOT_TESTABLE}
    assert "no synergy family" in _row(table, "c1").reason
    assert "no strategy family" in _row(table, "e3").reason
    assert "no allocation budget" in _row(table, "f").reason
    assert (table.claim.str.len() > 20).all() and (table.quantity.str.len() > 20).all()
    assert list(table.columns) == claims.COLUMNS


def test_files_are_written_and_read_back(tmp_path):
    laws = _laws()
    (tmp_path / "laws.json").write_text(pd.Series(laws).to_json())
    _synergy(STRONG).to_csv(tmp_path / "synergy.csv", index=False)
    _difference().to_csv(tmp_path / "difference.csv", index=False)
    inputs = claims.read_inputs({"language_laws": tmp_path / "laws.json", "synergy": tmp_path / "synergy.csv",
                                 "difference_b1": tmp_path / "difference.csv"}, ["b1"])
    assert inputs["strategy"] is None and inputs["translation_laws"] is None
    table = check_claims(**inputs)
    claims.write_claims(table, tmp_path / "claims.csv", tmp_path / "claims.html")
    back = pd.read_csv(tmp_path / "claims.csv")
    assert list(back.claim_id) == list(table.claim_id)
    assert back.set_index("claim_id").loc["c1", "verdict"] == REPRODUCED
    assert back.set_index("claim_id").loc["a", "value"] == pytest.approx(1.0)
    page = (tmp_path / "claims.html").read_text()
    assert page.count("<tr><td class=id>") == len(table)
    assert "Java–C# is the strongest synergy" in page and "not testable at this scale" in page
    assert "MIN_SEEDS = 2" in page
    assert "f_b1" in page and "<script" not in page
