"""Syntax validity by parsing: Python's own ``ast`` for Python (so Python 2 constructs such as
``print "x"`` are rejected), tree-sitter grammars for the other six languages.

Tree-sitter recovers from errors by inserting ERROR and MISSING nodes. Grammars lag the languages
(new syntax parses with a few ERROR nodes), so a file is dropped only when the share of such nodes
among all nodes exceeds a threshold.
"""

from __future__ import annotations

import ast
import functools
import warnings

from tree_sitter import Language, Parser


@functools.cache
def _language(lang: str, tsx: bool = False) -> Language:
    if lang == "java":
        import tree_sitter_java as mod
        return Language(mod.language())
    if lang == "javascript":
        import tree_sitter_javascript as mod
        return Language(mod.language())
    if lang == "typescript":
        import tree_sitter_typescript as mod
        return Language(mod.language_tsx() if tsx else mod.language_typescript())
    if lang == "csharp":
        import tree_sitter_c_sharp as mod
        return Language(mod.language())
    if lang == "go":
        import tree_sitter_go as mod
        return Language(mod.language())
    if lang == "rust":
        import tree_sitter_rust as mod
        return Language(mod.language())
    if lang == "python":
        import tree_sitter_python as mod
        return Language(mod.language())
    raise ValueError(f"no tree-sitter grammar for language {lang!r}")


@functools.cache
def parser_for(lang: str, tsx: bool = False) -> Parser:
    return Parser(_language(lang, tsx))


def error_share(tree) -> float:
    """Share of ERROR/MISSING nodes among all nodes, visiting only subtrees that hold errors."""
    root = tree.root_node
    if not root.has_error:
        return 0.0
    errors = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            errors += 1
        stack.extend(child for child in node.children if child.has_error or child.is_missing)
    return errors / max(root.descendant_count, 1)


def python_syntax_ok(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not an error
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def syntax_error_share(lang: str, source: str, path: str = "") -> float:
    """0.0 for a clean parse; the error-node share (or 1.0 for Python) otherwise."""
    if lang == "python":
        return 0.0 if python_syntax_ok(source) else 1.0
    tree = parser_for(lang, tsx=path.endswith(".tsx")).parse(source.encode("utf-8"))
    return error_share(tree)
