"""Train a byte-level BPE tokenizer (HuggingFace ``tokenizers``) on a sample of the curated corpus.

The sample takes the same number of bytes from every language so that no language's syntax
dominates the merges, streamed to the trainer (which keeps word counts, not the text).
``<|endoftext|>`` ends every document in the token shards.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from codescale.artifacts import atomic_path
from codescale.sampling import BUCKETS, bucket_of, threshold

EOD = "<|endoftext|>"
PAD = "<|pad|>"
SPECIAL_TOKENS = [EOD, PAD]


def _bucket(doc: str, seed: int) -> int:
    return bucket_of(int(hashlib.blake2b(f"{seed}:{doc}".encode(), digest_size=8).hexdigest(), 16))


def sample_documents(curated: dict[str, list[str | Path]], bytes_per_language: int,
                     seed: int) -> Iterator[str]:
    """Yield about ``bytes_per_language`` of documents from each language's curated shards: those of
    lowest rank (a seeded hash of the document id) until the bytes are reached, plus the rest of
    the last rank bucket (``codescale.sampling``). Streaming, in two passes over the shards row
    group by row group (the first reads ids and sizes only), so memory holds one row group."""
    for lang in sorted(curated):
        hist = np.zeros(BUCKETS, dtype=np.int64)
        for path in curated[lang]:
            pf = pq.ParquetFile(path)
            for k in range(pf.num_row_groups):
                t = pf.read_row_group(k, columns=["doc_id", "bytes"])
                buckets = [_bucket(d, seed) for d in t.column("doc_id").to_pylist()]
                np.add.at(hist, buckets, t.column("bytes").to_numpy())
        top = threshold(hist, bytes_per_language)
        for path in curated[lang]:
            pf = pq.ParquetFile(path)
            for k in range(pf.num_row_groups):
                t = pf.read_row_group(k, columns=["doc_id", "content"])
                for doc, content in zip(t.column("doc_id").to_pylist(), t.column("content").to_pylist(),
                                        strict=True):
                    if _bucket(doc, seed) <= top:
                        yield content


def train_tokenizer(curated: dict[str, list[str | Path]], out: str | Path, *, vocab_size: int,
                    sample_bytes_per_language: int, seed: int) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  min_frequency=2, show_progress=False)
    docs = sample_documents(curated, sample_bytes_per_language, seed)
    first = next(docs, None)
    if first is None:
        raise ValueError("no curated documents to train the tokenizer on")
    tok.train_from_iterator(itertools.chain([first], docs), trainer=trainer)  # streamed: the trainer keeps counts
    with atomic_path(out, suffix=".json") as tmp:
        tok.save(str(tmp))
    return tok


def load_tokenizer(path: str | Path) -> Tokenizer:
    path = Path(path)
    try:
        return Tokenizer.from_file(str(path))
    except Exception as err:  # tokenizers raises a bare Exception on malformed files
        raise ValueError(f"{path}: not a valid tokenizer file ({err})") from err
