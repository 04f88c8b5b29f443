"""Which arithmetic a run trains in: the ``train.precision`` word resolved against the machine.

``train.precision`` is ``auto``, ``fp32``, ``bf16`` or ``fp8``. What each trains in (:func:`resolve`),
and the name written into every ``metrics.jsonl`` record:

======== ===================================== ===========================================
word     CPU                                   GPU
======== ===================================== ===========================================
auto     ``bf16-autocast`` if the CPU has       ``bf16`` (Megatron: bf16 params, fp32 master
         bf16 instructions, else ``fp32``       weights in its distributed optimizer)
fp32     ``fp32``                               ``fp32``
bf16     ``bf16-autocast``; an error on a CPU   ``bf16``
         without bf16 instructions
fp8      an error                               ``fp8`` (Transformer Engine, Hopper)
======== ===================================== ===========================================

``bf16-autocast`` keeps fp32 parameters and fp32 AdamW state; only the forward/backward matmuls
and attention run in bf16 under ``torch.autocast("cpu", torch.bfloat16)``, and the loss (log-softmax
over the vocabulary) is taken in fp32. Measured on a Sapphire-Rapids-class core (AMX, AVX512-BF16) at
the m3 shape: see ``bench/train_step_cpu.py``. A CPU without native bf16 would emulate it, slower
than fp32, hence the fallback of ``auto``.

Validation-loss scoring (:mod:`codescale.evaluate.loss`) always runs the fp32 weights in fp32,
whatever the run trained in, so every run's final loss is measured the same way.
"""

from __future__ import annotations

import contextlib
import functools

import torch

WORDS = ("auto", "fp32", "bf16", "fp8")
USED = ("fp32", "bf16-autocast", "bf16", "fp8")


@functools.lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Whether this CPU executes bf16 matmuls natively (AVX512-BF16 or AMX tiles), as oneDNN uses them."""
    cpu = torch.cpu
    avx512_bf16 = getattr(cpu, "_is_avx512_bf16_supported", lambda: False)()
    amx = getattr(cpu, "_is_amx_tile_supported", lambda: False)()
    return bool(avx512_bf16 or amx)


def resolve(word: str, *, on_gpu: bool | None = None, cpu_bf16: bool | None = None) -> str:
    """The precision a run with ``train.precision`` = ``word`` trains in here (one of :data:`USED`)."""
    if word not in WORDS:
        raise ValueError(f"train.precision {word!r}: expected one of {', '.join(WORDS)}")
    on_gpu = torch.cuda.is_available() if on_gpu is None else on_gpu
    if on_gpu:
        return "bf16" if word == "auto" else word
    cpu_bf16 = cpu_has_bf16() if cpu_bf16 is None else cpu_bf16
    if word == "fp8":
        raise RuntimeError("train.precision fp8 needs Transformer Engine on a Hopper-class GPU")
    if word == "bf16" and not cpu_bf16:
        raise RuntimeError("train.precision bf16 on a CPU without bf16 instructions (AVX512-BF16 or "
                           "AMX) would emulate it slower than fp32: use fp32 or auto")
    if word in ("auto", "bf16"):
        return "bf16-autocast" if cpu_bf16 else "fp32"
    return "fp32"


def params_dtype(precision: str, *, on_gpu: bool | None = None) -> torch.dtype:
    """The dtype the model's parameters are built in for a word or resolved ``precision``: bf16 for
    Megatron's GPU bf16/fp8 (``auto`` included), fp32 on a CPU whatever the word (autocast or fp32)."""
    on_gpu = torch.cuda.is_available() if on_gpu is None else on_gpu
    return torch.bfloat16 if on_gpu and precision in ("auto", "bf16", "fp8") else torch.float32


def autocast(used: str):
    """The context the forward and backward run in: CPU bf16 autocast for ``bf16-autocast``."""
    if used == "bf16-autocast":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()
