"""Adapter for rule build_corpus."""
import json
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import digested_directory  # noqa: E402
from codescale.corpus.build import build_source_corpus  # noqa: E402

p = snakemake.params  # noqa: F821
counts = build_source_corpus(snakemake.wildcards.source, digested_directory(snakemake.input.fetched),  # noqa: F821
                             snakemake.output[0], langs=p.langs, byte_caps=p.byte_caps,  # noqa: F821
                             n_shards=p.shards, max_file_bytes=p.max_file_bytes,
                             on_bad_record=p.on_bad_record, record_spec=dict(p.record_spec))
print(json.dumps(counts, indent=2), file=sys.stderr)
