"""WSD branching: a stable run's checkpoint at step k, branched and decayed, trains exactly as one
uninterrupted run with the same warmup-stable-decay schedule (same seed, same data stream)."""

import json

import pytest
import torch

from codescale.train import loop

SEQ, GLOBAL = 32, 8
PER_STEP = SEQ * GLOBAL


def wsd_spec(run, steps, *, decay_steps, stream_steps, **extra):
    return {"run": run, "family": "scaling", "mixture": "python", "model_name": "t0", "seed": 5,
            "precision": "fp32", "tokens": steps * PER_STEP,
            "model": {"layers": 1, "hidden": 32, "heads": 4, "ffn": 64, "vocab": 320, "seq": SEQ},
            "batch": {"global": GLOBAL, "micro": 4},
            "schedule": {"kind": "wsd", "lr": 0.01, "min_lr": 0.001, "warmup_steps": 2,
                         "decay_steps": decay_steps, "decay_shape": "1-sqrt"},
            "optimizer": {"weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "clip_grad": 1.0},
            "blend": {"prefixes": ["python/train"], "weights": [1.0], "stream_samples": stream_steps * GLOBAL},
            "document_mask": True, **extra}


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_branch_from_stable_checkpoint_matches_uninterrupted_wsd_run(tokens_dir, tmp_path):
    runs = tmp_path / "runs"
    # The uninterrupted run: 12 steps, warmup 2, stable to step 8, 4 steps of 1-sqrt decay.
    loop.train_run(wsd_spec("scaling-python-t0-t3k", 12, decay_steps=4, stream_steps=16),
                   runs / "whole", tokens_dir, log_interval=1)
    # The stable run to step 10, checkpoints at 4 and 8; then the branch from step 8.
    stable = wsd_spec("scaling-python-t0-stable", 10, decay_steps=0, stream_steps=16, stable={"points": [4, 8, 10]})
    loop.train_run(stable, runs / "scaling-python-t0-stable", tokens_dir, log_interval=1)
    points = runs / "scaling-python-t0-stable" / "points"
    assert sorted(p.name for p in points.iterdir()) == ["step10", "step4", "step8"]
    assert not (runs / "scaling-python-t0-stable" / "checkpoint").exists()
    assert not (runs / "scaling-python-t0-stable" / "points.partial").exists()
    branch = wsd_spec("scaling-python-t0-t3k", 12, decay_steps=4, stream_steps=16,
                      branch={"from": "scaling-python-t0-stable", "step": 8, "decay_start": 8})
    result = loop.train_run(branch, runs / "scaling-python-t0-t3k", tokens_dir, log_interval=1)
    assert result == {"steps": 12, "tokens": 12 * PER_STEP, "job_tokens": 4 * PER_STEP}

    whole, branched = records(runs / "whole/metrics.jsonl"), records(runs / "scaling-python-t0-t3k/metrics.jsonl")
    assert [r["step"] for r in branched] == list(range(1, 13))
    assert [r.get("job_tokens") for r in branched] == [None] * 8 + [PER_STEP * i for i in range(1, 5)]
    assert [r["tokens"] for r in branched] == [r["tokens"] for r in whole]
    assert [r["lr"] for r in branched] == pytest.approx([r["lr"] for r in whole], rel=1e-12)
    assert branched[7]["lr"] == 0.01 and branched[-1]["lr"] == pytest.approx(0.001)
    assert [r["loss"] for r in branched] == pytest.approx([r["loss"] for r in whole], abs=1e-4)
    # the stable run's records are the branch's first ones
    assert [r["loss"] for r in records(runs / "scaling-python-t0-stable/metrics.jsonl")][:8] == \
        [r["loss"] for r in branched[:8]]
    a = loop.load_model_state(runs / "whole/checkpoint")
    b = loop.load_model_state(runs / "scaling-python-t0-t3k/checkpoint")
    for key, value in a["model"].items():
        if isinstance(value, torch.Tensor):
            assert torch.allclose(value, b["model"][key], atol=1e-5), key
    # logged every 3 steps, the branch's first record (step 9) averages its one step since step 8
    loop.train_run(branch, runs / "coarse" / "scaling-python-t0-t3k", tokens_dir, log_interval=3,
                   init_dir=runs / "scaling-python-t0-stable/points/step8")
    coarse = records(runs / "coarse/scaling-python-t0-t3k/metrics.jsonl")
    assert [r["step"] for r in coarse] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 12]
    assert coarse[8]["loss"] == pytest.approx(whole[8]["loss"], abs=1e-4)
    assert coarse[9]["loss"] == pytest.approx(sum(r["loss"] for r in whole[9:12]) / 3, abs=1e-4)
    meta = json.loads((runs / "scaling-python-t0-t3k/checkpoint/meta.json").read_text())
    assert meta["branch"]["from"] == "scaling-python-t0-stable" and meta["job_tokens"] == 4 * PER_STEP


def test_branch_refuses_a_checkpoint_of_another_step(tokens_dir, tmp_path):
    runs = tmp_path / "runs"
    stable = wsd_spec("scaling-python-t0-stable", 4, decay_steps=0, stream_steps=8, stable={"points": [4]})
    loop.train_run(stable, runs / "scaling-python-t0-stable", tokens_dir, log_interval=1)
    branch = wsd_spec("scaling-python-t0-t2k", 8, decay_steps=2, stream_steps=8,
                      branch={"from": "scaling-python-t0-stable", "step": 6, "decay_start": 6})
    with pytest.raises(RuntimeError, match="step6"):
        loop.train_run(branch, runs / "scaling-python-t0-t2k", tokens_dir)
    loop.distributed.shutdown()
    with pytest.raises(ValueError, match="branches from step 6"):
        loop.train_run(branch, runs / "scaling-python-t0-t2k", tokens_dir,
                       init_dir=runs / "scaling-python-t0-stable/points/step4")
    loop.distributed.shutdown()


def test_interrupted_stable_run_keeps_its_points(tokens_dir, tmp_path, monkeypatch):
    run_dir = tmp_path / "runs" / "scaling-python-t0-stable"
    stable = wsd_spec("scaling-python-t0-stable", 8, decay_steps=0, stream_steps=8, stable={"points": [2, 8]})
    calls = {"n": 0}
    real_step = loop._Optimizer.step

    def dying_step(self):
        calls["n"] += 1
        if calls["n"] == 6:  # killed during step 6, after the point at 2 and the rolling checkpoint at 4
            raise KeyboardInterrupt
        real_step(self)

    monkeypatch.setattr(loop._Optimizer, "step", dying_step)
    with pytest.raises(KeyboardInterrupt):
        loop.train_run(stable, run_dir, tokens_dir, log_interval=1, checkpoint_interval=4)
    loop.distributed.shutdown()
    monkeypatch.setattr(loop._Optimizer, "step", real_step)
    assert (run_dir / "points.partial/step2/state.pt").is_file()
    (run_dir / "metrics.jsonl").unlink()  # Snakemake deletes a failed job's outputs
    loop.train_run(stable, run_dir, tokens_dir, log_interval=1, checkpoint_interval=4)
    assert sorted(p.name for p in (run_dir / "points").iterdir()) == ["step2", "step8"]
    assert [r["step"] for r in records(run_dir / "metrics.jsonl")] == list(range(1, 9))
    assert loop.load_model_state(run_dir / "points/step2")["step"] == 2
