"""Scaling-law figures with and without replicate seeds: with several seeds a (model, budget) cell
shows the mean over seeds with the 95% t-interval of the mean as an error bar, and each seed's
point faintly; with one seed its point, as before."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from scipy import stats

import codescale.figures.laws as laws_figures
from codescale.figures.laws import plot_loss_vs_params, plot_loss_vs_tokens
from codescale.laws.fit import Law

LAW = Law(40.0, 0.35, 300.0, 0.45, 1.2)
NS, DS = (1e5, 2e5, 4e5), (2e4, 4e4, 8e4)


def scaling_summary(seeds=(0, 1, 2), with_seed=True, rng_seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    rows = []
    for lang in ("go", "rust"):
        for n in NS:
            for d in DS:
                for seed in seeds:
                    rows.append({"run": f"scaling-{lang}-{n:g}-{d:g}-s{seed}", "family": "scaling", "model": "m",
                                 "params": n, "tokens": d, "mixture": lang, "seed": seed, "task": "valid_loss",
                                 "lang_or_direction": lang, "metric": "loss",
                                 "value": float(LAW.predict(n, d)) * math.exp(rng.normal(0, 0.02))})
    frame = pd.DataFrame(rows)
    return frame if with_seed else frame.drop(columns="seed")


LAWS = {lang: {"params": LAW.to_dict()} for lang in ("go", "rust")}


@pytest.fixture
def figures(keep_figures):
    return keep_figures(laws_figures)


def _magic(tmp_path, name):
    assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / f"{name}.pdf").read_bytes()[:4] == b"%PDF"


def test_seeded_cells_show_mean_and_t_interval(tmp_path, figures):
    summary = scaling_summary()
    plot_loss_vs_tokens(summary, LAWS, tmp_path / "t.pdf", tmp_path / "t.png")
    plot_loss_vs_params(summary, LAWS, tmp_path / "p.pdf", tmp_path / "p.png")
    _magic(tmp_path, "t")
    _magic(tmp_path, "p")
    tokens_fig = figures[0]
    ax = tokens_fig.axes[0]  # go, one colour per model size
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    # one per model size, plus the legend's key
    assert len(bars) == len(NS) + 1
    go = summary[summary.mixture == "go"]
    t = stats.t.ppf(0.975, 2)
    for bar, n in zip(bars[:len(NS)], NS, strict=True):
        xs, ys = bar.lines[0].get_data()
        assert list(xs) == list(DS)
        for d, y in zip(DS, ys, strict=True):
            values = go[(go.params == n) & (go.tokens == d)].value.to_numpy()
            assert y == pytest.approx(values.mean())
        # the bar's half-length is the t-interval's: t * sd / sqrt(3)
        segments = bar.lines[2][0].get_segments()
        for d, seg in zip(DS, segments, strict=True):
            values = go[(go.params == n) & (go.tokens == d)].value.to_numpy()
            half = t * values.std(ddof=1) / math.sqrt(3)
            assert seg[1][1] - seg[0][1] == pytest.approx(2 * half)
    # every seed's point is drawn too, faintly
    faint = [c for c in ax.collections if c.get_offsets().shape[0] == len(DS) * 3]
    assert len(faint) == len(NS) and all(c.get_alpha() < 1 for c in faint)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "mean ± 95% t-interval of the mean (3 seeds)" in legend and "one seed" in legend


def test_one_seed_plots_points_as_before(tmp_path, figures):
    for summary in (scaling_summary(seeds=(0,)), scaling_summary(seeds=(0,), with_seed=False)):
        plot_loss_vs_tokens(summary, LAWS, tmp_path / "t.pdf", tmp_path / "t.png")
        _magic(tmp_path, "t")
    for fig in figures:
        ax = fig.axes[0]
        assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert not any("seed" in text for text in legend)
        points = [c for c in ax.collections if c.get_offsets().shape[0] == len(DS)]
        assert len(points) == len(NS)


def test_uneven_seeds_say_so(tmp_path, figures):
    summary = scaling_summary()
    summary = summary[~((summary.params == 1e5) & (summary.seed == 2))]  # 2 seeds at the smallest model
    plot_loss_vs_params(summary, LAWS, tmp_path / "p.pdf", tmp_path / "p.png")
    _magic(tmp_path, "p")
    legend = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert "mean ± 95% t-interval of the mean (2–3 seeds)" in legend
