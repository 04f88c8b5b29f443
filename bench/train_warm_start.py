"""The fixed cost of a train_model job with and without the warm fork server
(codescale.forkserver): prepares a tokens directory, a 2-step run's spec and a job script that does
what the rule's adapter does (train, score, digest), for timing as whole processes side by side:

    python bench/train_warm_start.py /tmp/warm          # prepares, prints the two commands
    CODESCALE_FORKSERVER=0 python /tmp/warm/job.py     # the job in its own process (imports ~4.5 s)
    python /tmp/warm/job.py                            # the job forked from the warm server

The first warm job starts the server (and pays the imports once); time them after a warm-up run.
Results: bench/results/train_warm_start.md."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_step_cpu import _spec, _synthetic_tokens  # noqa: E402

JOB = """import shutil, sys
from pathlib import Path
from codescale.train.job import train_model
d = Path({d!r})
shutil.rmtree(d / "run", ignore_errors=True)
(d / "run").mkdir()
print(train_model(spec=str(d / "spec.json"), manifest=str(d / "tokens" / "manifest.json"), datasets=[], branch=[],
                  metrics=str(d / "run" / "metrics.jsonl"), checkpoint=str(d / "run" / "checkpoint"),
                  checkpoint_digest=str(d / "run" / "checkpoint.digest.json"), evaluation=str(d / "run" / "eval.json"),
                  threads=1, log_interval=1, checkpoint_interval=0, eval_datasets=["python"], eval_sequences=16))
"""


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/codescale-warm-start").resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not (out / "tokens").exists():
        _synthetic_tokens(out / "tokens")
    (out / "spec.json").write_text(json.dumps(_spec()))
    (out / "job.py").write_text(JOB.format(d=str(out)))
    print(f"CODESCALE_FORKSERVER=0 {sys.executable} {out / 'job.py'}")
    print(f"{sys.executable} {out / 'job.py'}")


if __name__ == "__main__":
    main()
