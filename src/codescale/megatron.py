"""Megatron-Core for codescale: its import, the pieces the package uses, and the CPU shims for
Megatron-Core 0.16 (the only place codescale touches its internals).

Training, tokenization and evaluation reach Megatron-Core only through this module, and only
inside functions: ``from codescale.megatron import GPTModel`` imports the piece on first use
(:data:`PIECES` names each one's module), after :func:`import_megatron`. Importing this module
does not import Megatron-Core, which takes seconds.

:func:`import_megatron` imports Megatron-Core once per process. Without CUDA it does so with
``torch.compile`` as the identity: Megatron decorates its fused GPU kernels (bias-GeLU, SwiGLU,
...) with ``torch.compile`` at import time, which pulls in TorchDynamo and Inductor — 2.5 of the
7.4 s a process spends importing Megatron (measured: 4.9 s instead of 7.4 s to the first
``GPTModel``), paid by every training, tokenization and evaluation job. The local CPU layer spec
does not call those kernels, and an eager function computes what its compiled form does.

Megatron-Core assumes CUDA in five places that a CPU forward/backward or generation reaches:

1. ``GlobalMemoryBuffer.get_tensor`` allocates with ``device=torch.cuda.current_device()``;
2. ``CudaRNGStatesTracker.add``/``fork`` save and restore CUDA RNG states;
3. ``RotaryEmbedding.get_emb`` moves ``inv_freq`` to ``torch.cuda.current_device()``;
4. ``Attention._allocate_memory`` puts the KV cache of static-batch inference on that device;
5. ``ColumnParallelLinear``/``RowParallelLinear`` multiply through an autograd function decorated
   with ``torch.amp.custom_fwd(device_type="cuda")``: under CPU autocast its forward runs in bf16
   but its backward outside autocast, where a bf16 gradient meets the fp32 weight and fails.

:func:`install` is a no-op when CUDA is available. Otherwise it wraps (1), (3) and (4) so that
``torch.cuda.current_device()`` answers ``"cpu"`` during those calls only, installs a tracker
that forks the CPU generator's state instead of CUDA's (2), and (5) lets both linear layers call
``torch.nn.functional.linear`` while CPU autocast is on and the layer needs none of what the
function adds (tensor parallelism, sequence parallelism, fused or deferred weight gradients):
there autograd records autocast's casts, so fp32 weights get fp32 gradients. Outside autocast
the layers run Megatron's own function, unchanged.

``tests/unit/test_megatron.py`` checks that these internals still look as assumed, so an upgrade
that changes them fails loudly.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys

import torch

# The Megatron-Core pieces codescale uses: name -> the module that defines it (a module itself
# where the name is the module's last part).
PIECES = {
    "parallel_state": "megatron.core.parallel_state",
    "DistributedDataParallel": "megatron.core.distributed",
    "DistributedDataParallelConfig": "megatron.core.distributed",
    "OptimizerConfig": "megatron.core.optimizer",
    "get_megatron_optimizer": "megatron.core.optimizer",
    "TransformerConfig": "megatron.core.transformer.transformer_config",
    "GPTModel": "megatron.core.models.gpt",
    "get_gpt_layer_local_spec": "megatron.core.models.gpt.gpt_layer_specs",
    "get_gpt_layer_with_transformer_engine_spec": "megatron.core.models.gpt.gpt_layer_specs",
    "StaticInferenceContext": "megatron.core.inference.contexts",
    "BlendedMegatronDatasetBuilder": "megatron.core.datasets.blended_megatron_dataset_builder",
    "GPTDataset": "megatron.core.datasets.gpt_dataset",
    "GPTDatasetConfig": "megatron.core.datasets.gpt_dataset",
    "IndexedDataset": "megatron.core.datasets.indexed_dataset",
    "IndexedDatasetBuilder": "megatron.core.datasets.indexed_dataset",
}

_INSTALLED = False


def __getattr__(name: str):
    """A piece of :data:`PIECES`, imported on first use (PEP 562)."""
    if name not in PIECES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import_megatron()
    module = importlib.import_module(PIECES[name])
    piece = module if module.__name__.rpartition(".")[2] == name else getattr(module, name)
    globals()[name] = piece
    return piece


def import_megatron() -> None:
    """Import ``megatron.core`` (idempotent); on a CPU-only machine without compiling its GPU fusions."""
    if "megatron.core" in sys.modules:
        return
    if torch.cuda.is_available():
        import megatron.core  # noqa: F401
        return

    def identity(model=None, **kwargs):
        return model if model is not None else (lambda fn: fn)

    original = torch.compile
    torch.compile = identity
    try:
        import megatron.core  # noqa: F401
        import megatron.core.models.gpt  # noqa: F401  (the fused kernels are decorated here)
    finally:
        torch.compile = original


@contextlib.contextmanager
def _cuda_device_is_cpu():
    original = torch.cuda.current_device
    torch.cuda.current_device = lambda: "cpu"  # type: ignore[assignment]
    try:
        yield
    finally:
        torch.cuda.current_device = original  # type: ignore[assignment]


def _on_cpu(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _cuda_device_is_cpu():
            return method(*args, **kwargs)

    wrapper.__codescale_cpu__ = True
    return wrapper


def _cpu_tracker_class():
    from megatron.core.tensor_parallel.random import CudaRNGStatesTracker

    class CpuRNGStatesTracker(CudaRNGStatesTracker):
        """Named RNG states on the CPU generator (dropout inside model-parallel regions)."""

        def add(self, name, seed):
            self._is_initialized = True
            if seed in self.seeds_:
                raise Exception(f"seed {seed} already exists")
            self.seeds_.add(seed)
            if name in self.states_:
                raise Exception(f"rng state {name} already exists")
            original = torch.get_rng_state()
            torch.manual_seed(seed)
            self.states_[name] = torch.get_rng_state()
            torch.set_rng_state(original)

        @contextlib.contextmanager
        def fork(self, name="model-parallel-rng"):
            if name not in self.states_:
                raise Exception(f"rng state {name} is not added")
            original = torch.get_rng_state()
            torch.set_rng_state(self.states_[name])
            try:
                yield
            finally:
                self.states_[name] = torch.get_rng_state()
                torch.set_rng_state(original)

    return CpuRNGStatesTracker


def _plain_linear_ok(input, weight, kwargs) -> bool:
    """Whether Megatron's linear function would compute just ``F.linear`` here (shim 5)."""
    group = kwargs.get("tp_group")
    return (weight.requires_grad and not kwargs.get("allreduce_dgrad")
            and not kwargs.get("sequence_parallel") and not kwargs.get("gradient_accumulation_fusion")
            and kwargs.get("grad_output_buffer") is None
            and (group is None or group.size() == 1))


