import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.corpus.documents import SCHEMA, doc_id
from codescale.corpus.ledger import LedgerError
from codescale.curate.assembly import assemble_shard
from codescale.curate.evaluation_data import evaluation_texts, index_evaluation_data
from codescale.curate.filtering import filter_shard, repo_shard
from codescale.curate.ledger import CurationError
from codescale.curate.near_duplicates import find_near_duplicates
from tests.unit.curate.settings import curate_config

CONFIG = curate_config(defaults={"min_bytes": 10}, near_dedup={"threshold": 0.7}, decontaminate={"min_matches": 1})


def _shard(path, docs):
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"doc_id": doc_id(c), "source": s, "repo": r, "path": p, "lang": lang, "content": c,
             "bytes": len(c.encode())} for s, r, p, lang, c in docs]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)


def _filtered(tmp_path, docs, config=CONFIG, n_shards=1, lang="python"):
    _shard(tmp_path / "corpus/part000.parquet", docs)
    out = tmp_path / "f"
    filter_shard([tmp_path / "corpus"], "part000", lang, config, n_shards=n_shards, out_parquet=out / "p.parquet",
                 out_stats=out / "p.json", out_flagged=out / "p.flagged.parquet")
    return [out / "p.parquet"]


def _assemble(tmp_path, filtered, near=None, index=None, shard="part000", config=CONFIG, name="cur", lang="python"):
    return assemble_shard(filtered, near, index, shard, lang, config, out_parquet=tmp_path / f"{name}.parquet",
                          out_stats=tmp_path / f"{name}.json", out_flagged=tmp_path / f"{name}.flagged.parquet")


def _function(name, body_lines):
    return f"def {name}(values):\n" + "".join(f"    total_{i} = sum(v * {i} for v in values)\n"
                                                for i in body_lines) + "    return values\n"


def _balanced(stats):
    for key in ("documents", "bytes"):
        assert stats["input"][key] == stats["kept"][key] + sum(v[key] for v in stats["dropped"].values())


def test_near_duplicates_contamination_and_dependency_order(tmp_path):
    base = _function("compute", range(40))
    near = base.replace("total_39 = sum(v * 39", "total_39 = sum(v * 390")  # one token of ~400 changed
    item, leaked = next((i, t) for i, t in evaluation_texts(humaneval=True) if i == "HumanEval/0")
    filtered = _filtered(tmp_path, [
        ("s", "repo1", "pkg/util.py", "python", _function("helper", range(3))),
        ("s", "repo1", "pkg/main.py", "python", "from pkg.util import helper\n\nprint(helper([1]))\n"),
        ("s", "repo2", "a.py", "python", base),
        ("s", "repo3", "b.py", "python", near),                  # near duplicate of repo2/a.py: dropped
        ("s", "repo4", "leak.py", "python", "import math\n\n" + leaked),    # HumanEval/0 inside: dropped
    ])
    find_near_duplicates(filtered, tmp_path / "near.parquet", CONFIG)
    index = tmp_path / "eval.npz"
    assert index_evaluation_data(index, ngram=10, humaneval=True)["items"] == 164
    result = _assemble(tmp_path, filtered, tmp_path / "near.parquet", index)
    assert result["dropped"]["near_duplicate"]["documents"] == 1
    assert result["dropped"]["contaminated"]["examples"] == [f"s:repo4/leak.py (overlaps {item})"]
    assert result["noted"] == {}
    _balanced(result)
    rows = pq.read_table(tmp_path / "cur.parquet").to_pylist()
    assert [(d["repo"], d["path"], d["order"]) for d in rows] == [
        ("repo1", "pkg/util.py", 0), ("repo1", "pkg/main.py", 1), ("repo2", "a.py", 0)]
    flagged = pq.read_table(tmp_path / "cur.flagged.parquet").to_pylist()
    assert sorted(f["reason"] for f in flagged) == ["contaminated", "near_duplicate"]

    # Repository-level documents: one per repository, files in dependency order with path headers.
    _assemble(tmp_path, filtered, tmp_path / "near.parquet", index, config={**CONFIG, "documents": "repository"},
              name="repo")
    repo1 = pq.read_table(tmp_path / "repo.parquet").to_pylist()[0]
    assert repo1["repo"] == "repo1" and repo1["doc_id"] == doc_id(repo1["content"])
    assert repo1["content"].index("pkg/util.py") < repo1["content"].index("pkg/main.py")


