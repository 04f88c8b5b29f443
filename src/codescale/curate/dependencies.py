"""Dependency ordering of one repository's files, as in the Zhusuan recipe's repository-level
packing: a file is emitted after the files it imports, so definitions precede their use.

1. ``extract_imports`` finds the import specifiers of a file with tree-sitter queries (imports,
   ``require``/dynamic ``import()``, ``using`` directives, ``mod``/``use`` items). For Java, C#
   and Go it also collects the file's top-level declarations and the identifiers it mentions
   outside comments and string literals (a regex over the source with those spans blanked out).
2. ``dependency_graph`` resolves specifiers to files of the same repository. Absolute module
   paths are matched as path suffixes, since repositories often sit under a prefix directory.
   Languages that need no import within a package (Java, Go) or import whole namespaces (C#)
   get an edge to another file when the file mentions a top-level name that file declares.
3. ``dependency_order`` collapses cycles into strongly connected components, emits the
   condensation in topological order (Kahn's algorithm; among ready components the one with the
   smallest path first) and orders the files of a cycle by PageRank over its edges, so the files
   depended on most come first (ties by path).

Resolution is heuristic and errs towards missing an edge rather than inventing one: bare package
names (npm, crates, Python's standard library) are external, and a file that fails to parse
contributes only the edges that can still be found. A file whose analysis raises (odd input, a
grammar or query bug) also keeps the edges found before the failure, and the failure is never
silent: ``dependency_graph``/``dependency_order`` hand it to the caller's ``errors`` (the assembly
step counts the file under ``dependency_analysis_error``) or raise ``DependencyAnalysisError``.
"""

from __future__ import annotations

import functools
import heapq
import posixpath
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from tree_sitter import Node, Query, QueryCursor

from codescale.curate.syntax import parser_for
from codescale.languages import REGISTRY

LANGUAGES = tuple(lang.id for lang in REGISTRY.values() if lang.dependency_ordered)

_JS_IMPORTS = """
(import_statement source: (string) @imp)
(export_statement source: (string) @imp)
(call_expression function: (identifier) @fn arguments: (arguments . (string) @imp) (#eq? @fn "require"))
(call_expression function: (import) arguments: (arguments . (string) @imp))
"""
_IMPORT_QUERIES = {
    "python": "(import_statement) @imp (import_from_statement) @imp",
    "java": "(import_declaration) @imp",
    "javascript": _JS_IMPORTS,
    "typescript": _JS_IMPORTS + "(import_require_clause source: (string) @imp)",
    "csharp": "(using_directive) @imp",
    "go": "(import_spec path: (_) @imp)",
    "rust": "(mod_item) @imp (use_declaration argument: (_) @imp)",
}
# Comments and string literals, blanked out before collecting the identifiers a file mentions.
_MASK_QUERIES = {
    "java": "[(line_comment) (block_comment) (string_literal) (character_literal)] @mask",
    "csharp": "[(comment) (string_literal) (verbatim_string_literal) (raw_string_literal) "
              "(interpolated_string_expression) (character_literal)] @mask",
    "go": "[(comment) (interpreted_string_literal) (raw_string_literal) (rune_literal)] @mask",
}
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_SPACE = re.compile(r"\s+")


@functools.cache
def _query(lang: str, tsx: bool) -> Query:
    # One query, one traversal: import sites (@imp) and, where mentions matter, comments and strings (@mask).
    return Query(parser_for(lang, tsx=tsx).language, _IMPORT_QUERIES[lang] + _MASK_QUERIES.get(lang, ""))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


@dataclass
class _Facts:
    """What one file contributes to the graph."""

    imports: list[str] = field(default_factory=list)
    package: str = ""  # Java package, Go package name
    namespaces: list[str] = field(default_factory=list)  # C# namespaces the file declares
    names: list[tuple[str, str]] = field(default_factory=list)  # top-level declarations: (namespace, name)
    words: frozenset[str] = frozenset()  # identifiers outside comments and string literals
    error: str | None = None  # what the analysis raised (the facts are those found before it)


# --- import specifiers ------------------------------------------------------------------------

