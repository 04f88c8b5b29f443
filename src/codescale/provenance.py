"""Content hashes of the package code a rule's script runs, passed to rules as params.

Snakemake sees a rule's script but not the modules the script imports. Every rule with a script
gets, as its ``code`` param (set for all rules at once at the end of the Snakefile), the hash of
its script's import closure inside the package: the ``codescale`` modules the script imports,
followed transitively through their own imports (top-level and function-local alike), with the
``__init__.py`` of every package on the way (importing
``codescale.curate.filtering`` runs ``codescale/__init__.py`` and ``codescale/curate/__init__.py``).
Nothing is listed by hand, so an edit to one module reruns exactly the steps whose scripts reach it
and what follows them.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PACKAGE = PACKAGE_ROOT.name
SCRIPTS = PACKAGE_ROOT.parents[1] / "workflow" / "scripts"


def _module_file(module: str, root: Path = PACKAGE_ROOT) -> Path | None:
    """The file of a dotted ``codescale.…`` module (a module or a package's ``__init__.py``)."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:]) if len(parts) > 1 else root
    if base.with_suffix(".py").is_file() and len(parts) > 1:
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _dotted(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [PACKAGE, *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _statements(node: ast.AST):
    """Every statement of a module, nested ones too (function and class bodies, branches, handlers,
    match cases): imports are statements, so expressions, most of a tree, are never visited."""
    for value in ast.iter_fields(node):
        for child in value[1] if isinstance(value[1], list) else ():
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
                if isinstance(child, ast.stmt):
                    yield child
                yield from _statements(child)


def _imported_modules(source: str, path: Path, root: Path) -> set[str]:
    """Dotted names this file imports (absolute, with relative imports resolved); for
    ``from pkg import name`` both ``pkg`` and ``pkg.name`` (``name`` may be a submodule)."""
    tree = ast.parse(source, filename=str(path))
    here = _dotted(path, root) if path.is_relative_to(root) else ""
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    names: set[str] = set()
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


@functools.cache
def _file_imports(path: Path, root: Path, stamp: tuple[int, int]) -> frozenset[str]:
    """The package modules one file imports, parsed once per content version (``stamp``: its
    mtime and size): the 26 rules' closures share most of their files, and every DAG build (each
    cluster job too) computes them all."""
    del stamp  # only part of the cache key
    return frozenset(_imported_modules(path.read_text(), path, root))


def import_closure(script: Path, root: Path = PACKAGE_ROOT) -> list[Path]:
    """The package files ``script`` runs when imported or executed, sorted."""
    seen: set[Path] = set()
    stack = [Path(script)]
    while stack:
        path = stack.pop()
        st = path.stat()
        for module in _file_imports(path, root, (st.st_mtime_ns, st.st_size)):
            parts = module.split(".")
            # every package on the way is imported too
            for depth in range(1, len(parts) + 1):
                target = _module_file(".".join(parts[:depth]), root)
                if target is not None and target not in seen:
                    seen.add(target)
                    stack.append(target)
    return sorted(seen)


def files_hash(files: list[Path], root: Path = PACKAGE_ROOT) -> str:
    """sha256 (first 16 hex digits) over the files' package-relative names and contents."""
    digest = hashlib.sha256()
    for f in sorted(files):
        digest.update(f.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(f.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def script_code_hash(script: str | Path, root: Path = PACKAGE_ROOT) -> str:
    """The code hash of a rule's script: the hash of its import closure inside the package."""
    script = Path(script)
    if not script.is_file():
        raise FileNotFoundError(f"{script}: no such script")
    return files_hash(import_closure(script, root), root)
