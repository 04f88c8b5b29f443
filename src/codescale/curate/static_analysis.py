"""Static analysis of Python files with Ruff, as the Zhusuan recipe does: drop files that use
undefined names (F821) and fix stray whitespace and blank-line issues in the files that are kept.

Ruff runs on a batch of files per process (each batch is written to a temporary directory, one file
per document), never one process per file: a Ruff start costs ~10 ms, a file ~0.1 ms. One call both
fixes and reports: ``ruff check --fix`` applies the fixes and lists what it could not fix, so an
F821 left in the report is an undefined name. ``--isolated`` keeps any ``ruff.toml`` or
``pyproject.toml`` of the machine out of it; ``--preview`` enables the blank-line rules.

A name bound by ``from m import *`` is reported as F405, not F821, so star imports do not drop a
file. Ruff's own parser errors are left to the syntax filter (which runs before this one).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

UNDEFINED_NAME = "F821"
# trailing whitespace, whitespace on blank lines, no newline at the end, blank lines at the end,
# too many blank lines (E303 and W391 are preview rules in Ruff 0.17)
WHITESPACE_RULES = ("W291", "W293", "W292", "W391", "E303")


@dataclass(frozen=True)
class RuffResult:
    reason: str | None  # "undefined_name" or None (kept)
    content: str        # the fixed text (the original when nothing was fixed)
    detail: str = ""    # e.g. "line 7: Undefined name `y`"


def ruff_binary() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def check_python(contents: list[str], *, undefined_names: bool = True, fix: tuple[str, ...] = WHITESPACE_RULES,
                 target_version: str = "py312") -> list[RuffResult]:
    """Run Ruff once over ``contents`` (one batch) and return one result per document, in order."""
    rules = ([UNDEFINED_NAME] if undefined_names else []) + list(fix)
    if not contents or not rules:
        return [RuffResult(None, c) for c in contents]
    with tempfile.TemporaryDirectory(prefix="codescale-ruff-") as tmp:
        paths = [Path(tmp) / f"doc{i:06d}.py" for i in range(len(contents))]
        for path, text in zip(paths, contents, strict=True):
            path.write_text(text, encoding="utf-8", newline="")
        cmd = [ruff_binary(), "check", "--isolated", "--no-cache", "--preview", "--exit-zero",
               "--output-format", "json", "--target-version", target_version, "--select", ",".join(rules)]
        if fix:
            cmd += ["--fix", "--fixable", ",".join(fix)]
        proc = subprocess.run([*cmd, tmp], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"ruff failed (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
        undefined: dict[str, str] = {}
        for item in json.loads(proc.stdout or "[]"):
            name = Path(item["filename"]).name
            if item.get("code") == UNDEFINED_NAME and name not in undefined:
                undefined[name] = f"line {item['location']['row']}: {item['message']}"
        results = []
        for path, original in zip(paths, contents, strict=True):
            fixed = path.read_bytes().decode("utf-8") if fix else original
            detail = undefined.get(path.name)
            results.append(RuffResult("undefined_name" if detail else None, fixed, detail or ""))
    return results