def _python_specs(node: Node) -> Iterable[str]:
    def dotted(n: Node) -> str:
        if n.type == "aliased_import":
            n = n.child_by_field_name("name") or n
        return _SPACE.sub("", _text(n))

    if node.type == "import_statement":
        yield from (dotted(n) for n in node.children_by_field_name("name"))
        return
    module = node.child_by_field_name("module_name")
    if module is None:
        return
    base = dotted(module)
    names = [dotted(n) for n in node.children_by_field_name("name")]
    for name in names or ["*"]:  # `from a import b` may import the submodule a.b: keep the name
        yield base + name if base.endswith(".") else f"{base}.{name}"


def _java_specs(node: Node) -> Iterable[str]:
    spec = _COMMENT.sub(" ", _text(node)).strip().removeprefix("import").strip()
    if spec.startswith("static") and spec[6:7].isspace():
        spec = spec[6:]
    yield _SPACE.sub("", spec).rstrip(";")


def _string_specs(node: Node) -> Iterable[str]:
    text = _text(node)
    if len(text) >= 2 and text[0] in "'\"`":
        yield text[1:-1]


def _csharp_specs(node: Node) -> Iterable[str]:
    # `using A.B;`, `using static A.B.C;`, `using X = A.B.C;`, `global using A;`: the target is the last name.
    alias = node.child_by_field_name("name")
    names = [c for c in node.named_children if c.type != "comment" and c != alias]
    if names:
        yield _SPACE.sub("", _text(names[-1])).removeprefix("global::")


def _rust_use_paths(text: str) -> list[str]:
    """Expand a use tree: ``crate::a::{b::C, d as e, self}`` -> crate::a::b::C, crate::a::d, crate::a."""
    text = _SPACE.sub("", re.sub(r"\s+as\s+\w+", "", _COMMENT.sub(" ", text)))
    out: list[str] = []
    prefixes = [""]
    current = ""

    def emit() -> None:
        path = prefixes[-1] + current
        if path.endswith("::self"):
            path = path[:-6]
        if path and not path.endswith("::"):
            out.append(path)

    for token in re.split(r"([{},])", text):
        if token == "{":
            prefixes.append(prefixes[-1] + current)
        elif token in (",", "}"):
            emit()
            if token == "}" and len(prefixes) > 1:
                prefixes.pop()
        else:
            current = token
            continue
        current = ""
    emit()
    return out


def _rust_specs(node: Node) -> Iterable[str]:
    if node.type == "mod_item":
        name = node.child_by_field_name("name")
        if name is not None and node.child_by_field_name("body") is None:  # `mod foo;`, not an inline module
            yield "mod:" + _text(name)
        return
    yield from _rust_use_paths(_text(node))


_SPECS = {"python": _python_specs, "java": _java_specs, "javascript": _string_specs, "typescript": _string_specs,
          "csharp": _csharp_specs, "go": _string_specs, "rust": _rust_specs}

# --- declarations -----------------------------------------------------------------------------

_JAVA_TYPES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration",
               "annotation_type_declaration")
_CSHARP_TYPES = ("class_declaration", "struct_declaration", "interface_declaration", "enum_declaration",
                 "record_declaration", "delegate_declaration")


def _java_declarations(root: Node, facts: _Facts) -> None:
    types = []
    for child in root.children:
        if child.type == "package_declaration":
            names = [c for c in child.named_children if c.type in ("identifier", "scoped_identifier")]
            if names:
                facts.package = _SPACE.sub("", _text(names[0]))
        elif child.type in _JAVA_TYPES and (name := child.child_by_field_name("name")) is not None:
            types.append(_text(name))
    facts.names = [(facts.package, name) for name in types]


def _csharp_declarations(root: Node, facts: _Facts) -> None:
    stack = [(root, "")]
    while stack:
        node, namespace = stack.pop()
        for child in node.children:
            kind = child.type
            name = child.child_by_field_name("name")
            if kind in ("namespace_declaration", "file_scoped_namespace_declaration") and name is not None:
                inner = f"{namespace}.{_text(name)}" if namespace else _text(name)
                facts.namespaces.append(inner)
                if kind == "file_scoped_namespace_declaration":  # its members are its following siblings
                    namespace = inner
                elif (body := child.child_by_field_name("body")) is not None:
                    stack.append((body, inner))
            elif kind in _CSHARP_TYPES and name is not None:
                facts.names.append((namespace, _text(name)))
            elif kind.startswith("preproc"):  # declarations inside #if/#region blocks
                stack.append((child, namespace))


