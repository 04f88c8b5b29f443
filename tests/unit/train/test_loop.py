"""A tiny real training run on CPU: loss goes down, metrics are complete, and an interrupted run
resumed from its checkpoint ends where an uninterrupted one does."""

import json

import pytest
import torch

from codescale.train import loop


def tiny_spec(tokens=16 * 32 * 8, document_mask=True):
    return {"run": "scaling-python-t0-t4k", "family": "scaling", "mixture": "python",
            "model_name": "t0", "seed": 3, "precision": "fp32", "tokens": tokens,
            "model": {"layers": 1, "hidden": 32, "heads": 4, "ffn": 64, "vocab": 320, "seq": 32},
            "batch": {"global": 16, "micro": 8},
            "schedule": {"kind": "cosine", "lr": 0.01, "min_lr": 0.001, "warmup_fraction": 0.1},
            "optimizer": {"weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "clip_grad": 1.0},
            "blend": {"prefixes": ["python/train"], "weights": [1.0]},
            "document_mask": document_mask}


def test_training_learns_and_logs(tokens_dir, tmp_path):
    s = tiny_spec()
    result = loop.train_run(s, tmp_path, tokens_dir, log_interval=2)
    assert result == {"steps": 8, "tokens": 8 * 16 * 32}
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [2, 4, 6, 8]
    assert set(records[0]) >= {"step", "tokens", "loss", "lr", "tokens_per_s"}
    assert records[-1]["loss"] < records[0]["loss"] - 0.3
    assert (tmp_path / "checkpoint" / "state.pt").is_file()
    assert not (tmp_path / ".dataset_cache").exists()


def test_resume_after_interruption_matches_uninterrupted(tokens_dir, tmp_path, monkeypatch, capsys):
    s = tiny_spec(document_mask=False)
    loop.train_run(s, tmp_path / "full", tokens_dir, log_interval=2)
    full = loop.load_model_state(tmp_path / "full" / "checkpoint")

    calls = {"n": 0}
    real_step = loop._Optimizer.step

    def dying_step(self):
        calls["n"] += 1
        if calls["n"] == 5:   # killed during step 5, after the checkpoint at step 4
            raise KeyboardInterrupt
        real_step(self)

    monkeypatch.setattr(loop._Optimizer, "step", dying_step)
    with pytest.raises(KeyboardInterrupt):
        loop.train_run(s, tmp_path / "cut", tokens_dir, log_interval=2, checkpoint_interval=4)
    loop.distributed.shutdown()
    monkeypatch.setattr(loop._Optimizer, "step", real_step)
    assert json.loads((tmp_path / "cut/resume/meta.json").read_text())["step"] == 4
    # Snakemake deletes a failed job's outputs (metrics.jsonl, checkpoint/) before the retry.
    (tmp_path / "cut/metrics.jsonl").unlink()
    capsys.readouterr()
    loop.train_run(s, tmp_path / "cut", tokens_dir, log_interval=2, checkpoint_interval=4)
    # the log line the SLURM workflow test reads to see that a killed job resumed
    assert f"resuming {s['run']} from step 4 (" in capsys.readouterr().err
    resumed = loop.load_model_state(tmp_path / "cut" / "checkpoint")
    assert resumed["step"] == full["step"] == 8
    for key, value in full["model"].items():
        if isinstance(value, torch.Tensor):
            assert torch.allclose(value, resumed["model"][key], atol=1e-6), key
    steps = [json.loads(x)["step"] for x in (tmp_path / "cut/metrics.jsonl").read_text().splitlines()]
    assert steps == [2, 4, 6, 8]
    assert not (tmp_path / "cut/resume").exists()
