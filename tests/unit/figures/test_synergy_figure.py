from codescale.figures.synergy import plot_synergy_matrix
from codescale.laws.synergy import synergy_table
from tests.unit.laws.test_synergy import summary


def test_synergy_heatmap_is_written(tmp_path):
    table = synergy_table(summary())
    plot_synergy_matrix(table, tmp_path / "s.pdf", tmp_path / "s.png")
    png = (tmp_path / "s.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 1000
    assert (tmp_path / "s.pdf").read_bytes()[:4] == b"%PDF"
    plot_synergy_matrix(synergy_table(summary(seeds=(0,))), tmp_path / "o.pdf", tmp_path / "o.png")
    assert (tmp_path / "o.png").stat().st_size > 1000
