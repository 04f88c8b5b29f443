"""Per-language validation loss of a trained run: mean next-token negative log-likelihood
(nats/token) on the first ``sequences`` packed sequences of each language's ``valid`` split.
Every run is scored on the same tokens, so losses are comparable across runs."""

from __future__ import annotations

from pathlib import Path

import torch

from codescale.train import distributed, megatron_cpu
from codescale.train.data import valid_sequences
from codescale.train.loop import causal_mask, load_model_state
from codescale.train.model import build_model
from codescale.train.shape import ModelShape


@torch.no_grad()
def validation_loss(spec: dict, checkpoint: str | Path, tokens_dir: str | Path, datasets: list[str],
                    *, sequences: int, batch_size: int = 16, threads: int = 1) -> dict[str, dict]:
    torch.set_num_threads(max(1, threads))
    distributed.init()
    megatron_cpu.install(spec["seed"])
    shape = ModelShape.from_spec(spec["model"])
    model = build_model(shape, precision=spec["precision"])
    model.load_state_dict(load_model_state(checkpoint)["model"])
    model.eval()
    device = next(model.parameters()).device
    mask = causal_mask(shape.seq, device)
    results = {}
    for name in datasets:
        rows = valid_sequences(str(Path(tokens_dir) / name / "valid"), shape.seq, sequences)
        total, count = 0.0, 0
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size].to(device)
            tokens, labels = chunk[:, :-1], chunk[:, 1:]
            positions = torch.arange(shape.seq, device=device).expand_as(tokens)
            per_token = model(tokens, positions, mask, labels=labels).float()
            total += per_token.sum().item()
            count += per_token.numel()
        results[name] = {"loss": total / count, "tokens": count}
    distributed.shutdown()
    return results
