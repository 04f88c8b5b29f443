import json

import pytest

from codescale.artifacts import atomic_path, read_json, write_json


def test_write_json_round_trip(tmp_path):
    target = tmp_path / "a" / "b.json"
    write_json(target, {"x": 1})
    assert read_json(target) == {"x": 1}
    assert [p.name for p in target.parent.iterdir()] == ["b.json"]


def test_failure_keeps_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    write_json(target, {"old": True})
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert json.loads(target.read_text()) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_atomic_directory_replaces_whole(tmp_path):
    target = tmp_path / "dir"
    with atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "a").write_text("1")
    with atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "b").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["b"]


def test_read_json_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json"):
        read_json(bad)
