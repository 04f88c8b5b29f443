"""Write Megatron-Core ``IndexedDataset`` shards (``.bin``/``.idx``) for one dataset.

Each document is one sequence ending in ``<|endoftext|>``, and one document of the index, so
packed samples can recover boundaries (for a per-document attention mask). Documents go to the
``valid`` split by a hash of their id, so the split is stable as the corpus grows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, write_json
from codescale.progress import bar
from codescale.tokens.tokenizer import EOD, load_tokenizer

SPLITS = ("train", "valid")


def split_of(doc_id: str, valid_fraction: float) -> str:
    return "valid" if int(doc_id[-8:], 16) / 0xFFFFFFFF < valid_fraction else "train"


def tokenize_dataset(shards: list[str | Path], tokenizer_path: str | Path, out_dir: str | Path, *,
                     valid_fraction: float, batch_size: int = 256, require_valid: bool = True,
                     upstream: str = "the upstream step") -> dict:
    """Tokenize the documents of ``shards`` into ``out_dir/{train,valid}.bin/.idx``. ``upstream``
    names the step that made the shards, for the error when it made none."""
    from codescale.megatron import IndexedDatasetBuilder

    tok = load_tokenizer(tokenizer_path)
    eod = tok.token_to_id(EOD)
    vocab = tok.get_vocab_size()
    dtype = np.uint16 if vocab < 65_000 else np.int32
    counts = {s: {"documents": 0, "tokens": 0} for s in SPLITS}
    total_docs = sum(pq.ParquetFile(p).metadata.num_rows for p in shards)
    if total_docs == 0:
        raise ValueError(f"{Path(out_dir).name}: no documents to tokenize in {len(shards)} file(s): {upstream} "
                         f"left none")
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        builders = {s: IndexedDatasetBuilder(str(tmp / f"{s}.bin"), dtype=dtype) for s in SPLITS}
        progress = bar(f"tokenize {Path(out_dir).name}", total=total_docs, unit="doc")
        for path in shards:
            table = pq.read_table(path, columns=["doc_id", "content"])
            ids = table.column("doc_id").to_pylist()
            texts = table.column("content").to_pylist()
            for start in range(0, len(texts), batch_size):
                encodings = tok.encode_batch(texts[start:start + batch_size], add_special_tokens=False)
                for did, enc in zip(ids[start:start + batch_size], encodings, strict=True):
                    split = split_of(did, valid_fraction)
                    tokens = np.asarray(enc.ids + [eod], dtype=dtype)
                    builders[split].add_document(tokens, [len(tokens)])
                    counts[split]["documents"] += 1
                    counts[split]["tokens"] += len(tokens)
                progress.update(len(encodings))
        progress.close()
        for s, b in builders.items():
            b.finalize(str(tmp / f"{s}.idx"))
        # Language datasets are scored on their valid split; parallel ones on their own eval set.
        empty = [s for s in SPLITS if counts[s]["documents"] == 0 and (s == "train" or require_valid)]
        if empty:
            raise ValueError(f"{Path(out_dir).name}: split(s) {empty} got no documents of {total_docs} "
                             f"(raise the corpus cap or tokenizer.valid_fraction)")
        write_json(tmp / "counts.json", {"vocab_size": vocab, "dtype": np.dtype(dtype).name, **counts})
    return counts
