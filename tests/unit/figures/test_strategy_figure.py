"""The data-organization figure: mean over seeds with 95% t-interval error bars, or plain lines
with one seed."""

import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer

import codescale.figures.strategy as strategy_figure
from codescale.evaluate.summary import strategy_table
from codescale.figures.strategy import plot_strategy
from tests.unit.evaluate.test_strategy_table import strategy_summary


@pytest.fixture
def figures(keep_figures):
    return keep_figures(strategy_figure)


def _magic(tmp_path):
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "s.pdf").read_bytes()[:4] == b"%PDF"


def test_seeds_draw_t_interval_error_bars(tmp_path, figures):
    table = strategy_table(strategy_summary())
    plot_strategy(table, tmp_path / "s.pdf", tmp_path / "s.png")
    _magic(tmp_path)
    seen, unseen = figures[0].axes
    bars = [c for c in seen.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2  # one per organization
    pairing = table[table.organization == "pairing"].sort_values("params")
    assert sorted(t.get_text() for t in unseen.get_legend().get_texts()) == ["pairing", "shuffled"]
    bar = next(b for b in bars if b.get_label() == "pairing")
    _, ys = bar.lines[0].get_data()
    np.testing.assert_allclose(ys, pairing.seen_loss)
    segments = bar.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][1] for s in segments], pairing.seen_loss_ci95_low)
    np.testing.assert_allclose([s[1][1] for s in segments], pairing.seen_loss_ci95_high)
    title = unseen.get_legend().get_title().get_text()
    assert "95% t-interval of the mean" in title and "3 seeds" in title


def test_one_seed_draws_lines_without_bars(tmp_path, figures):
    plot_strategy(strategy_table(strategy_summary(seeds=(0,), with_seed=False)), tmp_path / "s.pdf",
                  tmp_path / "s.png")
    _magic(tmp_path)
    seen, unseen = figures[0].axes
    assert not [c for c in seen.containers if isinstance(c, ErrorbarContainer)]
    assert len(seen.get_lines()) == 2
    title = unseen.get_legend().get_title().get_text()
    assert "interval" not in title and "1 seed" in title


def test_several_budgets_draw_one_line_each(tmp_path, figures):
    plot_strategy(strategy_table(strategy_summary(budgets=(1000, 2000))), tmp_path / "s.pdf", tmp_path / "s.png")
    _magic(tmp_path)
    labels = [t.get_text() for t in figures[0].axes[1].get_legend().get_texts()]
    assert sorted(labels) == ["pairing, D=1,000", "pairing, D=2,000", "shuffled, D=1,000", "shuffled, D=2,000"]
