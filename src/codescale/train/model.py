"""The model: Megatron-Core ``GPTModel`` configured as a LLaMA-style decoder (RMSNorm, SwiGLU,
RoPE, no biases, untied embeddings).

With Transformer Engine and a GPU it uses the TE layer spec (FP8 when asked for); otherwise
Megatron-Core's local spec. The same function builds both, so CPU and GPU runs train one model.

In the local spec the core attention is :class:`codescale.train.attention.SDPAttention` (PyTorch's
fused ``scaled_dot_product_attention``) unless ``core_attention="megatron"`` asks for Megatron's
``DotProductAttention``; neither has parameters, so their checkpoints are interchangeable.
``precision`` is a ``train.precision`` word or the resolved name
(:func:`codescale.train.precision.resolve`): parameters are bf16 only on GPUs (``auto``, ``bf16``,
``fp8``); on a CPU they are fp32 whatever the word, since CPU bf16 is autocast over fp32 weights.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from codescale.train.precision import USED, WORDS, params_dtype
from codescale.train.shape import ModelShape


def have_transformer_engine() -> bool:
    try:
        import transformer_engine  # noqa: F401
    except ImportError:
        return False
    return torch.cuda.is_available()


def build_model(shape: ModelShape, precision: str = "fp32", init_std: float = 0.02,
                core_attention: str = "sdpa"):
    """Build the GPTModel for ``shape``. ``precision``: a ``train.precision`` word or ``bf16-autocast``;
    ``core_attention`` (local spec only): ``sdpa`` or ``megatron``."""
    from codescale.megatron import (
        GPTModel,
        TransformerConfig,
        get_gpt_layer_local_spec,
        get_gpt_layer_with_transformer_engine_spec,
    )

    use_te = have_transformer_engine()
    if precision == "fp8" and not use_te:
        raise RuntimeError("precision fp8 needs Transformer Engine on a Hopper-class GPU")
    if precision not in WORDS + USED:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(WORDS + USED)}")
    if core_attention not in ("sdpa", "megatron"):
        raise ValueError(f"core_attention {core_attention!r}: expected sdpa or megatron")
    dtype = params_dtype(precision)
    kwargs = {}
    if precision == "fp8":
        kwargs.update(fp8="hybrid", fp8_recipe="delayed", first_last_layers_bf16=True,
                      num_layers_at_start_in_bf16=1, num_layers_at_end_in_bf16=1)
    config = TransformerConfig(
        num_layers=shape.layers,
        hidden_size=shape.hidden,
        num_attention_heads=shape.heads,
        ffn_hidden_size=shape.ffn,
        normalization="RMSNorm",
        gated_linear_unit=True,          # SwiGLU with activation_func=silu
        activation_func=F.silu,
        add_bias_linear=False,
        add_qkv_bias=False,
        bias_activation_fusion=False,
        bias_dropout_fusion=False,
        masked_softmax_fusion=False,
        persist_layer_norm=False,
        apply_rope_fusion=False,
        gradient_accumulation_fusion=False,
        hidden_dropout=0.0,
        attention_dropout=0.0,
        init_method_std=init_std,
        use_cpu_initialization=not torch.cuda.is_available(),
        bf16=dtype == torch.bfloat16,
        params_dtype=dtype,
        pipeline_dtype=dtype,
        **kwargs,
    )
    if use_te:
        spec = get_gpt_layer_with_transformer_engine_spec()
    else:
        spec = get_gpt_layer_local_spec(normalization="RMSNorm")
        if core_attention == "sdpa":
            from codescale.train.attention import SDPAttention

            spec.submodules.self_attention.submodules.core_attention = SDPAttention
    model = GPTModel(
        config=config,
        transformer_layer_spec=spec,
        vocab_size=shape.vocab,
        max_sequence_length=shape.seq,
        position_embedding_type="rope",
        share_embeddings_and_output_weights=False,
        parallel_output=True,
    )
    if torch.cuda.is_available():
        model = model.cuda()
    return model
