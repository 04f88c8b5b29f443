"""False drops of the syntax filter (``codescale.curate.syntax``) against the languages' real parsers.

Usage: python bench/syntax_false_drops.py [--corpus GLOB] [--limit-per-lang N] [--mutants N] [--show N]

For every corpus document the filter's error share (tree-sitter ERROR/MISSING nodes; ``ast`` for Python)
is set against the verdict of the language's own parser, run parse-only (a file out of its repository
cannot resolve imports, so no type checking or name resolution):

- python: ``compile(..., PyCF_ONLY_AST)`` in the newest CPython 3 found (the filter uses the interpreter it
  runs in); files it rejects are tried with a Python 2.7 interpreter to count Python 2 code;
- java: ``JavacTask.parse()`` of the newest JDK found, ``--enable-preview --release <its version>``;
- javascript: V8 (node), as a CommonJS function body or as an ES module; files V8 rejects that hold JSX and
  that the TypeScript parser accepts in JSX mode count as valid;
- typescript: ``ts.createSourceFile(...).parseDiagnostics`` (TypeScript compiler API);
- csharp: ``mcs --parse`` (batched; declaration errors such as duplicate types across files are ignored);
- go: ``gofmt -e -l`` (batched);
- rust: ``rustc -Z parse-crate-root-only`` (nightly, or stable with RUSTC_BOOTSTRAP=1), editions 2021, 2024,
  2018 and 2015 (valid in any edition counts as valid).

A file is dropped when its share exceeds ``max_syntax_error_share``. False drops: valid files dropped;
true drops: files the parser rejects that the filter drops. The real corpus holds few broken files, so
``--mutants`` corrupted copies per document (truncated, a line deleted, a bracket deleted) measure how many
broken files each threshold still catches; only mutants the real parser rejects count.
"""

from __future__ import annotations

import argparse
import ast
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from codescale.curate.syntax import parser_for, syntax_error_share

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.0, 0.001, 0.005, 0.01, 0.02, 0.05)
LANGS = ("python", "java", "javascript", "typescript", "csharp", "go", "rust")
WORKERS = os.cpu_count() or 1


@dataclass
class Doc:
    lang: str
    path: str
    repo: str
    text: str
    mutant: str = ""  # corruption applied ("" for a corpus document)
    origin: Doc | None = None  # the corpus document a mutant was made from
    share: float = 0.0  # the filter's error share
    ok: bool | None = None  # the real parser's verdict; None when the language has no parser here
    msg: str = ""  # the real parser's first error
    tag: str = ""  # python2, jsx, edition 2015, ...


class Unavailable(Exception):
    """The language's real parser is not installed."""


def run(cmd: Sequence[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), capture_output=True, text=True, errors="replace", **kw)


def jsonl(cmd: Sequence[str], items: list[dict], **kw) -> list[dict]:
    """Feed JSON lines to a checker process, read one JSON line back per item."""
    proc = run(cmd, input="".join(json.dumps(i) + "\n" for i in items), **kw)
    out = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if len(out) != len(items):
        raise RuntimeError(f"{cmd[0]}: {len(out)} answers for {len(items)} files: {proc.stderr[-800:]}")
    return out


def materialize(docs: list[Doc], work: Path) -> list[str]:
    """Write each document to work/<index>/<basename>; return the paths relative to work."""
    rels = []
    for i, d in enumerate(docs):
        rel = f"{i:06d}/{Path(d.path).name}"
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(d.text, encoding="utf-8", errors="surrogatepass")
        rels.append(rel)
    return rels


# --- python -------------------------------------------------------------------------------------

PY3_CHECK = r"""
import ast, json, sys, warnings
warnings.simplefilter("ignore")
for line in sys.stdin:
    text = json.loads(line)["text"]
    try:
        compile(text, "<doc>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        out = {"ok": True, "msg": ""}
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        out = {"ok": False, "msg": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + "\n")
"""

PY2_CHECK = r"""
import json, sys
for line in sys.stdin:
    text = json.loads(line)["text"]
    try:
        try:
            compile(text, "<doc>", "exec", 1024, True)
        except SyntaxError as e:
            if "encoding declaration" not in str(e):
                raise
            compile(text.encode("utf-8"), "<doc>", "exec", 1024, True)
        ok = True
    except Exception:
        ok = False
    sys.stdout.write(json.dumps({"ok": ok}) + "\n")
"""

