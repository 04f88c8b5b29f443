import hashlib
import json

import pytest

from codescale.artifacts import (
    atomic_path,
    digest_path,
    digested_directory,
    read_json,
    tree_digest,
    write_json,
    write_tree_digest,
)


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


def _tree(root):
    (root / "sub").mkdir(parents=True)
    (root / "a.bin").write_bytes(b"\x00\x01" * 1000)
    (root / "sub" / "b.txt").write_text("hello\n")
    (root / ".snakemake_timestamp").touch()
    return root


def test_tree_digest_is_sha256_of_every_file(tmp_path):
    root = _tree(tmp_path / "tokens")
    digest = tree_digest(root, workers=2)
    assert set(digest["files"]) == {"a.bin", "sub/b.txt"}  # Snakemake's timestamp is not content
    assert digest["files"]["sub/b.txt"] == {"bytes": 6, "sha256": hashlib.sha256(b"hello\n").hexdigest()}
    assert digest["total_bytes"] == 2006
    (root / "sub" / "b.txt").write_text("hellO\n")  # same size, other content
    assert tree_digest(root) != digest


def test_digest_of_a_linked_copy_equals_the_original(tmp_path):
    """A directory restored from Snakemake's cache is a directory of links into the cache."""
    root = _tree(tmp_path / "ckpt")
    linked = tmp_path / "restored" / "ckpt"
    linked.mkdir(parents=True)
    for entry in root.iterdir():
        (linked / entry.name).symlink_to(entry)
    assert tree_digest(linked) == tree_digest(root)


def test_write_and_check_digest(tmp_path):
    root = _tree(tmp_path / "corpus")
    path = write_tree_digest(root, tmp_path / "corpus.digest.json")
    assert path == digest_path(root) and read_json(path)["files"]
    assert digested_directory(path) == root
    (root / "sub" / "b.txt").write_text("longer text\n")
    with pytest.raises(ValueError, match=r"corpus: does not match its digest .*sub/b.txt"):
        digested_directory(path)
    with pytest.raises(ValueError, match="must lie beside its directory"):
        write_tree_digest(root, tmp_path / "elsewhere.digest.json")
    with pytest.raises(ValueError, match="not a directory digest"):
        digested_directory(tmp_path / "corpus.json")


def test_digest_of_missing_directory_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing: not a directory"):
        tree_digest(tmp_path / "nothing")
    write_json(tmp_path / "gone.digest.json", {"files": {}, "total_bytes": 0})
    with pytest.raises(FileNotFoundError, match="gone: missing, but its digest"):
        digested_directory(tmp_path / "gone.digest.json")
