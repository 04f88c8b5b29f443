"""The paper's Fig. 5 and Fig. 6 regenerated (codescale.figures.paper_allocation): the composition
with the optimum's bootstrap interval, and BLEU / Pass@1 / loss per language over seeds with the
verdicts, or a panel saying why a metric is missing."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from scipy import stats

import codescale.figures.paper_allocation as paper_allocation
from codescale.allocate.compare import allocation_difference, compare_allocation, measured_losses
from codescale.figures.paper_allocation import (
    allocation_scores,
    composition_table,
    plot_allocation_scores,
    plot_token_composition,
)
from codescale.figures.style import language_color

LANGS = ("go", "python", "rust")
SEEDS = (0, 1, 2)


@pytest.fixture
def figures(keep_figures):
    return keep_figures(paper_allocation)


def _allocation(text_tokens=0, bootstrap=True):
    d = 90_000.0
    opt = {"go": 0.2, "python": 0.5, "rust": 0.3}
    mixtures = {}
    for name, p in (("uniform", dict.fromkeys(LANGS, 1 / 3)), ("optimized", opt)):
        mixtures[name] = {
            "proportions": p,
            "tokens": {k: v * d for k, v in p.items()},
            "predicted": dict.fromkeys(LANGS, 3.0),
            "predicted_average": 3.0,
        }
    alloc = {
        "model": "m2",
        "params": 221664,
        "tokens": d,
        "text_tokens": text_tokens,
        "min_share": 0.05,
        "max_share": 0.6,
        "predicted_gain": 0.012,
        "law": {"form": "transfer"},
        "mixtures": mixtures,
    }
    if bootstrap:
        alloc["bootstrap"] = {
            "draws": 40,
            "gain_at_chosen_ci95": [-0.01, 0.03],
            "proportions_ci95": {"go": [0.1, 0.3], "python": [0.35, 0.55], "rust": [0.2, 0.4]},
        }
    return alloc


def _runs():
    return {m: [f"allocation-{m}-m2-t90k-s{s}" for s in SEEDS] for m in ("uniform", "optimized")}


def _summary(rng_seed=0, graded=True):
    rng = np.random.default_rng(rng_seed)
    rows = []
    for mix, runs in _runs().items():
        for seed, run in zip(SEEDS, runs, strict=True):
            base = {
                "run": run,
                "family": "allocation",
                "model": "m2",
                "params": 221664,
                "tokens": 90000,
                "mixture": mix,
                "seed": seed,
                "direction_kind": "",
            }
            for lang in LANGS:
                rows.append(
                    {
                        **base,
                        "task": "valid_loss",
                        "lang_or_direction": lang,
                        "metric": "loss",
                        "value": 4.0 + rng.normal(0, 0.1) - (0.1 if mix == "optimized" else 0),
                    }
                )
            if not graded:
                continue
            for src in LANGS:
                for tgt in LANGS:
                    if src != tgt:
                        rows.append(
                            {
                                **base,
                                "task": "translation",
                                "lang_or_direction": f"{src}->{tgt}",
                                "direction_kind": "seen" if "python" in (src, tgt) else "unseen",
                                "metric": "bleu",
                                "value": rng.uniform(0, 10),
                            }
                        )
            rows.append(
                {
                    **base,
                    "task": "humaneval",
                    "lang_or_direction": "python",
                    "metric": "pass@1",
                    "value": rng.uniform(0, 0.2),
                }
            )
    return pd.DataFrame(rows)


def _inputs(graded=True):
    alloc, summary = _allocation(), _summary(graded=graded)
    comparison = compare_allocation(alloc, summary, _runs())
    difference = allocation_difference(measured_losses(alloc, summary, _runs()))
    return alloc, summary, comparison, difference


def test_composition_table_has_the_bootstrap_interval_and_the_text_share():
    table = composition_table(_allocation(text_tokens=10_000)).set_index(["mixture", "lang"])
    assert table.loc[("optimized", "python"), "share"] == 0.5
    assert table.loc[("optimized", "python"), "tokens"] == 45_000
    assert tuple(table.loc[("optimized", "go"), ["share_ci95_low", "share_ci95_high"]]) == (0.1, 0.3)
    assert math.isnan(table.loc[("uniform", "go"), "share_ci95_low"])
    assert table.loc[("uniform", "text"), "tokens"] == 10_000 and math.isnan(table.loc[("uniform", "text"), "share"])


def test_fig5_stacks_tokens_per_language_and_draws_the_interval(tmp_path, figures):
    plot_token_composition(_allocation(text_tokens=10_000), tmp_path / "c.pdf", tmp_path / "c.png", budget="b90k")
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    stacked, shares = figures[0].axes
    # the optimized stack: go, python, rust, text in thousands of tokens, language colours
    bars = [p for p in stacked.patches if abs(p.get_x() + p.get_width() / 2 - 1) < 1e-9]
    np.testing.assert_allclose([b.get_height() for b in bars], [18, 45, 27, 10])
    assert [to_hex(b.get_facecolor()) for b in bars[:3]] == [language_color(k).lower() for k in LANGS]
    assert "thousands" in stacked.get_ylabel()
    segments = shares.collections[0].get_segments()  # the optimized shares' error bars
    np.testing.assert_allclose([(s[0][1], s[1][1]) for s in segments], [(0.1, 0.3), (0.35, 0.55), (0.2, 0.4)])
    deltas = [t.get_text() for t in shares.texts if t.get_text().startswith(("+", "-"))]
    assert deltas == ["-12", "+15", "-3"]  # optimized − uniform tokens, thousands
    assert "b90k" in figures[0]._suptitle.get_text() and "transfer" in figures[0]._suptitle.get_text()


def test_fig5_without_bootstrap_says_there_is_no_interval(tmp_path, figures):
    plot_token_composition(_allocation(bootstrap=False), tmp_path / "c.pdf", tmp_path / "c.png")
    assert "no bootstrap" in figures[0].axes[1].get_title()
    assert not figures[0].axes[1].collections


def test_scores_average_bleu_into_each_language_then_over_seeds():
    _, summary, comparison, difference = _inputs()
    scores = allocation_scores(summary, comparison, difference)
    row = scores[(scores.metric == "bleu") & (scores.mixture == "optimized") & (scores.lang == "rust")].iloc[0]
    bleu = summary[
        (summary.metric == "bleu") & (summary.mixture == "optimized") & summary.lang_or_direction.str.endswith("->rust")
    ]
    per_seed = bleu.groupby("run").value.mean().to_numpy()
    assert row["mean"] == pytest.approx(per_seed.mean()) and row.n == 3
    half = stats.t.ppf(0.975, 2) * per_seed.std(ddof=1) / math.sqrt(3)
    assert row.ci95_low == pytest.approx(per_seed.mean() - half)
    avg = scores[(scores.metric == "bleu") & (scores.mixture == "uniform") & (scores.lang == "average")].iloc[0]
    ub = summary[(summary.metric == "bleu") & (summary.mixture == "uniform")].copy()
    ub["tgt"] = ub.lang_or_direction.str.split("->").str[1]
    assert avg["mean"] == pytest.approx(ub.groupby(["run", "tgt"]).value.mean().groupby("run").mean().mean())
    he = scores[(scores.metric == "pass@1") & (scores.mixture == "uniform")]
    assert list(he.lang) == ["python"]  # one language: no average
    assert he["mean"].iloc[0] == pytest.approx(
        100 * summary[(summary.task == "humaneval") & (summary.mixture == "uniform")].value.mean()
    )
    loss = scores[scores.metric == "loss"].set_index(["mixture", "lang"])
    ref = comparison.set_index(["mixture", "lang"])
    np.testing.assert_allclose(loss.loc[ref.index, "mean"], ref.measured)
    assert loss.loc[("uniform", "go"), "verdict"] == difference.set_index("lang").verdict["go"]


def test_fig6_draws_bars_and_verdicts(tmp_path, figures):
    _, summary, comparison, difference = _inputs()
    scores = allocation_scores(summary, comparison, difference)
    plot_allocation_scores(
        scores,
        tmp_path / "s.pdf",
        tmp_path / "s.png",
        difference=difference,
        evaluated=["translation", "humaneval"],
        budget="b90k",
        scale="model m2",
    )
    bleu_ax, pass_ax, loss_ax = figures[0].axes[:3]
    assert [t.get_text() for t in bleu_ax.get_xticklabels()] == ["go", "python", "rust", "average"]
    heights = sorted(round(p.get_height(), 9) for p in bleu_ax.patches)
    expected = scores[scores.metric == "bleu"]["mean"]
    np.testing.assert_allclose(heights, sorted(round(v, 9) for v in expected))
    assert "(HumanEval)" in pass_ax.get_xticklabels()[0].get_text()
    verdicts = {t.get_text() for t in loss_ax.texts}
    assert set(difference.verdict) <= verdicts
    assert "optimized - uniform average loss" in figures[0]._suptitle.get_text()


def test_fig6_says_why_a_metric_is_missing(tmp_path, figures):
    _, summary, comparison, difference = _inputs(graded=False)
    scores = allocation_scores(summary, comparison, difference)
    assert set(scores.metric) == {"loss"}
    plot_allocation_scores(scores, tmp_path / "s.pdf", tmp_path / "s.png", difference=difference, evaluated=[])
    bleu_ax, pass_ax, loss_ax = figures[0].axes[:3]
    assert "evaluate.translation.families" in bleu_ax.texts[0].get_text()
    assert "evaluate.humaneval.families" in pass_ax.texts[0].get_text()
    assert len(loss_ax.collections) >= 6  # a dot per language and mixture (plus the error bars)
    # configured but absent from the summary is a different reason
    plot_allocation_scores(scores, tmp_path / "s.pdf", tmp_path / "s.png", evaluated=["translation"])
    assert "no bleu rows" in figures[1].axes[0].texts[0].get_text()
