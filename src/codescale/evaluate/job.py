"""The body of an ``evaluate_run`` job: the checkpoint-based tasks of one trained run. Like
:mod:`codescale.train.job` it runs in a child of the warm fork server where one can be used, and
imports torch only when the body runs."""

from __future__ import annotations

from codescale import forkserver


def evaluate_run(*, spec: str, checkpoint: str, tokenizer: str, out_dir: str, tasks: dict, corpus: str | None,
                 threads: int) -> dict[str, dict]:
    """Evaluate one run (the output of rule ``evaluate_run``); returns each task's timing and statuses."""
    return forkserver.call(_evaluate_run, **locals())


def _evaluate_run(*, spec: str, checkpoint: str, tokenizer: str, out_dir: str, tasks: dict, corpus: str | None,
                  threads: int) -> dict[str, dict]:
    from codescale.artifacts import digested_directory, read_json
    from codescale.evaluate.tasks import evaluate_tasks

    results = evaluate_tasks(read_json(spec), digested_directory(checkpoint), tokenizer, out_dir, tasks=tasks,
                             corpus_dir=corpus and digested_directory(corpus), threads=threads)
    return {name: {"seconds": r["seconds"], "statuses": r.get("all_statuses")} for name, r in results.items()}
