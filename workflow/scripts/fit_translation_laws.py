"""Adapter for rule fit_translation_laws."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import time  # noqa: E402

from codescale.artifacts import write_json, write_text  # noqa: E402
from codescale.evaluate.summary import build_summary  # noqa: E402
from codescale.laws.fit import FitOptions  # noqa: E402
from codescale.laws.translation import fit_translation_laws, translation_law_table  # noqa: E402

s = snakemake  # noqa: F821
summary = build_summary(list(s.input.specs), [], task_dirs=list(s.input.tasks))
opts = FitOptions(huber_delta=s.params.options["huber_delta"],
                  bootstrap=s.params.options["bootstrap"], seed=s.params.options["seed"])
start = time.perf_counter()
fits = fit_translation_laws(summary, opts, workers=s.threads,
                            direction_bootstrap=s.params.options.get("direction_bootstrap"),
                            direction_starts=s.params.options.get("direction_starts"))
print(f"translation laws fitted in {time.perf_counter() - start:.1f} s on {s.threads} workers", file=sys.stderr)
table = translation_law_table(fits)
write_json(s.output[0], fits)
write_text(s.output[1], table.to_csv(index=False, float_format="%.6g"))
skipped = table[table.skipped != ""]
for row in skipped.itertuples():
    print(f"skipped {row.organization} {row.scope} {row.direction}: {row.skipped}", file=sys.stderr)
