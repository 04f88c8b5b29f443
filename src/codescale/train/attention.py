"""Core attention through ``torch.nn.functional.scaled_dot_product_attention``, for Megatron-Core's
local layer spec (the ``core_attention`` submodule of ``SelfAttention``) on CPUs.

Megatron's local ``DotProductAttention`` computes ``baddbmm`` scores into a global buffer, fills the
masked ones with -10000, takes a softmax and a ``bmm``: five kernels and two [b, heads, s, s] tensors
kept for the backward pass. PyTorch's CPU SDPA (a flash-attention kernel) does it in one pass per
block and keeps only the log-sum-exp. On a CPU it runs in fp32 even under bf16 autocast: there
its bf16 flash kernel is 3-5x slower than the fp32 one at our shapes (head dim 32, seq 128;
measured fwd+bwd, b 8, 4 heads: fp32 ~4 ms, bf16 ~14-22 ms, Megatron's composite in bf16 ~4-6 ms),
and the attention's share of the FLOPs is small. It computes the same
function (``tests/unit/train/test_model.py`` checks it against ``DotProductAttention``), and its
parameters are the same (none), so checkpoints move between the two.

Masks follow Megatron's convention: a boolean ``attention_mask`` broadcastable to
[b, heads, sq, sk], True where attention is *not* allowed (the per-document masks of
``train.data`` included). Without a mask, a causal layer attends causally (SDPA's ``is_causal``);
a query of length 1 (a decode step with the KV cache) attends to every cached key, as in Megatron.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class SDPAttention(torch.nn.Module):
    """Drop-in ``core_attention`` for Megatron's ``SelfAttention``: [sq, b, heads, dim] in,
    [sq, b, heads * dim] out."""

    def __init__(self, config, layer_number: int, attn_mask_type, attention_type: str,
                 attention_dropout: float | None = None, softmax_scale: float | None = None,
                 cp_comm_type=None, pg_collection=None):
        super().__init__()
        unsupported = {
            "context_parallel_size": config.context_parallel_size != 1,
            "tensor_model_parallel_size": config.tensor_model_parallel_size != 1,
            "apply_query_key_layer_scaling": config.apply_query_key_layer_scaling,
            "window_size": config.window_size is not None,
            "softmax_type": config.softmax_type != "vanilla",
        }
        if any(unsupported.values()):
            raise ValueError(f"SDPAttention does not support {[k for k, v in unsupported.items() if v]}")
        self.config = config
        self.attn_mask_type = attn_mask_type
        self.heads = config.num_attention_heads
        self.groups = config.num_query_groups or config.num_attention_heads
        self.head_dim = config.kv_channels
        self.softmax_scale = softmax_scale if softmax_scale is not None else 1.0 / math.sqrt(self.head_dim)
        self.dropout = config.attention_dropout if attention_dropout is None else attention_dropout

    def forward(self, query, key, value, attention_mask, attn_mask_type=None, attention_bias=None,
                packed_seq_params=None):
        if attention_bias is not None or packed_seq_params is not None:
            raise ValueError("SDPAttention takes neither attention_bias nor packed_seq_params")
        sq, b = query.shape[0], query.shape[1]
        sk = key.shape[0]
        # [s, b, heads, dim] -> [b, heads, s, dim]
        q, k, v = (t.permute(1, 2, 0, 3) for t in (query, key, value))
        if self.heads != self.groups:
            k = k.repeat_interleave(self.heads // self.groups, dim=1)
            v = v.repeat_interleave(self.heads // self.groups, dim=1)
        causal = False
        mask = None
        if attention_mask is not None:
            mask = ~attention_mask.to(torch.bool)   # SDPA: True = may attend
        elif getattr(self.attn_mask_type, "name", None) == "causal" and sq > 1:
            if sq != sk:
                raise ValueError(f"causal attention without a mask needs sq == sk, got {sq} != {sk}")
            causal = True
        dropout = self.dropout if self.training else 0.0
        if q.device.type == "cpu" and torch.is_autocast_enabled("cpu"):
            with torch.autocast("cpu", enabled=False):   # fp32 on CPU: see the module docstring
                out = F.scaled_dot_product_attention(
                    q.float(), k.float(), v.float(), attn_mask=mask, dropout_p=dropout,
                    is_causal=causal, scale=self.softmax_scale).to(torch.bfloat16)
        else:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout,
                                                 is_causal=causal, scale=self.softmax_scale)
        # [b, heads, sq, dim] -> [sq, b, heads * dim]
        return out.permute(2, 0, 1, 3).reshape(sq, b, self.heads * self.head_dim)
