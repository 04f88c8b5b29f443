"""train.precision words resolve to what a machine trains in, with the reasons for refusals."""

import pytest
import torch

from codescale.train import precision


@pytest.mark.parametrize(("word", "on_gpu", "cpu_bf16", "used"), [
    ("auto", False, True, "bf16-autocast"),
    ("auto", False, False, "fp32"),
    ("fp32", False, True, "fp32"),
    ("bf16", False, True, "bf16-autocast"),
    ("auto", True, False, "bf16"),
    ("bf16", True, False, "bf16"),
    ("fp8", True, False, "fp8"),
    ("fp32", True, False, "fp32"),
])
def test_resolve(word, on_gpu, cpu_bf16, used):
    assert precision.resolve(word, on_gpu=on_gpu, cpu_bf16=cpu_bf16) == used
    assert used in precision.USED


def test_refusals_say_why():
    with pytest.raises(RuntimeError, match="without bf16 instructions"):
        precision.resolve("bf16", on_gpu=False, cpu_bf16=False)
    with pytest.raises(RuntimeError, match="Transformer Engine"):
        precision.resolve("fp8", on_gpu=False, cpu_bf16=True)
    with pytest.raises(ValueError, match="expected one of auto, fp32, bf16, fp8"):
        precision.resolve("fp16", on_gpu=False)


def test_parameters_are_bf16_only_on_gpus():
    assert precision.params_dtype("bf16", on_gpu=True) == torch.bfloat16
    assert precision.params_dtype("auto", on_gpu=True) == torch.bfloat16
    assert precision.params_dtype("fp32", on_gpu=True) == torch.float32
    for word in ("auto", "bf16", "bf16-autocast", "fp32"):
        assert precision.params_dtype(word, on_gpu=False) == torch.float32


def test_autocast_runs_matmuls_in_bf16_only_for_bf16_autocast():
    a, b = torch.randn(4, 4), torch.randn(4, 4)
    with precision.autocast("bf16-autocast"):
        assert (a @ b).dtype == torch.bfloat16
    with precision.autocast("fp32"):
        assert (a @ b).dtype == torch.float32


def test_cpu_bf16_detection_follows_the_instruction_sets():
    expected = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    assert precision.cpu_has_bf16() == expected


def test_schema_lists_the_words():
    from pathlib import Path

    import yaml

    schema = yaml.safe_load(Path("workflow/schemas/config.schema.yaml").read_text())
    enum = schema["properties"]["train"]["properties"]["precision"]["enum"]
    assert tuple(enum) == precision.WORDS