def _go_declarations(root: Node, facts: _Facts) -> None:
    for child in root.children:
        kind = child.type
        if kind == "package_clause":
            facts.package = " ".join(_text(c) for c in child.named_children)
            continue
        if kind == "function_declaration":  # methods are reached through their receiver's type
            specs = [child]
        elif kind in ("type_declaration", "var_declaration", "const_declaration"):
            specs = [s for c in child.named_children for s in (c.named_children if c.type == "var_spec_list" else [c])]
        else:
            continue
        for spec in specs:
            for name in spec.children_by_field_name("name"):
                if (text := _text(name)) not in ("_", "init"):
                    facts.names.append(("", text))


_DECLARATIONS = {"java": _java_declarations, "csharp": _csharp_declarations, "go": _go_declarations}


def _mentioned_words(src: bytes, masks: list[Node]) -> frozenset[str]:
    masked = bytearray(src)
    for node in masks:
        masked[node.start_byte:node.end_byte] = b" " * (node.end_byte - node.start_byte)
    return frozenset(w.decode("ascii") for w in set(_WORD.findall(masked)))


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"no dependency analysis for language {lang!r}")


def _analyze(lang: str, path: str, content: str) -> _Facts:
    facts = _Facts()
    try:
        tsx = path.endswith(".tsx")
        src = content.encode("utf-8", "replace")
        root = parser_for(lang, tsx=tsx).parse(src).root_node
        found = QueryCursor(_query(lang, tsx)).captures(root)
        for node in sorted(found.get("imp", []), key=lambda n: n.start_byte):
            facts.imports.extend(s for s in _SPECS[lang](node) if s)
        if lang in _DECLARATIONS:
            _DECLARATIONS[lang](root, facts)
            facts.words = _mentioned_words(src, found.get("mask", []))
    except Exception as err:  # odd input or a parser bug: keep what was found before, and say so
        facts.error = f"{type(err).__name__}: {err}"[:300]
    return facts


class DependencyAnalysisError(RuntimeError):
    """The analysis of a file raised, and the caller did not ask for such failures to be collected."""


def _report(lang: str, paths: list[str], facts: list[_Facts], errors: dict[int, str] | None) -> None:
    failed = {i: f.error for i, f in enumerate(facts) if f.error}
    if errors is not None:
        errors.update(failed)
    elif failed:
        i, message = next(iter(failed.items()))
        raise DependencyAnalysisError(f"{paths[i]}: {lang} dependency analysis failed ({message})"
                                      + (f", and {len(failed) - 1} more files" if len(failed) > 1 else ""))


def extract_imports(lang: str, path: str, content: str) -> list[str]:
    """Raw import specifiers of one file, in file order: "a.b", ".sibling", "..m.y" (Python: ``from a import b``
    gives "a.b", ``from a import *`` "a.*"), "com.x.Y" / "com.x.*" (Java), "./util" (JS/TS), "Foo.Bar" (C#
    ``using``, also static and aliased), "fmt" (Go), "crate::m::f" / "mod:foo" (Rust, use trees expanded)."""
    _check(lang)
    facts = _analyze(lang, path, content)
    _report(lang, [path], [facts], None)
    return facts.imports


# --- resolution -------------------------------------------------------------------------------

Edges = dict[int, set[int]]


def _suffixes(parts: list[str], minimum: int = 1) -> Iterable[str]:
    for k in range(minimum, len(parts) + 1):
        yield "/".join(parts[-k:])


def _mention_edges(members: list[int], targets: list[int], facts: list[_Facts], edges: Edges,
                   allowed=lambda importer, target: True) -> bool:
    """Edge importer -> target when the importer mentions a top-level name the target declares (and
    does not declare itself: partial classes and per-platform variants of one declaration). True when
    some edge was found."""
    declared: dict[str, list[int]] = defaultdict(list)
    for t in targets:
        for _, name in facts[t].names:
            declared[name].append(t)
    found = False
    for i in members:
        own = {name for _, name in facts[i].names}
        for name in declared.keys() & facts[i].words:  # iterates over the smaller of the two
            if name not in own:
                new = [t for t in declared[name] if t != i and allowed(i, t)]
                edges[i].update(new)
                found = found or bool(new)
    return found


