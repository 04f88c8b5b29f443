"""Adapter for rule optimize_allocation."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.allocate.optimize import allocation_report  # noqa: E402
from codescale.artifacts import read_json, write_json  # noqa: E402
from codescale.laws.fit import Law  # noqa: E402
from codescale.laws.mixture import load_predictor, unique_tokens  # noqa: E402

s = snakemake  # noqa: F821
laws_json = read_json(s.input.laws)
mixture = read_json(s.input.mixture)
languages = mixture["languages"]
laws = {lang: Law.from_fit(laws_json[lang]) for lang in languages}
chosen = mixture["chosen"]
model = load_predictor(mixture, chosen, laws)
text = s.params.budget["text_tokens"]  # natural language: fixed, outside the optimisation
unique = unique_tokens(read_json(s.input.manifest), languages, s.params.unique_tokens)
report = allocation_report(
    model, s.params.model_params, s.params.budget["tokens"] - text, unique,
    min_share=s.params.min_share, max_share=s.params.max_share, model_name=s.params.budget["model"],
    max_loss_increase=s.params.max_loss_increase, seed=s.params.seed, bootstrap=s.params.bootstrap,
    laws_json=laws_json,
    law_info={"form": chosen, "reason": mixture["chosen_reason"],
              "heldout": mixture["models"][chosen].get("heldout", {}),
              "versus_trivial": mixture.get("chosen_vs_trivial", {})})
report["text_tokens"] = text
write_json(s.output[0], report)
