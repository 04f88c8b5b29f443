import json

import pytest

from codescale.evaluate.summary import COLUMNS, build_summary


def test_tidy_rows(tmp_path):
    spec = {"run": "scaling-go-m1-t20k", "family": "scaling", "mixture": "go", "model_name": "m1",
            "tokens": 20000,
            "model": {"layers": 2, "hidden": 64, "heads": 4, "ffn": 172, "vocab": 2048, "seq": 128}}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "eval.json").write_text(json.dumps({"run": spec["run"], "task": "valid_loss",
        "results": {"go": {"loss": 2.5, "tokens": 100}, "rust": {"loss": 3.0, "tokens": 100}}}))
    frame = build_summary([tmp_path / "spec.json"], [tmp_path / "eval.json"])
    assert list(frame.columns) == COLUMNS
    row = frame[(frame.lang_or_direction == "go") & (frame.metric == "loss")].iloc[0]
    assert row.value == 2.5 and row.params == 99136 and row.family == "scaling"
    assert len(frame) == 4
    assert row.seed == 0  # a family without seeds: no `replicate` in the spec


def test_seed_column_is_the_replicate(tmp_path):
    spec = {"run": "synergy-go_rust-m1-t20k-s2", "family": "synergy", "mixture": "go_rust",
            "model_name": "m1", "tokens": 20000, "replicate": 2,
            "model": {"layers": 2, "hidden": 64, "heads": 4, "ffn": 172, "vocab": 2048, "seq": 128}}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "eval.json").write_text(json.dumps({"run": spec["run"], "task": "valid_loss",
                                                    "results": {"go": {"loss": 2.5}}}))
    frame = build_summary([tmp_path / "spec.json"], [tmp_path / "eval.json"])
    assert frame.seed.tolist() == [2]


def test_eval_without_spec_is_named(tmp_path):
    (tmp_path / "e.json").write_text(json.dumps({"run": "ghost", "task": "t", "results": {}}))
    with pytest.raises(ValueError, match="ghost"):
        build_summary([], [tmp_path / "e.json"])
