"""Export a trained run to the Hugging Face LLaMA format, so it can be scored with the harnesses
users already have (lm-evaluation-harness, bigcode-evaluation-harness, vLLM): ``config.json``
(``LlamaForCausalLM``), ``model.safetensors``, ``generation_config.json`` and the run's tokenizer
(``tokenizer.json`` with a ``tokenizer_config.json`` naming its end-of-document token).

codescale's GPTModel is LLaMA's architecture (RMSNorm, SwiGLU, rotary embeddings with the
rotate-half convention, no biases, untied output layer), so the export is a renaming plus two
splits (Megatron-Core 0.16):

- ``linear_qkv`` holds the query, key and value rows interleaved per query group:
  ``[q heads of group g; k_g; v_g]`` for each group g (``SelfAttention.get_query_key_value_tensors``);
  with as many groups as heads that is ``view(heads, 3, head_dim, hidden)``;
- ``linear_fc1`` is ``[gate; up]`` (``MLP``'s ``torch.chunk(x, 2)``: ``silu(first) * second``).

Both layer specs are read: the local spec's ``input_layernorm``/``pre_mlp_layernorm`` and
Transformer Engine's norms fused into the linears (``linear_qkv.layer_norm_weight``,
``linear_fc1.layer_norm_weight``). The rotary embeddings need no permutation: Megatron's
non-interleaved rotary is Hugging Face's. ``tests/unit/train/test_hf_export.py`` loads the export
with ``transformers`` and compares its logits with the run's on a batch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from codescale.artifacts import atomic_path
from codescale.train.shape import ModelShape

RMS_NORM_EPS = 1e-5  # TransformerConfig.layernorm_epsilon's default, used by every codescale model
ROPE_THETA = 10000.0  # GPTModel's rotary_base default


class ExportError(RuntimeError):
    """A checkpoint that cannot be exported (a name or shape the mapping does not know)."""


def _first(state: dict, *names: str) -> torch.Tensor:
    for name in names:
        if name in state:
            return state[name]
    raise ExportError(f"the checkpoint has none of {names}")


def llama_state_dict(state: dict, shape: ModelShape, query_groups: int | None = None) -> dict[str, torch.Tensor]:
    """Megatron-Core GPTModel weights (``model.state_dict()`` of either layer spec) as
    ``LlamaForCausalLM`` weights, contiguous, in their own dtype."""
    heads, hidden = shape.heads, shape.hidden
    groups = query_groups or heads
    head_dim = hidden // heads
    per_group = heads // groups
    out = {
        "model.embed_tokens.weight": state["embedding.word_embeddings.weight"],
        "model.norm.weight": state["decoder.final_layernorm.weight"],
        "lm_head.weight": state["output_layer.weight"][: shape.vocab],
    }
    for i in range(shape.layers):
        m, h = f"decoder.layers.{i}.", f"model.layers.{i}."
        qkv = state[m + "self_attention.linear_qkv.weight"]
        if qkv.shape != ((heads + 2 * groups) * head_dim, hidden):
            raise ExportError(f"layer {i}: linear_qkv is {tuple(qkv.shape)}, expected "
                              f"{((heads + 2 * groups) * head_dim, hidden)} for {heads} heads in {groups} groups")
        qkv = qkv.view(groups, (per_group + 2) * head_dim, hidden)
        q = qkv[:, : per_group * head_dim].reshape(heads * head_dim, hidden)
        k = qkv[:, per_group * head_dim: (per_group + 1) * head_dim].reshape(groups * head_dim, hidden)
        v = qkv[:, (per_group + 1) * head_dim:].reshape(groups * head_dim, hidden)
        fc1 = state[m + "mlp.linear_fc1.weight"]
        if fc1.shape != (2 * shape.ffn, hidden):
            raise ExportError(f"layer {i}: linear_fc1 is {tuple(fc1.shape)}, expected {(2 * shape.ffn, hidden)}")
        out.update({
            h + "input_layernorm.weight": _first(state, m + "input_layernorm.weight",
                                                 m + "self_attention.linear_qkv.layer_norm_weight"),
            h + "self_attn.q_proj.weight": q,
            h + "self_attn.k_proj.weight": k,
            h + "self_attn.v_proj.weight": v,
            h + "self_attn.o_proj.weight": state[m + "self_attention.linear_proj.weight"],
            h + "post_attention_layernorm.weight": _first(state, m + "pre_mlp_layernorm.weight",
                                                          m + "mlp.linear_fc1.layer_norm_weight"),
            h + "mlp.gate_proj.weight": fc1[: shape.ffn],
            h + "mlp.up_proj.weight": fc1[shape.ffn:],
            h + "mlp.down_proj.weight": state[m + "mlp.linear_fc2.weight"],
        })
    return {k: v.detach().contiguous() for k, v in out.items()}


def llama_config(shape: ModelShape, *, eod: int, pad: int, dtype: torch.dtype,
                 query_groups: int | None = None) -> dict:
    """``config.json`` of the exported model."""
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": shape.hidden, "intermediate_size": shape.ffn, "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads, "num_key_value_heads": query_groups or shape.heads,
        "head_dim": shape.hidden // shape.heads, "vocab_size": shape.vocab, "max_position_embeddings": shape.seq,
        "rms_norm_eps": RMS_NORM_EPS, "rope_theta": ROPE_THETA, "hidden_act": "silu",
        "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": False,
        "bos_token_id": eod, "eos_token_id": eod, "pad_token_id": pad,
        "torch_dtype": str(dtype).removeprefix("torch."),
    }


def export_run(checkpoint: str | Path, spec: dict, tokenizer: str | Path, out_dir: str | Path) -> dict:
    """Write the run's final checkpoint as a Hugging Face LLaMA model directory (atomically);
    returns its ``config.json``."""
    from safetensors.torch import save_file

    from codescale.tokens.tokenizer import EOD, PAD, load_tokenizer
    from codescale.train.loop import load_model_state

    shape = ModelShape.from_spec(spec["model"])
    state = load_model_state(checkpoint)["model"]
    weights = llama_state_dict(state, shape)
    dtype = next(iter(weights.values())).dtype
    tok = load_tokenizer(tokenizer)
    eod, pad = tok.token_to_id(EOD), tok.token_to_id(PAD)
    config = llama_config(shape, eod=eod, pad=pad, dtype=dtype)
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        save_file(weights, str(tmp / "model.safetensors"), metadata={"format": "pt", "run": spec["run"]})
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        (tmp / "generation_config.json").write_text(json.dumps(
            {"bos_token_id": eod, "eos_token_id": eod, "pad_token_id": pad, "do_sample": False}, indent=2) + "\n")
        shutil.copyfile(tokenizer, tmp / "tokenizer.json")
        (tmp / "tokenizer_config.json").write_text(json.dumps({
            "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": EOD, "eos_token": EOD, "pad_token": PAD,
            "model_max_length": shape.seq, "clean_up_tokenization_spaces": False}, indent=2) + "\n")
    return config
