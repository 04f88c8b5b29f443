"""Train a byte-level BPE tokenizer (HuggingFace ``tokenizers``) on a sample of the curated corpus.

The sample takes the same number of bytes from every language so that no language's syntax
dominates the merges. ``<|endoftext|>`` ends every document in the token shards.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from codescale.artifacts import atomic_path

EOD = "<|endoftext|>"
PAD = "<|pad|>"
SPECIAL_TOKENS = [EOD, PAD]


def sample_documents(curated: dict[str, list[str | Path]], bytes_per_language: int,
                     seed: int) -> Iterator[str]:
    """Yield up to ``bytes_per_language`` of documents from each language's curated shards."""
    rng = random.Random(seed)
    for lang in sorted(curated):
        docs = []
        for path in curated[lang]:
            docs.extend(pq.read_table(path, columns=["content"]).column("content").to_pylist())
        rng.shuffle(docs)
        taken = 0
        for doc in docs:
            if taken >= bytes_per_language:
                break
            taken += len(doc)
            yield doc


def train_tokenizer(curated: dict[str, list[str | Path]], out: str | Path, *, vocab_size: int,
                    sample_bytes_per_language: int, seed: int) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  min_frequency=2, show_progress=False)
    docs = list(sample_documents(curated, sample_bytes_per_language, seed))
    if not docs:
        raise ValueError("no curated documents to train the tokenizer on")
    tok.train_from_iterator(docs, trainer=trainer, length=len(docs))
    with atomic_path(out, suffix=".json") as tmp:
        tok.save(str(tmp))
    return tok


def load_tokenizer(path: str | Path) -> Tokenizer:
    path = Path(path)
    try:
        return Tokenizer.from_file(str(path))
    except Exception as err:  # tokenizers raises a bare Exception on malformed files
        raise ValueError(f"{path}: not a valid tokenizer file ({err})") from err
