import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.corpus.documents import SCHEMA, doc_id
from codescale.curate.pipeline import (
    assemble_shard,
    evaluation_texts,
    filter_shard,
    find_near_duplicates,
    index_evaluation_data,
    repo_shard,
    step_config,
    summarize,
)

CONFIG = {"defaults": {"min_bytes": 10}, "near_dedup": {"threshold": 0.7}, "decontaminate": {"min_matches": 1}}


def _shard(path, docs):
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"doc_id": doc_id(c), "source": s, "repo": r, "path": p, "lang": lang, "content": c,
             "bytes": len(c.encode())} for s, r, p, lang, c in docs]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)


def _filter(tmp_path, corpus_dirs, shard="part000", lang="python", config=CONFIG, threads=1, name="f"):
    out = tmp_path / name
    return filter_shard(corpus_dirs, shard, lang, config, n_shards=1, out_parquet=out / f"{shard}.parquet",
                        out_stats=out / f"{shard}.json", out_flagged=out / f"{shard}.flagged.parquet",
                        threads=threads), out


def test_filters_dedup_ruff_and_flagged(tmp_path):
    good = "def f(x):\n    return x * 2\n\n\nprint(f(21))\n"
    _shard(tmp_path / "a/part000.parquet", [
        ("a", "r1", "m.py", "python", good),
        ("a", "r1", "bad.py", "python", 'print "old"\n' + good),
        ("a", "r1", "undef.py", "python", "def g():\n    return missing_name + 1\n"),
        ("a", "r1", "ws.py", "python", "value = 1   \n\n\n\n\nresult = value\n"),
        ("a", "r1", "x.go", "go", "package x\n"),          # another language: not read
    ])
    _shard(tmp_path / "b/part000.parquet", [("b", "r9", "copy.py", "python", good)])
    stats, out = _filter(tmp_path, [tmp_path / "a", tmp_path / "b"], config={**CONFIG, "keep_flagged": True})
    kept = pq.read_table(out / "part000.parquet").to_pylist()
    assert [(d["source"], d["path"]) for d in kept] == [("a", "m.py"), ("a", "ws.py")]
    fixed = kept[1]
    assert fixed["content"] == "value = 1\n\n\nresult = value\n"           # whitespace and blank lines fixed by Ruff
    assert fixed["doc_id"] == doc_id(fixed["content"]) and fixed["bytes"] == len(fixed["content"])
    assert {k for k in kept[0] if k.startswith("band")} and kept[0]["repo_shard"] == 0
    assert stats["ruff_fixed"] == {"documents": 1, "bytes_removed": 5}
    dropped = stats["dropped"]
    assert dropped["syntax_error"]["documents"] == 1
    assert dropped["undefined_name"]["documents"] == 1
    assert "missing_name" in dropped["undefined_name"]["examples"][0]
    assert dropped["duplicate"]["examples"] == ["b:r9/copy.py"]
    assert stats["input"]["documents"] == 5
    flagged = pq.read_table(out / "part000.flagged.parquet").to_pylist()
    assert sorted(f["reason"] for f in flagged) == ["duplicate", "syntax_error", "undefined_name"]
    assert all(f["content"] for f in flagged)               # keep-and-flag: the dropped text is there


def test_parallel_equals_serial(tmp_path):
    docs = [("s", "r", f"m{i}.py", "python", f"def f{i}(x):\n    return x + {i}   \n" * 3) for i in range(300)]
    docs += [("s", "r", "bad.py", "python", "def (:\n" * 20)]
    _shard(tmp_path / "c/part000.parquet", docs)
    s1, o1 = _filter(tmp_path, [tmp_path / "c"], threads=1, name="one")
    s2, o2 = _filter(tmp_path, [tmp_path / "c"], threads=2, name="two")
    assert s1 == s2
    assert pq.read_table(o1 / "part000.parquet").equals(pq.read_table(o2 / "part000.parquet"))


def _function(name, body_lines):
    return f"def {name}(values):\n" + "".join(f"    total_{i} = sum(v * {i} for v in values)\n"
                                                for i in body_lines) + "    return values\n"


