import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codescale.corpus.documents import CURATED_SCHEMA, doc_id
from codescale.tokens.manifest import token_manifest
from codescale.tokens.shards import split_of, tokenize_dataset
from codescale.tokens.tokenizer import EOD, load_tokenizer, train_tokenizer


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    d = tmp_path_factory.mktemp("cur")
    texts = [f"def function_{i}(value):\n    return value * {i} + {i % 7}\n" for i in range(400)]
    rows = [{"doc_id": doc_id(t), "source": "s", "repo": "r", "path": f"m{i}.py", "lang": "python",
             "content": t, "bytes": len(t), "order": i} for i, t in enumerate(texts)]
    path = d / "part000.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=CURATED_SCHEMA), path)
    tok = train_tokenizer({"python": [path]}, d / "tokenizer.json", vocab_size=300,
                          sample_bytes_per_language=10**6, seed=0)
    return d, path, tok, texts


def test_tokenizer_round_trips_code(curated):
    _, _, tok, texts = curated
    assert tok.get_vocab_size() == 300
    enc = tok.encode(texts[3])
    assert tok.decode(enc.ids) == texts[3]
    assert tok.token_to_id(EOD) is not None


def test_indexed_dataset_keeps_document_boundaries(curated, tmp_path):
    from codescale.megatron import IndexedDataset

    d, path, tok, texts = curated
    counts = tokenize_dataset([path], d / "tokenizer.json", tmp_path / "python", valid_fraction=0.2)
    assert counts["train"]["documents"] + counts["valid"]["documents"] == len(texts)
    assert 0 < counts["valid"]["documents"] < len(texts) / 2
    train = IndexedDataset(str(tmp_path / "python" / "train"))
    assert len(train) == counts["train"]["documents"]
    eod = tok.token_to_id(EOD)
    first = np.asarray(train[0])
    assert first[-1] == eod and eod not in first[:-1]
    assert sum(len(train[i]) for i in range(len(train))) == counts["train"]["tokens"]
    train_texts = [t for t in texts if split_of(doc_id(t), 0.2) == "train"]
    assert tok.decode(first[:-1].tolist()) == train_texts[0]

    manifest = token_manifest(d / "tokenizer.json", [tmp_path / "python"])
    assert manifest["eod"] == eod and manifest["vocab_size"] == 300
    assert manifest["datasets"]["python/valid"] == counts["valid"]
    json.dumps(manifest)


def test_bad_tokenizer_file_is_named(tmp_path):
    bad = tmp_path / "tok.json"
    bad.write_text("{}")
    with pytest.raises(ValueError, match="tok.json"):
        load_tokenizer(bad)


def test_an_empty_input_names_the_step_that_emptied_it(curated, tmp_path):
    d, path, _, _ = curated
    empty = tmp_path / "part001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 0), empty)
    with pytest.raises(ValueError, match=r"python: no documents to tokenize in 1 file\(s\): curation of python "
                                         r"\(results/curate/summary.tsv\) left none"):
        tokenize_dataset([empty], d / "tokenizer.json", tmp_path / "python", valid_fraction=0.2,
                         upstream="curation of python (results/curate/summary.tsv)")
    assert not (tmp_path / "python").exists()


def test_parts_merged_equal_one_pass_over_all_shards(curated, tmp_path):
    """A language tokenized per shard and joined (Megatron's add_index) is the dataset tokenized in
    one pass: the same token files byte for byte and the same document index."""
    from codescale.megatron import IndexedDataset
    from codescale.tokens.shards import merge_parts

    d, path, _, _ = curated
    table = pq.read_table(path)
    shards = [tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "empty.parquet"]
    pq.write_table(table.slice(0, 150), shards[0], row_group_size=40)
    pq.write_table(table.slice(150), shards[1])
    pq.write_table(table.slice(0, 0), shards[2])
    whole = tokenize_dataset(shards, d / "tokenizer.json", tmp_path / "whole", valid_fraction=0.2)
    parts = [tokenize_dataset([s], d / "tokenizer.json", tmp_path / f"part{i}", valid_fraction=0.2, require=())
             for i, s in enumerate(shards)]
    assert parts[2]["train"]["documents"] == 0
    merged = merge_parts([tmp_path / f"part{i}" for i in range(3)], tmp_path / "merged")
    assert merged == whole
    for split in ("train", "valid"):
        assert (tmp_path / "merged" / f"{split}.bin").read_bytes() == (tmp_path / "whole" / f"{split}.bin").read_bytes()
        a, b = IndexedDataset(str(tmp_path / "merged" / split)), IndexedDataset(str(tmp_path / "whole" / split))
        assert list(a.sequence_lengths) == list(b.sequence_lengths)
        assert list(a.document_indices) == list(b.document_indices)
    with pytest.raises(ValueError, match="no token parts"):
        merge_parts([], tmp_path / "none")
