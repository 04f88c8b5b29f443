"""The paper's Fig. 1, Fig. 2 (with its table and rank correlations) and Table 1 beside ours
(codescale.figures.paper_laws): numbers in the tables, artists in the figures, the published values
from codescale.paper and never mixed into ours."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.contour import QuadContourSet
from scipy.stats import spearmanr

import codescale.figures.paper_laws as paper_laws
from codescale import paper
from codescale.figures.paper_laws import (
    identified,
    language_law_table,
    multilingual_law_table,
    plot_language_surfaces,
    plot_law_parameters,
    plot_multilingual_law,
    plot_synergy_comparison,
    rank_correlations,
    synergy_agreement,
    synergy_comparison,
)
from codescale.laws.fit import Law
from codescale.laws.synergy import synergy_table
from tests.unit.laws.test_synergy import summary as synergy_summary


@pytest.fixture
def figures(keep_figures):
    return keep_figures(paper_laws)


def _magic(tmp_path, name):
    assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / f"{name}.pdf").read_bytes()[:4] == b"%PDF"


def _title(ax) -> str:
    return ax.get_title().replace("\n", " ")


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# -- Fig. 1 -------------------------------------------------------------------------------------

MEASURED = {"mix0": 4.0, "mix1": 4.2, "mix2": 4.4}
ERRORS = {"paper": (0.5, -0.6, 0.7), "transfer": (0.01, -0.02, 0.4), "uniform": (0.1, 0.1, None)}
REPORT = {"chosen": "transfer", "chosen_reason": "lowest held-out MAE of the average loss (0.1433)",
          "models": {"paper": {"heldout": {"spearman_average": 0.5}}, "transfer": {"heldout": {}},
                     "uniform": {"heldout": {}}}}


def comparison(seeds: int | None = None) -> pd.DataFrame:
    """Three held-out mixtures; the baseline could not predict mix2."""
    rows = []
    for i, (mixture, measured) in enumerate(MEASURED.items()):
        for model, errors in ERRORS.items():
            row = {"scope": "run", "model": model, "heldout": mixture, "N": 1e5, "D": 1e6,
                   "measured_average": measured}
            if errors[i] is None:
                row["skipped"] = "uniform was fitted at (N, D) = [(1e5, 1e6)], not (1e5, 999999.9)"
            else:
                row.update(predicted_average=measured + errors[i], skipped="")
            if seeds is not None:
                half = 0.05 * (i + 1)
                row.update(n_seeds=seeds, measured_ci95_low=measured - half, measured_ci95_high=measured + half)
            rows.append(row)
    rows += [{"scope": "overall", "model": m, "heldout": "all"} for m in ERRORS]
    return pd.DataFrame(rows)


def test_each_law_is_compared_with_the_baseline_on_the_mixtures_both_predict():
    table = multilingual_law_table(REPORT, comparison()).set_index("model")
    assert table.loc["paper", "runs"] == 3 and table.loc["uniform", "runs"] == 2
    assert table.loc["paper", "mae_average"] == pytest.approx((0.5 + 0.6 + 0.7) / 3)
    # on mix0 and mix1 only (the baseline skipped mix2)
    assert table.loc["paper", "common_runs"] == 2
    assert table.loc["paper", "mae_common"] == pytest.approx(0.55)
    assert table.loc["paper", "baseline_mae_common"] == pytest.approx(0.1)
    assert not table.loc["paper", "beats_baseline"]
    assert table.loc["transfer", "mae_average"] == pytest.approx(0.43 / 3)   # above the baseline's 0.1 ...
    assert table.loc["transfer", "mae_common"] == pytest.approx(0.015)     # ... yet it wins where both predict
    assert table.loc["transfer", "beats_baseline"]
    assert pd.isna(table.loc["uniform", "beats_baseline"])
    assert table.loc["transfer", "chosen"] and not table.loc["paper", "chosen"]
    assert table.loc["paper", "role"] == "paper" and table.loc["uniform", "role"] == "baseline"
    assert table.loc["paper", "spearman_average"] == 0.5


def test_fig1_panels_the_paper_law_the_baseline_and_the_chosen_model(tmp_path, figures):
    comp = comparison(seeds=3)
    returned = plot_multilingual_law(REPORT, comp, tmp_path / "f.pdf", tmp_path / "f.png")
    _magic(tmp_path, "f")
    assert list(returned.model) == ["paper", "transfer", "uniform"]
    axes = figures[0].axes
    assert len(axes) == 3
    assert axes[0].get_title().startswith("the paper's law")
    assert axes[1].get_title().startswith("baseline")
    assert "used by the allocation" in _title(axes[2])
    for ax, model in zip(axes, ("paper", "uniform", "transfer"), strict=True):
        rows = comp[(comp.model == model) & comp.predicted_average.notna()]
        bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(bars) == 1
        x, y = bars[0].lines[0].get_data()
        np.testing.assert_allclose(x, rows.measured_average)
        np.testing.assert_allclose(y, rows.predicted_average)
        segments = bars[0].lines[2][0].get_segments()  # the horizontal seed intervals
        np.testing.assert_allclose([s[0][0] for s in segments], rows.measured_ci95_low)
        np.testing.assert_allclose([s[1][0] for s in segments], rows.measured_ci95_high)
        diagonal = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
        assert diagonal and np.allclose(*diagonal[0].get_data())
    legend = " ".join(t.get_text() for t in axes[0].get_legend().get_texts())
    assert "MAE 0.600 on 3 held-out mixtures" in legend and "3 seeds" in legend
    assert "loses to the baseline on the 2 held-out mixtures both predict" in legend.replace("\n", " ")
    assert "beats the baseline" in " ".join(t.get_text() for t in axes[2].get_legend().get_texts())
    assert any(t.startswith("no prediction for mix2") for t in _texts(axes[1]))
    suptitle = figures[0].get_suptitle().replace("\n", " ")
    assert "allocation used transfer" in suptitle and "beats the baseline" in suptitle


def test_fig1_without_held_out_mixtures_says_so(tmp_path, figures):
    empty = pd.DataFrame(columns=["scope", "model", "heldout", "skipped", "mae_average", "mae_language",
                                  "spearman_average"])
    report = {"chosen": "transfer", "chosen_reason": "no held-out mixture error: transfer by default",
              "models": {"paper": {}, "transfer": {}, "uniform": {}}, "skipped": {}}
    table = plot_multilingual_law(report, empty, tmp_path / "e.pdf", tmp_path / "e.png").set_index("model")
    _magic(tmp_path, "e")
    assert (table.runs == 0).all() and table.beats_baseline.isna().all()
    for ax in figures[0].axes:
        assert not ax.containers
        assert any("no held-out predictions" in t for t in _texts(ax))


def test_fig1_has_two_panels_when_the_allocation_used_the_paper_law(tmp_path, figures):
    plot_multilingual_law({**REPORT, "chosen": "paper"}, comparison(), tmp_path / "p.pdf", tmp_path / "p.png")
    axes = figures[0].axes
    assert len(axes) == 2 and "used by the allocation" in _title(axes[0])
    legend = " ".join(t.get_text() for t in axes[0].get_legend().get_texts())
    assert "seeds" not in legend  # one seed per mixture: no interval, and the legend says none


# -- Fig. 2 and its table -------------------------------------------------------------------------

NS, DS = (1e4, 3e4, 1e5), (1e5, 3e5, 1e6)


def _fit(law: Law, e_draws, unidentified=(), seeds=1) -> dict:
    points = [{"N": n, "D": d, "loss": float(law.predict(n, d)) * (1 + 0.01 * (s - 0.5 * (seeds - 1)))}
              for n in NS for d in DS for s in range(seeds)]
    draws = {p: [getattr(law, p)] * len(e_draws) for p in ("A", "alpha", "B", "beta")}
    draws["E"] = list(e_draws)
    ci = {p: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] for p, v in draws.items()}
    return {"params": law.to_dict(), "ci95": ci, "draws": draws, "unidentified": list(unidentified),
            "points": points}


def laws(e_scale=5.0, reversed_draws=0, draws=40, extra=False, seeds=1) -> dict:
    """Our E = e_scale × the paper's L_∞ (the same ranking, ties included); ``reversed_draws`` of the
    E draws rank the languages in the opposite order."""
    out = {}
    for k, lang in enumerate(paper.LANGUAGES):
        e = e_scale * paper.LANGUAGE_LAWS[lang]["L_inf"]
        flipped = e_scale * (1.0 - paper.LANGUAGE_LAWS[lang]["L_inf"])
        law = Law(A=30.0, alpha=0.2 + 0.1 * k, B=200.0, beta=0.3 + 0.01 * k, E=e)
        out[lang] = _fit(law, [flipped] * reversed_draws + [e] * (draws - reversed_draws),
                         unidentified=["A"] if lang == "python" else ["E"] if lang == "go" else [], seeds=seeds)
    if extra:  # a language the paper does not have
        out["kotlin"] = _fit(Law(30.0, 0.3, 200.0, 0.3, 9.0), [9.0] * draws)
    return out


def test_identified_reads_the_fit_flags():
    assert not identified({"unidentified": ["A"]}, "alpha") and identified({"unidentified": ["A"]}, "beta")
    assert not identified({"unidentified": ["beta"]}, "beta")
    assert not identified({"unidentified": ["E"]}, "E") and identified({"unidentified": []}, "E")


def test_table_puts_ours_beside_the_papers_with_both_rankings():
    table = language_law_table(laws(extra=True)).set_index("lang")
    assert list(table.index) == sorted([*paper.LANGUAGES, "kotlin"])
    for lang in paper.LANGUAGES:
        for theirs in ("alpha_N", "alpha_D", "L_inf"):
            assert table.loc[lang, f"paper_{theirs}"] == paper.LANGUAGE_LAWS[lang][theirs]
        assert table.loc[lang, "E"] == pytest.approx(5 * paper.LANGUAGE_LAWS[lang]["L_inf"])
        assert table.loc[lang, "rank_E"] == table.loc[lang, "paper_rank_L_inf"]
    assert table.loc["csharp", "rank_E"] == 1 and table.loc["python", "paper_rank_L_inf"] == 7
    assert table.loc["java", "paper_rank_L_inf"] == table.loc["rust", "paper_rank_L_inf"] == 2.5  # the tie
    assert not table.loc["python", "alpha_identified"] and table.loc["python", "beta_identified"]
    assert not table.loc["go", "E_identified"] and table.loc["go", "unidentified"] == "E"
    assert math.isnan(table.loc["kotlin", "paper_L_inf"]) and math.isnan(table.loc["kotlin", "rank_E"])
    assert table.loc["java", "E_ci_low"] == pytest.approx(5 * 0.397)


def test_rank_correlation_and_its_interval_come_from_the_bootstrap_draws():
    same = rank_correlations(laws(extra=True)).set_index("parameter")
    assert same.loc["E", "spearman_rho"] == pytest.approx(1.0)
    assert same.loc["E", "rho_ci_low"] == pytest.approx(1.0) and same.loc["E", "draws"] == 40
    assert same.loc["E", "n_languages"] == 7  # kotlin has no published value
    assert same.loc["E", "paper_order"] == " < ".join(paper.IRREDUCIBLE_ORDER)
    assert same.loc["E", "unidentified"] == "go"
    assert same.loc["alpha", "unidentified"] == "python"
    # alpha rises with the languages' order in paper.LANGUAGES: ρ against the paper's α_N
    alpha_n = [paper.LANGUAGE_LAWS[k]["alpha_N"] for k in sorted(paper.LANGUAGES)]
    ours = [0.2 + 0.1 * paper.LANGUAGES.index(k) for k in sorted(paper.LANGUAGES)]
    assert same.loc["alpha", "spearman_rho"] == pytest.approx(spearmanr(ours, alpha_n)[0])
    half = rank_correlations(laws(reversed_draws=20)).set_index("parameter")
    assert half.loc["E", "spearman_rho"] == pytest.approx(1.0)  # the point estimate is unchanged ...
    assert half.loc["E", "rho_ci_low"] == pytest.approx(-1.0)  # ... the draws carry the doubt
    assert half.loc["E", "rho_ci_high"] == pytest.approx(1.0)


def test_fig2_surfaces_and_measured_cells(tmp_path, figures):
    fits = laws(seeds=2)
    plot_language_surfaces(fits, tmp_path / "s.pdf", tmp_path / "s.png")
    _magic(tmp_path, "s")
    fig = figures[0]
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel() == "non-embedding parameters N"]
    assert len(panels) == len(paper.LANGUAGES)
    for ax, lang in zip(panels, sorted(fits), strict=True):
        assert ax.get_title().startswith(f"{lang}  (9 cells, 2 seeds)")
        assert ax.get_xscale() == ax.get_yscale() == "log"
        assert any(isinstance(c, QuadContourSet) for c in ax.collections)
        points = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert len(points) == 1
        offsets = points[0].get_offsets()
        assert len(offsets) == 9  # one point per (N, D) cell: the mean over its two seeds
        law = Law.from_fit(fits[lang])
        # the two seeds sit at ±0.5% of the law, so each cell's mean is the law: residual 0
        np.testing.assert_allclose(points[0].get_array(), 0.0, atol=1e-12)
        np.testing.assert_allclose(sorted(map(tuple, offsets)), sorted((n, d) for n in NS for d in DS))
        assert f"L_∞ {law.E:.2f}" in ax.get_title()
    python = panels[sorted(fits).index("python")]
    assert "†" in python.get_title().split("α_D")[0]  # its α_N is not identified


def test_fig2_parameters_beside_the_papers(tmp_path, figures):
    fits = laws()
    plot_law_parameters(fits, tmp_path / "p.pdf", tmp_path / "p.png")
    _magic(tmp_path, "p")
    fig = figures[0]
    main = [ax for ax in fig.axes if ax.get_ylabel().startswith("ours")]
    twins = [ax for ax in fig.axes if ax.get_ylabel().startswith("paper")]
    assert len(main) == len(twins) == 3
    e_axis, e_twin = main[2], twins[2]
    assert "Spearman ρ = +1.00 [+1.00, +1.00] (40 draws)" in e_axis.get_title()
    order = sorted(paper.LANGUAGES, key=lambda k: (paper.LANGUAGE_LAWS[k]["L_inf"], k))
    assert [t.get_text() for t in e_axis.get_xticklabels()] == order
    np.testing.assert_allclose(e_twin.lines[0].get_ydata(), [paper.LANGUAGE_LAWS[k]["L_inf"] for k in order])
    ours = [c.lines[0].get_ydata()[0] for c in e_axis.containers]
    np.testing.assert_allclose(ours, [5 * paper.LANGUAGE_LAWS[k]["L_inf"] for k in order])
    go = e_axis.containers[order.index("go")].lines[0]
    assert go.get_markerfacecolor() == "white"  # go's E is not identified: hollow
    java = e_axis.containers[order.index("java")].lines[0]
    assert java.get_markerfacecolor() == paper_laws.language_color("java")


# -- Table 1 --------------------------------------------------------------------------------------

def test_synergy_beside_the_papers_cells():
    frame = synergy_comparison(synergy_table(synergy_summary())).set_index(["target", "auxiliary"])
    java_csharp = frame.loc[("java", "csharp")]
    assert java_csharp.relative_gain == pytest.approx((0.18 - 0.002) / 0.90)  # the seeds' mean noise: 0.002
    assert java_csharp.paper_relative_gain == pytest.approx(0.2058)
    assert java_csharp.paper_loss_self == 0.9034 and java_csharp.paper_loss_mixed == 0.718
    assert java_csharp.sign_agrees
    assert not frame.loc[("python", "java"), "sign_agrees"]  # ours hurts (−0.01), the paper's +1.36%
    assert frame.loc[("python", "csharp"), "sign_agrees"]    # both hurt
    assert frame.loc[("csharp", "python"), "paper_relative_gain_low"] == paper.PYTHON_AUXILIARY_GAIN_RANGE[0]
    assert math.isnan(frame.loc[("python", "java"), "paper_relative_gain_low"])  # the range is for other targets
    assert frame.loc[("csharp", "java"), "relative_ci_low"] < frame.loc[("csharp", "java"), "relative_gain"]


def test_synergy_uses_whatever_cells_paper_holds(monkeypatch):
    monkeypatch.setattr(paper, "SYNERGY_RELATIVE_GAIN", {("java", "csharp"): 0.206})
    frame = synergy_comparison(synergy_table(synergy_summary())).set_index(["target", "auxiliary"])
    assert frame.paper_relative_gain.notna().sum() == 1
    assert pd.isna(frame.loc[("python", "java"), "sign_agrees"])  # nothing printed, no range
    assert frame.loc[("csharp", "python"), "sign_agrees"]          # from the stated range for Python
    agreement = synergy_agreement(frame.reset_index())[("m1", 40000)]
    assert agreement["printed_cells"] == 1 and math.isnan(agreement["spearman_rho"])
    assert agreement["sign_cells"] == 3 and agreement["sign_agrees"] == 3


def test_table1_figure_ours_with_intervals_and_the_papers_cells(tmp_path, figures, monkeypatch):
    table = synergy_table(synergy_summary())
    returned = plot_synergy_comparison(table, tmp_path / "t.pdf", tmp_path / "t.png")
    _magic(tmp_path, "t")
    assert len(returned) == len(table)
    ours, theirs = figures[0].axes[:2]
    text = _texts(ours)
    java_csharp = table[(table.target == "java") & (table.auxiliary == "csharp")].iloc[0]
    expected = f"{100 * java_csharp.relative_gain:+.1f}%" + ("*" if java_csharp.significant else "")
    expected += f"\n[{100 * java_csharp.relative_ci_low:+.1f}, {100 * java_csharp.relative_ci_high:+.1f}]"
    assert expected in text
    assert "L(i+i)\n0.900" in text
    assert "+20.6%" in _texts(theirs) and "L(i+i)\n0.9034" in _texts(theirs)
    image = theirs.images[0].get_array()
    assert image.mask.sum() == 3  # only the diagonal is blank: paper.py holds every cell
    assert "3 seeds" in ours.get_title() and "ρ =" in ours.get_title()

    monkeypatch.setattr(paper, "SYNERGY_RELATIVE_GAIN", {("java", "csharp"): 0.206})
    plot_synergy_comparison(table, tmp_path / "u.pdf", tmp_path / "u.png")
    theirs = figures[1].axes[1]
    assert theirs.images[0].get_array().mask.sum() == 8  # 9 cells, one printed
    assert sum(t.startswith("3.8–") for t in _texts(theirs)) == 2  # csharp and java with Python
    assert "hatched" in theirs.get_title()


def test_fig2_parameters_draw_an_estimate_outside_its_bootstrap_interval(tmp_path, figures):
    """A percentile interval need not hold the fit on all the data: that side's bar is empty,
    not an error (matplotlib rejects negative error bars)."""
    fits = laws()
    value = fits["java"]["params"]["alpha"]
    fits["java"]["ci95"]["alpha"] = [value * 1.1, value * 1.5]  # the estimate below its interval
    plot_law_parameters(fits, tmp_path / "p.pdf", tmp_path / "p.png")
    alpha_axis = [ax for ax in figures[0].axes if ax.get_ylabel().startswith("ours")][0]
    order = [t.get_text() for t in alpha_axis.get_xticklabels()]
    bars = alpha_axis.containers[order.index("java")].lines[2][0].get_segments()[0]
    assert bars[:, 1].min() == pytest.approx(value) and bars[:, 1].max() == pytest.approx(value * 1.5)
