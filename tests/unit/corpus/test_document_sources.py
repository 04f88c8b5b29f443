"""Documents sources as the paper's data ships them, made here: FineWeb-Edu-shaped (a `text`
column, no paths), Stack-v2-shaped (rows naming gzip blobs in a content store), any mix of Parquet
and JSON lines; and the streaming byte cap, which takes what ranking every document would."""

import gzip
import hashlib
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.corpus import build as build_module
from codescale.corpus.build import _rank, build_source_corpus
from codescale.corpus.document_files import DocumentFileError
from codescale.sources import fetch_source


def _source(tmp_path, spec_langs, files, name="d"):
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for rel, writer in files.items():
        writer(docs / rel)
    fetch_source(name, {"kind": "documents", "langs": spec_langs, "path": str(docs)}, tmp_path / "f")
    return tmp_path / "f"


def _rows(out):
    return [r for p in sorted(out.glob("part*.parquet")) for r in pq.read_table(p).to_pylist()]


def _balanced(counts):
    assert counts["records"] == counts["documents"] + sum(v["documents"] for v in counts["dropped"].values())


def _fineweb_rows(start, n):
    return [{"text": f"Lesson {i}. The water cycle moves water between the sea and the sky.\n" * 3,
             "id": f"<urn:uuid:{i:08d}>", "url": f"https://example.org/{i}", "score": 3.1} for i in range(start, n)]


def test_a_fineweb_edu_shaped_source_has_text_ids_and_no_paths(tmp_path):
    def parquet(path):
        pq.write_table(pa.Table.from_pylist(_fineweb_rows(0, 6)), path, row_group_size=4)

    def jsonl(path):
        path.write_text("".join(json.dumps(r) + "\n" for r in _fineweb_rows(6, 8) + [{"text": "   ", "id": "e"}]))

    fetched = _source(tmp_path, ["text"], {"a.parquet": parquet, "b.jsonl": jsonl})
    spec = {"columns": {"content": "text", "path": None, "id": "id"}, "lang": "text"}
    counts = build_source_corpus("fw", fetched, tmp_path / "c", langs=["text"], byte_caps={"text": 10**6},
                                 n_shards=2, max_file_bytes=10**6, record_spec=spec)
    assert (counts["records"], counts["documents"]) == (9, 8)
    assert counts["dropped"]["empty"]["documents"] == 1
    rows = _rows(tmp_path / "c")
    assert {r["path"] for r in rows} == {f"<urn:uuid:{i:08d}>" for i in range(8)}
    assert {r["lang"] for r in rows} == {"text"} and {r["repo"] for r in rows} == {"unknown"}
    _balanced(counts)

    # without an id column, a record's synthetic path is its file and row, stable across rebuilds
    spec = {"columns": {"content": "text", "path": None}, "lang": "text"}
    counts = build_source_corpus("fw", fetched, tmp_path / "c2", langs=["text"], byte_caps={"text": 10**6},
                                 n_shards=1, max_file_bytes=10**6, record_spec=spec)
    paths = sorted(r["path"] for r in _rows(tmp_path / "c2"))
    assert paths[:2] == ["a.parquet#0", "a.parquet#1"] and "a.parquet#5" in paths and "b.jsonl#1" in paths


def test_a_source_without_the_mapped_column_names_it(tmp_path):
    fetched = _source(tmp_path, ["text"], {"a.parquet": lambda p: pq.write_table(
        pa.Table.from_pylist(_fineweb_rows(0, 2)), p)})
    with pytest.raises(DocumentFileError, match=r"a.parquet: document files need `body` column, found"):
        build_source_corpus("fw", fetched, tmp_path / "c", langs=["text"], byte_caps={"text": 10**6}, n_shards=1,
                            max_file_bytes=10**6, record_spec={"columns": {"content": "body", "path": None},
                                                               "lang": "text"})
    assert not (tmp_path / "c").exists()


