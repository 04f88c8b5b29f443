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
