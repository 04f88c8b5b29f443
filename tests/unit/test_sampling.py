"""The streaming byte-capped sample equals ranking everything and taking the lowest ranks in order."""

import numpy as np
import pytest

from codescale.sampling import BUCKETS, ByteCapSampler, bucket_of, threshold


@pytest.mark.parametrize("cap", [1, 5_000, 60_000, 10**9])
def test_streaming_sample_is_the_rank_prefix_reference(cap):
    rng = np.random.default_rng(cap)
    ranks = rng.integers(0, 2**63, size=3000, dtype=np.int64).tolist()
    sizes = rng.integers(1, 200, size=3000).tolist()
    sampler = ByteCapSampler({"x": cap})
    admitted = [i for i, (r, n) in enumerate(zip(ranks, sizes, strict=True)) if sampler.admit("x", bucket_of(r), n)]
    kept = {i for i in admitted if sampler.keeps("x", bucket_of(ranks[i]))}
    # reference: whole buckets in rank order until the cap is reached
    hist = np.zeros(BUCKETS, dtype=np.int64)
    np.add.at(hist, [bucket_of(r) for r in ranks], sizes)
    top = threshold(hist, cap)
    assert sampler.top["x"] == top
    assert kept == {i for i, r in enumerate(ranks) if bucket_of(r) <= top}
    assert sampler.evicted("x") == (len(kept) < len(admitted))
    total = sum(sizes[i] for i in kept)
    assert total >= min(cap, sum(sizes)) and total - int(hist[top]) < cap
