"""The paper's study 3 regenerated (codescale.figures.paper_strategy): Table 2 beside the paper's
laws, Fig. 3 (ours and the paper's on separate axes, with the gap), Table 3 (Pass@1 over seeds,
the paper's columns only when codescale.paper holds them), Fig. 4 (the radar)."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from scipy import stats

import codescale.figures.paper_strategy as paper_strategy
from codescale import paper
from codescale.evaluate.summary import strategy_table
from codescale.figures.paper_strategy import (
    direction_order,
    pass_at_1_table,
    plot_translation_radar,
    plot_unseen_loss,
    translation_law_comparison,
    unseen_gap,
)
from codescale.laws.translation import translation_law_table
from tests.unit.evaluate.test_strategy_table import strategy_summary


@pytest.fixture
def figures(keep_figures):
    return keep_figures(paper_strategy)


def _fit(a, alpha, b, beta, e, unidentified=()):
    params = {"A": a, "alpha": alpha, "B": b, "beta": beta, "E": e}
    return {
        "params": params,
        "ci95": {p: [v * 0.9, v * 1.1] for p, v in params.items()},
        "points": [{"N": n, "D": d, "loss": 3.0} for n in (1e5, 2e5, 4e5) for d in (1e4, 2e4)],
        "fit": {"rmse_log": 0.01},
        "heldout": {"leave_one_out": {"rmse_log": 0.02}},
        "unidentified": list(unidentified),
    }


def _laws():
    """laws/translation_laws.csv as the current workflow writes it, from a fits dict."""
    fits = {
        "organizations": {
            "pairing": {
                "seen": _fit(2.0, 0.3, 50.0, 0.4, 2.5),
                "unseen": _fit(3.0, 0.2, 60.0, 0.5, 2.8, ["A"]),
                "directions": {"go->rust": {"skipped": "4 points, at least 6 needed", "points": 4, "kind": "unseen"}},
            },
            "direct": {
                "seen": {"skipped": "3 points, at least 5 needed", "points": 3},
                "unseen": _fit(1.0, 0.1, 10.0, 0.2, 2.0),
                "directions": {},
            },
        }
    }
    return translation_law_table(fits)


def test_table2_puts_ours_beside_the_papers_laws(tmp_path):
    table = translation_law_comparison(_laws())
    keyed = table.set_index(["organization", "direction_kind"])
    # every pooled law of ours and every law the paper prints; no per-direction rows
    assert set(keyed.index) == {
        ("pairing", "seen"),
        ("pairing", "unseen"),
        ("direct", "seen"),
        ("direct", "unseen"),
        ("shuffled", "unseen"),
    }
    row = keyed.loc[("pairing", "seen")]
    assert (row.A, row.alpha, row.B, row.beta, row.L_inf) == (2.0, 0.3, 50.0, 0.4, 2.5)
    assert row.L_inf_ci_low == pytest.approx(2.25) and row.alpha_ci_high == pytest.approx(0.33)
    assert row.identified and row.points == 6
    assert row.paper_alpha == 6.404 and row.paper_L_inf == paper.TRANSLATION_LAWS[("pairing", "seen")]["L_inf"]
    unseen = keyed.loc[("pairing", "unseen")]
    assert not unseen.identified and unseen.unidentified == "A"
    assert unseen.paper_B == 4.518
    skipped = keyed.loc[("direct", "seen")]
    assert not skipped.identified and "at least 5" in skipped.skipped and math.isnan(skipped.A)
    assert math.isnan(keyed.loc[("direct", "unseen")].paper_A)  # the paper fits no such law
    only_paper = keyed.loc[("shuffled", "unseen")]
    assert math.isnan(only_paper.A) and only_paper.paper_A == 0.1574 and "not fitted" in only_paper.skipped
    assert table.note.str.contains("does not state the units of N and D").all()
    # the shuffled and pairing rows first, in the paper's order
    assert list(table.organization)[:3] == ["shuffled", "pairing", "pairing"]
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    assert pd.read_csv(path).shape == table.shape


def test_fig3_draws_ours_and_the_papers_on_separate_axes(tmp_path, figures):
    summary = strategy_summary(params=(1e5, 2e5, 4e5))
    plot_unseen_loss(summary, tmp_path / "f.pdf", tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    ours, theirs, ours_gap, theirs_gap = figures[0].axes
    assert all(ax.get_xscale() == "log" for ax in (ours, theirs, ours_gap, theirs_gap))
    assert "millions" in ours_gap.get_xlabel() and "billions" in theirs_gap.get_xlabel()
    table = strategy_table(summary)
    bars = {c.get_label(): c for c in ours.containers if isinstance(c, ErrorbarContainer)}
    assert set(bars) == {"baseline (shuffled)", "parallel pairing"}
    pairing = table[table.organization == "pairing"].sort_values("params")
    xs, ys = bars["parallel pairing"].lines[0].get_data()
    np.testing.assert_allclose(xs, pairing.params / 1e6)
    np.testing.assert_allclose(ys, pairing.unseen_loss)
    segments = bars["parallel pairing"].lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][1] for s in segments], pairing.unseen_loss_ci95_low)
    # the paper's values on its own axes, never on ours
    sizes = sorted(paper.UNSEEN_LOSS_BY_SIZE)
    lines = {ln.get_label(): ln for ln in theirs.get_lines()}
    np.testing.assert_allclose(lines["paper: parallel pairing"].get_xdata(), sizes)
    np.testing.assert_allclose(
        lines["paper: baseline (shuffled)"].get_ydata(), [paper.UNSEEN_LOSS_BY_SIZE[s]["shuffled"] for s in sizes]
    )
    assert not [ln for ln in ours.get_lines() if ln.get_label().startswith("paper")]
    # the gap is shuffled − pairing with Welch's interval over the seeds
    gap = [c for c in ours_gap.containers if isinstance(c, ErrorbarContainer)][0]
    _, g = gap.lines[0].get_data()
    runs = summary[
        (summary.task == "translation")
        & (summary.direction_kind == "unseen")
        & (summary.metric == "loss")
        & (summary.params == 4e5)
    ]
    per_run = runs.groupby(["mixture", "run"]).value.mean()
    sh, pa = per_run["shuffled"].to_numpy(), per_run["pairing"].to_numpy()
    assert g[-1] == pytest.approx(sh.mean() - pa.mean())
    welch = stats.ttest_ind(sh, pa, equal_var=False).confidence_interval(0.95)
    low = gap.lines[2][0].get_segments()[-1][0][1]
    assert low == pytest.approx(welch.low)


def test_unseen_gap_with_one_seed_has_no_interval():
    gap = unseen_gap(strategy_summary(seeds=(0,)))
    assert len(gap) == 2 and gap.ci95_low.isna().all() and gap.gap.notna().all()


def test_fig3_without_pairing_says_so(tmp_path, figures):
    plot_unseen_loss(strategy_summary(orgs=("shuffled", "direct")), tmp_path / "f.pdf", tmp_path / "f.png")
    texts = " ".join(t.get_text() for t in figures[0].axes[0].texts)
    assert "no strategy runs of pairing" in texts


def _with_multipl_e(summary):
    """Add MultiPL-E Java pass@1 rows to every strategy run."""
    he = summary[(summary.task == "humaneval")]
    java = he.assign(task="multipl_e", lang_or_direction="java", value=he.value / 2)
    return pd.concat([summary, java], ignore_index=True)


def test_table3_means_intervals_and_averages_over_seeds():
    summary = _with_multipl_e(strategy_summary())
    table = pass_at_1_table(summary)
    # 2 organizations x 2 sizes x (python, java, average)
    assert len(table) == 12 and set(table.lang) == {"python", "java", "average"}
    row = table[(table.organization == "pairing") & (table.params == 2e5) & (table.lang == "python")].iloc[0]
    values = (
        100
        * summary[(summary.mixture == "pairing") & (summary.params == 2e5) & (summary.task == "humaneval")]
        .sort_values("seed")
        .value.to_numpy()
    )
    assert row["pass@1_pct"] == pytest.approx(values.mean())
    half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / math.sqrt(3)
    assert row["pass@1_pct_ci95_high"] == pytest.approx(values.mean() + half)
    assert row.n_seeds == 3 and row.task == "humaneval"
    avg = table[(table.organization == "pairing") & (table.params == 2e5) & (table.lang == "average")].iloc[0]
    assert avg["pass@1_pct"] == pytest.approx((values.mean() + values.mean() / 2) / 2)
    # the paper's Table 3 beside ours, per organization and language, one column per size
    assert {f"paper_pass@1_pct_{s}B" for s in ("0.5", "1.5", "3", "7")} <= set(table.columns)
    assert row["paper_pass@1_pct_7B"] == 26.22 and avg["paper_pass@1_pct_3B"] == 25.12


def test_table3_takes_the_papers_columns_when_paper_holds_them(monkeypatch):
    published = {"python": {0.5: {"shuffled": 14.02, "pairing": 12.20}, 7.0: {"shuffled": 34.15, "pairing": 26.22}}}
    monkeypatch.setattr(paper, "MULTIPL_E_PASS_AT_1", published)
    table = pass_at_1_table(strategy_summary())
    assert {"paper_pass@1_pct_0.5B", "paper_pass@1_pct_7B"} <= set(table.columns)
    pairing = table[table.organization == "pairing"].iloc[0]
    assert pairing["paper_pass@1_pct_0.5B"] == 12.20 and pairing["paper_pass@1_pct_7B"] == 26.22


def test_table3_without_pass_at_1_says_so():
    summary = strategy_summary()
    table = pass_at_1_table(summary[summary.task != "humaneval"])
    assert len(table) == 4 and table["pass@1_pct"].isna().all()
    assert table.note.str.contains("no HumanEval or MultiPL-E").all()


def test_direction_order_puts_seen_first():
    kinds = {"go->rust": "unseen", "python->go": "seen", "go->python": "seen", "rust->go": "unseen"}
    assert direction_order(kinds, kinds) == ["python->go", "go->python", "go->rust", "rust->go"]


def test_fig4_radar_draws_each_organization_at_the_largest_model(tmp_path, figures):
    summary = strategy_summary(params=(1e5, 2e5))
    plot_translation_radar(summary, tmp_path / "r.pdf", tmp_path / "r.png")
    loss_ax, bleu_ax = figures[0].axes[:2]
    assert loss_ax.name == "polar"
    labels = [t.get_text() for t in loss_ax.get_xticklabels()]
    assert labels == ["Py→Go", "Go→Py", "Go→Rust", "Rust→Go"]
    assert [t.get_fontweight() for t in loss_ax.get_xticklabels()][:2] == ["bold", "bold"]
    lines = {ln.get_label(): ln for ln in loss_ax.get_lines() if not ln.get_label().startswith("_")}
    assert set(lines) == {"baseline (shuffled)", "parallel pairing"}
    big = summary[
        (summary.params == 2e5)
        & (summary.mixture == "pairing")
        & (summary.metric == "loss")
        & (summary.task == "translation")
    ]
    expected = big.groupby("lang_or_direction").value.mean()
    y = lines["parallel pairing"].get_ydata()
    np.testing.assert_allclose(y[:-1], [expected[d] for d in ("python->go", "go->python", "go->rust", "rust->go")])
    assert y[-1] == y[0]  # the polygon is closed
    bleu = {ln.get_label(): ln for ln in bleu_ax.get_lines() if not ln.get_label().startswith("_")}
    assert len(bleu) == 2


def test_fig4_without_bleu_says_so(tmp_path, figures):
    summary = strategy_summary()
    plot_translation_radar(summary[summary.metric != "bleu"], tmp_path / "r.pdf", tmp_path / "r.png")
    assert "no translation bleu" in " ".join(t.get_text() for t in figures[0].axes[1].texts)


def test_fig4_names_each_panels_model_when_generation_is_kept_to_a_smaller_one(tmp_path, figures):
    summary = strategy_summary(params=(1e5, 2e5))
    # BLEU only at the smaller model, as with evaluate.translation.generate_models
    summary = summary[(summary.metric != "bleu") | (summary.params == 1e5)]
    plot_translation_radar(summary, tmp_path / "r.pdf", tmp_path / "r.png")
    loss_ax, bleu_ax = figures[0].axes[:2]
    assert "0.2M" in loss_ax.get_title() and "0.1M" in bleu_ax.get_title()
    assert "largest model" not in figures[0]._suptitle.get_text()
