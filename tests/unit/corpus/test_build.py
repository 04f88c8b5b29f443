import json
import os

import pyarrow.parquet as pq
import pytest

from codescale.corpus.build import EmptySourceWarning, build_source_corpus
from codescale.corpus.document_files import DocumentFileError
from codescale.corpus.ledger import LedgerError
from codescale.sources import fetch_source


def _local_source(tmp_path, files, langs=("python", "go")):
    root = tmp_path / "repos"
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    root.mkdir(exist_ok=True)
    fetch_source("loc", {"kind": "local", "langs": list(langs), "path": str(root)}, tmp_path / "fetched")
    return tmp_path / "fetched"


def _balanced(counts):
    """seen = documents + Σ dropped, for the source and each language."""
    unit = counts["unit"]
    assert counts[unit] == counts["documents"] + sum(v["documents"] for v in counts["dropped"].values())
    for entry in counts["langs"].values():
        assert entry[unit] == entry["documents"] + sum(entry["dropped"].values())


def _build(fetched, out, **kw):
    kw = {"langs": ["python", "go"], "byte_caps": {"python": 10_000, "go": 10_000}, "n_shards": 2,
          "max_file_bytes": 1000, **kw}
    return build_source_corpus("loc", fetched, out, **kw)


def test_corpus_rows_counts_and_drops(tmp_path):
    fetched = _local_source(tmp_path, {
        "r1/a.py": b"def f():\n    return 1\n",
        "r1/b.py": b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
        "r1/c.py": b"\xe9t\xe9 = 1\n",          # latin-1, not UTF-8
        "r2/main.go": b"package main\n",
        "r2/big.go": b"//" + b"x" * 5000,
        "r2/notes.txt": b"not a configured language",
        "r2/.git/config": b"[core]\n",
        "loose.py": b"x = 1\n",                 # at the top of the tree: in no repository
    })
    (tmp_path / "repos/r1/link.py").symlink_to("a.py")
    (tmp_path / "repos/r2/vendor").symlink_to("../r1", target_is_directory=True)
    counts = _build(fetched, tmp_path / "corpus")
    assert {r: v["documents"] for r, v in counts["dropped"].items()} == {
        "binary": 1, "not_utf8": 1, "too_large": 1, "other_language": 1, "hidden_directory": 1,
        "not_in_repository": 1, "symlink": 2}
    assert counts["dropped"]["symlink"]["examples"] == ["r1/link.py (-> a.py)", "r2/vendor/"]
    assert counts["dropped"]["not_utf8"]["examples"] == ["r1/c.py (invalid continuation byte at byte 0)"]
    assert counts["langs"]["python"]["documents"] == 1
    assert counts["langs"]["python"]["dropped"] == {"binary": 1, "not_utf8": 1, "not_in_repository": 1,
                                                    "symlink": 1}
    assert (counts["files"], counts["documents"]) == (10, 2)
    _balanced(counts)
    rows = [r for s in ("part000", "part001") for r in
            pq.read_table(tmp_path / "corpus" / f"{s}.parquet").to_pylist()]
    assert {(r["lang"], r["repo"], r["path"]) for r in rows} == {
        ("python", "r1", "a.py"), ("go", "r2", "main.go")}
    assert json.loads((tmp_path / "corpus/counts.json").read_text()) == counts


def test_byte_cap_is_respected_deterministically(tmp_path):
    files = {f"r/m{i}.py": f"x{i} = {'1' * 100}\n".encode() for i in range(50)}
    fetched = _local_source(tmp_path, files)
    kw = dict(langs=["python"], byte_caps={"python": 1000}, n_shards=1, max_file_bytes=10_000)
    a = build_source_corpus("loc", fetched, tmp_path / "c1", **kw)
    build_source_corpus("loc", fetched, tmp_path / "c2", **kw)
    assert 1000 <= a["langs"]["python"]["bytes"] < 1200   # stops once the cap is reached
    # every file past the cap is counted, not skipped
    assert a["dropped"]["byte_cap"]["documents"] == 50 - a["langs"]["python"]["documents"]
    _balanced(a)
    assert pq.read_table(tmp_path / "c1/part000.parquet").equals(
        pq.read_table(tmp_path / "c2/part000.parquet"))


