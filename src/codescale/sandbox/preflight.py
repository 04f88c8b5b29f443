"""Before a workflow starts: can the sandbox compile and run a one-line program in each language?

For every requested language a program that prints :data:`TOKEN` goes through
:func:`codescale.sandbox.toolchains.execute`, exactly as generated programs will, so a toolchain
that is installed but invisible inside the sandbox fails here too. Each failure is one line naming
the language, the tool and how to install it; degraded isolation (no bubblewrap, no network
namespace, no process limit) is a warning, not a failure::

    python -m codescale.sandbox.preflight                 # all seven languages
    python -m codescale.sandbox.preflight python java     # exit status 1 and one line per failure
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from codescale.sandbox import executor, toolchains
from codescale.sandbox.executor import Limits, Result
from codescale.system_tools import install_hint

TOKEN = "codescale-preflight-ok"
PROGRAMS = {
    "python": f'print("{TOKEN}")\n',
    "javascript": f'console.log("{TOKEN}");\n',
    "typescript": f'const token: string = "{TOKEN}";\nconsole.log(token);\n',
    "java": f'public class Main {{ public static void main(String[] a) {{ System.out.println("{TOKEN}"); }} }}\n',
    "csharp": ("public static class Program { public static void Main() "
               f'{{ System.Console.WriteLine("{TOKEN}"); }} }}\n'),
    "go": f'package main\n\nimport "fmt"\n\nfunc main() {{ fmt.Println("{TOKEN}") }}\n',
    "rust": f'fn main() {{ println!("{TOKEN}"); }}\n',
}
# Several JVM and Mono start-ups share the machine at once: more time than one program needs.
PREFLIGHT_LIMITS = Limits(time_s=120.0, processes=512)


class PreflightError(RuntimeError):
    """Some language cannot run in the sandbox; the message has one line per failure."""


def _hint(tool: str) -> str:
    try:
        return install_hint(tool)
    except KeyError:
        return f"install {tool} and put it on PATH"


def _line(lang: str, tool: str, why: str) -> str:
    why = " ".join(why.split())  # one line, whatever the compiler printed
    why = why if len(why) <= 200 else why[:197] + "..."
    return f"{lang}: {tool} cannot compile and run a one-line program ({why}); install: {_hint(tool)}"


def _failing_tool(lang: str, result: Result) -> str:
    """The compiler when compilation failed, else the tool that runs the program."""
    chain = toolchains.TOOLCHAINS[lang]
    if result.status == "compile_error" and chain.compile:
        return chain.compile[0]
    return chain.run[0] if chain.run[0] in chain.tools else chain.tools[-1]


def _check_one(lang: str) -> list[str]:
    missing = [t for t in toolchains.TOOLCHAINS[lang].tools if toolchains.find_tool(t) is None]
    if missing:
        return [_line(lang, tool, f"{tool} not found") for tool in missing]
    result = toolchains.execute(lang, PROGRAMS[lang], PREFLIGHT_LIMITS)
    if result.ok and result.stdout.strip() == TOKEN:
        return []
    detail = result.stderr.strip().splitlines()[-1:] or result.stdout.strip().splitlines()[-1:] or [""]
    why = f"{result.status}: {result.reason}" + (f": {detail[0]}" if detail[0] else "")
    if result.ok:
        why = f"printed {result.stdout.strip()[:60]!r} instead of {TOKEN!r}"
    return [_line(lang, _failing_tool(lang, result), why)]


def _languages(languages) -> list[str]:
    chosen = list(languages) if languages else list(toolchains.TOOLCHAINS)
    unknown = [lang for lang in chosen if lang not in toolchains.TOOLCHAINS]
    if unknown:
        raise ValueError(f"unknown language(s) {', '.join(unknown)}; known: {' '.join(toolchains.TOOLCHAINS)}")
    return chosen


def check(languages=None) -> list[str]:
    """One line per failure (empty when every language works); ``None``: all seven languages."""
    chosen = _languages(languages)
    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:  # JVM and Mono start-ups are slow
        return [line for lines in pool.map(_check_one, chosen) for line in lines]


def degraded() -> list[str]:
    """Lines naming isolation the sandbox cannot give on this machine (runs still work)."""
    lines = []
    isolation = executor.isolation()
    if not isolation["filesystem"].startswith("bwrap"):
        lines.append("warning: sandbox isolation degraded: no working bubblewrap, so programs can read and write "
                     f"what this user can; install: {_hint('bwrap')}")
    if isolation["network"].startswith("not enforced"):
        lines.append("warning: sandbox isolation degraded: programs can reach the network (no bwrap or unshare -n)")
    return lines


def require(languages=None) -> None:
    """Raise :class:`PreflightError` (all failure lines) unless every language works."""
    failures = check(languages)
    if failures:
        raise PreflightError("\n".join(failures))


def main(argv: list[str]) -> int:
    try:
        chosen = _languages(argv)
    except ValueError as exc:
        print(f"usage: python -m codescale.sandbox.preflight [language ...]: {exc}", file=sys.stderr)
        return 2
    for line in degraded():
        print(line, file=sys.stderr)
    failures = check(chosen)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print(f"ok: {' '.join(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
