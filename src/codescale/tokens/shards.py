"""Write Megatron-Core ``IndexedDataset`` shards (``.bin``/``.idx``) for one dataset.

Each document is one sequence ending in ``<|endoftext|>``, and one document of the index, so
packed samples can recover boundaries (for a per-document attention mask). Documents go to the
``valid`` split by a hash of their id, so the split is stable as the corpus grows.

A language is tokenized in parallel: each curated shard is its own job (:func:`tokenize_dataset`
with ``require=()``, a part), read row group by row group, and the parts are concatenated into the
language's dataset by Megatron-Core's own ``IndexedDatasetBuilder.add_index``
(:func:`merge_parts`), which copies the token files and joins the indices.
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
                     valid_fraction: float, batch_size: int = 256, require: tuple[str, ...] = SPLITS,
                     upstream: str = "the upstream step") -> dict:
    """Tokenize the documents of ``shards`` into ``out_dir/{train,valid}.bin/.idx``; each split in
    ``require`` must get a document (a part of a language requires none). ``upstream`` names the
    step that made the shards, for the error when it made none."""
    from codescale.megatron import IndexedDatasetBuilder

    tok = load_tokenizer(tokenizer_path)
    eod = tok.token_to_id(EOD)
    vocab = tok.get_vocab_size()
    dtype = np.uint16 if vocab < 65_000 else np.int32
    counts = {s: {"documents": 0, "tokens": 0} for s in SPLITS}
    total_docs = sum(pq.ParquetFile(p).metadata.num_rows for p in shards)
    if total_docs == 0 and require:
        raise ValueError(f"{Path(out_dir).name}: no documents to tokenize in {len(shards)} file(s): {upstream} "
                         f"left none")
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        builders = {s: IndexedDatasetBuilder(str(tmp / f"{s}.bin"), dtype=dtype) for s in SPLITS}
        progress = bar(f"tokenize {Path(out_dir).name}", total=total_docs, unit="doc")
        for path in shards:
            pf = pq.ParquetFile(path)
            for batch in pf.iter_batches(batch_size=batch_size, columns=["doc_id", "content"]):
                ids = batch.column("doc_id").to_pylist()
                # the ids without the offsets and alignments encode_batch also computes: ~20% less CPU
                encodings = tok.encode_batch_fast(batch.column("content").to_pylist(), add_special_tokens=False)
                for did, enc in zip(ids, encodings, strict=True):
                    split = split_of(did, valid_fraction)
                    tokens = np.asarray(enc.ids + [eod], dtype=dtype)
                    builders[split].add_document(tokens, [len(tokens)])
                    counts[split]["documents"] += 1
                    counts[split]["tokens"] += len(tokens)
                progress.update(len(encodings))
        progress.close()
        for s, b in builders.items():
            b.finalize(str(tmp / f"{s}.idx"))
        _check_splits(Path(out_dir).name, counts, require, total_docs)
        write_json(tmp / "counts.json", {"vocab_size": vocab, "dtype": np.dtype(dtype).name, **counts})
    return counts


def _check_splits(name: str, counts: dict, require: tuple[str, ...], total_docs: int) -> None:
    # Language datasets are scored on their valid split; parallel ones on their own eval set.
    empty = [s for s in require if counts[s]["documents"] == 0]
    if empty:
        raise ValueError(f"{name}: split(s) {empty} got no documents of {total_docs} "
                         f"(raise the corpus cap or tokenizer.valid_fraction)")


def merge_parts(parts: list[str | Path], out_dir: str | Path, *, require: tuple[str, ...] = SPLITS,
                upstream: str = "the upstream step") -> dict:
    """Concatenate part datasets (each ``{train,valid}.bin/.idx`` and ``counts.json``, from
    :func:`tokenize_dataset`) into ``out_dir``, in the order given, with Megatron-Core's
    ``IndexedDatasetBuilder.add_index``; their counts are summed."""
    from codescale.artifacts import read_json
    from codescale.megatron import IndexedDatasetBuilder

    if not parts:
        raise ValueError(f"{Path(out_dir).name}: no token parts to merge: {upstream} left none")
    metas = [read_json(Path(p) / "counts.json") for p in parts]
    dtypes = {m["dtype"] for m in metas}
    if len(dtypes) != 1 or len({m["vocab_size"] for m in metas}) != 1:
        raise ValueError(f"{Path(out_dir).name}: parts tokenized differently ({sorted(dtypes)}): rerun them")
    dtype = np.dtype(dtypes.pop()).type  # the builder takes the scalar type (np.uint16)
    counts = {s: {k: sum(m[s][k] for m in metas) for k in ("documents", "tokens")} for s in SPLITS}
    _check_splits(Path(out_dir).name, counts, require, sum(counts[s]["documents"] for s in SPLITS))
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for s in SPLITS:
            builder = IndexedDatasetBuilder(str(tmp / f"{s}.bin"), dtype=dtype)
            for part, meta in zip(parts, metas, strict=True):
                if meta[s]["documents"]:
                    builder.add_index(str(Path(part) / s))
            builder.finalize(str(tmp / f"{s}.idx"))
        write_json(tmp / "counts.json", {"vocab_size": metas[0]["vocab_size"], "dtype": np.dtype(dtype).name, **counts,
                                         "parts": len(parts)})
    return counts