def test_utf16_and_utf32_with_a_byte_order_mark_are_documents(tmp_path):
    text = "class Program { static void Main() { } }  // é ü\n"
    fetched = _local_source(tmp_path, {
        "r/le16.go": text.encode("utf-16"),                       # BOM + little-endian
        "r/be16.go": b"\xfe\xff" + text.encode("utf-16-be"),
        "r/le32.go": text.encode("utf-32"),
        "r/bom8.go": b"\xef\xbb\xbf" + text.encode(),
        "r/odd.go": b"\xff\xfe" + text.encode("utf-16-le")[:-1],  # cut mid-character
        "r/raw16.go": text.encode("utf-16-le"),                   # NULs, no BOM: binary
    }, langs=("go",))
    counts = _build(fetched, tmp_path / "c", langs=["go"], byte_caps={"go": 10**6})
    assert counts["langs"]["go"]["documents"] == 4
    assert counts["langs"]["go"]["dropped"] == {"bad_encoding": 1, "binary": 1}
    assert "utf-16-le byte-order mark" in counts["dropped"]["bad_encoding"]["examples"][0]
    rows = pq.read_table(tmp_path / "c/part000.parquet").to_pylist() + \
        pq.read_table(tmp_path / "c/part001.parquet").to_pylist()
    assert {r["content"] for r in rows} == {text}                  # one text, no BOM left
    assert {r["bytes"] for r in rows} == {len(text.encode())}


def test_an_empty_source_and_language_are_warned_with_their_reasons(tmp_path):
    fetched = _local_source(tmp_path, {f"r/big{i}.go": b"//" + b"x" * 5000 for i in range(3)}
                            | {"r/bad.go": b"\xe9\n", "r/ok.py": b"x = 1\n"})
    with pytest.warns(EmptySourceWarning, match=r"source loc: 0 go documents of 4 go files "
                                                r"\(too_large 3, not_utf8 1\)"):
        counts = _build(fetched, tmp_path / "c")
    assert counts["warnings"] == ["source loc: 0 go documents of 4 go files (too_large 3, not_utf8 1)"]
    with pytest.warns(EmptySourceWarning, match=r"source loc: 0 documents of 5 files "
                                                r"\(too_large 4, other_language 1\)"):
        _build(fetched, tmp_path / "c2", max_file_bytes=1, langs=["go"])


def _documents_source(tmp_path, files, name="d"):
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    for file, data in files.items():
        (docs / file).write_bytes(data)
    fetch_source(name, {"kind": "documents", "langs": ["rust"], "path": str(docs)}, tmp_path / "f")
    return tmp_path / "f"


def _jsonl(*records):
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _build_docs(fetched, out, **kw):
    return build_source_corpus("d", fetched, out, langs=["rust"], byte_caps={"rust": 10**6}, n_shards=1,
                               max_file_bytes=10**6, **kw)


def test_documents_source_and_malformed_jsonl(tmp_path):
    good = {"content": "fn main() {}\n", "path": "src/main.rs", "repo_name": "me/r"}
    fetched = _documents_source(tmp_path, {"a.jsonl": _jsonl(good)})
    counts = _build_docs(fetched, tmp_path / "c")
    assert counts["langs"]["rust"]["documents"] == 1 and counts["unit"] == "records"
    assert pq.read_table(tmp_path / "c/part000.parquet").column("repo").to_pylist() == ["me/r"]

    (tmp_path / "docs/b.jsonl").write_bytes(_jsonl({"content": "fn a() {}\n", "path": "a.rs"}) + b"{broken\n")
    with pytest.raises(DocumentFileError, match=r"b.jsonl:2: malformed JSON line .*on_bad_record: skip"):
        _build_docs(fetched, tmp_path / "c3")
    assert not (tmp_path / "c3").exists()


def test_bad_records_are_skipped_and_counted_under_skip(tmp_path):
    good = {"content": "fn main() {}\n", "path": "src/main.rs", "repo": "me/r"}
    fetched = _documents_source(tmp_path, {"a.jsonl": _jsonl(good) + b"{broken\n" + b"[1, 2]\n" + b"\xff\xfe\n"
                                           + _jsonl({"path": "x.rs"}, {"content": 3, "path": "y.rs"},
                                                    {"content": "\ud800", "path": "z.rs"},
                                                    {"content": "x", "path": "n.txt"}) + b"\n"})
    with pytest.raises(DocumentFileError, match=r"a.jsonl:2: malformed JSON"):
        _build_docs(fetched, tmp_path / "c")
    counts = _build_docs(fetched, tmp_path / "c", on_bad_record="skip")
    assert counts["documents"] == 1 and counts["records"] == 8
    assert counts["dropped"]["bad_record"]["documents"] == 5
    assert counts["dropped"]["bad_record"]["examples"] == [
        f"{tmp_path}/docs/a.jsonl:2 (malformed JSON line (Expecting property name enclosed in double quotes))",
        f"{tmp_path}/docs/a.jsonl:3 (not a JSON object (list))",
        f"{tmp_path}/docs/a.jsonl:4 (not UTF-8 (invalid start byte at byte 0))"]
    assert counts["dropped"]["not_utf8"]["documents"] == 1          # the lone surrogate
    assert counts["dropped"]["other_language"]["documents"] == 1
    _balanced(counts)


