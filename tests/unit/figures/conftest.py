import pytest


@pytest.fixture
def keep_figures(monkeypatch):
    """``keep_figures(module)``: the figures that ``module``'s plots save, kept open for inspection
    (saving closes a figure; its artists stay readable)."""

    def install(module) -> list:
        kept = []
        real = module.save

        def keep(fig, pdf, png):
            kept.append(fig)
            real(fig, pdf, png)

        monkeypatch.setattr(module, "save", keep)
        return kept

    return install
