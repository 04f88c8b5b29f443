import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.corpus.documents import SCHEMA, doc_id
from codescale.curate.filtering import filter_shard
from codescale.curate.ledger import CurationError
from codescale.curate.minhash_columns import band_columns, minhash_params
from codescale.curate.near_duplicates import find_near_duplicates
from tests.unit.curate.settings import curate_config

CONFIG = curate_config(defaults={"min_bytes": 10}, near_dedup={"threshold": 0.7})


def _function(name, body_lines):
    return f"def {name}(values):\n" + "".join(f"    total_{i} = sum(v * {i} for v in values)\n"
                                                for i in body_lines) + "    return values\n"


def _filtered(tmp_path, shard, docs):
    path = tmp_path / "corpus" / f"{shard}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"doc_id": doc_id(c), "source": "s", "repo": r, "path": p, "lang": "python", "content": c,
             "bytes": len(c.encode())} for r, p, c in docs]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    out = tmp_path / "f" / f"{shard}.parquet"
    filter_shard([tmp_path / "corpus"], shard, "python", CONFIG, n_shards=1, out_parquet=out,
                 out_stats=tmp_path / "f" / f"{shard}.json", out_flagged=tmp_path / "f" / f"{shard}.flagged.parquet")
    return out


def test_near_duplicates_across_shards(tmp_path):
    base = _function("compute", range(40))
    near = base.replace("total_39 = sum(v * 39", "total_39 = sum(v * 390")
    a = _filtered(tmp_path, "part000", [("repo2", "a.py", base), ("repo1", "other.py", _function("g", range(9)))])
    b = _filtered(tmp_path, "part001", [("repo3", "b.py", near)])
    found = find_near_duplicates([a, b], tmp_path / "near.parquet", CONFIG)
    assert (found["documents"], found["near_duplicates"], found["clusters"]) == (3, 1, 1)
    rows = pq.read_table(tmp_path / "near.parquet").to_pylist()
    assert rows == [{"doc_id": doc_id(near), "duplicate_of": doc_id(base), "example": "repo2/a.py"}]


def test_minhash_columns_follow_the_config():
    params = minhash_params(CONFIG)
    assert params["bands"] * params["rows"] <= 112 and band_columns(2) == ["band00", "band01"]
    assert minhash_params(curate_config(near_dedup={"enabled": False})) is None


def test_unreadable_filtered_shard_names_the_file(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"nope")
    with pytest.raises(CurationError, match=r"bad.parquet: unreadable filtered shard"):
        find_near_duplicates([tmp_path / "bad.parquet"], tmp_path / "near.parquet", CONFIG)
