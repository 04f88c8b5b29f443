"""Process-group setup: NCCL under ``torchrun``/``srun`` on GPUs, gloo with world size 1 on CPU."""

from __future__ import annotations

import os
import socket

import torch
import torch.distributed as dist


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def init(tensor_parallel: int = 1, pipeline_parallel: int = 1) -> tuple[int, int]:
    """Initialise torch.distributed and Megatron's model-parallel state; returns (rank, world)."""
    from megatron.core import parallel_state

    if not dist.is_initialized():
        if "SLURM_PROCID" in os.environ and "RANK" not in os.environ:  # launched by srun
            os.environ["RANK"] = os.environ["SLURM_PROCID"]
            os.environ["WORLD_SIZE"] = os.environ["SLURM_NTASKS"]
            os.environ["LOCAL_RANK"] = os.environ.get("SLURM_LOCALID", "0")
        if "RANK" not in os.environ:  # a single local process
            os.environ.update({"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0",
                               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port())})
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        if torch.cuda.is_available():
            torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
        dist.init_process_group(backend=backend)
    if not parallel_state.model_parallel_is_initialized():
        parallel_state.initialize_model_parallel(tensor_model_parallel_size=tensor_parallel,
                                                 pipeline_model_parallel_size=pipeline_parallel)
    return dist.get_rank(), dist.get_world_size()


def shutdown() -> None:
    from megatron.core import parallel_state

    if parallel_state.model_parallel_is_initialized():
        parallel_state.destroy_model_parallel()
    if dist.is_initialized():
        dist.destroy_process_group()
