import pytest

from codescale.curate.filters import Thresholds, first_reason
from codescale.curate.syntax import syntax_error_share

T = Thresholds(min_bytes=10, max_bytes=5000, max_line_length=200, max_mean_line_length=60,
               min_alphanumeric_fraction=0.3)


def doc(content, lang="python", path="x.py"):
    return {"content": content, "lang": lang, "path": path, "bytes": len(content.encode())}


GOOD = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"


@pytest.mark.parametrize("content, reason", [
    (GOOD, None),
    ("x=1\n", "too_small"),
    (GOOD + "# " + "y" * 6000 + "\n", "too_large"),
    (GOOD + "s = '" + "a" * 300 + "'\n", "long_lines"),
    ("x = '" + "b" * 150 + "'\ny = '" + "c" * 150 + "'\n", "long_mean_line"),
    ("x = [\n" + "  {}, [], (),\n" * 20 + "]\n", "low_alphanumeric"),
    ('print "hello, python 2"\n' + GOOD, "syntax_error"),
])
def test_python_reasons(content, reason):
    assert first_reason(doc(content), T) == reason


VALID = {
    "java": ("A.java", "class A { int f(int x) { return x + 1; } }\n"),
    "javascript": ("a.js", "function f(x) { return x + 1; }\nconsole.log(f(2));\n"),
    "typescript": ("a.ts", "function f(x: number): number { return x + 1; }\n"),
    "csharp": ("A.cs", "class A { int F(int x) { return x + 1; } }\n"),
    "go": ("a.go", "package a\n\nfunc F(x int) int { return x + 1 }\n"),
    "rust": ("a.rs", "fn f(x: i32) -> i32 { x + 1 }\n"),
}
BROKEN = {
    "java": "class A { int f(int x) { return x + ; } \n",
    "javascript": "function f(x { return x + 1; \n",
    "typescript": "function f(x: number: number { return x + }\n",
    "csharp": "class A { int F(int x) { return x + ; }\n",
    "go": "package a\n\nfunc F(x int int { return x + }\n",
    "rust": "fn f(x: i32) -> i32 { x + }\n fn {\n",
}


@pytest.mark.parametrize("lang", sorted(VALID))
def test_tree_sitter_syntax_per_language(lang):
    path, good = VALID[lang]
    assert syntax_error_share(lang, good, path) == 0.0
    assert first_reason(doc(good + "// padding comment\n" * 2, lang, path), T) is None
    assert syntax_error_share(lang, BROKEN[lang], path) > 0
    assert first_reason(doc(BROKEN[lang] + "// padding comment\n" * 2, lang, path), T) == "syntax_error"


def test_error_share_tolerance():
    lang, path, broken = "go", "a.go", BROKEN["go"]
    share = syntax_error_share(lang, broken, path)
    tolerant = Thresholds(min_bytes=1, max_syntax_error_share=share + 0.01)
    assert first_reason(doc(broken, lang, path), tolerant) is None


def test_tsx_uses_tsx_grammar():
    src = "const A = () => <div className=\"x\">{1}</div>;\n"
    assert syntax_error_share("typescript", src, "a.tsx") == 0.0
