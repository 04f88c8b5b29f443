"""A trained run's model for evaluation: conditional scoring and greedy generation.

Both run the run's own Megatron-Core ``GPTModel`` (the local spec on CPU, the TE spec on GPU).
Nothing is ever fed past the run's trained sequence length (``window``): long contexts are cut from
the left, so RoPE never extrapolates to unseen positions.

Generation uses Megatron-Core's static-batch KV cache (``StaticInferenceContext``): prompts of a
batch advance in lockstep from the shortest one, a row takes its own prompt token while it still
has one and its greedy prediction after that (the scheme of Megatron's text-generation
controller), so one decode step costs one token per row instead of a full forward pass.
"""

from __future__ import annotations

from pathlib import Path

import torch

from codescale import megatron
from codescale.train import distributed
from codescale.train.loop import causal_mask, load_model_state
from codescale.train.model import build_model
from codescale.train.shape import ModelShape


def load_model(spec: dict, checkpoint: str | Path, *, threads: int = 1):
    """The run's model with its final weights, in eval mode; call :func:`release` when done."""
    torch.set_num_threads(max(1, threads))
    distributed.init()
    megatron.install(spec["seed"])
    shape = ModelShape.from_spec(spec["model"])
    model = build_model(shape, precision=spec["precision"])
    model.load_state_dict(load_model_state(checkpoint)["model"])
    model.eval()
    return model


def release() -> None:
    distributed.shutdown()


def _device(model) -> torch.device:
    return next(model.parameters()).device


def score_windows(prompt: list[int], target: list[int], window: int) -> list[tuple[int, int, int]]:
    """Windows ``(start, end, first_label)`` over ``prompt + target`` that score every target token
    once: a window feeds tokens ``[start, end - 1)`` and scores labels ``[first_label, end)``, each
    with as much preceding context as fits in ``window`` (at least half of it once the sequence
    no longer fits in one window)."""
    if not prompt:
        raise ValueError("a prompt needs at least one token")
    total = len(prompt) + len(target)
    if total <= window + 1:
        return [(0, total, len(prompt))] if target else []
    stride = max(1, window // 2)
    out, label = [], len(prompt)
    while label < total:
        end = min(total, label + stride)
        out.append((max(0, end - 1 - window), end, label))
        label = end
    return out


@torch.no_grad()
def continuation_nll(model, items: list[tuple[list[int], list[int]]], *, window: int,
                     batch_tokens: int = 16384) -> list[tuple[float, int]]:
    """For each ``(prompt, target)``: the summed ``−log P(target_t | prompt, target_<t)`` (nats)
    and the number of target tokens."""
    device = _device(model)
    rows = []  # (item, tokens, first scored label offset)
    for i, (prompt, target) in enumerate(items):
        seq = prompt + target
        for start, end, first in score_windows(prompt, target, window):
            rows.append((i, seq[start:end], first - start))
    rows.sort(key=lambda r: len(r[1]))
    sums = [0.0] * len(items)
    counts = [0] * len(items)
    k = 0
    while k < len(rows):
        width = len(rows[k][1])
        n = max(1, batch_tokens // max(width, 1))
        chunk = rows[k:k + n]
        k += len(chunk)
        width = max(len(r[1]) for r in chunk)
        data = torch.zeros(len(chunk), width, dtype=torch.long)
        keep = torch.zeros(len(chunk), width - 1, dtype=torch.bool)
        for j, (_, toks, first) in enumerate(chunk):
            data[j, :len(toks)] = torch.tensor(toks)
            keep[j, first - 1:len(toks) - 1] = True
        data = data.to(device)
        tokens, labels = data[:, :-1], data[:, 1:]
        positions = torch.arange(width - 1, device=device).expand_as(tokens)
        nll = model(tokens, positions, causal_mask(width - 1, device), labels=labels).float().cpu()
        for j, (item, _, _) in enumerate(chunk):
            sums[item] += float(nll[j][keep[j]].sum())
            counts[item] += int(keep[j].sum())
    return list(zip(sums, counts, strict=True))


def generation_budget(window: int, max_new_tokens: int) -> tuple[int, int]:
    """(prompt tokens kept, new tokens) in a ``window``: generation gets at most half of it, so a
    prompt always keeps at least half its context."""
    new = max(1, min(max_new_tokens, window // 2))
    return window - new, new


@torch.no_grad()
def greedy_generate(model, prompts: list[list[int]], *, window: int, max_new_tokens: int,
                    stop_ids: set[int], batch_size: int = 64) -> list[list[int]]:
    """Greedy continuations of ``prompts`` (each without its stop token), at most
    :func:`generation_budget` tokens long; a prompt is cut from the left to fit in ``window``."""
    from codescale.megatron import StaticInferenceContext

    if not prompts:
        return []
    keep, max_new = generation_budget(window, max_new_tokens)
    cut = [p[-keep:] for p in prompts]
    if any(not p for p in cut):
        raise ValueError("greedy_generate: every prompt needs at least one token")
    device = _device(model)
    order = sorted(range(len(cut)), key=lambda i: len(cut[i]))
    out: list[list[int]] = [[] for _ in cut]
    for b0 in range(0, len(order), batch_size):
        idx = order[b0:b0 + batch_size]
        lens = torch.tensor([len(cut[i]) for i in idx])
        first, total = int(lens.min()), int(lens.max()) + max_new
        tokens = torch.zeros(len(idx), total, dtype=torch.long)
        for j, i in enumerate(idx):
            tokens[j, :len(cut[i])] = torch.tensor(cut[i])
        tokens = tokens.to(device)
        context = StaticInferenceContext(len(idx), total)
        logits = model(tokens[:, :first], torch.arange(first, device=device).expand(len(idx), first),
                       causal_mask(first, device), inference_context=context, runtime_gather_output=True)
        context.sequence_len_offset += first
        prediction = logits[:, -1].argmax(-1)
        done = [False] * len(idx)
        for t in range(first, total):
            in_prompt = (lens > t).to(device)
            current = torch.where(in_prompt, tokens[:, t], prediction)
            tokens[:, t] = current
            values = current.tolist()
            for j, i in enumerate(idx):
                if done[j] or t < lens[j]:
                    continue
                if values[j] in stop_ids:
                    done[j] = True
                else:
                    out[i].append(values[j])
                    done[j] = len(out[i]) >= max_new
            if all(done) or t == total - 1:
                break
            position = torch.full((len(idx), 1), t, dtype=torch.long, device=device)
            logits = model(current[:, None], position, None, inference_context=context,
                           runtime_gather_output=True)
            context.sequence_len_offset += 1
            prediction = logits[:, -1].argmax(-1)
    return out
