"""A trained run exported to the Hugging Face LLaMA format computes the run's own logits."""

import json

import pytest
import torch

from codescale.train import loop
from codescale.train.hf_export import ExportError, export_run, llama_state_dict
from codescale.train.shape import ModelShape
from tests.unit.train.test_loop import tiny_spec

transformers = pytest.importorskip("transformers")


def test_exported_model_has_the_runs_logits(tokens_dir, tmp_path):
    from codescale.evaluate.generate import load_model, release

    spec = {**tiny_spec(), "model": {"layers": 2, "hidden": 32, "heads": 4, "ffn": 64, "vocab": 320, "seq": 32}}
    loop.train_run(spec, tmp_path / "run", tokens_dir, log_interval=4)
    config = export_run(tmp_path / "run" / "checkpoint", spec, tokens_dir / "tokenizer.json", tmp_path / "hf")
    assert config["architectures"] == ["LlamaForCausalLM"] and config["num_hidden_layers"] == 2
    assert {p.name for p in (tmp_path / "hf").iterdir()} >= {"config.json", "model.safetensors",
                                                             "tokenizer.json", "tokenizer_config.json"}

    tokens = torch.randint(2, 320, (3, 32), generator=torch.Generator().manual_seed(0))
    ours = load_model(spec, tmp_path / "run" / "checkpoint")
    try:
        with torch.no_grad():
            position_ids = torch.arange(32).expand(3, 32)
            mask = torch.triu(torch.ones(32, 32, dtype=torch.bool), 1)[None, None]
            expected = ours(tokens, position_ids, mask)
    finally:
        release()
    hf = transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "hf", torch_dtype=torch.float32)
    hf.eval()
    with torch.no_grad():
        got = hf(tokens).logits
    assert got.shape == expected.shape == (3, 32, 320)
    assert torch.allclose(got, expected, atol=1e-4, rtol=1e-4), (got - expected).abs().max()
    tok = transformers.AutoTokenizer.from_pretrained(tmp_path / "hf")
    assert tok.eos_token == "<|endoftext|>"
    assert json.loads((tmp_path / "hf" / "config.json").read_text())["eos_token_id"] == tok.eos_token_id


def test_an_unexpected_shape_is_named():
    shape = ModelShape(layers=1, hidden=8, heads=2, ffn=16, vocab=10, seq=4)
    state = {"embedding.word_embeddings.weight": torch.zeros(10, 8), "decoder.final_layernorm.weight": torch.ones(8),
             "output_layer.weight": torch.zeros(10, 8),
             "decoder.layers.0.self_attention.linear_qkv.weight": torch.zeros(20, 8)}
    with pytest.raises(ExportError, match=r"layer 0: linear_qkv is \(20, 8\), expected \(24, 8\)"):
        llama_state_dict(state, shape)
