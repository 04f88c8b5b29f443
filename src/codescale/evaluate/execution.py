"""Run model-written programs in the sandbox and grade them (the pass@1 of translation,
HumanEval and MultiPL-E).

Every program goes through :func:`codescale.sandbox.toolchains.execute` (fresh directory, time,
memory, process and output limits, no network). With ``precheck`` a program that does not parse
(Python's ``ast``, tree-sitter for the others) is graded ``syntax_error`` without starting a
compiler: it could not have compiled, and a tiny model's output rarely parses, so this saves the
1–5 s a javac or tsc start costs. Grammars can lag a language, so the count of prechecked
failures is reported next to pass@1.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from codescale.curate.syntax import syntax_error_share
from codescale.sandbox.executor import Limits
from codescale.sandbox.toolchains import execute

LIMITS = Limits(time_s=20.0, memory_mb=1024, processes=512, output_bytes=1 << 16)


@dataclass(frozen=True)
class Check:
    lang: str
    program: str
    expected_output: str | None = None  # None: passing means exit status 0 (tests assert inside)


def grade(check: Check, *, precheck: bool = True, limits: Limits = LIMITS) -> dict:
    """``{"status": passed|wrong_output|error|syntax_error|compile_error|timeout|…, "passed": bool}``"""
    if precheck and syntax_error_share(check.lang, check.program) > 0:
        return {"status": "syntax_error", "passed": False}
    result = execute(check.lang, check.program, limits)
    if result.status == "ok":
        if check.expected_output is not None and result.stdout != check.expected_output:
            return {"status": "wrong_output", "passed": False}
        return {"status": "passed", "passed": True}
    return {"status": result.status, "passed": False}


def grade_all(checks: list[Check], *, workers: int = 1, precheck: bool = True) -> list[dict]:
    """Grade ``checks`` in parallel (each runs in its own sandboxed processes)."""
    with ThreadPoolExecutor(max(1, workers)) as pool:
        return list(pool.map(lambda c: grade(c, precheck=precheck), checks))


def status_counts(grades: list[dict]) -> dict[str, int]:
    return dict(Counter(g["status"] for g in grades))
