import json

import pyarrow.parquet as pq
import pytest

from codescale.corpus.build import CorpusError, build_source_corpus, decode
from codescale.sources import fetch_source


def _local_source(tmp_path, files):
    root = tmp_path / "repos"
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    fetch_source("loc", {"kind": "local", "langs": ["python", "go"], "path": str(root)},
                 tmp_path / "fetched")
    return tmp_path / "fetched"


def test_decode_reasons():
    assert decode(b"x = 1\n") == ("x = 1\n", None)
    assert decode(b"\xff\xfe bad") == (None, "not_utf8")
    assert decode(b"ELF\x00\x01") == (None, "binary")
    assert decode(b"  \n") == (None, "empty")
    assert decode("\ufeffx".encode()) == ("x", None)


def test_corpus_rows_counts_and_drops(tmp_path):
    fetched = _local_source(tmp_path, {
        "r1/a.py": b"def f():\n    return 1\n",
        "r1/b.py": b"\xff\xfe\x00binary",
        "r1/c.py": b"\xe9t\xe9 = 1\n",          # latin-1, not UTF-8
        "r2/main.go": b"package main\n",
        "r2/big.go": b"//" + b"x" * 5000,
        "r2/notes.txt": b"ignored: not a configured language",
    })
    counts = build_source_corpus("loc", fetched, tmp_path / "corpus", langs=["python", "go"],
                                 byte_caps={"python": 10_000, "go": 10_000}, n_shards=2,
                                 max_file_bytes=1000)
    assert counts["dropped"] == {"binary": 1, "not_utf8": 1, "too_large": 1}
    assert counts["langs"]["python"]["documents"] == 1
    rows = [r for s in ("part000", "part001") for r in
            pq.read_table(tmp_path / "corpus" / f"{s}.parquet").to_pylist()]
    assert {(r["lang"], r["repo"], r["path"]) for r in rows} == {
        ("python", "r1", "a.py"), ("go", "r2", "main.go")}
    assert json.loads((tmp_path / "corpus/counts.json").read_text())["source"] == "loc"


def test_byte_cap_is_respected_deterministically(tmp_path):
    files = {f"r/m{i}.py": f"x{i} = {'1' * 100}\n".encode() for i in range(50)}
    fetched = _local_source(tmp_path, files)
    kw = dict(langs=["python"], byte_caps={"python": 1000}, n_shards=1, max_file_bytes=10_000)
    a = build_source_corpus("loc", fetched, tmp_path / "c1", **kw)
    build_source_corpus("loc", fetched, tmp_path / "c2", **kw)
    assert 1000 <= a["langs"]["python"]["bytes"] < 1200   # stops once the cap is reached
    assert pq.read_table(tmp_path / "c1/part000.parquet").equals(
        pq.read_table(tmp_path / "c2/part000.parquet"))


def test_documents_source_and_malformed_jsonl(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text(json.dumps({"content": "fn main() {}\n", "path": "src/main.rs",
                                              "repo_name": "me/r"}) + "\n")
    fetch_source("d", {"kind": "documents", "langs": ["rust"], "path": str(docs)}, tmp_path / "f")
    counts = build_source_corpus("d", tmp_path / "f", tmp_path / "c", langs=["rust"],
                                 byte_caps={"rust": 10**6}, n_shards=1, max_file_bytes=10**6)
    assert counts["langs"]["rust"]["documents"] == 1
    assert pq.read_table(tmp_path / "c/part000.parquet").column("repo").to_pylist() == ["me/r"]

    (docs / "b.jsonl").write_text("{broken\n")
    with pytest.raises(CorpusError, match=r"b.jsonl:1: malformed JSON"):
        build_source_corpus("d", tmp_path / "f", tmp_path / "c3", langs=["rust"],
                            byte_caps={"rust": 10**6}, n_shards=1, max_file_bytes=10**6)
    assert not (tmp_path / "c3").exists()
