"""The one language registry: every language of the study, what it is called and which stages
handle it.

Ids are lower-case and fixed by the documents contract (DESIGN.md): ``python java javascript
typescript csharp go rust`` plus ``text`` for natural language; the schema's ``lang`` enum lists the
same ids (``tests/unit/test_languages.py`` checks it). The registry only names things; the modules
that own the heavy code look them up here: ``curate/syntax.py`` loads the tree-sitter grammar
module named by :attr:`Language.grammar`, ``sandbox/toolchains.py`` keeps the compile/run commands
and ``synth/render.py`` the renderers, both keyed by these ids. Importing this module costs the
standard library only.

File detection is by extension. TypeScript declaration files (``.d.ts``) are API surface without
bodies and minified JavaScript (``.min.js``) is not code one writes, so neither counts as a
document of its language.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Language:
    id: str                               # the documents contract's id: `lang` column, `{lang}` wildcard
    name: str                             # as a person writes it (prompts: "Translate ... to C#")
    extensions: tuple[str, ...]           # lower-case file suffixes detected as this language
    code: bool = True                     # a programming language (False: `text`, natural language)
    excluded_suffixes: tuple[str, ...] = ()  # name endings that are not documents despite the extension
    grammar: str | None = None            # tree-sitter grammar module (a pinned wheel); None: no parse
    grammar_loader: str = "language"      # the module's function returning the grammar
    grammar_loaders_by_suffix: tuple[tuple[str, str], ...] = ()  # another dialect for these files (.tsx)
    dependency_ordered: bool = False      # repository packing orders files by their imports
    toolchain: bool = False               # sandbox/toolchains.py can compile and run it
    rendered: bool = False                # the synthetic parallel corpus renders programs in it
    line_comment: str | None = None       # starts a one-line comment (`// path:` headers)

    def grammar_loader_for(self, path: str = "") -> str:
        """The grammar function for file ``path`` (TypeScript's ``.tsx`` files have their own)."""
        name = path.lower()
        return next((loader for suffix, loader in self.grammar_loaders_by_suffix if name.endswith(suffix)),
                    self.grammar_loader)


def _code(lang_id: str, name: str, extensions: tuple[str, ...], grammar: str, **rest) -> Language:
    """A programming language of the study: parsed, dependency-ordered, executed and rendered."""
    defaults = dict(dependency_ordered=True, toolchain=True, rendered=True, line_comment="//")
    return Language(lang_id, name, extensions, grammar=grammar, **{**defaults, **rest})


REGISTRY: dict[str, Language] = {lang.id: lang for lang in (
    _code("python", "Python", (".py",), "tree_sitter_python", line_comment="#"),
    _code("java", "Java", (".java",), "tree_sitter_java"),
    # Order of extensions matters only to import resolution (curate/dependencies.py): Node's.
    _code("javascript", "JavaScript", (".js", ".jsx", ".mjs", ".cjs"), "tree_sitter_javascript",
          excluded_suffixes=(".min.js",)),
    _code("typescript", "TypeScript", (".ts", ".tsx", ".mts", ".cts"), "tree_sitter_typescript",
          excluded_suffixes=(".d.ts", ".d.mts", ".d.cts"), grammar_loader="language_typescript",
          grammar_loaders_by_suffix=((".tsx", "language_tsx"),)),
    _code("csharp", "C#", (".cs",), "tree_sitter_c_sharp"),
    _code("go", "Go", (".go",), "tree_sitter_go"),
    _code("rust", "Rust", (".rs",), "tree_sitter_rust"),
    Language("text", "natural language", (".md", ".txt", ".rst"), code=False),
)}


def language(lang: str) -> Language:
    """The entry of id ``lang``; an unknown id raises ``ValueError`` naming the known ones."""
    try:
        return REGISTRY[lang]
    except KeyError:
        raise ValueError(f"unknown language id {lang!r}; known: {' '.join(REGISTRY)}") from None


def code_languages() -> tuple[str, ...]:
    """The programming languages, in registry order (every id but ``text``)."""
    return tuple(lang.id for lang in REGISTRY.values() if lang.code)


@functools.cache
def by_extension() -> dict[str, str]:
    """File suffix (lower-case, with its dot) -> language id."""
    return {ext: lang.id for lang in REGISTRY.values() for ext in lang.extensions}


_EXCLUDED = tuple(s for lang in REGISTRY.values() for s in lang.excluded_suffixes)


def detect_language(path: str) -> str | None:
    """Language id of ``path`` from its extension, or ``None`` when it is not a known one."""
    name = PurePosixPath(path).name.lower()
    if name.endswith(_EXCLUDED):
        return None
    return by_extension().get(PurePosixPath(name).suffix)


def extensions_for(langs: Iterable[str]) -> tuple[str, ...]:
    """The file suffixes of ``langs`` (a source's ``langs:``), in order; an unknown id raises."""
    langs = list(langs)
    unknown = [lang for lang in langs if lang not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown language id(s) {unknown}; known: {sorted(REGISTRY)}")
    return tuple(ext for lang in langs for ext in REGISTRY[lang].extensions)
