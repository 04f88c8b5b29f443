"""MultiPL-E: HumanEval-format problems in other languages, from JSONL files a user provides."""

from __future__ import annotations

import json
from pathlib import Path

from codescale.evalsets.humaneval import Problem


def multipl_e_problems(lang: str, path: str | Path) -> list[Problem]:
    """Problems of a MultiPL-E JSONL file (fields ``name``, ``prompt``, ``tests``, ``stop_tokens``)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: MultiPL-E file for {lang} not found")
    problems = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err
            missing = [k for k in ("name", "prompt", "tests") if k not in row]
            if missing:
                raise ValueError(f"{path}:{number}: MultiPL-E problem lacks {missing}")
            problems.append(Problem(row["name"], lang, row["prompt"], row["tests"],
                                    tuple(row.get("stop_tokens") or ())))
    if not problems:
        raise ValueError(f"{path}: no problems")
    return problems
