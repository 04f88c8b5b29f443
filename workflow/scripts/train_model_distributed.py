"""Adapter for rule train_model_distributed: start one rank per GPU, then score the checkpoint."""
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory, read_json, write_tree_digest  # noqa: E402
from codescale.evaluate.loss import write_validation_loss  # noqa: E402
from codescale.train.launch import run_ranks  # noqa: E402

s = snakemake  # noqa: F821
tokens_dir = Path(s.input.manifest).parent
for dataset in s.input.datasets:  # the token directories still hold what their digests list
    digested_directory(dataset)
for stable in s.input.branch:  # a WSD branch: its stable run's checkpoints are as digested
    digested_directory(stable)
args = ["--spec", s.input.spec, "--run-dir", str(Path(s.output.metrics).parent), "--tokens-dir",
        str(tokens_dir), "--log-interval", str(s.params.log_interval),
        "--checkpoint-interval", str(s.params.checkpoint_interval)]
run_ranks(s.params.gpus, s.params.gpus_per_node, args, sys.stderr)
spec = read_json(s.input.spec)
write_validation_loss(s.output.evaluation, spec, s.output.checkpoint, tokens_dir, s.params.eval_datasets,
                      sequences=s.params.eval_sequences, threads=s.threads)
write_tree_digest(s.output.checkpoint, s.output.checkpoint_digest)
