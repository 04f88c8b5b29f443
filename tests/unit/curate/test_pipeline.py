import json

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.corpus.documents import SCHEMA, doc_id
from codescale.curate.pipeline import curate_shard, summarize


def _shard(path, docs):
    rows = [{"doc_id": doc_id(c), "source": s, "repo": r, "path": p, "lang": lang, "content": c,
             "bytes": len(c.encode())} for s, r, p, lang, c in docs]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)


def test_filters_dedup_and_stats(tmp_path):
    good = "def f(x):\n    return x * 2\n\n\nprint(f(21))\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _shard(tmp_path / "a/part000.parquet", [
        ("a", "r1", "m.py", "python", good),
        ("a", "r1", "bad.py", "python", 'print "old"\n' + good),
        ("a", "r1", "x.go", "go", "package x\n"),          # another language: not read
    ])
    _shard(tmp_path / "b/part000.parquet", [("b", "r9", "copy.py", "python", good)])
    config = {"defaults": {"min_bytes": 10}}
    stats = curate_shard([tmp_path / "a", tmp_path / "b"], "part000", "python", config,
                         tmp_path / "out.parquet", tmp_path / "stats.json", threads=1)
    kept = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [(d["source"], d["path"], d["order"]) for d in kept] == [("a", "m.py", 0)]
    assert stats["dropped"]["syntax_error"]["documents"] == 1
    assert stats["dropped"]["duplicate"]["documents"] == 1
    assert stats["dropped"]["duplicate"]["examples"] == ["b:r9/copy.py"]
    assert stats["input"]["documents"] == 3
    rows = summarize([tmp_path / "stats.json"])
    by_step = {r["step"]: r for r in rows}
    assert by_step["kept"]["documents"] == 1
    assert by_step["duplicate"]["share_of_documents"] == round(1 / 3, 4)
    assert json.loads((tmp_path / "stats.json").read_text())["lang"] == "python"


def test_parallel_equals_serial(tmp_path):
    docs = [("s", "r", f"m{i}.py", "python", f"def f{i}(x):\n    return x + {i}\n" * 3)
            for i in range(200)]
    docs += [("s", "r", "bad.py", "python", "def (:\n" * 20)]
    (tmp_path / "c").mkdir()
    _shard(tmp_path / "c/part000.parquet", docs)
    cfg = {"defaults": {"min_bytes": 10}}
    s1 = curate_shard([tmp_path / "c"], "part000", "python", cfg, tmp_path / "1.parquet",
                      tmp_path / "1.json", threads=1)
    s2 = curate_shard([tmp_path / "c"], "part000", "python", cfg, tmp_path / "2.parquet",
                      tmp_path / "2.json", threads=2)
    assert s1 == s2
    assert pq.read_table(tmp_path / "1.parquet").equals(pq.read_table(tmp_path / "2.parquet"))