def _parquet(path, n_groups=2, rows=3):
    import pyarrow as pa

    records = [{"content": f"fn f{g}_{i}() {{ let value = {g * i}; }}\n" * 20, "path": f"src/f{g}_{i}.rs",
                "repo": "me/r"} for g in range(n_groups) for i in range(rows)]
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=rows, compression="zstd")


def test_corrupt_parquet_row_group_and_truncated_file(tmp_path):
    (tmp_path / "docs").mkdir()
    _parquet(tmp_path / "docs/good.parquet")
    _parquet(tmp_path / "docs/corrupt.parquet")
    meta = pq.ParquetFile(tmp_path / "docs/corrupt.parquet").metadata.row_group(0).column(0)
    data = bytearray((tmp_path / "docs/corrupt.parquet").read_bytes())
    start = meta.data_page_offset + 20
    data[start:start + 40] = b"\xab" * 40  # inside the first row group's content pages
    (tmp_path / "docs/corrupt.parquet").write_bytes(bytes(data))
    whole = (tmp_path / "docs/good.parquet").read_bytes()
    (tmp_path / "docs/truncated.parquet").write_bytes(whole[:len(whole) // 2])
    fetched = _documents_source(tmp_path, {})

    with pytest.raises(DocumentFileError, match=r"corrupt.parquet row group 0: unreadable \(3 rows"):
        _build_docs(fetched, tmp_path / "c")
    os.remove(tmp_path / "docs/corrupt.parquet")
    with pytest.raises(DocumentFileError, match=r"truncated.parquet: unreadable Parquet file"):
        _build_docs(fetched, tmp_path / "c")
    (tmp_path / "docs/corrupt.parquet").write_bytes(bytes(data))
    counts = _build_docs(fetched, tmp_path / "c", on_bad_record="skip")
    assert counts["documents"] == 6 + 3                              # good.parquet, and corrupt's second group
    assert counts["dropped"]["bad_record"]["documents"] == 3 + 1     # one row group, one file of unknown rows
    _balanced(counts)


def test_parquet_without_the_columns_is_always_an_error(tmp_path):
    import pyarrow as pa

    (tmp_path / "docs").mkdir()
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "docs/other.parquet")
    fetched = _documents_source(tmp_path, {})
    with pytest.raises(DocumentFileError, match=r"other.parquet: document files need `path` and `content` columns"):
        _build_docs(fetched, tmp_path / "c", on_bad_record="skip")


def test_the_balance_check_names_the_source(tmp_path, monkeypatch):
    import codescale.corpus.build as build

    fetched = _local_source(tmp_path, {"r/a.py": b"x = 1\n", "r/b.py": b"y = 2\n"})
    real = build._Counts.drop

    def forgetful(self, lang, reason, *args, **kw):  # a drop that counts nothing: the bug the check catches
        if reason != "byte_cap":
            return real(self, lang, reason, *args, **kw)

    monkeypatch.setattr(build._Counts, "drop", forgetful)
    with pytest.raises(LedgerError, match=r"corpus loc \(python\): 2 documents in, but 1 kept \+ 0 dropped"):
        _build(fetched, tmp_path / "c", byte_caps={"python": 1, "go": 1})
    assert not (tmp_path / "c").exists()


def test_gzipped_json_lines_and_a_cut_gzip_stream(tmp_path):
    import gzip

    good = _jsonl(*({"content": f"fn f{i}() {{}}\n" * 50, "path": f"f{i}.rs", "repo": "r"} for i in range(40)))
    packed = gzip.compress(good)
    fetched = _documents_source(tmp_path, {"a.jsonl.gz": packed, "b.json": _jsonl({"content": "fn b() {}\n",
                                                                                   "path": "b.rs"})})
    assert _build_docs(fetched, tmp_path / "c")["documents"] == 41
    (tmp_path / "docs/a.jsonl.gz").write_bytes(packed[:len(packed) // 2])
    with pytest.raises(DocumentFileError, match=r"a.jsonl.gz:\d+: unreadable from this line on"):
        _build_docs(fetched, tmp_path / "c2")
    counts = _build_docs(fetched, tmp_path / "c2", on_bad_record="skip")
    assert counts["dropped"]["bad_record"]["documents"] == 1 and 1 < counts["documents"] < 41
    _balanced(counts)