_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def _python_edges(paths: list[str], facts: list[_Facts]) -> Edges:
    modules: dict[str, list[int]] = defaultdict(list)  # module key "a/b" -> a/b.py, a/b/__init__.py
    packages: set[str] = set()
    for i, p in enumerate(paths):
        stem = posixpath.splitext(p)[0]
        if stem == "__init__" or stem.endswith("/__init__"):
            stem = stem[:-9].rstrip("/")
            packages.add(stem)
        modules[stem].append(i)
    by_suffix: dict[str, list[str]] = defaultdict(list)
    for key in modules:
        if key:
            for s in _suffixes(key.split("/")):
                by_suffix[s].append(key)

    def first(key: str) -> int:
        return min(modules[key], key=lambda f: paths[f])

    def candidates(comps: list[str]) -> list[list[str]]:
        """The module itself, or its parent when the last name is one imported from it (never further up:
        `from .console import Console` without console.py is no import of the package's __init__.py)."""
        return [comps[:-1]] if comps[-1:] == ["*"] else [comps, comps[:-1]]

    def absolute(i: int, comps: list[str]) -> int | None:
        here = posixpath.dirname(paths[i])
        for module in candidates(comps):
            if not module:
                continue
            want = "/".join(module)
            best = None
            for key in by_suffix.get(want, ()):
                root = key[:len(key) - len(want)].rstrip("/")
                # A directory below the top is a sys.path entry only if it is no package, and it never
                # shadows the standard library (flask/typing.py is not `typing`).
                if root and (comps[0] in _STDLIB or root in packages):
                    continue
                above = not root or here == root or here.startswith(root + "/")
                score = (not above, len(root), key)
                best = score if best is None or score < best else best
            if best is not None:
                return first(best[2])
        return None

    def relative(i: int, spec: str) -> int | None:
        dots = len(spec) - len(spec.lstrip("."))
        rest = [c for c in spec[dots:].split(".") if c]
        base = [c for c in posixpath.dirname(paths[i]).split("/") if c]
        if dots - 1 > len(base):
            return None
        base = base[:len(base) - (dots - 1)]
        for module in candidates(rest):
            key = "/".join(base + module)
            if key in modules and (module or key in packages):
                return first(key)
        return None

    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        for spec in f.imports:
            j = relative(i, spec) if spec.startswith(".") else absolute(i, [c for c in spec.split(".") if c])
            if j is not None:
                edges[i].add(j)
    return edges


def _java_edges(paths: list[str], facts: list[_Facts]) -> Edges:
    qualified: dict[str, list[int]] = defaultdict(list)  # "com.foo.Bar" -> files declaring it
    by_suffix: dict[str, list[int]] = defaultdict(list)  # "foo/Bar" -> files com/foo/Bar.java
    in_package: dict[str, list[int]] = defaultdict(list)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # (directory, package)
    for i, (p, f) in enumerate(zip(paths, facts, strict=True)):
        for package, name in f.names:
            qualified[f"{package}.{name}" if package else name].append(i)
        for s in _suffixes(posixpath.splitext(p)[0].split("/"), minimum=2):
            by_suffix[s].append(i)
        in_package[f.package].append(i)
        groups[(posixpath.dirname(p), f.package)].append(i)

    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        for spec in f.imports:
            comps = spec.split(".")
            if comps[-1] == "*":
                comps = comps[:-1]
                package = ".".join(comps)
                if package in in_package:  # on-demand import: the package's files whose types are mentioned
                    _mention_edges([i], in_package[package], facts, edges)
                    continue
            for k in range(len(comps), 1, -1):  # com.foo.Bar.Inner, static com.foo.Bar.baz: longest class
                targets = qualified.get(".".join(comps[:k])) or by_suffix.get("/".join(comps[:k]))
                if targets:
                    edges[i].update(targets)
                    break
    for members in groups.values():  # same package: no import needed
        if len(members) > 1:
            _mention_edges(members, members, facts, edges)
    return edges


