"""Launching a run on a cluster: its SLURM resources and the command that starts its ranks.

A model's ``gpus`` (config ``models.<name>.gpus``) decides how a run is launched:

- ``0``: one CPU process, inside the Snakemake job (the embedded default);
- ``1``: one process on one GPU, inside the Snakemake job;
- ``2..gpus_per_node``: ``torchrun --standalone`` on one node, one rank per GPU;
- more: ``srun`` across ``ceil(gpus / gpus_per_node)`` whole nodes, one task per GPU, rendezvous
  at the first node of the allocation (``distributed.init`` maps SLURM's ids to torch's).

Ranks run ``python -m codescale.train.launch`` (:func:`main`), which calls the same
:func:`~codescale.train.loop.train_run` as the in-job path. The time limit is an estimate from the
run's FLOPs (6·N·D plus attention) at an assumed MFU, times a margin: a run that still outlives it
resumes from its rolling checkpoint when Snakemake retries the job.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import socket
import subprocess
import sys

from codescale.train.shape import ModelShape

CPU_MEM_MB = 4000


def cluster_settings(config: dict) -> dict:
    """``config["cluster"]`` of a validated config (the schema fills in every default)."""
    return dict(config["cluster"])


def estimated_minutes(spec_model: dict, tokens: int, gpus: int, cluster: dict) -> float:
    """Training minutes of ``tokens`` tokens on ``gpus`` GPUs at the assumed MFU."""
    flops = ModelShape.from_spec(spec_model).flops_per_token() * tokens
    return flops / (gpus * cluster["peak_tflops"] * 1e12 * cluster["mfu"]) / 60.0


def run_resources(spec_model: dict, tokens: int, gpus: int, cluster: dict) -> dict:
    """SLURM resources (``snakemake-executor-plugin-slurm`` names) of one training run.

    ``spec_model`` is the model part of a run spec (shape, vocab, seq). CPU runs get a fixed
    allocation (they are laptop-scale); GPU runs are sized from the model's ``gpus``.
    """
    if gpus <= 0:
        return {"gpu": 0, "cpus_per_task": 1, "mem_mb": CPU_MEM_MB, "runtime": cluster["min_runtime"]}
    minutes = estimated_minutes(spec_model, tokens, gpus, cluster) * cluster["runtime_margin"]
    runtime = int(min(cluster["max_runtime"], max(cluster["min_runtime"], math.ceil(minutes))))
    per_node, nodes = _node_layout(gpus, cluster["gpus_per_node"])
    if gpus == 1:
        return {"gpu": 1, "cpus_per_task": cluster["cpus_per_gpu"], "mem_mb": cluster["mem_mb_per_gpu"],
                "runtime": runtime}
    # Ranks are started by our own torchrun/srun call, not by the plugin's `srun -n1` wrapper
    # (which would confine the job to one task): `mpi` tells the plugin exactly that.
    return {"nodes": nodes, "gres": f"gpu:{per_node}", "tasks_per_node": per_node, "mpi": "srun",
            "cpus_per_task": cluster["cpus_per_gpu"], "mem_mb": cluster["mem_mb_per_gpu"] * per_node,
            "runtime": runtime}


def _node_layout(gpus: int, gpus_per_node: int) -> tuple[int, int]:
    """(GPUs per node, nodes) of a run: one partial node, or whole nodes."""
    per_node = min(gpus, gpus_per_node)
    if gpus % per_node:
        raise ValueError(f"{gpus} GPUs do not fill whole nodes of {gpus_per_node}")
    return per_node, gpus // per_node


def launch_command(gpus: int, gpus_per_node: int, args: list[str], *, python: str = sys.executable,
                   master_addr: str = "", master_port: int = 29500) -> tuple[list[str], dict]:
    """The command (and extra environment) that starts ``gpus`` ranks of ``python -m
    codescale.train.launch args``: torchrun on one node, srun across nodes."""
    module = [python, "-m", "codescale.train.launch", *args]
    if gpus <= gpus_per_node:
        return [python, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={gpus}",
                "-m", "codescale.train.launch", *args], {}
    _, nodes = _node_layout(gpus, gpus_per_node)
    cmd = ["srun", f"--nodes={nodes}", f"--ntasks={gpus}", f"--ntasks-per-node={gpus_per_node}",
           f"--gpus-per-node={gpus_per_node}", "--kill-on-bad-exit=1", *module]
    return cmd, {"MASTER_ADDR": master_addr, "MASTER_PORT": str(master_port)}


def first_allocation_host() -> str:
    """The first node of this SLURM job (the rendezvous host), from ``scontrol``."""
    job = os.environ.get("SLURM_JOB_ID")
    if not job:
        return socket.gethostname()
    nodelist = subprocess.run(["squeue", "-h", "-j", job, "-o", "%N"], capture_output=True, text=True,
                              check=True).stdout.strip()
    hosts = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True,
                           check=True).stdout.split()
    return hosts[0] if hosts else socket.gethostname()


def run_ranks(gpus: int, gpus_per_node: int, args: list[str], log) -> None:
    """Start the ranks of a multi-GPU run and wait; raises when any rank fails."""
    port = 29500 + int(os.environ.get("SLURM_JOB_ID", "0")) % 20000
    host = first_allocation_host() if gpus > gpus_per_node else ""
    cmd, env = launch_command(gpus, gpus_per_node, args, master_addr=host, master_port=port)
    print("launching: " + shlex.join(cmd), file=log, flush=True)
    proc = subprocess.run(cmd, env={**os.environ, **env}, stdout=log, stderr=log)
    if proc.returncode:
        raise RuntimeError(f"training ranks failed with exit code {proc.returncode}: {shlex.join(cmd)}")


def main(argv: list[str] | None = None) -> None:
    """One rank: ``python -m codescale.train.launch --spec S --run-dir R --tokens-dir T``."""
    from codescale.artifacts import read_json
    from codescale.train.loop import train_run

    ap = argparse.ArgumentParser(prog="python -m codescale.train.launch", description=main.__doc__)
    ap.add_argument("--spec", required=True, help="the run's spec.json")
    ap.add_argument("--run-dir", required=True, help="where metrics.jsonl and checkpoint/ go")
    ap.add_argument("--tokens-dir", required=True, help="the tokens/ directory (manifest.json)")
    ap.add_argument("--log-interval", type=int, default=10)
    ap.add_argument("--checkpoint-interval", type=int, default=0)
    a = ap.parse_args(argv)
    result = train_run(read_json(a.spec), a.run_dir, a.tokens_dir, log_interval=a.log_interval,
                       checkpoint_interval=a.checkpoint_interval)
    print(result, file=sys.stderr)


if __name__ == "__main__":
    main()
