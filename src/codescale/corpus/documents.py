"""The documents contract: one row per document, Parquet with zstd compression."""

from __future__ import annotations

import hashlib

import pyarrow as pa

SCHEMA = pa.schema([
    ("doc_id", pa.string()),   # sha256 of the UTF-8 content
    ("source", pa.string()),
    ("repo", pa.string()),
    ("path", pa.string()),
    ("lang", pa.string()),
    ("content", pa.large_string()),
    ("bytes", pa.int64()),
])

CURATED_SCHEMA = SCHEMA.append(pa.field("order", pa.int64()))


def doc_id(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def shard_of(doc: str, n_shards: int) -> int:
    """Shard index from the document id: identical contents always share a shard, so exact
    deduplication within a shard is global."""
    return int(doc[:12], 16) % n_shards


def shard_names(n_shards: int) -> list[str]:
    return [f"part{i:03d}" for i in range(n_shards)]

