"""Per-language validation loss of a trained run: mean next-token negative log-likelihood
(nats/token) on the first ``sequences`` packed sequences of each language's ``valid`` split.
Every run is scored on the same tokens, so losses are comparable across runs."""

from __future__ import annotations

from pathlib import Path

import torch

from codescale.evaluate.generate import load_model, release
from codescale.train.data import valid_sequences
from codescale.train.loop import causal_mask
from codescale.train.shape import ModelShape


@torch.no_grad()
def validation_loss(spec: dict, checkpoint: str | Path, tokens_dir: str | Path, datasets: list[str],
                    *, sequences: int, batch_size: int = 16, threads: int = 1) -> dict[str, dict]:
    shape = ModelShape.from_spec(spec["model"])
    model = load_model(spec, checkpoint, threads=threads)
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
    release()
    return results


def write_validation_loss(out: str | Path, spec: dict, checkpoint: str | Path, tokens_dir: str | Path,
                          datasets: list[str], *, sequences: int, threads: int = 1) -> None:
    """Score a run's final checkpoint on every dataset's validation split into ``out`` (the
    ``valid_loss`` task of the evaluation table)."""
    from codescale.artifacts import write_json

    losses = validation_loss(spec, checkpoint, tokens_dir, datasets, sequences=sequences, threads=threads)
    write_json(out, {"run": spec["run"], "task": "valid_loss", "results": losses})