# SyntaxError messages of Python 3 on Python 2 constructs, for when no Python 2 interpreter is found
PY2_MESSAGES = re.compile(
    r"Missing parentheses in call to '(print|exec)'|multiple exception types must be parenthesized"
    r"|leading zeros in decimal integer literals|invalid hexadecimal|backtick"
)


def interpreter_versions(major: int) -> list[tuple[tuple[int, int], str]]:
    names = [sys.executable, f"python{major}"] + [f"python{major}.{m}" for m in range(20)]
    pyenv = glob.glob(os.path.expanduser(f"~/.pyenv/versions/{major}.*/bin/python"))
    candidates = {shutil.which(n) for n in names} | set(pyenv)
    found = []
    for exe in filter(None, candidates):
        try:
            proc = run([exe, "-c", "import sys; print('%d %d' % sys.version_info[:2])"], timeout=30)
        except OSError:
            continue
        if proc.returncode == 0 and proc.stdout.split()[:1] == [str(major)]:
            found.append((tuple(map(int, proc.stdout.split())), exe))
    return sorted(found)


def check_python(docs: list[Doc], work: Path) -> str:
    py3 = interpreter_versions(3)
    (v, exe), *_ = py3[::-1]
    for d, r in zip(docs, jsonl([exe, "-c", PY3_CHECK], [{"text": d.text} for d in docs]), strict=True):
        d.ok, d.msg = r["ok"], r["msg"]
    rejected = [d for d in docs if not d.ok]
    py2 = interpreter_versions(2)
    if py2 and rejected:
        answers = jsonl([py2[-1][1], "-c", PY2_CHECK], [{"text": d.text} for d in rejected])
        for d, r in zip(rejected, answers, strict=True):
            d.tag = "python2" if r["ok"] else ""
    elif rejected:
        for d in rejected:
            d.tag = "python2 (by message)" if PY2_MESSAGES.search(d.msg) else ""
    two = f"; Python 2 check: Python {'.'.join(map(str, py2[-1][0]))}" if py2 else "; no Python 2 (by message)"
    return f"CPython {v[0]}.{v[1]} compile(PyCF_ONLY_AST) [{exe}]{two}"


# --- java ---------------------------------------------------------------------------------------

PARSE_JAVA = r"""
import com.sun.source.util.JavacTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import javax.tools.*;

public class ParseJava {
    public static void main(String[] args) throws Exception {
        List<String> files = Files.readAllLines(Path.of(args[0]));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8);
        String release = String.valueOf(Runtime.version().feature());
        List<String> options = List.of("-proc:none", "--enable-preview", "--release", release, "-Xmaxerrs", "1000000");
        Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromStrings(files);
        JavacTask task = (JavacTask) javac.getTask(null, fm, diags, options, null, units);
        task.parse();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR || d.getSource() == null) continue;
            String msg = d.getMessage(Locale.ROOT).replaceAll("\\s+", " ");
            System.out.println(d.getSource().getName() + "\t" + d.getLineNumber() + "\t" + d.getCode() + "\t" + msg);
        }
    }
}
"""


def newest_jdk() -> tuple[int, Path]:
    homes = set(glob.glob("/usr/lib/jvm/*")) | {os.environ.get("JAVA_HOME", "")}
    if javac := shutil.which("javac"):
        homes.add(str(Path(os.path.realpath(javac)).parents[1]))
    found = []
    for home in filter(None, homes):
        if not (Path(home, "bin/javac").exists() and Path(home, "bin/java").exists()):
            continue
        proc = run([f"{home}/bin/javac", "-version"])
        if m := re.search(r"javac (\d+)", proc.stdout + proc.stderr):
            found.append((int(m.group(1)), Path(os.path.realpath(home))))
    if not found:
        raise Unavailable("no JDK (javac) found")
    return max(found)


