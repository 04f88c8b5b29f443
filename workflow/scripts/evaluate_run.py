"""Adapter for rule evaluate_run: translation, HumanEval and MultiPL-E of one trained run."""
import json
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.evaluate.job import evaluate_run  # noqa: E402

s = snakemake  # noqa: F821
results = evaluate_run(spec=s.input.spec, checkpoint=s.input.checkpoint, tokenizer=s.input.tokenizer,
                       out_dir=s.output[0], tasks=dict(s.params.tasks), corpus=getattr(s.input, "corpus", None),
                       threads=s.threads)
for name, result in results.items():
    print(name, json.dumps(result), file=sys.stderr)
