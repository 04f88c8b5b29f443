import json
import shutil

import pytest

from codescale.sources import SourceError, fetch_source


def test_python_stdlib_needs_no_network(tmp_path):
    manifest = fetch_source("std", {"kind": "python_stdlib", "langs": ["python"]}, tmp_path / "o")
    assert manifest["files"] > 100
    tree = tmp_path / "o" / "tree"
    assert (tree / "json").is_dir()          # packages are repositories
    assert not list(tree.rglob("*.pyc"))
    assert json.loads((tmp_path / "o/fetched.json").read_text())["kind"] == "python_stdlib"


def test_local_source_is_recorded_not_copied(tmp_path):
    repo = tmp_path / "repos" / "r1"
    repo.mkdir(parents=True)
    (repo / "a.go").write_text("package a\n")
    manifest = fetch_source("mine", {"kind": "local", "langs": ["go"], "path": str(tmp_path / "repos")},
                            tmp_path / "o")
    assert manifest["details"]["files"] == 1
    assert not list((tmp_path / "o" / "tree").iterdir())


def test_missing_local_path_names_it(tmp_path):
    with pytest.raises(SourceError, match="nowhere"):
        fetch_source("x", {"kind": "local", "langs": ["go"], "path": str(tmp_path / "nowhere")},
                     tmp_path / "o")
    assert not (tmp_path / "o").exists()  # nothing half-written


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_unfetchable_npm_package_fails_clearly(tmp_path):
    name = "codescale-no-such-package-7f3a9c"
    with pytest.raises(SourceError, match=name):
        fetch_source("js", {"kind": "npm", "langs": ["javascript"], "packages": [name]},
                     tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_local_fingerprint_follows_content_not_mtime(tmp_path, monkeypatch):
    import os

    from codescale.sources.fetch import local_fingerprint

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "r").mkdir()
    f = tmp_path / "r" / "a.go"
    f.write_text("package a\n")
    spec = {"kind": "local", "langs": ["go"], "path": str(tmp_path / "r")}
    before = local_fingerprint(spec)
    os.utime(f, (1, 1))
    assert local_fingerprint(spec) == before
    (tmp_path / "r" / "notes.txt").write_text("not go")
    assert local_fingerprint(spec) == before
    f.write_text("package b\n")
    assert local_fingerprint(spec) != before
    assert local_fingerprint({"kind": "npm", "langs": ["javascript"]}) == ""


def test_local_fingerprint_remembers_file_hashes_by_stat(tmp_path, monkeypatch):
    """A DAG rebuild stats a large source instead of rereading it; a changed file is rehashed."""
    from codescale.sources import fetch

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = tmp_path / "docs"
    src.mkdir()
    for i in range(3):
        (src / f"part{i}.parquet").write_bytes(bytes([i]) * 1000)
    spec = {"kind": "documents", "langs": ["python"], "path": str(src)}
    first = fetch.local_fingerprint(spec)
    assert len(list((tmp_path / "cache" / "codescale" / "file-hashes").iterdir())) == 1
    hashed = []
    real = fetch.hash_files
    monkeypatch.setattr(fetch, "hash_files", lambda paths: hashed.extend(p.name for p in paths) or real(paths))
    assert fetch.local_fingerprint(spec) == first and hashed == []  # all from the memo
    (src / "part1.parquet").write_bytes(b"\x07" * 1000)  # same size, new content
    second = fetch.local_fingerprint(spec)
    assert second != first and hashed == ["part1.parquet"]
    (src / "part2.parquet").unlink()
    assert fetch.local_fingerprint(spec) not in (first, second)
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-such-dir")  # an unwritable cache only costs time
    assert fetch.local_fingerprint(spec) == fetch.local_fingerprint(spec)


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="apt-get is not installed")
def test_unknown_debian_package_fails_clearly(tmp_path):
    name = "codescale-no-such-package-7f3a9c"
    with pytest.raises(SourceError, match=f"source 'deb'.*{name}"):
        fetch_source("deb", {"kind": "debian_binary", "langs": ["go"], "packages": [name]},
                     tmp_path / "o")
    assert not (tmp_path / "o").exists()
