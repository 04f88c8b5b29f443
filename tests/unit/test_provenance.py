import pytest

from codescale import provenance


def test_hash_changes_with_module_content(tmp_path, monkeypatch):
    pkg = tmp_path / "codescale"
    (pkg / "curate").mkdir(parents=True)
    (pkg / "corpus").mkdir()
    (pkg / "curate" / "filters.py").write_text("A = 1\n")
    (pkg / "corpus" / "build.py").write_text("B = 1\n")
    monkeypatch.setattr(provenance, "PACKAGE_ROOT", pkg)
    curate, corpus = provenance.code_hash("curate"), provenance.code_hash("corpus")
    (pkg / "curate" / "filters.py").write_text("A = 2\n")
    assert provenance.code_hash("curate") != curate
    assert provenance.code_hash("corpus") == corpus


def test_real_package_and_unknown_part():
    assert len(provenance.code_hash("curate", "artifacts.py")) == 16
    with pytest.raises(FileNotFoundError, match="nothere"):
        provenance.code_hash("nothere")
