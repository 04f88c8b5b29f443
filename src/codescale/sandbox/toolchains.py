"""Compile-and-run commands for the seven languages, and detection of which are present.

The project's setup installs the toolchains (``python3``, ``node``, TypeScript's ``tsc`` from npm
into ``.tools/``, ``javac``/``java``, ``mcs``/``mono``, ``go``, ``rustc``); at run time a language
whose tools are missing is reported as unavailable, never silently passed.

The sandbox shows a program only what it is told to: :func:`sandbox_setup` names each language's
executables (a rustup proxy or a pyenv shim replaced by the real compiler or interpreter behind it)
and the project's ``.tools/``, wherever the repository lies, and the executor exposes their links
and install prefixes read-only. Toolchains the executor should see besides these go in
``$CODESCALE_TOOLCHAIN_DIRS``; ``python -m codescale.sandbox.preflight`` checks every language.

:data:`TOOLCHAINS` is keyed by the ids of :mod:`codescale.languages`, one entry for each language
whose ``toolchain`` flag is set (``tests/unit/test_languages.py`` checks that they agree).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shlex
import shutil
import subprocess
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


def _ask(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.cache
def _real_rustc(rustc: str) -> str | None:
    """The rustc of the toolchain a rustup proxy selects (``rustc --print sysroot``)."""
    sysroot = _ask([rustc, "--print", "sysroot"])
    return str(Path(sysroot, "bin", "rustc")) if sysroot and Path(sysroot, "bin", "rustc").is_file() else None


@functools.cache
def _real_python(python: str) -> str | None:
    """The interpreter behind a shim (pyenv's is a shell script that needs all of ``~/.pyenv``) or
    a virtual environment (whose packages a program has no business seeing)."""
    real = _ask([python, "-c", "import os, sys; print(os.path.realpath(sys._base_executable))"])
    return real if real and os.path.isfile(real) else None


# Tools reached through a shim or proxy: the program they stand for, so only it is exposed (not
# ~/.cargo with its registry credentials, nor all of ~/.rustup or ~/.pyenv).
_REAL = {"rustc": _real_rustc, "python3": _real_python}


def command_path(name: str) -> str | None:
    """The executable to run for tool ``name`` inside the sandbox, or None when it is missing.

    Shims and proxies are replaced by what they stand for (:data:`_REAL`); the directory part is
    resolved (symlinked directories are not recreated inside)."""
    tool = find_tool(name)
    if tool is None:
        return None
    if name in _REAL:
        tool = _REAL[name](tool) or tool
    return os.path.join(os.path.realpath(os.path.dirname(tool)), os.path.basename(tool))


def _resolve(words: tuple[str, ...], commands: dict[str, str] | None = None) -> str:
    """Shell words with the tool replaced by its path (``commands``: from :func:`sandbox_setup`);
    words that are not tools (``./main``) stay as they are."""
    if not words:
        return ""
    tool = commands.get(words[0], words[0]) if commands is not None else find_tool(words[0]) or words[0]
    return " ".join(shlex.quote(w) for w in (tool, *words[1:]))


def sandbox_setup(lang: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(tool -> command path, environment, toolchain directories) to run ``lang`` in the sandbox."""
    commands = {t: path for t in TOOLCHAINS[lang].tools if (path := command_path(t))}
    # Tools' own directories first: tsc's "#!/usr/bin/env node" must find this node.
    path = [os.path.dirname(p) for p in commands.values()]
    env = {"PATH": ":".join(dict.fromkeys([*path, "/usr/local/bin", "/usr/bin", "/bin"]))}
    dirs = [str(REPO_TOOLS.parents[1])] if REPO_TOOLS.parents[1].is_dir() else []
    rustc = commands.get("rustc")
    # A proxy is a link to rustup, or (older installs) a hard link beside it.
    if rustc and (os.path.basename(os.path.realpath(rustc)) == "rustup" or Path(rustc).with_name("rustup").exists()):
        # No sysroot could be asked for: the proxy runs inside and needs its toolchains.
        rustup_home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
        if rustup_home.is_dir():
            env["RUSTUP_HOME"] = str(rustup_home)
            dirs.append(str(rustup_home))
    return commands, env, dirs


def execute(lang: str, source: str, limits: Limits = TOOLCHAIN_LIMITS, stdin: str | None = None) -> Result:
    """Compile (if needed) and run ``source`` in the sandbox; one fresh directory for both."""
    ok, why = available(lang)
    if not ok:
        return Result("unavailable", None, "", "", 0.0, why)
    chain = adapt(lang, source)
    commands, env, dirs = sandbox_setup(lang)
    script = _resolve(chain.compile, commands)
    run_cmd = _resolve(chain.run, commands)
    shell = f"{script} >&2 || exit 97\nexec {run_cmd}" if script else f"exec {run_cmd}"
    # Per-run caches live in the run directory ("{dir}" is filled in by the shell as $PWD).
    exports = "".join(f'export {k}="{v.replace("{dir}", "$PWD")}"; ' for k, v in chain.env)
    result = run(["sh", "-c", exports + shell], {chain.source_file: source}, limits, stdin=stdin, env=env,
                 toolchain_dirs=dirs, tools=tuple(commands.values()))
    if result.returncode == 97:
        result.status, result.reason = "compile_error", "compilation failed"
    return result
