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


def test_local_fingerprint_follows_content_not_mtime(tmp_path):
    import os

    from codescale.sources.fetch import local_fingerprint

    (tmp_path / "r").mkdir()
    f = tmp_path / "r" / "a.go"
    f.write_text("package a\n")
    spec = {"kind": "local", "langs": ["go"], "path": str(tmp_path)}
    before = local_fingerprint(spec)
    os.utime(f, (1, 1))
    assert local_fingerprint(spec) == before
    (tmp_path / "r" / "notes.txt").write_text("not go")
    assert local_fingerprint(spec) == before
    f.write_text("package b\n")
    assert local_fingerprint(spec) != before
    assert local_fingerprint({"kind": "npm", "langs": ["javascript"]}) == ""


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="apt-get is not installed")
def test_unknown_debian_package_fails_clearly(tmp_path):
    name = "codescale-no-such-package-7f3a9c"
    with pytest.raises(SourceError, match=f"source 'deb'.*{name}"):
        fetch_source("deb", {"kind": "debian_binary", "langs": ["go"], "packages": [name]},
                     tmp_path / "o")
    assert not (tmp_path / "o").exists()