# Tried after an extensionless relative specifier: the importing language's extensions first; a
# declaration file (not a TypeScript document to the corpus) resolves too, where tsc tries it
# (after .ts and .tsx).
_JS_CODE, _TS_CODE = REGISTRY["javascript"].extensions, REGISTRY["typescript"].extensions
_JS_EXTENSIONS = (*_JS_CODE, *_TS_CODE, ".d.ts")
_TS_EXTENSIONS = (*_TS_CODE[:2], ".d.ts", *_TS_CODE[2:], *_JS_CODE)
_JS_TO_TS = {".js": (".ts", ".tsx", ".d.ts"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


def _js_edges(paths: list[str], facts: list[_Facts], typescript: bool) -> Edges:
    index = {p: i for i, p in reversed(list(enumerate(paths)))}
    extensions = _TS_EXTENSIONS if typescript else _JS_EXTENSIONS
    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        here = posixpath.dirname(paths[i])
        for spec in f.imports:
            spec = spec.split("?")[0].split("#")[0]
            if not (spec in (".", "..") or spec.startswith(("./", "../"))):
                continue  # bare package names and URLs are external
            base = posixpath.normpath(posixpath.join(here, spec))
            if base == ".." or base.startswith("../"):
                continue
            base = "" if base == "." else base
            stem, ext = posixpath.splitext(base)
            candidates = [base] if ext else []
            candidates += [stem + alt for alt in _JS_TO_TS.get(ext, ())] if typescript else []
            candidates += [base + e for e in extensions]
            candidates += [posixpath.join(base, "index") + e for e in extensions]
            j = next((index[c] for c in candidates if c in index), None)
            if j is not None:
                edges[i].add(j)
    return edges


def _csharp_edges(paths: list[str], facts: list[_Facts]) -> Edges:
    types: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))  # namespace -> name -> files
    namespace_files: dict[str, set[int]] = defaultdict(set)
    for i, f in enumerate(facts):
        for ns in f.namespaces:
            namespace_files[ns].add(i)
        for ns, name in f.names:
            types[ns][name].append(i)
            namespace_files[ns].add(i)

    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        visible = {""}  # the global namespace, the file's own namespaces and their parents
        for ns in f.namespaces:
            parts = ns.split(".")
            visible.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
        used = set()
        for spec in f.imports:
            if spec in namespace_files:
                used.add(spec)
            else:  # `using static A.B.T;`, `using X = A.B.T;`
                ns, _, name = spec.rpartition(".")
                if name in types.get(ns, {}):
                    edges[i].update(types[ns][name])
        own = {name for _, name in f.names}
        # Only mentioned types: `using System;` is no reason to follow every file of namespace System.
        for ns in visible | used:
            declared = types.get(ns, {})
            for name in declared.keys() & f.words:
                if name not in own:
                    edges[i].update(declared[name])
    return edges


_GOOS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris "
                  "wasip1 windows zos".split())
_GOARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 "
                    "mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split())


def _go_platform(path: str) -> tuple[str | None, str | None]:
    """(GOOS, GOARCH) of a file name's build constraint: x_linux.go, x_amd64.go, x_linux_amd64_test.go."""
    parts = posixpath.basename(path)[:-3].removesuffix("_test").split("_")
    goos = goarch = None
    if len(parts) > 1 and parts[-1] in _GOARCH:
        goarch = parts.pop()
    if len(parts) > 1 and parts[-1] in _GOOS:
        goos = parts[-1]
    return goos, goarch