def check_java(docs: list[Doc], work: Path) -> str:
    version, home = newest_jdk()
    rels = materialize(docs, work)
    (work / "files.txt").write_text("\n".join(str(work / r) for r in rels) + "\n")
    (work / "ParseJava.java").write_text(PARSE_JAVA)
    proc = run([f"{home}/bin/java", str(work / "ParseJava.java"), str(work / "files.txt")], cwd=work)
    if proc.returncode != 0:
        raise RuntimeError(f"javac parser failed: {proc.stderr[-800:]}")
    errors: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        name, lineno, code, msg = line.split("\t", 3)
        errors.setdefault(name, f"{lineno}: {msg} [{code}]")
    for d, rel in zip(docs, rels, strict=True):
        d.msg = errors.get(str(work / rel), "")
        d.ok = not d.msg
    return f"javac {version} JavacTask.parse() --enable-preview [{home}]"


# --- javascript and typescript ------------------------------------------------------------------

PARSE_JS = r"""
// argv[2]: path of the typescript module, or ""; stdin: JSON lines {lang, path, text}; stdout: JSON lines.
const vm = require('vm');
const readline = require('readline');
const ts = process.argv[2] ? require(process.argv[2]) : null;
function tsParse(path, text, kind) {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  return sf.parseDiagnostics.map((d) => {
    const { line } = sf.getLineAndCharacterOfPosition(d.start || 0);
    return `${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} [TS${d.code}]`;
  });
}
function hasJsx(node) {
  const jsx = [ts.SyntaxKind.JsxElement, ts.SyntaxKind.JsxSelfClosingElement, ts.SyntaxKind.JsxFragment];
  return jsx.includes(node.kind) || ts.forEachChild(node, hasJsx) === true;
}
function v8Parse(text) {  // null when V8 parses it as CommonJS or as an ES module
  const src = text.startsWith('#!') ? '//' + text.slice(2) : text;
  try { vm.compileFunction(src, ['exports', 'require', 'module', '__filename', '__dirname']); return null; }
  catch (e) { var cjs = String(e.message); }
  try { new vm.SourceTextModule(src); return null; } catch (e) { return cjs; }
}
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  const { lang, path, text } = JSON.parse(line);
  let out;
  if (lang === 'typescript') {
    const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const diags = tsParse(path, text, kind);
    out = { ok: diags.length === 0, msg: diags[0] || '', tag: '' };
  } else {
    const err = v8Parse(text);
    out = { ok: err === null, msg: err || '', tag: '' };
    if (err !== null && ts) {
      const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JSX);
      if (sf.parseDiagnostics.length === 0 && hasJsx(sf)) out = { ok: true, msg: 'V8: ' + err, tag: 'jsx' };
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


def typescript_module() -> Path | None:
    local = ROOT / ".tools/node_modules/typescript"
    if local.is_dir():
        return local
    node = shutil.which("node")
    proc = run([node, "-p", "require('path').dirname(require.resolve('typescript/package.json'))"]) if node else None
    return Path(proc.stdout.strip()) if proc and proc.returncode == 0 else None


def check_node(lang: str) -> Callable[[list[Doc], Path], str]:
    def check(docs: list[Doc], work: Path) -> str:
        node = shutil.which("node")
        if not node:
            raise Unavailable("node not found")
        tsmod = typescript_module()
        if lang == "typescript" and tsmod is None:
            raise Unavailable("typescript module not found (npm i typescript in .tools/)")
        (work / "parse.js").write_text(PARSE_JS)
        cmd = [node, "--experimental-vm-modules", "--no-warnings", str(work / "parse.js"), str(tsmod or "")]
        for d, r in zip(docs, jsonl(cmd, [{"lang": lang, "path": d.path, "text": d.text} for d in docs]), strict=True):
            d.ok, d.msg, d.tag = r["ok"], r["msg"], r["tag"]
        ts_version = json.loads((tsmod / "package.json").read_text())["version"] if tsmod else None
        node_version = run([node, "--version"]).stdout.strip()
        if lang == "typescript":
            return f"TypeScript {ts_version} createSourceFile().parseDiagnostics (node {node_version})"
        jsx = f"; TypeScript {ts_version} parser for JSX files" if tsmod else ""
        return f"V8 (node {node_version}) CommonJS or ES module parse{jsx}"

    return check


# --- csharp -------------------------------------------------------------------------------------

MCS_ERROR = re.compile(r"^(.+?\.cs)\((\d+),(\d+)\): error (CS\d+): (.*)$")
# errors mcs reports while parsing that are about declarations, not syntax: duplicate types across the batch
# (CS0101, CS0102), duplicate locals or parameters (CS0100, CS0128, CS0136), misplaced modifiers (CS0106)
MCS_DECLARATION_ERRORS = {"CS0100", "CS0101", "CS0102", "CS0106", "CS0128", "CS0136"}
MCS_OTHER = re.compile(r"^(.+?\.cs\(\d+,\d+\): (warning|\(Location)|Compilation (failed|succeeded))")


def check_csharp(docs: list[Doc], work: Path) -> str:
    mcs = shutil.which("mcs")
    if not mcs:
        raise Unavailable("mcs (mono) not found")
    base = [mcs, "--parse", "-unsafe", "-langversion:experimental", "-nowarn:1634"]
    rels = materialize(docs, work)

    def errors_of(paths: list[str]) -> tuple[dict[str, str], bool]:
        proc = run(base + paths, cwd=work)
        errors, clean = {}, True
        for line in proc.stdout.splitlines() + proc.stderr.splitlines():
            if m := MCS_ERROR.match(line):
                if m.group(4) not in MCS_DECLARATION_ERRORS:
                    errors.setdefault(m.group(1), f"{m.group(2)}: {m.group(5)} [{m.group(4)}]")
            elif line.strip() and not MCS_OTHER.match(line):
                clean = False  # a crash or an error without a location: trust no file of this batch
        return errors, clean

    errors, clean = errors_of(rels)
    if not clean:  # parse each file alone
        with ThreadPoolExecutor(WORKERS) as pool:
            errors = dict(zip(rels, pool.map(lambda r: errors_of([r])[0].get(r, ""), rels), strict=True))
    for d, rel in zip(docs, rels, strict=True):
        d.msg = errors.get(rel, "")
        d.ok = not d.msg
    version = run([mcs, "--version"]).stdout.strip()
    return f"{version} --parse -langversion:experimental (knows C# up to ~7; newer syntax counts as invalid)"


# --- go -----------------------------------------------------------------------------------------

GOFMT_ERROR = re.compile(r"^(.+?\.go):(\d+):(\d+): (.*)$")


def check_go(docs: list[Doc], work: Path) -> str:
    gofmt = shutil.which("gofmt")
    if not gofmt:
        raise Unavailable("gofmt not found")
    rels = materialize(docs, work)
    errors: dict[str, str] = {}
    for start in range(0, len(rels), 500):
        proc = run([gofmt, "-e", "-l", *rels[start : start + 500]], cwd=work)
        for line in proc.stderr.splitlines():
            if m := GOFMT_ERROR.match(line):
                errors.setdefault(m.group(1), f"{m.group(2)}: {m.group(4)}")
    for d, rel in zip(docs, rels, strict=True):
        d.msg = errors.get(rel, "")
        d.ok = not d.msg
    go = shutil.which("go")
    version = run([go, "version"]).stdout.strip() if go else "unknown Go version"
    return f"gofmt -e ({version})"


# --- rust ---------------------------------------------------------------------------------------

EDITIONS = ("2021", "2024", "2018", "2015")


def rustc_parse_only(work: Path) -> tuple[list[str], dict[str, str], str]:
    rustc = shutil.which("rustc")
    if not rustc:
        raise Unavailable("rustc not found")
    probe = work / "probe.rs"
    probe.write_text("fn main() {}\n")
    env = {**os.environ, "RUSTC_BOOTSTRAP": "1"}
    for cmd, extra, how in (([rustc, "+nightly"], {}, "nightly"), ([rustc], env, "RUSTC_BOOTSTRAP=1")):
        sysroot = run([*cmd, "--print", "sysroot"]).stdout.strip()
        if Path(sysroot, "bin/rustc").exists():  # the toolchain's own binary, not the rustup proxy
            cmd = [str(Path(sysroot, "bin/rustc"))]
        proc = run([*cmd, "-Z", "parse-crate-root-only", str(probe)], cwd=work, env=extra or None)
        if proc.returncode == 0:
            return cmd, extra, f"{run([*cmd, '--version']).stdout.strip()}, {how}"
    raise Unavailable("rustc -Z parse-crate-root-only works neither on nightly nor with RUSTC_BOOTSTRAP=1")


def check_rust(docs: list[Doc], work: Path) -> str:
    cmd, env, how = rustc_parse_only(work)
    rels = materialize(docs, work)

    def parse(rel: str, editions: Sequence[str] = EDITIONS) -> tuple[bool, str, str]:
        first = ""
        for edition in editions:
            proc = run(
                [*cmd, "-Z", "parse-crate-root-only", "--edition", edition, "--error-format=short",
                 "--crate-name", "doc", rel],
                cwd=work, env=env or None,
            )
            if proc.returncode == 0:
                return True, first, "" if edition == EDITIONS[0] else f"edition {edition}"
            if not first:
                errs = [ln for ln in proc.stderr.splitlines() if ": error" in ln] or proc.stderr.splitlines()[:1]
                first = (errs[0].split(":", 1)[1] if errs else "rustc failed").strip()
        return False, first, ""

    def check(i: int) -> tuple[bool, str, str]:
        origin = docs[i].origin  # a mutant is parsed only in the edition its corpus document parses in
        if origin is None:
            return parse(rels[i])
        return parse(rels[i], [origin.tag.removeprefix("edition ") if origin.ok and origin.tag else EDITIONS[0]])

    originals = [i for i, d in enumerate(docs) if d.origin is None]
    copies = [i for i, d in enumerate(docs) if d.origin is not None]
    with ThreadPoolExecutor(WORKERS) as pool:
        for group in (originals, copies):  # originals first: mutants need their edition
            for i, (ok, msg, tag) in zip(group, pool.map(check, group), strict=True):
                docs[i].ok, docs[i].msg, docs[i].tag = ok, msg, tag
    return f"rustc -Z parse-crate-root-only ({how}), editions {'/'.join(EDITIONS)}"


CHECKERS: dict[str, Callable[[list[Doc], Path], str]] = {
    "python": check_python,
    "java": check_java,
    "javascript": check_node("javascript"),
    "typescript": check_node("typescript"),
    "csharp": check_csharp,
    "go": check_go,
    "rust": check_rust,
}


# --- corpus, mutants, filter ----------------------------------------------------------------------


def load(pattern: str, limit: int | None) -> dict[str, list[Doc]]:
    files = sorted(glob.glob(pattern)) or sorted(glob.glob(str(ROOT / pattern)))
    if not files:
        sys.exit(f"no parquet files match {pattern!r}")
    by_lang: dict[str, list[Doc]] = defaultdict(list)
    for f in files:
        for row in pq.read_table(f, columns=["lang", "path", "repo", "content"]).to_pylist():
            items = by_lang[row["lang"]]
            if limit is None or len(items) < limit:
                items.append(Doc(row["lang"], row["path"], row["repo"], row["content"]))
    return by_lang


def mutate(doc: Doc, k: int) -> Doc:
    """A corrupted copy: truncated, one line deleted, or one bracket deleted (chosen by k)."""
    rng = random.Random(zlib.crc32(f"{doc.repo}/{doc.path}#{k}".encode()))
    text, kind = doc.text, ("truncated", "line deleted", "bracket deleted")[k % 3]
    lines = text.splitlines(keepends=True)
    brackets = [i for i, c in enumerate(text) if c in "()[]{}"]
    if kind == "line deleted" and len(lines) > 2:
        i = rng.choice([i for i, ln in enumerate(lines) if ln.strip()] or [0])
        text = "".join(lines[:i] + lines[i + 1 :])
    elif kind == "bracket deleted" and brackets:
        i = rng.choice(brackets)
        text = text[:i] + text[i + 1 :]
    else:
        kind, text = "truncated", text[: rng.randrange(len(text) // 4, max(len(text), 1))]
    return Doc(doc.lang, doc.path, doc.repo, text, mutant=kind, origin=doc)


def error_sites(doc: Doc, limit: int = 3) -> list[str]:
    """Where the filter sees errors: tree-sitter ERROR/MISSING nodes (outermost), or the ast error."""
    if doc.lang == "python":
        try:
            ast.parse(doc.text)
        except (SyntaxError, ValueError) as e:
            return [f"ast: {e}"]
        return []
    tree = parser_for(doc.lang, tsx=doc.path.endswith(".tsx")).parse(doc.text.encode("utf-8"))
    lines, sites, stack = doc.text.splitlines(), [], [tree.root_node]
    while stack and len(sites) < limit:
        node = stack.pop()
        if node.is_error or node.is_missing:
            what = f"MISSING {node.type}" if node.is_missing else "ERROR"
            parent = node.parent.type if node.parent else "(root)"
            row = node.start_point[0]
            line = lines[row].strip() if row < len(lines) else ""
            sites.append(f"L{row + 1} {what} in {parent}: {line[:100]}")
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return sites


# --- report -------------------------------------------------------------------------------------


def counts(docs: list[Doc]) -> tuple[list[int], list[int], int, int]:
    """False drops and true drops per threshold, valid and rejected totals."""
    valid = [d for d in docs if d.ok]
    bad = [d for d in docs if d.ok is False]
    fd = [sum(d.share > t for d in valid) for t in THRESHOLDS]
    td = [sum(d.share > t for d in bad) for t in THRESHOLDS]
    return fd, td, len(valid), len(bad)


def header(first: str) -> str:
    cells = "".join(f"{'>' + format(t, 'g'):>10}" for t in THRESHOLDS)
    return f"{first:<12}{'docs':>6}{'valid':>8}{'rejected':>9}  {cells}"


def row(lang: str, docs: list[Doc], nvalid: int, nbad: int) -> str:
    return f"{lang:<12}{len(docs):>6}{f'{100 * nvalid / max(len(docs), 1):.1f}%':>8}{nbad:>9}  "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="results/corpus/*/part*.parquet", help="parquet glob (default: %(default)s)")
    ap.add_argument("--limit-per-lang", type=int, default=None, help="first N documents per language")
    ap.add_argument("--mutants", type=int, default=1, help="corrupted copies per document (0: none)")
    ap.add_argument("--show", type=int, default=6, help="files listed per language and kind")
    args = ap.parse_args()
    start = time.perf_counter()

    by_lang = load(args.corpus, args.limit_per_lang)
    langs = [lang for lang in LANGS if lang in by_lang] + sorted(set(by_lang) - set(LANGS))
    mutants = {lang: [mutate(d, k) for d in by_lang[lang] for k in range(args.mutants)] for lang in langs}
    tools, timings = {}, {}
    for lang in langs:
        docs = by_lang[lang] + mutants[lang]
        t0 = time.perf_counter()
        for d in docs:
            d.share = syntax_error_share(lang, d.text, d.path)
        t1 = time.perf_counter()
        checker = CHECKERS.get(lang)
        try:
            if checker is None:
                raise Unavailable("no parser configured for this language")
            with tempfile.TemporaryDirectory(prefix=f"sfd-{lang}-") as work:
                tools[lang] = checker(docs, Path(work))
        except Unavailable as e:
            tools[lang] = f"UNAVAILABLE: {e} (no false/true drops measured)"
            for d in docs:
                d.ok = None
        timings[lang] = (len(docs), t1 - t0, time.perf_counter() - t1)

    total_docs = sum(len(v) for v in by_lang.values())
    print(f"corpus {args.corpus}: {total_docs} documents; {args.mutants} mutant(s) per document\n")
    print("real parsers (parse only):")
    for lang in langs:
        print(f"  {lang:<11} {tools[lang]}")

    print("\nfalse drops: files the real parser accepts that the filter drops (share > max_syntax_error_share)")
    print(header("language"))
    rows = {lang: counts(by_lang[lang]) for lang in langs}
    for lang in langs:
        fd, _, nvalid, nbad = rows[lang]
        n = len(by_lang[lang])
        if by_lang[lang][0].ok is None:
            dropped = "".join(f"{sum(d.share > t for d in by_lang[lang]):>10}" for t in THRESHOLDS)
            print(f"{lang:<12}{n:>6}{'n/a':>8}{'n/a':>9}  {dropped}   (drops, parser unavailable)")
            continue
        print(row(lang, by_lang[lang], nvalid, nbad) + "".join(
            f"{c:>10}" if not c else f"{f'{c} {100 * c / max(nvalid, 1):.1f}%':>10}" for c in fd))

    print("\ntrue drops: files the real parser rejects that the filter drops (caught/rejected)")
    print(header("language"))
    for lang in langs:
        _, td, nvalid, nbad = rows[lang]
        if by_lang[lang][0].ok is None:
            continue
        print(row(lang, by_lang[lang], nvalid, nbad) + "".join(f"{f'{c}/{nbad}':>10}" for c in td))

    mrows = {lang: counts(mutants[lang]) for lang in langs}
    if args.mutants:
        print("\nmutants (truncated / line deleted / bracket deleted) the real parser rejects: caught by the filter")
        print(header("language"))
        for lang in langs:
            _, td, nvalid, nbad = mrows[lang]
            if not mutants[lang] or mutants[lang][0].ok is None:
                continue
            cells = "".join(f"{f'{100 * c / max(nbad, 1):.1f}%':>10}" for c in td)
            print(row(lang, mutants[lang], nvalid, nbad) + cells)

    print("\nsuggested max_syntax_error_share: lowest threshold with no false drop on the corpus")
    for lang in langs:
        fd, td, _, nbad = rows[lang]
        if by_lang[lang][0].ok is None:
            print(f"  {lang:<11} n/a (no parser)")
            continue
        i = next((i for i, c in enumerate(fd) if c == 0), None)
        if i is None:
            print(f"  {lang:<11} > {THRESHOLDS[-1]:g}: still {fd[-1]} false drops at the largest threshold")
            continue
        _, mtd, _, mbad = mrows[lang]
        mut = f", mutants caught {100 * mtd[i] / mbad:.1f}%" if args.mutants and mbad else ""
        print(f"  {lang:<11} {THRESHOLDS[i]:g}  (corpus rejects caught {td[i]}/{nbad}{mut})")

    if "python" in by_lang and by_lang["python"][0].ok is not None:
        py = by_lang["python"]
        rejected = [d for d in py if d.ok is False]
        tags = Counter(d.tag for d in rejected if d.tag)
        filt = sum(d.share > 0 for d in py)
        print(f"\npython: {len(rejected)} of {len(py)} files rejected by the newest Python 3, of which Python 2 code: "
              f"{sum(tags.values())}{f' {dict(tags)}' if tags else ''}; the filter (ast of Python "
              f"{sys.version_info.major}.{sys.version_info.minor}) drops {filt}")

    for lang in langs:
        docs = by_lang[lang]
        false = sorted((d for d in docs if d.ok and d.share > 0), key=lambda d: -d.share)
        bad = sorted((d for d in docs if d.ok is False), key=lambda d: -d.share)
        tagged = [d for d in docs if d.ok and d.tag]
        if not (false or bad or tagged):
            continue
        print(f"\n== {lang}")
        for d in false[: args.show]:
            print(f"  false drop  share {d.share:.5f}  {d.repo}/{d.path}")
            for site in error_sites(d):
                print(f"      {site}")
        if len(false) > args.show:
            print(f"  ... {len(false) - args.show} more false drops")
        for d in bad[: args.show]:
            print(f"  rejected    share {d.share:.5f}  {d.repo}/{d.path}{f'  [{d.tag}]' if d.tag else ''}")
            print(f"      parser: {d.msg[:150]}")
            for site in error_sites(d)[:1]:
                print(f"      filter: {site}")
        if len(bad) > args.show:
            print(f"  ... {len(bad) - args.show} more rejected files")
        for tag, n in Counter(d.tag for d in tagged).items():
            print(f"  accepted with {tag}: {n} file(s), e.g. {next(d.path for d in tagged if d.tag == tag)}")

    print(f"\n{'timings':<12}{'files':>7}{'filter s':>10}{'parser s':>10}   (files include mutants)")
    for lang in langs:
        n, tf, tp = timings[lang]
        print(f"{lang:<12}{n:>7}{tf:>10.2f}{tp:>10.2f}")
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
