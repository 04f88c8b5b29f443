"""Adapter for rule train_stable_run: train a WSD grid's stable run (one process, or one rank per
GPU for a multi-GPU model), then digest its ladder checkpoints."""
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory, read_json, write_tree_digest  # noqa: E402
from codescale.train.launch import run_ranks  # noqa: E402
from codescale.train.loop import train_run  # noqa: E402

s = snakemake  # noqa: F821
tokens_dir = Path(s.input.manifest).parent
for dataset in s.input.datasets:  # the token directories still hold what their digests list
    digested_directory(dataset)
run_dir = Path(s.output.metrics).parent
if s.params.gpus > 1:
    run_ranks(s.params.gpus, s.params.gpus_per_node,
              ["--spec", s.input.spec, "--run-dir", str(run_dir), "--tokens-dir", str(tokens_dir),
               "--log-interval", str(s.params.log_interval),
               "--checkpoint-interval", str(s.params.checkpoint_interval)], sys.stderr)
else:
    print(train_run(read_json(s.input.spec), run_dir, tokens_dir, threads=s.threads,
                    log_interval=s.params.log_interval, checkpoint_interval=s.params.checkpoint_interval),
          file=sys.stderr)
write_tree_digest(s.output.points, s.output.points_digest)
