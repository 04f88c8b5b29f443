"""Process-group setup: NCCL under ``torchrun``/``srun`` on GPUs, gloo with world size 1 on CPU."""

from __future__ import annotations

import os
import tempfile

import torch
import torch.distributed as dist

_STORE_FILE: str | None = None


def init(tensor_parallel: int = 1, pipeline_parallel: int = 1) -> tuple[int, int]:
    """Initialise torch.distributed and Megatron's model-parallel state; returns (rank, world)."""
    from codescale.megatron import parallel_state

    global _STORE_FILE
    if not dist.is_initialized():
        if "SLURM_PROCID" in os.environ and "RANK" not in os.environ:  # launched by srun
            os.environ["RANK"] = os.environ["SLURM_PROCID"]
            os.environ["WORLD_SIZE"] = os.environ["SLURM_NTASKS"]
            os.environ["LOCAL_RANK"] = os.environ.get("SLURM_LOCALID", "0")
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        if "RANK" not in os.environ or "MASTER_ADDR" not in os.environ:
            # A single local process: a file store, not a TCP port (concurrent jobs on one
            # machine would race for free ports).
            fd, _STORE_FILE = tempfile.mkstemp(prefix="codescale-store-")
            os.close(fd)
            store = dist.FileStore(_STORE_FILE, 1)
            dist.init_process_group(backend=backend, store=store, rank=0, world_size=1)
        else:
            if torch.cuda.is_available():
                torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
            dist.init_process_group(backend=backend)
    if not parallel_state.model_parallel_is_initialized():
        parallel_state.initialize_model_parallel(tensor_model_parallel_size=tensor_parallel,
                                                 pipeline_model_parallel_size=pipeline_parallel)
    return dist.get_rank(), dist.get_world_size()


def shutdown() -> None:
    from codescale.megatron import parallel_state

    if parallel_state.model_parallel_is_initialized():
        parallel_state.destroy_model_parallel()
    global _STORE_FILE
    if dist.is_initialized():
        dist.destroy_process_group()
    if _STORE_FILE:
        try:
            os.unlink(_STORE_FILE)
        except FileNotFoundError:
            pass
        _STORE_FILE = None
