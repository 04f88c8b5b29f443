"""Adapter for rule index_evaluation_data."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.curate.evaluation_data import index_evaluation_data  # noqa: E402

s = snakemake  # noqa: F821
multipl_e = {k.removeprefix("multipl_e_"): v for k, v in s.input.items() if k.startswith("multipl_e_")}
info = index_evaluation_data(s.output[0], ngram=s.params.ngram, synth_corpus=s.input.get("synth_corpus"),
                             humaneval=s.params.humaneval, multipl_e=multipl_e)
print(f"indexed {info['items']} evaluation items ({info['ngram']}-grams)", file=sys.stderr)
