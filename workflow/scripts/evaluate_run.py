"""Adapter for rule evaluate_run: translation, HumanEval and MultiPL-E of one trained run."""
import json
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory, read_json  # noqa: E402
from codescale.evaluate.tasks import evaluate_tasks  # noqa: E402

s = snakemake  # noqa: F821
corpus = getattr(s.input, "corpus", None)  # the synthesized corpus's digest, for translation
results = evaluate_tasks(read_json(s.input.spec), digested_directory(s.input.checkpoint), s.input.tokenizer,
                         s.output[0], tasks=s.params.tasks, corpus_dir=corpus and digested_directory(corpus),
                         threads=s.threads)
for name, result in results.items():
    print(name, json.dumps({"seconds": result["seconds"], "statuses": result.get("all_statuses")}),
          file=sys.stderr)
