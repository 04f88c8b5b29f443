"""The model's CPU pieces: SDPA core attention computes what Megatron's DotProductAttention does
(masks included), swapping it leaves the fp32 training loss unchanged, and bf16 autocast trains
within a stated tolerance of fp32."""

import pytest
import torch

from codescale import megatron
from codescale.train import distributed
from codescale.train.loop import _loss, causal_mask
from codescale.train.model import build_model
from codescale.train.precision import cpu_has_bf16
from codescale.train.shape import ModelShape

cpu_only = pytest.mark.skipif(torch.cuda.is_available(), reason="CPU path only")
SHAPE = ModelShape(layers=2, hidden=32, heads=4, ffn=88, vocab=96, seq=24)


@pytest.fixture(scope="module", autouse=True)
def megatron_on_cpu():
    distributed.init()
    megatron.install(seed=1)
    yield
    distributed.shutdown()


def document_mask(b: int, s: int, cuts: list[int]) -> torch.Tensor:
    """[b, 1, s, s] Megatron mask (True = masked): causal within documents ending before ``cuts``."""
    doc = torch.zeros(s, dtype=torch.long)
    for c in cuts:
        doc[c:] += 1
    mask = (doc[:, None] != doc[None, :]) | torch.triu(torch.ones(s, s, dtype=torch.bool), 1)
    return mask[None, None].expand(b, 1, s, s).contiguous()


def attention_pair(heads=4, groups=None):
    from megatron.core.transformer.dot_product_attention import DotProductAttention
    from megatron.core.transformer.enums import AttnMaskType

    from codescale.megatron import TransformerConfig
    from codescale.train.attention import SDPAttention

    config = TransformerConfig(num_layers=1, hidden_size=8 * heads, num_attention_heads=heads,
                               num_query_groups=groups, attention_dropout=0.0, hidden_dropout=0.0,
                               masked_softmax_fusion=False, use_cpu_initialization=True)
    args = dict(config=config, layer_number=1, attn_mask_type=AttnMaskType.causal, attention_type="self")
    return DotProductAttention(**args), SDPAttention(**args)


@cpu_only
@pytest.mark.parametrize("groups", [None, 2])
@pytest.mark.parametrize("masking", ["causal", "documents"])
def test_sdpa_attention_matches_megatron(groups, masking):
    reference, fused = attention_pair(groups=groups)
    s, b, heads, dim = 20, 3, 4, 8
    kv_heads = groups or heads
    torch.manual_seed(0)
    q = torch.randn(s, b, heads, dim, requires_grad=True)
    k = torch.randn(s, b, kv_heads, dim, requires_grad=True)
    v = torch.randn(s, b, kv_heads, dim, requires_grad=True)
    mask = causal_mask(s, "cpu") if masking == "causal" else document_mask(b, s, [5, 13])
    grads = []
    outs = []
    for module in (reference, fused):
        out = module(q, k, v, mask)
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        outs.append(out.detach())
        grads.append([t.grad.clone() for t in (q, k, v)])
        for t in (q, k, v):
            t.grad = None
    assert outs[0].shape == outs[1].shape == (s, b, heads * dim)
    torch.testing.assert_close(outs[1], outs[0], atol=1e-5, rtol=1e-5)
    for g_ref, g_fused in zip(*grads, strict=True):
        torch.testing.assert_close(g_fused, g_ref, atol=1e-5, rtol=1e-5)


@cpu_only
def test_sdpa_attention_without_a_mask_is_causal_and_a_single_query_sees_every_key():
    reference, fused = attention_pair()
    s, b = 12, 2
    q, k, v = (torch.randn(s, b, 4, 8) for _ in range(3))
    torch.testing.assert_close(fused(q, k, v, None), reference(q, k, v, causal_mask(s, "cpu")),
                               atol=1e-5, rtol=1e-5)
    one = fused(q[-1:], k, v, None)   # a decode step against the KV cache
    torch.testing.assert_close(one, reference(q[-1:], k, v, None), atol=1e-5, rtol=1e-5)


def _train_losses(core_attention: str, used: str, steps: int = 6, fused_adamw: bool = True):
    torch.manual_seed(0)
    model = build_model(SHAPE, core_attention=core_attention)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1, fused=fused_adamw)
    gen = torch.Generator().manual_seed(5)
    b, s = 4, SHAPE.seq
    losses = []
    for _ in range(steps):
        tokens = torch.randint(0, SHAPE.vocab, (b, s + 1), generator=gen)
        batch = {"tokens": tokens[:, :-1], "labels": tokens[:, 1:], "loss_mask": torch.ones(b, s),
                 "position_ids": torch.arange(s).expand(b, s),
                 "attention_mask": document_mask(b, s, [9, 17])}
        opt.zero_grad()
        loss = _loss(model, batch, "cpu", used)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@cpu_only
def test_fp32_training_loss_is_unchanged_by_the_fused_attention_and_adamw():
    # Megatron's DotProductAttention with foreach AdamW: the CPU path as it was before SDPA and fused AdamW.
    before = _train_losses("megatron", "fp32", fused_adamw=False)
    after = _train_losses("sdpa", "fp32")
    assert after == pytest.approx(before, rel=1e-5, abs=1e-5)
    assert after[-1] < after[0]   # it learns


@cpu_only
@pytest.mark.skipif(not cpu_has_bf16(), reason="this CPU has no bf16 instructions")
def test_bf16_autocast_loss_stays_within_tolerance_of_fp32():
    fp32 = _train_losses("sdpa", "fp32")
    bf16 = _train_losses("sdpa", "bf16-autocast")
    # bf16 keeps 8 mantissa bits: per-step losses of ~4.6 nats agree to 0.02 nats (measured 4e-4).
    assert bf16 == pytest.approx(fp32, abs=0.02)
    assert bf16 != fp32   # autocast did run in bf16


@cpu_only
def test_cpu_parameters_are_fp32_for_every_precision_word():
    for word in ("auto", "fp32", "bf16", "bf16-autocast"):
        model = build_model(SHAPE, precision=word)
        assert {p.dtype for p in model.parameters()} == {torch.float32}, word
    with pytest.raises(ValueError, match="precision 'bf32'"):
        build_model(SHAPE, precision="bf32")
    with pytest.raises(RuntimeError, match="fp8"):
        build_model(SHAPE, precision="fp8")


@cpu_only
def test_megatron_and_sdpa_models_share_checkpoints():
    torch.manual_seed(0)
    a = build_model(SHAPE, core_attention="megatron")
    b = build_model(SHAPE, core_attention="sdpa")
    assert a.state_dict().keys() == b.state_dict().keys()
    b.load_state_dict(a.state_dict())
    tokens = torch.randint(0, SHAPE.vocab, (2, SHAPE.seq))
    pos = torch.arange(SHAPE.seq).expand(2, SHAPE.seq)
    mask = causal_mask(SHAPE.seq, "cpu")
    with torch.no_grad():
        torch.testing.assert_close(b(tokens, pos, mask), a(tokens, pos, mask), atol=1e-5, rtol=1e-5)
