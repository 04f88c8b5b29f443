import pytest

from codescale.synth.generate import generate_program
from codescale.synth.render import LANGUAGES, render


def test_seeded_and_diverse():
    assert generate_program(7) == generate_program(7)
    structures = {generate_program(s).structure() for s in range(300)}
    assert len(structures) >= 270


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders(lang):
    for seed in range(20):
        text = render(generate_program(seed), lang)
        assert "main" in text.lower()


def test_idioms_differ_by_language():
    program = generate_program(3)
    java, rust, py = (render(program, lang) for lang in ("java", "rust", "python"))
    assert "static long" in java and "fn " in rust and "def " in py
    assert render(program, "javascript") != render(program, "typescript")


def test_function_count_is_configurable():
    counts = {len(generate_program(seed, (1, 1)).functions) for seed in range(20)}
    assert counts == {1}
    assert {len(generate_program(seed, (3, 4)).functions) for seed in range(40)} == {3, 4}
    with pytest.raises(ValueError, match="functions"):
        generate_program(0, (2, 1))
