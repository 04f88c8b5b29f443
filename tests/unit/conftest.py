"""Shared fixtures: a tiny tokenized corpus made here, so training tests need no pipeline run."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.artifacts import write_json
from codescale.corpus.documents import CURATED_SCHEMA, doc_id
from codescale.tokens.manifest import token_manifest
from codescale.tokens.shards import tokenize_dataset
from codescale.tokens.tokenizer import train_tokenizer


@pytest.fixture(scope="session")
def tokens_dir(tmp_path_factory):
    """results/tokens-like directory with one dataset, ``python``, and manifest.json."""
    d = tmp_path_factory.mktemp("tok")
    texts = [f"def f_{i}(x):\n    if x > {i}:\n        return x - {i}\n    return x + {i}\n"
             for i in range(300)]
    rows = [{"doc_id": doc_id(t), "source": "s", "repo": "r", "path": f"{i}.py", "lang": "python",
             "content": t, "bytes": len(t), "order": i} for i, t in enumerate(texts)]
    pq.write_table(pa.Table.from_pylist(rows, schema=CURATED_SCHEMA), d / "c.parquet")
    train_tokenizer({"python": [d / "c.parquet"]}, d / "tokenizer.json", vocab_size=320,
                    sample_bytes_per_language=10**6, seed=0)
    tokenize_dataset([d / "c.parquet"], d / "tokenizer.json", d / "python", valid_fraction=0.1)
    write_json(d / "manifest.json", token_manifest(d / "tokenizer.json", [d / "python"]))
    return d
