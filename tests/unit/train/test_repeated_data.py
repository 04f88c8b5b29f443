"""Repeated data (a blend's ``epochs``): the index mapping, and a tiny run that sees exactly
total // E distinct samples E times each."""

from collections import Counter

import pytest

from codescale.train import loop
from codescale.train.data import repeated_sample_index
from tests.unit.train.test_loop import tiny_spec


def test_each_epoch_is_a_fresh_permutation_of_the_unique_samples():
    unique, epochs = 10, 3
    order = [repeated_sample_index(k, unique, seed=5) for k in range(unique * epochs)]
    chunks = [order[e * unique:(e + 1) * unique] for e in range(epochs)]
    assert all(sorted(c) == list(range(unique)) for c in chunks)  # every unique sample once per epoch
    assert len({tuple(c) for c in chunks}) == epochs               # a new order each epoch
    assert order == [repeated_sample_index(k, unique, seed=5) for k in range(unique * epochs)]
    assert order != [repeated_sample_index(k, unique, seed=6) for k in range(unique * epochs)]
    assert repeated_sample_index(25, unique, seed=5) == order[25]  # depends on k alone (resume)


def test_sample_indexer_cycles_over_the_first_unique_samples_only():
    fresh = loop.sample_indexer(7, 7, 1, seed=0)
    assert [fresh(k) for k in range(9)] == [0, 1, 2, 3, 4, 5, 6, 0, 1]
    repeated = loop.sample_indexer(100, 8, 2, seed=0)  # Megatron's dataset is longer than asked for
    seen = Counter(repeated(k) for k in range(16))
    assert set(seen) == set(range(8)) and set(seen.values()) == {2}
    with pytest.raises(ValueError, match="fewer than the 8 unique"):
        loop.sample_indexer(5, 8, 2, seed=0)


def test_two_epoch_run_sees_half_the_samples_twice(tokens_dir, tmp_path, monkeypatch):
    asked, seen = {}, Counter()
    real_build = loop.build_blended_dataset

    class Recording:
        def __init__(self, ds):
            self.ds = ds

        def __len__(self):
            return len(self.ds)

        def __getitem__(self, i):
            seen[i] += 1
            return self.ds[i]

    def build(*args, samples, **kwargs):
        asked["samples"] = samples
        return Recording(real_build(*args, samples=samples, **kwargs))

    monkeypatch.setattr(loop, "build_blended_dataset", build)
    spec = tiny_spec(tokens=16 * 32 * 4, document_mask=False)  # 4 steps × 16 = 64 samples
    spec["blend"] = {**spec["blend"], "epochs": 2}
    result = loop.train_run(spec, tmp_path, tokens_dir, log_interval=2)
    assert result["steps"] == 4
    assert asked["samples"] == 32
    assert len(seen) == 32 and set(seen.values()) == {2} and max(seen) < 32
