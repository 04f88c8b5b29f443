"""Adapter for rule train_model: train the run, then score its final checkpoint."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.train.job import train_model  # noqa: E402

s = snakemake  # noqa: F821
result = train_model(spec=s.input.spec, manifest=s.input.manifest, datasets=list(s.input.datasets),
                     branch=list(s.input.branch), metrics=s.output.metrics, checkpoint=s.output.checkpoint,
                     checkpoint_digest=s.output.checkpoint_digest, evaluation=s.output.evaluation,
                     threads=s.threads, log_interval=s.params.log_interval,
                     checkpoint_interval=s.params.checkpoint_interval, eval_datasets=list(s.params.eval_datasets),
                     eval_sequences=s.params.eval_sequences)
print(result, file=sys.stderr)
