import json

import pandas as pd

from codescale.figures.translation import plot_translation_laws
from codescale.laws.fit import FitOptions, Law
from codescale.laws.translation import fit_translation_laws, translation_points


def test_translation_law_figure_is_written(tmp_path):
    laws = {"pairing": Law(30.0, 0.35, 200.0, 0.45, 0.8), "shuffled": Law(40.0, 0.3, 300.0, 0.4, 1.0)}
    grids = {"pairing": ((1e5, 2e5, 4e5), (2e4, 4e4)), "shuffled": ((1e5, 2e5), (2e4, 4e4))}  # 6 / 4 points
    rows = []
    for org, law in laws.items():
        for n in grids[org][0]:
            for d in grids[org][1]:
                for direction, kind, shift in (("python->go", "seen", 0.0), ("go->rust", "unseen", 0.3)):
                    rows.append({"run": f"strategy-{org}-{n:.0f}-{d:.0f}", "family": "strategy", "params": n,
                                 "tokens": d, "mixture": org, "seed": 0, "task": "translation",
                                 "lang_or_direction": direction, "direction_kind": kind, "metric": "loss",
                                 "value": float(law.predict(n, d)) + shift})
    fits = fit_translation_laws(pd.DataFrame(rows), FitOptions(bootstrap=0, refine_top=4))
    assert "skipped" in fits["organizations"]["shuffled"]["seen"]
    assert "params" in fits["organizations"]["pairing"]["unseen"]
    # As the workflow does: the points travel in the fits' JSON.
    fits = json.loads(json.dumps(fits, default=float))
    points = pd.DataFrame(fits["points"])
    assert len(points) == len(translation_points(pd.DataFrame(rows)))
    plot_translation_laws(points, fits, tmp_path / "t.pdf", tmp_path / "t.png")
    png = (tmp_path / "t.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 10_000
    assert (tmp_path / "t.pdf").read_bytes()[:4] == b"%PDF"