def _blob_id(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()


def test_a_stack_v2_shaped_source_joins_gzip_blobs_while_streaming(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    files = {
        "ok.py": ("me/a", b"def f():\n    return 1\n", "UTF-8"),
        "latin.py": ("me/a", "s = 'café'\n".encode("latin-1"), "ISO-8859-1"),
        "gone.py": ("me/b", b"x = 1\n", "UTF-8"),             # its blob is not in the store
        "huge.py": ("me/b", b"y = 2\n" * 1000, "UTF-8"),      # over max_file_bytes by its length: never read
        "Main.java": ("me/c", b"class Main {}\n", "UTF-8"),   # not a language of the source
    }
    rows = []
    for path, (repo, content, enc) in files.items():
        blob = _blob_id(content)
        if path not in ("gone.py", "huge.py"):
            with gzip.open(store / blob, "wb") as fh:
                fh.write(content)
        rows.append({"blob_id": blob, "path": path, "repo_name": repo, "length_bytes": len(content),
                     "src_encoding": enc, "language": "Python"})

    fetched = _source(tmp_path, ["python"], {"rows.parquet": lambda p: pq.write_table(pa.Table.from_pylist(rows), p)})
    spec = {"columns": {"repo": "repo_name", "length": "length_bytes", "encoding": "src_encoding"},
            "blobs": {"path": str(store)}}
    counts = build_source_corpus("stack", fetched, tmp_path / "c", langs=["python"], byte_caps={"python": 10**6},
                                 n_shards=2, max_file_bytes=1000, record_spec=spec)
    got = {r["path"]: r["content"] for r in _rows(tmp_path / "c")}
    assert got == {"ok.py": "def f():\n    return 1\n", "latin.py": "s = 'café'\n"}
    dropped = {r: v["documents"] for r, v in counts["dropped"].items()}
    assert dropped == {"missing_blob": 1, "too_large": 1, "other_language": 1}
    assert counts["dropped"]["missing_blob"]["examples"][0].startswith(f"me/b/gone.py (blob {rows[2]['blob_id']}")
    _balanced(counts)


def test_a_corrupt_blob_is_a_bad_record(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "abc").write_bytes(b"\x1f\x8b not really gzip")
    fetched = _source(tmp_path, ["python"], {"rows.jsonl": lambda p: p.write_text(
        json.dumps({"blob_id": "abc", "path": "a.py", "repo_name": "r"}) + "\n")})
    spec = {"columns": {"repo": "repo_name"}, "blobs": {"path": str(store)}}
    kw = dict(langs=["python"], byte_caps={"python": 10**6}, n_shards=1, max_file_bytes=1000, record_spec=spec)
    with pytest.raises(DocumentFileError, match=r"rows.jsonl:1: .*store/abc: unreadable blob"):
        build_source_corpus("stack", fetched, tmp_path / "c", **kw)
    with pytest.warns(build_module.EmptySourceWarning, match="bad_record 1"):
        counts = build_source_corpus("stack", fetched, tmp_path / "c", on_bad_record="skip", **kw)
    assert counts["dropped"]["bad_record"]["documents"] == 1 and counts["documents"] == 0


def _code_rows(n):
    return [{"content": f"x_{i} = {'7' * (20 + (i * 37) % 200)}\n", "path": f"m{i}.py", "repo": f"r{i % 5}"}
            for i in range(n)]


def test_the_streaming_cap_takes_the_lowest_ranked_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "ROW_GROUP_BYTES", 2000)  # many row groups, and evictions to rewrite
    rows = _code_rows(400)
    fetched = _source(tmp_path, ["python"], {"a.parquet": lambda p: pq.write_table(
        pa.Table.from_pylist(rows), p, row_group_size=37)})
    cap = 6000
    kw = dict(langs=["python"], byte_caps={"python": cap}, n_shards=3, max_file_bytes=10**6)
    counts = build_source_corpus("d", fetched, tmp_path / "c", **kw)
    taken = {r["path"] for r in _rows(tmp_path / "c")}
    # the reference: rank every document, take them in rank order until the cap is reached
    ranked = sorted(rows, key=lambda r: _rank(f"{r['repo']}/{r['path']}"))
    total, expected = 0, set()
    for r in ranked:
        if total >= cap:
            break
        expected.add(r["path"])
        total += len(r["content"])
    assert taken == expected
    assert counts["langs"]["python"]["bytes"] == total
    assert counts["dropped"]["byte_cap"]["documents"] == 400 - len(expected)
    _balanced(counts)

    # the same documents in another order are the same sample; a larger cap keeps every one of them
    fetched2 = _source(tmp_path / "rev", ["python"], {"a.jsonl": lambda p: p.write_text(
        "".join(json.dumps(r) + "\n" for r in reversed(rows)))})
    build_source_corpus("d", fetched2, tmp_path / "c2", **kw)
    assert {r["path"] for r in _rows(tmp_path / "c2")} == taken
    build_source_corpus("d", fetched, tmp_path / "c3", **{**kw, "byte_caps": {"python": 2 * cap}})
    assert taken < {r["path"] for r in _rows(tmp_path / "c3")}
