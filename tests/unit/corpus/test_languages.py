import pytest

from codescale.corpus.languages import detect_language, extensions_for


@pytest.mark.parametrize("path, lang", [
    ("a/b.py", "python"), ("X.java", "java"), ("m.mjs", "javascript"), ("c.tsx", "typescript"),
    ("P.cs", "csharp"), ("main.go", "go"), ("lib.rs", "rust"), ("types.d.ts", None),
    ("bundle.min.js", None), ("README", None), ("Makefile.PY", "python"),
])
def test_detect_language(path, lang):
    assert detect_language(path) == lang


def test_unknown_language_id():
    with pytest.raises(ValueError, match="cobol"):
        extensions_for(["cobol"])