def test_checks_that_ran_are_reported_at_zero_and_others_not(tmp_path):
    filtered = _filtered(tmp_path, [("s", "r", "a.py", "python", "x = 1\nprint(x)\n")])
    find_near_duplicates(filtered, tmp_path / "near.parquet", CONFIG)
    assert _assemble(tmp_path, filtered, tmp_path / "near.parquet")["dropped"] == {
        "near_duplicate": {"documents": 0, "bytes": 0, "examples": []}}
    assert _assemble(tmp_path, filtered, name="none")["dropped"] == {}


def test_repository_shards_partition_the_rows(tmp_path):
    docs = [("s", f"repo{i}", f"m{j}.py", "python", f"x_{i}_{j} = {i * j}\nprint(x_{i}_{j})\n")
            for i in range(12) for j in range(3)]
    config = curate_config(defaults={"min_bytes": 10}, near_dedup={"enabled": False}, decontaminate={"enabled": False})
    filtered = _filtered(tmp_path, docs, config, n_shards=3)
    seen = []
    for k in range(3):
        _balanced(_assemble(tmp_path, filtered, shard=f"part{k:03d}", config=config, name=str(k)))
        rows = pq.read_table(tmp_path / f"{k}.parquet").to_pylist()
        assert all(repo_shard("s", r["repo"], 3) == k for r in rows)
        seen += [(r["repo"], r["path"]) for r in rows]
    assert sorted(seen) == sorted((f"repo{i}", f"m{j}.py") for i in range(12) for j in range(3))


def test_a_failed_dependency_analysis_keeps_the_file_and_counts_it(tmp_path, monkeypatch):
    import codescale.curate.dependencies as dependencies

    docs = [("s", "r", "pkg/util.py", "python", _function("helper", range(3))),
            ("s", "r", "pkg/main.py", "python", "from pkg.util import helper\n\nprint(helper([1]))\n"),
            ("s", "r", "pkg/odd.py", "python", "import pkg.util\n\nvalue = 1\nprint(value)\n")]
    filtered = _filtered(tmp_path, docs)
    real = dependencies._SPECS["python"]

    def brittle(node):  # an analysis bug on one file's import statement
        if dependencies._text(node).startswith("import pkg.util"):
            raise IndexError("list index out of range")
        return real(node)

    monkeypatch.setitem(dependencies._SPECS, "python", brittle)
    stats = _assemble(tmp_path, filtered)
    assert stats["noted"] == {"dependency_analysis_error": {
        "documents": 1, "bytes": len(docs[2][4]),
        "examples": ["s:r/pkg/odd.py (IndexError: list index out of range)"]}}
    assert stats["dropped"] == {} and stats["kept"]["documents"] == 3
    rows = pq.read_table(tmp_path / "cur.parquet").to_pylist()
    paths = [r["path"] for r in rows]
    assert sorted(paths) == ["pkg/main.py", "pkg/odd.py", "pkg/util.py"]     # kept
    assert paths.index("pkg/util.py") < paths.index("pkg/main.py")          # the others still ordered


def test_unreadable_inputs_name_the_file(tmp_path):
    filtered = _filtered(tmp_path, [("s", "r", "a.py", "python", "x = 1\nprint(x)\n")])
    (tmp_path / "near.parquet").write_bytes(b"nope")
    with pytest.raises(CurationError, match=r"near.parquet: unreadable near-duplicate table"):
        _assemble(tmp_path, filtered, tmp_path / "near.parquet")
    (tmp_path / "eval.npz").write_bytes(b"nope")
    with pytest.raises(CurationError, match=r"eval.npz: unreadable evaluation index"):
        _assemble(tmp_path, filtered, None, tmp_path / "eval.npz")
    with pytest.raises(CurationError, match=r"missing.parquet: unreadable filtered shard"):
        _assemble(tmp_path, [tmp_path / "missing.parquet"])


def test_a_step_that_loses_a_document_fails_its_balance(tmp_path, monkeypatch):
    from codescale.curate.ledger import CurationLedger

    filtered = _filtered(tmp_path, [("s", "r", "a.py", "python", "x = 1\nprint(x)\n")])
    doc = pq.read_table(filtered[0]).column("doc_id")[0].as_py()
    near = tmp_path / "near.parquet"  # the document listed as a near duplicate, so it is dropped
    pq.write_table(pa.table({"doc_id": [doc], "duplicate_of": [doc], "example": ["r/x.py"]}), near)
    monkeypatch.setattr(CurationLedger, "drop", lambda self, doc, reason, detail="": None)
    with pytest.raises(LedgerError, match=r"assemble python/part000: 1 documents in, but 0 kept \+ 0 dropped"):
        _assemble(tmp_path, filtered, near)
    assert not (tmp_path / "cur.parquet").exists()