def _go_edges(paths: list[str], facts: list[_Facts]) -> Edges:
    platform = [_go_platform(p) for p in paths]

    def is_test(i: int) -> bool:
        return paths[i].endswith("_test.go")

    def compatible(importer: int, target: int) -> bool:
        """Non-test code never sees _test.go files; x_linux.go never sees x_windows.go."""
        if is_test(target) and not is_test(importer):
            return False
        return all(a is None or b is None or a == b for a, b in zip(platform[importer], platform[target], strict=True))

    packages: dict[str, list[int]] = defaultdict(list)  # directory -> importable (non-test) files
    by_suffix: dict[str, list[str]] = defaultdict(list)  # "pkg/x" -> directories ending so
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # (directory, package name)
    for i, p in enumerate(paths):
        here = posixpath.dirname(p)
        groups[(here, facts[i].package)].append(i)
        if not is_test(i):
            packages[here].append(i)
    for d in packages:
        if d:
            for s in _suffixes(d.split("/")):
                by_suffix[s].append(d)
    # Where the module root may be: the top, or a directory holding every file (a repository under a prefix).
    dirs = [posixpath.dirname(p) for p in paths]
    common = posixpath.commonpath(dirs) if dirs and all(dirs) else ""
    roots = {""}
    if common:
        roots.update("/".join(common.split("/")[:k]) for k in range(1, common.count("/") + 2))

    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        for spec in f.imports:
            comps = [c for c in spec.split("/") if c]
            # The longest directory suffix of the path, below a module root; the whole path anywhere if it starts
            # with a domain (vendor/, GOPATH layouts). A one-element path is the standard library's.
            for k in range(len(comps), 0 if len(comps) > 1 else 1, -1):
                suffix = "/".join(comps[-k:])
                anywhere = k == len(comps) and "." in comps[0]
                found = [d for d in by_suffix.get(suffix, ())
                         if anywhere or d[:len(d) - len(suffix)].rstrip("/") in roots]
                if found:
                    targets = [t for t in packages[min(found)] if t != i and compatible(i, t)]
                    if not _mention_edges([i], targets, facts, edges):  # blank or dot import: the whole package
                        edges[i].update(targets)
                    break
    for members in groups.values():  # one package: no import needed
        if len(members) > 1:
            _mention_edges(members, members, facts, edges, compatible)
    return edges


_RUST_EXTERNAL = frozenset({"std", "core", "alloc", "proc_macro", "test"})
_RUST_CRATE_DIRS = ("tests", "examples", "benches")


def _rust_layout(path: str) -> tuple[list[str], list[str], list[str] | None]:
    """(module root directory, module path within it, library root for `use mycrate::...` or None)."""
    parts = path.split("/")
    dirs, stem = parts[:-1], posixpath.splitext(parts[-1])[0]
    library = None
    if "src" in dirs:
        at = len(dirs) - 1 - dirs[::-1].index("src")
        root, sub = dirs[:at + 1], dirs[at + 1:]
        crate_root = not sub and stem in ("lib", "main")
        if sub[:1] == ["bin"]:  # src/bin/x.rs: a crate of its own
            library, root, sub = root, root + ["bin"], sub[1:]
            crate_root = not sub
    else:
        marks = [k for k, d in enumerate(dirs) if d in _RUST_CRATE_DIRS]
        if marks:  # tests/x.rs, examples/x.rs: crates of their own beside the package's src/
            root, sub = dirs[:marks[-1] + 1], dirs[marks[-1] + 1:]
            library = dirs[:marks[-1]] + ["src"]
            crate_root = not sub
        else:
            root, sub = [], dirs
            crate_root = not sub and stem in ("lib", "main")
    module = sub if crate_root or stem in ("lib", "main", "mod") else sub + [stem]
    return root, module, library


def _rust_edges(paths: list[str], facts: list[_Facts]) -> Edges:
    index = {p: i for i, p in reversed(list(enumerate(paths)))}

    def module_file(root: list[str], comps: list[str]) -> int | None:
        if not comps:
            return None  # never the crate root: it declares every module and would close every cycle
        base = "/".join(root + comps)
        return index.get(base + ".rs", index.get(base + "/mod.rs"))

    edges: Edges = defaultdict(set)
    for i, f in enumerate(facts):
        root, module, library = _rust_layout(paths[i])
        for spec in f.imports:
            if spec.startswith("mod:"):
                name = spec[4:]
                j = module_file(root, module + [name])
                if j is None and "src" not in paths[i].split("/")[:-1]:  # a crate root the layout missed
                    j = module_file(paths[i].split("/")[:-1], [name])
                if j is not None:
                    edges[i].add(j)
                continue
            if spec.startswith("::"):
                continue  # 2018 edition: an external crate
            segs = [s for s in spec.split("::") if s and s != "*"]
            if not segs or segs[0] in _RUST_EXTERNAL:
                continue
            searches = []  # (root, base module, path below it, shortest prefix to accept)
            if segs[0] == "crate":
                searches.append((root, [], segs[1:], 1))
            elif segs[0] in ("self", "super"):
                base, k = list(module), 0
                while k < len(segs) and segs[k] in ("self", "super"):
                    base = base[:-1] if segs[k] == "super" else base
                    k += 1
                searches.append((root, base, segs[k:], 0))
            else:  # a child module (`mod a; use a::X;`), or this package's library from its tests/examples
                searches.append((root, module, segs, 1))
                if library is not None:
                    searches.append((library, [], segs[1:], 1))
            for search_root, base, rest, shortest in searches:
                found = None
                for k in range(len(rest), shortest - 1, -1):
                    found = module_file(search_root, base + rest[:k])
                    if found is not None:
                        break
                if found is not None:
                    edges[i].add(found)
                    break
    return edges


