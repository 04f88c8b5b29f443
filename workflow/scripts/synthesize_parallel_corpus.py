"""Adapter for rule synthesize_parallel_corpus."""
import json
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_tree_digest  # noqa: E402
from codescale.synth.corpus import write_parallel_corpus  # noqa: E402

p = snakemake.params  # noqa: F821
report = write_parallel_corpus(snakemake.output.corpus, programs=p.programs, seed=p.seed,  # noqa: F821
                               eval_fraction=p.eval_fraction, languages=tuple(p.languages),
                               workers=snakemake.threads,  # noqa: F821
                               functions=(p.functions["min"], p.functions["max"]),
                               user_train=getattr(snakemake.input, "user_train", None),  # noqa: F821
                               user_eval=getattr(snakemake.input, "user_eval", None))  # noqa: F821
write_tree_digest(snakemake.output.corpus, snakemake.output.digest)  # noqa: F821
print(json.dumps(report, indent=2), file=sys.stderr)
