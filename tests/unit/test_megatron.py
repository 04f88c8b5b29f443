"""The CPU shims rely on five Megatron-Core internals; if an upgrade changes them, these tests
fail and point at src/codescale/megatron.py. The pieces the package names resolve, lazily."""

import contextlib
import inspect

import pytest
import torch

cpu_only = pytest.mark.skipif(torch.cuda.is_available(), reason="CPU compatibility only")


def test_importing_the_module_imports_no_megatron():
    import subprocess
    import sys

    code = "import sys, codescale.megatron; print('megatron.core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_piece_resolves_on_first_use():
    import types

    from codescale import megatron

    for name, module in megatron.PIECES.items():
        piece = getattr(megatron, name)
        if isinstance(piece, types.ModuleType):
            assert piece.__name__ == module
        else:
            assert piece.__module__.startswith(module) and piece.__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'GPTModle'"):
        megatron.GPTModle  # noqa: B018


@cpu_only
def test_internals_still_look_as_assumed():
    from megatron.core.models.common.embeddings.rotary_pos_embedding import RotaryEmbedding
    from megatron.core.tensor_parallel import random as mrandom
    from megatron.core.utils import GlobalMemoryBuffer

    src = inspect.getsource(inspect.unwrap(GlobalMemoryBuffer.get_tensor))
    assert "torch.cuda.current_device()" in src, "GlobalMemoryBuffer no longer uses CUDA: drop shim 1"
    src = inspect.getsource(inspect.unwrap(RotaryEmbedding.get_emb))
    assert "torch.cuda.current_device()" in src, "RotaryEmbedding.get_emb changed: revisit shim 3"
    from megatron.core.transformer.attention import Attention

    src = inspect.getsource(inspect.unwrap(Attention._allocate_memory))
    assert "torch.cuda.current_device()" in src, "Attention._allocate_memory changed: revisit shim 4"
    assert hasattr(mrandom, "_CUDA_RNG_STATE_TRACKER")
    assert hasattr(mrandom, "_CUDA_RNG_STATE_TRACKER_INITIALIZED")
    assert hasattr(mrandom, "_MODEL_PARALLEL_RNG_TRACKER_NAME")
    for name in ("add", "fork", "reset", "get_states", "set_states"):
        assert hasattr(mrandom.CudaRNGStatesTracker, name)


@contextlib.contextmanager
def _tiny_cpu_model_setup():
    """A single-process Megatron CPU setup, seeded, and the tiny shape both model tests build."""
    from codescale import megatron
    from codescale.train import distributed
    from codescale.train.shape import ModelShape

    distributed.init()
    try:
        megatron.install(seed=1)
        torch.manual_seed(0)
        yield ModelShape(layers=1, hidden=32, heads=4, ffn=64, vocab=64, seq=16)
    finally:
        distributed.shutdown()


@cpu_only
def test_forward_backward_on_cpu():
    from codescale.train.loop import causal_mask
    from codescale.train.model import build_model

    with _tiny_cpu_model_setup() as shape:
        model = build_model(shape)
        n_params = sum(p.numel() for n, p in model.named_parameters()
                       if "embedding" not in n and "output_layer" not in n)
        assert n_params == shape.non_embedding_params()
        assert not any("bias" in n for n, _ in model.named_parameters())
        tokens = torch.randint(0, 64, (2, 16))
        pos = torch.arange(16).expand(2, 16)
        loss = model(tokens, pos, causal_mask(16, "cpu"), labels=tokens).mean()
        loss.backward()
        assert torch.isfinite(loss)
        assert all(p.grad is not None for p in model.parameters())
        # Causality: changing the last token does not change earlier positions' outputs.
        model.eval()
        with torch.no_grad():
            a = model(tokens, pos, causal_mask(16, "cpu"))
            t2 = tokens.clone()
            t2[:, -1] = (t2[:, -1] + 1) % 64
            b = model(t2, pos, causal_mask(16, "cpu"))
        assert torch.allclose(a[:, :-1], b[:, :-1], atol=1e-5)


@cpu_only
def test_megatron_imports_without_compiling_gpu_fusions():
    import subprocess
    import sys

    code = ("import sys, torch; from codescale.megatron import import_megatron; import_megatron(); "
            "import megatron.core.models.gpt; assert torch.compile.__name__ == 'compile'; "
            "print('torch._inductor' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # Inductor (and its import cost) stayed out


@cpu_only
def test_linear_layers_still_need_the_autocast_shim():
    import megatron.core.tensor_parallel.layers as layers

    from codescale import megatron

    megatron.install(seed=1)
    fwd = inspect.getsource(inspect.unwrap(layers.LinearWithGradAccumulationAndAsyncCommunication.forward))
    assert "torch.matmul" in fwd, "Megatron's linear forward changed: revisit shim 5"
    for cls in (layers.ColumnParallelLinear, layers.RowParallelLinear):
        assert getattr(cls._forward_impl, "__codescale_cpu__", False), cls
        src = inspect.getsource(inspect.unwrap(cls._forward_impl))
        assert "linear_with_grad_accumulation_and_async_allreduce" in src, f"{cls.__name__}: revisit shim 5"


@cpu_only
def test_bf16_autocast_backward_gives_fp32_weights_fp32_gradients():
    from codescale.train.loop import causal_mask
    from codescale.train.model import build_model

    with _tiny_cpu_model_setup() as shape:
        model = build_model(shape, precision="bf16-autocast")
        tokens = torch.randint(0, 64, (2, 16))
        pos = torch.arange(16).expand(2, 16)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(tokens, pos, causal_mask(16, "cpu"))
            loss = model(tokens, pos, causal_mask(16, "cpu"), labels=tokens).float().mean()
        assert logits.dtype == torch.bfloat16   # the matmuls did run in bf16
        loss.backward()
        assert all(p.dtype == torch.float32 and p.grad is not None and p.grad.dtype == torch.float32
                   for p in model.parameters())
        assert all(torch.isfinite(p.grad).all() for p in model.parameters())
