"""Scoring and greedy generation against the plain full-forward computation they optimise."""

import pytest
import torch

from codescale import megatron
from codescale.evaluate.generate import (
    continuation_nll,
    generation_budget,
    greedy_generate,
    score_windows,
)
from codescale.train import distributed
from codescale.train.loop import causal_mask
from codescale.train.model import build_model
from codescale.train.shape import ModelShape

SHAPE = ModelShape(layers=2, hidden=32, heads=4, ffn=64, vocab=97, seq=24)


@pytest.fixture(scope="module")
def model():
    distributed.init()
    megatron.install(seed=1)
    torch.manual_seed(0)
    m = build_model(SHAPE)
    with torch.no_grad():  # sharpen the random model so greedy choices are not near-ties
        m.output_layer.weight.mul_(20)
    m.eval()
    yield m
    distributed.shutdown()


@pytest.mark.parametrize("prompt, target, window", [(5, 3, 24), (5, 30, 24), (30, 40, 24), (1, 9, 4)])
def test_windows_score_each_target_token_once_within_the_window(prompt, target, window):
    windows = score_windows(list(range(prompt)), list(range(target)), window)
    labels = [p for start, end, first in windows for p in range(first, end)]
    assert labels == list(range(prompt, prompt + target))
    for start, end, first in windows:
        assert end - 1 - start <= window and start < first
        if prompt + target > window + 1:
            assert first - start >= window // 2 or start == 0  # every scored token keeps context


def _full_nll(model, seq: list[int], first: int) -> float:
    t = torch.tensor([seq])
    out = model(t[:, :-1], torch.arange(len(seq) - 1)[None], causal_mask(len(seq) - 1, "cpu"), labels=t[:, 1:])
    return float(out[0, first - 1:].sum())


@torch.no_grad()
def test_continuation_nll_equals_a_full_forward_when_it_fits(model):
    g = torch.Generator().manual_seed(3)
    items = [(torch.randint(0, 97, (n,), generator=g).tolist(), torch.randint(0, 97, (m,), generator=g).tolist())
             for n, m in ((4, 6), (10, 14), (1, 3))]
    got = continuation_nll(model, items, window=SHAPE.seq, batch_tokens=40)  # forces several batches
    for (prompt, target), (total, count) in zip(items, got, strict=True):
        assert count == len(target)
        assert total == pytest.approx(_full_nll(model, prompt + target, len(prompt)), rel=1e-4)


@torch.no_grad()
def test_greedy_with_kv_cache_matches_greedy_by_full_forwards(model):
    g = torch.Generator().manual_seed(5)
    prompts = [torch.randint(0, 97, (n,), generator=g).tolist() for n in (3, 7, 5, 11)]
    keep, new = generation_budget(SHAPE.seq, 8)
    assert (keep, new) == (16, 8)
    got = greedy_generate(model, prompts, window=SHAPE.seq, max_new_tokens=8, stop_ids=set(), batch_size=3)
    for prompt, out in zip(prompts, got, strict=True):
        seq = list(prompt)
        for _ in range(8):
            t = torch.tensor([seq])
            logits = model(t, torch.arange(len(seq))[None], causal_mask(len(seq), "cpu"))
            seq.append(int(logits[0, -1].argmax()))
        assert out == seq[len(prompt):]


@torch.no_grad()
def test_generation_stops_at_a_stop_token_and_cuts_long_prompts(model):
    prompt = list(range(40))  # longer than the window: cut from the left
    free = greedy_generate(model, [prompt], window=SHAPE.seq, max_new_tokens=6, stop_ids=set())[0]
    assert len(free) == 6
    stopped = greedy_generate(model, [prompt], window=SHAPE.seq, max_new_tokens=6, stop_ids={free[2]})[0]
    assert stopped == free[:free.index(free[2])]
