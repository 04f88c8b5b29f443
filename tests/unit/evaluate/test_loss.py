import pytest

from codescale.evaluate.loss import validation_loss
from codescale.train.loop import train_run
from tests.unit.train.test_loop import tiny_spec


def test_validation_loss_of_a_trained_run(tokens_dir, tmp_path):
    spec = tiny_spec()
    train_run(spec, tmp_path, tokens_dir, log_interval=4)
    a = validation_loss(spec, tmp_path / "checkpoint", tokens_dir, ["python"], sequences=4)
    b = validation_loss(spec, tmp_path / "checkpoint", tokens_dir, ["python"], sequences=4)
    assert a == b                                   # same tokens, same checkpoint, same number
    assert a["python"]["tokens"] == 4 * spec["model"]["seq"]
    # A trained model beats the uniform guess of log(vocab) nats.
    import math
    assert a["python"]["loss"] < math.log(spec["model"]["vocab"]) - 0.5


def test_missing_dataset_is_named(tokens_dir, tmp_path):
    spec = tiny_spec()
    train_run(spec, tmp_path, tokens_dir, log_interval=4)
    with pytest.raises(Exception, match="rust"):
        validation_loss(spec, tmp_path / "checkpoint", tokens_dir, ["rust"], sequences=4)
