"""Compile-and-run commands for the seven languages, and detection of which are present.

The project's setup installs the toolchains (``python3``, ``node``, TypeScript's ``tsc`` from npm
into ``.tools/``, ``javac``/``java``, ``mcs``/``mono``, ``go``, ``rustc``); at run time a language
whose tools are missing is reported as unavailable, never silently passed.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from codescale.sandbox.executor import Limits, Result, run

REPO_TOOLS = Path(__file__).resolve().parents[3] / ".tools" / "node_modules" / ".bin"


@dataclass(frozen=True)
class Toolchain:
    lang: str
    source_file: str
    tools: tuple[str, ...]        # executables that must be found
    compile: tuple[str, ...] = ()  # shell words; {tool} placeholders resolved at run time
    run: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()


TOOLCHAINS = {
    "python": Toolchain("python", "main.py", ("python3",), run=("python3", "main.py")),
    "javascript": Toolchain("javascript", "main.js", ("node",), run=("node", "main.js")),
    "typescript": Toolchain("typescript", "main.ts", ("tsc", "node"),
                            compile=("tsc", "--strict", "--skipLibCheck", "--target", "es2020", "--module", "commonjs",
                                     "main.ts"),
                            run=("node", "main.js")),
    "java": Toolchain("java", "Main.java", ("javac", "java"),
                      compile=("javac", "-J-Xshare:auto", "Main.java"),
                      run=("java", "-Xss16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "Main")),
    "csharp": Toolchain("csharp", "Program.cs", ("mcs", "mono"),
                        compile=("mcs", "-nologo", "-out:main.exe", "Program.cs"), run=("mono", "main.exe")),
    "go": Toolchain("go", "main.go", ("go",), compile=("go", "build", "-o", "main", "main.go"),
                    run=("./main",), env=(("GOCACHE", "{dir}/.gocache"), ("GO111MODULE", "off"),
                                          ("GOFLAGS", "-mod=mod"), ("CGO_ENABLED", "0"))),
    "rust": Toolchain("rust", "main.rs", ("rustc",), compile=("rustc", "-C", "opt-level=1", "-o", "main", "main.rs"),
                      run=("./main",)),
}


@functools.cache
def find_tool(name: str) -> str | None:
    local = REPO_TOOLS / name
    if local.is_file():
        return str(local)
    return shutil.which(name)


def available(lang: str) -> tuple[bool, str]:
    """(present, reason): whether every tool of ``lang`` is installed."""
    missing = [t for t in TOOLCHAINS[lang].tools if find_tool(t) is None]
    return (not missing, f"missing {', '.join(missing)}" if missing else "")


def availability() -> dict[str, str]:
    """Language -> "ok" or the reason it cannot be run."""
    return {lang: ("ok" if ok else why) for lang, (ok, why) in
            ((lang, available(lang)) for lang in TOOLCHAINS)}


def _resolve(words: tuple[str, ...]) -> str:
    if not words:
        return ""
    tool = find_tool(words[0]) or words[0]
    return " ".join(shlex.quote(w) for w in (tool, *words[1:]))


# Compilers and runtimes are multi-threaded (JVM, go build, tsc): more tasks than a plain program.
TOOLCHAIN_LIMITS = Limits(time_s=30.0, processes=512)


_JAVA_CLASS = re.compile(r"^\s*(public\s+)?(?:(?:final|abstract|static)\s+)*class\s+(\w+)", re.M)
_JAVA_MAIN = re.compile(r"static\s+void\s+main\s*\(")


def adapt(lang: str, source: str) -> Toolchain:
    """The toolchain for this particular ``source``: Java files are named after their public class
    and run the class that declares ``main`` (MultiPL-E's Java problems are ``class Problem``);
    Go files written as tests (``package main_test`` with ``func TestX``) run under ``go test``."""
    chain = TOOLCHAINS[lang]
    if lang == "java":
        classes = [(m.start(), bool(m.group(1)), m.group(2)) for m in _JAVA_CLASS.finditer(source)]
        main_at = _JAVA_MAIN.search(source)
        if classes and main_at:
            public = [name for _, pub, name in classes if pub]
            runner = [name for at, _, name in classes if at < main_at.start()][-1:] or [classes[0][2]]
            filename = f"{public[0] if public else runner[0]}.java"
            return dataclasses.replace(chain, source_file=filename,
                                       compile=("javac", "-J-Xshare:auto", filename),
                                       run=(*chain.run[:-1], runner[0]))
    if lang == "go" and re.search(r"^package \w+_test\b", source, re.M) and "func Test" in source:
        return dataclasses.replace(chain, source_file="main_test.go", compile=(),
                                   run=("go", "test", "-count=1", "main_test.go"))
    return chain


def execute(lang: str, source: str, limits: Limits = TOOLCHAIN_LIMITS, stdin: str | None = None) -> Result:
    """Compile (if needed) and run ``source`` in the sandbox; one fresh directory for both."""
    ok, why = available(lang)
    if not ok:
        return Result("unavailable", None, "", "", 0.0, why)
    chain = adapt(lang, source)
    script = _resolve(chain.compile)
    run_cmd = _resolve(chain.run)
    shell = f"{script} >&2 || exit 97\nexec {run_cmd}" if script else f"exec {run_cmd}"
    # Per-run caches live in the run directory ("{dir}" is filled in by the shell as $PWD).
    exports = "".join(f'export {k}="{v.replace("{dir}", "$PWD")}"; ' for k, v in chain.env)
    rust_bin = Path(find_tool("rustc") or "/").parent
    env = {"PATH": f"{rust_bin}:{REPO_TOOLS}:/usr/local/bin:/usr/bin:/bin"}
    rustup_home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    if rustup_home.is_dir():  # rustc behind a rustup proxy needs to find its toolchain
        env["RUSTUP_HOME"] = str(rustup_home)
    result = run(["sh", "-c", exports + shell], {chain.source_file: source}, limits, stdin=stdin, env=env)
    if result.returncode == 97:
        result.status, result.reason = "compile_error", "compilation failed"
    return result
