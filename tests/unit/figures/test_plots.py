import numpy as np
import pandas as pd

from codescale.allocate.compare import compare_allocation
from codescale.allocate.optimize import allocation_report
from codescale.figures.plots import plot_allocation, plot_loss_vs_params, plot_loss_vs_tokens
from codescale.laws.fit import Law


def test_figures_are_written(tmp_path):
    law = Law(40.0, 0.35, 300.0, 0.45, 1.2)
    rows = []
    for lang in ("go", "rust"):
        for n in (1e5, 2e5, 4e5):
            for d in (2e4, 4e4, 8e4):
                rows.append({"run": f"scaling-{lang}-{n}-{d}", "family": "scaling", "params": n,
                             "tokens": d, "mixture": lang, "task": "valid_loss",
                             "lang_or_direction": lang, "metric": "loss",
                             "value": float(law.predict(n, d))})
    summary = pd.DataFrame(rows)
    laws = {lang: {"params": law.to_dict()} for lang in ("go", "rust")}
    plot_loss_vs_tokens(summary, laws, tmp_path / "t.pdf", tmp_path / "t.png")
    plot_loss_vs_params(summary, laws, tmp_path / "p.pdf", tmp_path / "p.png")
    rep = allocation_report({"go": law, "rust": law}, 2e5, 1e5, min_share=0.1, max_share=0.9,
                            model="m2")
    measured = pd.DataFrame([{"run": r, "task": "valid_loss", "metric": "loss",
                              "lang_or_direction": lang, "value": 2.0 + np.random.rand()}
                             for r in ("u", "o") for lang in ("go", "rust")])
    comp = compare_allocation(rep, measured, {"uniform": "u", "optimized": "o"})
    plot_allocation(rep, comp, tmp_path / "a.pdf", tmp_path / "a.png")
    for name in ("t", "p", "a"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / f"{name}.pdf").read_bytes()[:4] == b"%PDF"


def test_strategy_table_and_figure(tmp_path):
    from codescale.evaluate.summary import strategy_table
    from codescale.figures.plots import plot_strategy

    rows = []
    for org, base in (("shuffled", 3.0), ("pairing", 2.0)):
        for params in (1e5, 2e5):
            run = f"strategy-{org}-{params:.0f}"
            for direction, kind, loss in (("python->go", "seen", base), ("go->rust", "unseen", base + 1),
                                          ("rust->go", "unseen", base + 2)):
                for metric, value in (("loss", loss), ("bleu", 10.0), ("pass@1", 0.5 if kind == "seen" else 0.0)):
                    rows.append({"run": run, "family": "strategy", "model": "m", "params": params, "tokens": 1,
                                 "mixture": org, "task": "translation", "lang_or_direction": direction,
                                 "direction_kind": kind, "metric": metric, "value": value})
            rows.append({"run": run, "family": "strategy", "model": "m", "params": params, "tokens": 1,
                         "mixture": org, "task": "humaneval", "lang_or_direction": "python",
                         "direction_kind": "", "metric": "pass@1", "value": 0.25})
    table = strategy_table(pd.DataFrame(rows))
    assert len(table) == 4
    pairing = table[table.organization == "pairing"].iloc[0]
    assert pairing.seen_loss == 2.0 and pairing.unseen_loss == 3.5
    assert pairing["seen_pass@1"] == 0.5 and pairing["unseen_pass@1"] == 0.0
    assert pairing["humaneval_pass@1"] == 0.25
    plot_strategy(table, tmp_path / "s.pdf", tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 1000
