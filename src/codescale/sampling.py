"""A byte-capped sample of a stream, in bounded memory: the documents of lowest rank (a hash) whose
bytes reach a cap, as ranking every document and taking them in order would give, without holding
the stream.

Ranks are 64-bit hashes; a document's bucket is its rank's top 16 bits. Per key (a language) the
sampler keeps the bytes it took per bucket and a threshold bucket: the lowest bucket at which the
bytes taken reach the cap. A document is taken when its bucket is at or below the threshold; the
threshold only falls as documents arrive, and a document taken in a bucket it later fell below is
:meth:`ByteCapSampler.evicted` (the caller removes it). What stays is every document below the final
threshold and all of its bucket: the cap plus less than one bucket's bytes. Memory: one 2^16-entry
histogram per key. Used by the corpus build (``codescale.corpus.build``) and the tokenizer's sample
(``codescale.tokens.tokenizer``).
"""

from __future__ import annotations

import numpy as np

BUCKET_BITS = 16
BUCKETS = 1 << BUCKET_BITS


def bucket_of(rank: int) -> int:
    """The bucket of a 64-bit rank."""
    return rank >> (64 - BUCKET_BITS)


class ByteCapSampler:
    """Admit documents per key until the key's bytes reach its cap, by rank bucket."""

    def __init__(self, caps: dict[str, int]):
        self.caps = caps
        self.hist = {key: np.zeros(BUCKETS, dtype=np.int64) for key in caps}
        self.top = dict.fromkeys(caps, BUCKETS - 1)
        self.below = dict.fromkeys(caps, 0)  # bytes taken at or below the threshold

    def admit(self, key: str, bucket: int, nbytes: int) -> bool:
        """Take a document of ``nbytes`` in ``bucket``, or refuse it (above the threshold)."""
        if bucket > self.top[key]:
            return False
        hist = self.hist[key]
        hist[bucket] += nbytes
        self.below[key] += nbytes
        top = self.top[key]
        while top > 0 and self.below[key] - hist[top] >= self.caps[key]:
            self.below[key] -= int(hist[top])
            top -= 1
        self.top[key] = top
        return True

    def keeps(self, key: str, bucket: int) -> bool:
        """Whether a document admitted in ``bucket`` is still in the sample."""
        return bucket <= self.top[key]

    def evicted(self, key: str) -> bool:
        """Whether some document admitted for ``key`` lies above the final threshold."""
        return bool(self.hist[key][self.top[key] + 1:].any())


def threshold(hist: np.ndarray, cap: int) -> int:
    """The lowest bucket at which the cumulative bytes of ``hist`` reach ``cap`` (the last bucket
    when they never do): a whole histogram's threshold, as :class:`ByteCapSampler` reaches it."""
    reached = np.nonzero(np.cumsum(hist) >= cap)[0]
    return int(reached[0]) if len(reached) else BUCKETS - 1
