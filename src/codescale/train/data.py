"""Training and validation data from the token shards.

Training samples come from Megatron-Core's ``BlendedMegatronDatasetBuilder`` over ``GPTDataset``s
(one per dataset prefix, weighted by the run's blend), with per-document position ids and
attention masks when ``document_mask`` is on. Validation batches are the first sequences of a
prefix's ``valid`` split, packed in order, so every run is scored on the same tokens.

A blend with ``epochs`` E > 1 (the synergy family's repeated baseline) repeats data: the dataset is
built for ``total // E`` samples and :func:`repeated_sample_index` walks those E times, in a fresh
seeded order each epoch, so exactly ``total // E`` distinct sequences are each seen E times.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch


@dataclass(frozen=True)
class TokenizerInfo:
    """What ``GPTDataset`` needs to know of the tokenizer."""

    vocab_size: int
    eod: int
    pad: int

    @property
    def unique_identifiers(self) -> dict:
        return {"class": "codescale-bpe", "vocab_size": self.vocab_size}


def build_blended_dataset(prefixes: list[str], weights: list[float], *, seq: int, samples: int,
                          seed: int, tokenizer: TokenizerInfo, cache_dir: str | Path,
                          document_mask: bool):
    from codescale.megatron import BlendedMegatronDatasetBuilder, GPTDataset, GPTDatasetConfig

    for prefix in prefixes:
        for ext in (".bin", ".idx"):
            if not Path(prefix + ext).is_file():
                raise FileNotFoundError(f"{prefix + ext}: token shard missing")
    config = GPTDatasetConfig(
        random_seed=seed,
        sequence_length=seq,
        blend_per_split=[(prefixes, weights), None, None],
        path_to_cache=str(cache_dir),
        tokenizer=tokenizer,
        reset_position_ids=document_mask,
        reset_attention_mask=document_mask,
        eod_mask_loss=False,
        create_attention_mask=document_mask,
        mmap_bin_files=True,
    )
    builder = BlendedMegatronDatasetBuilder(GPTDataset, [samples, None, None], lambda: True, config)
    train, _, _ = builder.build()
    return train


@functools.lru_cache(maxsize=4)
def epoch_permutation(unique: int, epoch: int, seed: int) -> np.ndarray:
    """The order in which epoch ``epoch`` visits samples ``0 .. unique-1`` (seeded by run seed and epoch)."""
    if unique < 1:
        raise ValueError(f"epoch_permutation: unique must be >= 1, got {unique}")
    perm = np.random.default_rng([seed % 2**63, epoch]).permutation(unique)
    perm.setflags(write=False)
    return perm


def repeated_sample_index(k: int, unique: int, seed: int) -> int:
    """The dataset index of the run's ``k``-th training sample when it cycles over the first
    ``unique`` samples: epoch ``k // unique`` visits all of them once, in its own seeded order.
    Depends on ``k`` only, so a resumed run continues where it stopped."""
    epoch, pos = divmod(k, unique)
    return int(epoch_permutation(unique, epoch, seed)[pos])


def collate(samples: list[dict]) -> dict[str, torch.Tensor]:
    batch = {k: torch.stack([torch.as_tensor(s[k]) for s in samples]) for k in samples[0]}
    return batch


def valid_sequences(prefix: str, seq: int, max_sequences: int) -> torch.Tensor:
    """Up to ``max_sequences`` rows of ``seq + 1`` tokens from ``prefix`` packed in order."""
    from codescale.megatron import IndexedDataset

    ds = IndexedDataset(prefix, mmap=True)
    need = max_sequences * (seq + 1)
    parts, have = [], 0
    for i in range(len(ds)):
        doc = np.asarray(ds[i], dtype=np.int64)
        parts.append(doc)
        have += len(doc)
        if have >= need:
            break
    tokens = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    n = len(tokens) // (seq + 1)
    if n == 0:
        raise ValueError(f"{prefix}: fewer than {seq + 1} validation tokens")
    return torch.from_numpy(tokens[: n * (seq + 1)].reshape(n, seq + 1)[:max_sequences])
