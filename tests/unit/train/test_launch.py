"""Cluster sizing of runs and the commands that start their ranks."""

import pytest

from codescale.configuration import defaults
from codescale.train.launch import estimated_minutes, launch_command, run_resources
from codescale.train.shape import ModelShape

MODEL = {"layers": 24, "hidden": 2048, "heads": 16, "ffn": 5632, "vocab": 32768, "seq": 4096}
CLUSTER = defaults("cluster")


def test_runtime_estimate_is_flops_over_throughput():
    flops = ModelShape.from_spec(MODEL).flops_per_token() * 10**10
    expected = flops / (8 * 989e12 * 0.3) / 60
    assert estimated_minutes(MODEL, 10**10, 8, CLUSTER) == pytest.approx(expected)
    # twice the GPUs, half the time
    assert estimated_minutes(MODEL, 10**10, 16, CLUSTER) == pytest.approx(expected / 2)


def test_cpu_and_single_gpu_runs_are_one_task():
    assert run_resources(MODEL, 10**6, 0, CLUSTER) == {"gpu": 0, "cpus_per_task": 1, "mem_mb": 4000,
                                                       "runtime": 30}
    one = run_resources(MODEL, 10**9, 1, CLUSTER)
    assert one["gpu"] == 1 and one["cpus_per_task"] == 8 and "mpi" not in one


def test_one_node_and_many_nodes():
    node = run_resources(MODEL, 10**10, 8, CLUSTER)
    assert node["nodes"] == 1 and node["gres"] == "gpu:8" and node["tasks_per_node"] == 8
    assert node["mpi"] == "srun" and node["mem_mb"] == 8 * 64000
    many = run_resources(MODEL, 10**10, 32, CLUSTER)
    assert many["nodes"] == 4 and many["gres"] == "gpu:8"
    with pytest.raises(ValueError, match="whole nodes"):
        run_resources(MODEL, 10**10, 12, CLUSTER)


def test_time_limit_has_a_margin_and_bounds():
    est = estimated_minutes(MODEL, 10**10, 8, CLUSTER)
    assert run_resources(MODEL, 10**10, 8, CLUSTER)["runtime"] == max(30, int(-(-est * 1.5 // 1)))
    assert run_resources(MODEL, 10**7, 8, CLUSTER)["runtime"] == 30  # start-up dominates
    assert run_resources(MODEL, 10**14, 8, CLUSTER)["runtime"] == 2880  # resumes on retry


def test_launch_commands():
    args = ["--spec", "s.json"]
    cmd, env = launch_command(4, 8, args, python="py")
    assert cmd == ["py", "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=4", "-m",
                   "codescale.train.launch", "--spec", "s.json"] and env == {}
    cmd, env = launch_command(16, 8, args, python="py", master_addr="n1", master_port=30000)
    assert cmd[:6] == ["srun", "--nodes=2", "--ntasks=16", "--ntasks-per-node=8", "--gpus-per-node=8",
                       "--kill-on-bad-exit=1"]
    assert cmd[6:] == ["py", "-m", "codescale.train.launch", "--spec", "s.json"]
    assert env == {"MASTER_ADDR": "n1", "MASTER_PORT": "30000"}


def test_ranks_started_by_torchrun_train_like_the_in_job_path(tokens_dir, tmp_path):
    """The multi-GPU path for real, at world size 1 on CPU: torchrun starts `python -m
    codescale.train.launch`, which trains to the same weights as train_run in-process."""
    import json

    import torch

    from codescale.train import loop
    from codescale.train.launch import run_ranks

    from .test_loop import tiny_spec

    spec = tiny_spec()
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    with open(tmp_path / "ranks.log", "w") as log:
        run_ranks(1, 8, ["--spec", str(tmp_path / "spec.json"), "--run-dir", str(tmp_path / "ranks"),
                         "--tokens-dir", str(tokens_dir), "--log-interval", "2"], log)
    assert "launching: " in (tmp_path / "ranks.log").read_text()
    loop.train_run(spec, tmp_path / "direct", tokens_dir, log_interval=2)
    a, b = (loop.load_model_state(tmp_path / d / "checkpoint") for d in ("ranks", "direct"))
    assert a["step"] == b["step"] == 8
    for key, value in b["model"].items():
        if torch.is_tensor(value):
            assert torch.equal(value, a["model"][key]), key
    with pytest.raises(RuntimeError, match="training ranks failed"):
        with open(tmp_path / "bad.log", "w") as log:
            run_ranks(1, 8, ["--spec", str(tmp_path / "missing.json"), "--run-dir", str(tmp_path / "x"),
                             "--tokens-dir", str(tokens_dir)], log)
