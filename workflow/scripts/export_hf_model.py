"""Adapter for rule export_hf_model."""
import json
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory, read_json  # noqa: E402
from codescale.train.hf_export import export_run  # noqa: E402

s = snakemake  # noqa: F821
config = export_run(digested_directory(s.input.checkpoint_digest), read_json(s.input.spec), s.input.tokenizer,
                    s.output[0])
print(json.dumps(config, indent=2), file=sys.stderr)
