"""The language registry agrees with the schema and with every module that handles languages."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tree_sitter import Language as Grammar

from codescale.languages import REGISTRY, by_extension, code_languages, detect_language, extensions_for, language

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"
CODE = [lang for lang in REGISTRY.values() if lang.code]


def test_ids_are_the_schema_lang_enum():
    schema = yaml.safe_load(SCHEMA.read_text())
    assert list(REGISTRY) == schema["$defs"]["lang"]["enum"]
    assert all(key == lang.id for key, lang in REGISTRY.items())


def test_code_languages_are_all_but_text():
    assert code_languages() == tuple(lang for lang in REGISTRY if lang != "text")
    assert code_languages() == ("python", "java", "javascript", "typescript", "csharp", "go", "rust")


@pytest.mark.parametrize("lang", CODE, ids=lambda lang: lang.id)
def test_every_code_language_has_extension_grammar_and_comment(lang):
    assert lang.extensions and all(e.startswith(".") and e == e.lower() for e in lang.extensions)
    assert lang.line_comment and lang.dependency_ordered and lang.toolchain and lang.rendered
    module = importlib.import_module(lang.grammar)
    loaders = {lang.grammar_loader, *(loader for _, loader in lang.grammar_loaders_by_suffix)}
    for loader in loaders:
        assert Grammar(getattr(module, loader)()).node_kind_count > 0


def test_text_has_no_grammar_toolchain_or_renderer():
    text = REGISTRY["text"]
    assert not text.code and text.grammar is None and text.line_comment is None
    assert not (text.dependency_ordered or text.toolchain or text.rendered)
    assert text.extensions


def test_modules_handle_exactly_the_registered_languages():
    from codescale.curate import dependencies, syntax
    from codescale.sandbox import preflight, toolchains
    from codescale.synth import organize, render

    def flagged(flag):
        return {lang.id for lang in REGISTRY.values() if getattr(lang, flag)}

    assert set(syntax.GRAMMARS) == flagged("grammar")
    assert set(toolchains.TOOLCHAINS) == flagged("toolchain") == set(preflight.PROGRAMS)
    assert all(chain.lang == lang for lang, chain in toolchains.TOOLCHAINS.items())
    assert set(render.RENDERERS) == set(render.LANGUAGES) == flagged("rendered") == set(render.FILE_NAMES)
    ordered = flagged("dependency_ordered")
    assert set(dependencies.LANGUAGES) == ordered == set(dependencies._RESOLVERS) == set(dependencies._SPECS)
    assert set(dependencies._IMPORT_QUERIES) == ordered
    assert organize.DISPLAY == {lang.id: lang.name for lang in CODE}


def test_dependency_ordering_resolves_declaration_files_where_tsc_does():
    from codescale.curate import dependencies

    assert dependencies._JS_EXTENSIONS == (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".d.ts")
    assert dependencies._TS_EXTENSIONS == (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def test_extension_detection_round_trips():
    table = by_extension()
    assert len(table) == sum(len(lang.extensions) for lang in REGISTRY.values())  # no extension shared
    for lang in REGISTRY.values():
        assert extensions_for([lang.id]) == lang.extensions
        for ext in lang.extensions:
            assert table[ext] == lang.id
            assert detect_language(f"dir/file{ext}") == lang.id == detect_language(f"FILE{ext.upper()}")
        for suffix in lang.excluded_suffixes:
            assert detect_language(f"dir/file{suffix}") is None


@pytest.mark.parametrize("path, lang", [
    ("a/b.py", "python"), ("X.java", "java"), ("m.mjs", "javascript"), ("c.tsx", "typescript"),
    ("P.cs", "csharp"), ("main.go", "go"), ("lib.rs", "rust"), ("types.d.ts", None),
    ("bundle.min.js", None), ("README", None), ("Makefile.PY", "python"), ("notes.md", "text"),
])
def test_detect_language(path, lang):
    assert detect_language(path) == lang


def test_unknown_language_id():
    with pytest.raises(ValueError, match="cobol"):
        extensions_for(["cobol"])
    with pytest.raises(ValueError, match="cobol.*known: python java"):
        language("cobol")


def test_typescript_tsx_files_have_their_own_grammar():
    ts = REGISTRY["typescript"]
    assert ts.grammar_loader_for("a/b.ts") == "language_typescript"
    assert ts.grammar_loader_for("a/B.TSX") == "language_tsx"


def test_import_costs_the_standard_library_only():
    probe = ("import sys; before = set(sys.modules); import codescale.languages; "
             "print(' '.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert "codescale" in loaded
    assert [m for m in loaded if m != "codescale" and m not in sys.stdlib_module_names] == []
