"""The mixture-model figure: the measured loss of a held-out mixture as the mean over its seeds
with the 95% t-interval of the mean as a horizontal error bar; without seed columns (or with one
seed) plain markers."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer

import codescale.figures.mixture as mixture_figure
from codescale.figures.mixture import plot_mixture_models

REPORT = {"languages": ["a", "b"],
          "models": {"transfer": {"matrix": {"a": {"b": 0.3}, "b": {"a": 0.6}},
                                  "ci95": {"T_a_b": [0.1, 0.5], "T_b_a": [0.4, 0.8]}}}}


@pytest.fixture
def figures(keep_figures):
    return keep_figures(mixture_figure)


def comparison(seeds: int | None) -> pd.DataFrame:
    rows = []
    for i, mixture in enumerate(("mix0", "mix1", "mix2")):
        measured = 2.0 + 0.1 * i
        for j, model in enumerate(("transfer", "independent", "uniform")):
            row = {"scope": "run", "model": model, "heldout": mixture, "N": 2e5, "D": 8e4, "skipped": "",
                   "measured_average": measured, "predicted_average": measured + 0.01 * (j + 1)}
            if seeds is not None:
                half = 0.03 * (i + 1) if seeds > 1 else np.nan
                row.update(n_seeds=seeds, measured_sd_average=half, measured_ci95_low=measured - half,
                           measured_ci95_high=measured + half)
            rows.append(row)
    rows += [{"scope": "overall", "model": m, "heldout": "all", "runs": 3, "mae_average": 0.02}
             for m in ("transfer", "independent", "uniform")]
    return pd.DataFrame(rows)


def _magic(tmp_path):
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "m.pdf").read_bytes()[:4] == b"%PDF"


def test_seeds_draw_horizontal_t_interval_bars(tmp_path, figures):
    comp = comparison(3)
    plot_mixture_models(REPORT, comp, tmp_path / "m.pdf", tmp_path / "m.png")
    _magic(tmp_path)
    ax = figures[0].axes[0]
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 3 + 1  # one per model, and the legend's key
    transfer = next(b for b in bars if b.get_label().startswith("transfer"))
    rows = comp[(comp.scope == "run") & (comp.model == "transfer")]
    segments = transfer.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], rows.measured_ci95_low)
    np.testing.assert_allclose([s[1][0] for s in segments], rows.measured_ci95_high)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "measured: mean ± 95% t-interval of the mean (3 seeds)" in legend
    assert ax.get_xlabel().startswith("measured, mean over seeds")


@pytest.mark.parametrize("seeds", [None, 1])
def test_without_seeds_plain_markers(tmp_path, figures, seeds):
    plot_mixture_models(REPORT, comparison(seeds), tmp_path / "m.pdf", tmp_path / "m.png")
    _magic(tmp_path)
    ax = figures[0].axes[0]
    assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert not any("seed" in t.get_text() for t in ax.get_legend().get_texts())
    assert len(ax.collections) == 3
