"""Syntax validity by parsing: Python's own ``ast`` for Python (so Python 2 constructs such as
``print "x"`` are rejected), tree-sitter grammars for the other six languages (wheels that
``codescale.languages`` names, loaded on first use).

Tree-sitter recovers from errors by inserting ERROR and MISSING nodes. Grammars lag the languages
(new syntax parses with a few ERROR nodes), so a file is dropped only when the share of such nodes
among all nodes exceeds a threshold.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
import warnings

from tree_sitter import Language, Parser

from codescale.languages import REGISTRY

GRAMMARS = tuple(lang.id for lang in REGISTRY.values() if lang.grammar)  # `text` has none


@functools.cache
def _language(lang: str, tsx: bool = False) -> Language:
    spec = REGISTRY.get(lang)
    if spec is None or spec.grammar is None:
        raise ValueError(f"no tree-sitter grammar for language {lang!r}")
    module = importlib.import_module(spec.grammar)  # the wheel is loaded on first use only
    return Language(getattr(module, spec.grammar_loader_for(".tsx" if tsx else ""))())


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
    # The root can report an error that no node carries (types/testdata/check/decls4.go in the Go
    # sources, which gofmt accepts): that counts as no error, so the share is 0 there.
    return errors / max(root.descendant_count, 1)


def python_syntax_ok(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not an error
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


_DIRECTIVE = re.compile(r"^\s*#\s*(if|elif|else|endif)\b(.*)$")
_SYMBOL = re.compile(r"\b(?!true\b|false\b)[A-Za-z_]\w*")


def _condition(expression: str) -> bool:
    """A C# ``#if`` condition with every symbol undefined (false), as a compiler without defines sees it."""
    expression = expression.split("//")[0]
    python = _SYMBOL.sub("False", expression).replace("true", "True").replace("false", "False")
    python = python.replace("&&", " and ").replace("||", " or ").replace("!=", " ^ ").replace("!", " not ")
    python = python.replace("==", " == ")
    if not set(re.findall(r"\w+", python)) <= {"True", "False", "and", "or", "not"} or \
            not re.fullmatch(r"[\w\s()^=]*", python):
        return False  # not a preprocessor expression: treat as false, as for an unknown symbol
    try:
        return bool(eval(python, {"__builtins__": {}}, {}))  # only True/False/and/or/not/^/== are left
    except SyntaxError:
        return False


def csharp_active_code(source: str) -> str:
    """Blank out the lines of inactive ``#if``/``#elif``/``#else`` branches (all symbols undefined) and
    the directives themselves, keeping line numbers. tree-sitter parses every branch as if all were
    code, so a branch that splits a declaration (a base list, modifiers, a namespace header) reads
    as a syntax error; the compiler only ever sees one branch."""
    if "#if" not in source:
        return source
    lines = source.split("\n")
    stack: list[tuple[bool, bool]] = []  # (this branch active, some branch of this #if taken)
    for i, line in enumerate(lines):
        m = _DIRECTIVE.match(line)
        active = all(a for a, _ in stack)
        if m:
            kind, rest = m.groups()
            if kind == "if":
                value = _condition(rest)
                stack.append((value, value))
            elif kind == "elif" and stack:
                _, taken = stack[-1]
                value = not taken and _condition(rest)
                stack[-1] = (value, taken or value)
            elif kind == "else" and stack:
                stack[-1] = (not stack[-1][1], True)
            elif kind == "endif" and stack:
                stack.pop()
            lines[i] = ""
        elif not active:
            lines[i] = ""
    return "\n".join(lines)


def syntax_error_share(lang: str, source: str, path: str = "") -> float:
    """0.0 for a clean parse; the error-node share (or 1.0 for Python) otherwise."""
    if lang == "python":
        return 0.0 if python_syntax_ok(source) else 1.0
    if lang == "csharp":
        source = csharp_active_code(source)
    tree = parser_for(lang, tsx=path.endswith(".tsx")).parse(source.encode("utf-8"))
    return error_share(tree)