_RESOLVERS = {"python": _python_edges, "java": _java_edges, "csharp": _csharp_edges, "go": _go_edges,
              "rust": _rust_edges, "javascript": lambda p, f: _js_edges(p, f, typescript=False),
              "typescript": lambda p, f: _js_edges(p, f, typescript=True)}


def _normalize(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith(("./", "/")):
        path = path[1:] if path[0] == "/" else path[2:]
    return path


def dependency_graph(lang: str, files: list[tuple[str, str]], *,
                     errors: dict[int, str] | None = None) -> dict[int, set[int]]:
    """Importer index -> indices of the files of ``files`` it imports (no self-edges).

    When the analysis of a file raises, its edges are those found before the failure; ``errors``, when
    given, receives ``{file index: what was raised}`` for each such file (the caller counts them),
    and without it the first failure is raised as ``DependencyAnalysisError`` naming the file."""
    _check(lang)
    paths = [_normalize(p) for p, _ in files]
    facts = [_analyze(lang, p, c) for p, c in files]
    _report(lang, [p for p, _ in files], facts, errors)
    edges = _RESOLVERS[lang](paths, facts)
    return {i: edges.get(i, set()) - {i} for i in range(len(files))}


# --- ordering ---------------------------------------------------------------------------------

def _cycle_order(members: list[int], graph: dict[int, set[int]], key) -> list[int]:
    """Files of one strongly connected component, most depended on (PageRank) first, ties by path."""
    nodes = sorted(members, key=key)
    inside = set(nodes)
    sub = nx.DiGraph()
    sub.add_nodes_from(nodes)  # sorted insertion: the same floating-point sums whatever the input order
    sub.add_edges_from((i, j) for i in nodes for j in sorted(graph[i] & inside, key=key))
    try:
        rank = nx.pagerank(sub)
    except nx.PowerIterationFailedConvergence:
        rank = {n: sub.in_degree(n) for n in nodes}
    return sorted(nodes, key=lambda n: (-round(rank[n], 9), key(n)))


def dependency_order(lang: str, files: list[tuple[str, str]], *, errors: dict[int, str] | None = None) -> list[int]:
    """A permutation of ``range(len(files))`` in which every file follows the files it imports, except
    within import cycles (ordered by PageRank). ``errors`` as for ``dependency_graph``."""
    graph = dependency_graph(lang, files, errors=errors)
    n = len(files)

    def key(i: int) -> tuple[str, str]:
        return (files[i][0], files[i][1])

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((i, j) for i, deps in graph.items() for j in deps)
    components = [sorted(c, key=key) for c in nx.strongly_connected_components(g)]
    component_of = {i: c for c, members in enumerate(components) for i in members}

    waiting = [0] * len(components)  # components a component imports that are not emitted yet
    dependents: dict[int, set[int]] = defaultdict(set)
    for c, members in enumerate(components):
        imported = {component_of[j] for i in members for j in graph[i]} - {c}
        waiting[c] = len(imported)
        for d in imported:
            dependents[d].add(c)

    ready = [(key(members[0]), c) for c, members in enumerate(components) if not waiting[c]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, c = heapq.heappop(ready)
        members = components[c]
        order.extend(members if len(members) == 1 else _cycle_order(members, graph, key))
        for d in dependents[c]:
            waiting[d] -= 1
            if not waiting[d]:
                heapq.heappush(ready, (key(components[d][0]), d))
    return order


def repository_document(lang: str, files: list[tuple[str, str]], order: list[int]) -> str:
    """The files in ``order``, each after a ``path:`` header in the language's line-comment syntax,
    separated by one blank line."""
    _check(lang)
    marker = REGISTRY[lang].line_comment
    return "\n".join(f"{marker} path: {files[i][0]}\n{files[i][1].rstrip(chr(10))}\n" for i in order)