def test_near_duplicates_contamination_and_dependency_order(tmp_path):
    base = _function("compute", range(40))
    near = base.replace("total_39 = sum(v * 39", "total_39 = sum(v * 390")  # one token of ~400 changed
    humaneval = evaluation_texts(humaneval=True)
    item, leaked = next((i, t) for i, t in humaneval if i == "HumanEval/0")
    docs = [
        ("s", "repo1", "pkg/util.py", "python", _function("helper", range(3))),
        ("s", "repo1", "pkg/main.py", "python", "from pkg.util import helper\n\nprint(helper([1]))\n"),
        ("s", "repo2", "a.py", "python", base),
        ("s", "repo3", "b.py", "python", near),                  # near duplicate of repo2/a.py: dropped
        ("s", "repo4", "leak.py", "python", "import math\n\n" + leaked),    # HumanEval/0 inside: dropped
    ]
    _shard(tmp_path / "corpus/part000.parquet", docs)
    stats, out = _filter(tmp_path, [tmp_path / "corpus"])
    assert stats["kept"]["documents"] == 5
    filtered = [out / "part000.parquet"]
    found = find_near_duplicates(filtered, tmp_path / "near.parquet", CONFIG)
    assert (found["near_duplicates"], found["clusters"]) == (1, 1)
    near_rows = pq.read_table(tmp_path / "near.parquet").to_pylist()
    assert near_rows[0]["doc_id"] == doc_id(near) and near_rows[0]["example"] == "repo2/a.py"

    index = tmp_path / "eval.npz"
    assert index_evaluation_data(index, ngram=10, humaneval=True)["items"] == 164
    result = assemble_shard(filtered, tmp_path / "near.parquet", index, "part000", "python", CONFIG,
                            out_parquet=tmp_path / "cur.parquet", out_stats=tmp_path / "cur.json",
                            out_flagged=tmp_path / "cur.flagged.parquet")
    assert result["dropped"]["near_duplicate"]["documents"] == 1
    assert result["dropped"]["contaminated"]["examples"] == [f"s:repo4/leak.py (overlaps {item})"]
    rows = pq.read_table(tmp_path / "cur.parquet").to_pylist()
    assert [(d["repo"], d["path"], d["order"]) for d in rows] == [
        ("repo1", "pkg/util.py", 0), ("repo1", "pkg/main.py", 1), ("repo2", "a.py", 0)]

    # Repository-level documents: one per repository, files in dependency order with path headers.
    repo_config = {**CONFIG, "documents": "repository"}
    assemble_shard(filtered, tmp_path / "near.parquet", index, "part000", "python", repo_config,
                   out_parquet=tmp_path / "repo.parquet", out_stats=tmp_path / "repo.json",
                   out_flagged=tmp_path / "repo.flagged.parquet")
    repo1 = pq.read_table(tmp_path / "repo.parquet").to_pylist()[0]
    assert repo1["repo"] == "repo1" and repo1["doc_id"] == doc_id(repo1["content"])
    assert repo1["content"].index("pkg/util.py") < repo1["content"].index("pkg/main.py")

    rows = {(r["step"]): r for r in summarize([out / "part000.json", tmp_path / "cur.json"])}
    assert rows["input"]["documents"] == 5 and rows["kept"]["documents"] == 3
    assert rows["near_duplicate"]["documents"] == rows["contaminated"]["documents"] == 1
    assert rows["contaminated"]["examples"].startswith("s:repo4/leak.py")


def test_repository_shards_partition_the_rows(tmp_path):
    docs = [("s", f"repo{i}", f"m{j}.py", "python", f"x_{i}_{j} = {i * j}\nprint(x_{i}_{j})\n")
            for i in range(12) for j in range(3)]
    _shard(tmp_path / "c/part000.parquet", docs)
    config = {**CONFIG, "near_dedup": {"enabled": False}, "decontaminate": {"enabled": False}}
    out = tmp_path / "f"
    filter_shard([tmp_path / "c"], "part000", "python", config, n_shards=3, out_parquet=out / "p.parquet",
                 out_stats=out / "p.json", out_flagged=out / "p.flagged.parquet")
    assert pq.ParquetFile(out / "p.parquet").num_row_groups == len({repo_shard("s", f"repo{i}", 3)
                                                                   for i in range(12)})
    seen = []
    for k in range(3):
        assemble_shard([out / "p.parquet"], None, None, f"part{k:03d}", "python", config,
                       out_parquet=tmp_path / f"{k}.parquet", out_stats=tmp_path / f"{k}.json",
                       out_flagged=tmp_path / f"{k}.flagged.parquet")
        rows = pq.read_table(tmp_path / f"{k}.parquet").to_pylist()
        assert all(repo_shard("s", r["repo"], 3) == k for r in rows)
        seen += [(r["repo"], r["path"]) for r in rows]
    assert sorted(seen) == sorted((f"repo{i}", f"m{j}.py") for i in range(12) for j in range(3))


def test_step_config_splits_the_curate_config():
    config = {"defaults": {}, "languages": {}, "ruff": {}, "near_dedup": {}, "decontaminate": {},
              "dependency_order": True, "documents": "file", "keep_flagged": False}
    assert "decontaminate" not in step_config(config, "filter")
    assert set(step_config(config, "near_dedup")) == {"near_dedup"}
    assert "defaults" not in step_config(config, "assemble")


def test_unreadable_shard_names_the_file(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c/part000.parquet").write_bytes(b"not parquet")
    with pytest.raises(RuntimeError, match="part000.parquet: unreadable corpus shard"):
        _filter(tmp_path, [tmp_path / "c"])


def test_summary_counts_input_once_and_kept_from_the_last_step(tmp_path):
    filter_stats = {"step": "filter", "lang": "go", "input": {"documents": 10, "bytes": 1000},
                    "kept": {"documents": 8, "bytes": 800},
                    "dropped": {"syntax_error": {"documents": 2, "bytes": 200, "examples": ["s:r/a.go"]}}}
    final = {"step": "assemble", "lang": "go", "input": {"documents": 8, "bytes": 800},
             "kept": {"documents": 7, "bytes": 700},
             "dropped": {"near_duplicate": {"documents": 1, "bytes": 100, "examples": []}}}
    (tmp_path / "f.json").write_text(json.dumps(filter_stats))
    (tmp_path / "a.json").write_text(json.dumps(final))
    rows = {r["step"]: r for r in summarize([tmp_path / "f.json", tmp_path / "a.json"])}
    assert rows["input"]["documents"] == 10 and rows["kept"]["documents"] == 7
    assert rows["syntax_error"]["share_of_bytes"] == 0.2 and rows["syntax_error"]["examples"] == "s:r/a.go"
