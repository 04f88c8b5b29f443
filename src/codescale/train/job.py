"""The body of a ``train_model`` job: train the run, score its final checkpoint on every
language's validation tokens, digest the checkpoint. It runs in a child of the warm fork server
(:mod:`codescale.forkserver`) where one can be used, so a small run does not pay the import of
torch and Megatron-Core; this module imports neither until the body runs."""

from __future__ import annotations

from pathlib import Path

from codescale import forkserver


def train_model(*, spec: str, manifest: str, datasets: list[str], branch: list[str], metrics: str,
                checkpoint: str, checkpoint_digest: str, evaluation: str, threads: int, log_interval: int,
                checkpoint_interval: int, eval_datasets: list[str], eval_sequences: int) -> str:
    """Train and score one run (the outputs of rule ``train_model``); returns the training summary."""
    return forkserver.call(_train_model, **locals())


def _train_model(*, spec: str, manifest: str, datasets: list[str], branch: list[str], metrics: str,
                 checkpoint: str, checkpoint_digest: str, evaluation: str, threads: int, log_interval: int,
                 checkpoint_interval: int, eval_datasets: list[str], eval_sequences: int) -> str:
    from codescale.artifacts import digested_directory, read_json, write_tree_digest
    from codescale.evaluate.loss import write_validation_loss
    from codescale.train.loop import train_run

    run_spec = read_json(spec)
    tokens_dir = Path(manifest).parent
    for dataset in datasets:  # the token directories still hold what their digests list
        digested_directory(dataset)
    for stable in branch:  # a WSD branch: its stable run's checkpoints are as digested
        digested_directory(stable)
    result = train_run(run_spec, Path(metrics).parent, tokens_dir, threads=threads, log_interval=log_interval,
                       checkpoint_interval=checkpoint_interval)
    write_validation_loss(evaluation, run_spec, checkpoint, tokens_dir, eval_datasets, sequences=eval_sequences,
                          threads=threads)
    write_tree_digest(checkpoint, checkpoint_digest)
    return str(result)
