import pytest

from codescale.train.schedule import Schedule


@pytest.mark.parametrize("kind", ["cosine", "wsd", "wcl"])
def test_warmup_peak_and_end(kind):
    s = Schedule(kind=kind, lr=1.0, min_lr=0.1, warmup_fraction=0.1, decay_fraction=0.2)
    lrs = [s.lr_at(i, 100) for i in range(100)]
    assert lrs[0] == pytest.approx(0.1)
    assert max(lrs) == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(0.1, abs=0.02)
    assert all(a <= b + 1e-12 for a, b in zip(lrs[:10], lrs[1:11], strict=True))  # warmup rises
    assert all(a >= b - 1e-12 for a, b in zip(lrs[10:], lrs[11:], strict=False))  # then decays


def test_wsd_is_flat_then_decays():
    s = Schedule(kind="wsd", lr=1.0, min_lr=0.0, warmup_fraction=0.0, decay_fraction=0.5)
    assert s.lr_at(10, 100) == 1.0 and s.lr_at(40, 100) == 1.0
    assert s.lr_at(75, 100) == pytest.approx(0.5, abs=0.02)


def test_wcl_reaches_mid_rate_before_linear_tail():
    s = Schedule(kind="wcl", lr=1e-3, min_lr=1e-5, warmup_fraction=0.0, decay_fraction=0.1,
                 wcl_mid_lr=6.2e-4)
    assert s.lr_at(89, 100) == pytest.approx(6.2e-4, rel=0.02)


def test_unknown_kind():
    with pytest.raises(ValueError, match="linear"):
        Schedule(kind="linear").lr_at(50, 100)


@pytest.mark.parametrize("shape", ["linear", "1-sqrt"])
def test_wsd_in_steps_branch_follows_the_stable_run_until_its_decay(shape):
    stable = Schedule(kind="wsd", lr=1.0, min_lr=0.1, warmup_steps=4, decay_steps=0, decay_shape=shape)
    branch = Schedule(kind="wsd", lr=1.0, min_lr=0.1, warmup_steps=4, decay_steps=10, decay_shape=shape)
    assert [branch.lr_at(i, 50) for i in range(40)] == [stable.lr_at(i, 100) for i in range(40)]
    assert [stable.lr_at(i, 100) for i in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert stable.lr_at(99, 100) == 1.0
    decay = [branch.lr_at(i, 50) for i in range(40, 50)]
    assert decay[-1] == pytest.approx(0.1)
    assert all(a > b for a, b in zip(decay, decay[1:], strict=False))
    half = branch.lr_at(44, 50)   # halfway through the decay
    assert half == pytest.approx(1.0 - 0.9 * (0.5 if shape == "linear" else 0.5 ** 0.5))


def test_wsd_in_steps_rejects_a_decay_inside_warmup_and_unknown_shapes():
    with pytest.raises(ValueError, match="inside the 10-step warmup"):
        Schedule(kind="wsd", warmup_steps=10, decay_steps=5).lr_at(0, 12)
    with pytest.raises(ValueError, match="decay_shape"):
        Schedule(kind="wsd", warmup_steps=1, decay_steps=5, decay_shape="cosine").lr_at(0, 12)


def test_branch_point():
    from codescale.train.schedule import branch_point

    assert branch_point(40, 0.15) == 34 and branch_point(640, 0.15) == 544 and branch_point(2, 0.1) == 1