def _autocast_linear(original):
    @functools.wraps(original)
    def forward_impl(self, input, weight, *args, **kwargs):
        if torch.is_autocast_enabled("cpu") and not args and _plain_linear_ok(input, weight, kwargs):
            return torch.nn.functional.linear(input, weight, kwargs.get("bias"))
        return original(self, input, weight, *args, **kwargs)

    forward_impl.__codescale_cpu__ = True
    return forward_impl


def _install_autocast_linear() -> None:
    from megatron.core.tensor_parallel.layers import ColumnParallelLinear, RowParallelLinear

    for cls in (ColumnParallelLinear, RowParallelLinear):
        cls._forward_impl = _autocast_linear(cls._forward_impl)


def install(seed: int) -> None:
    """Make Megatron-Core's model code run on the CPU; seed its RNG tracker."""
    global _INSTALLED
    if torch.cuda.is_available():
        return
    from megatron.core.models.common.embeddings.rotary_pos_embedding import RotaryEmbedding
    from megatron.core.tensor_parallel import random as mrandom
    from megatron.core.transformer.attention import Attention
    from megatron.core.utils import GlobalMemoryBuffer

    if not _INSTALLED:
        GlobalMemoryBuffer.get_tensor = _on_cpu(GlobalMemoryBuffer.get_tensor)
        RotaryEmbedding.get_emb = _on_cpu(RotaryEmbedding.get_emb)
        Attention._allocate_memory = _on_cpu(Attention._allocate_memory)
        _install_autocast_linear()
        _INSTALLED = True
    tracker = _cpu_tracker_class()()
    tracker.add(mrandom._MODEL_PARALLEL_RNG_TRACKER_NAME, seed + 2718)
    mrandom._CUDA_RNG_STATE_TRACKER = tracker
    mrandom._CUDA_RNG_STATE_TRACKER_INITIALIZED = True
