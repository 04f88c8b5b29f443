"""Adapter for rule filter_documents."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.curate.pipeline import curate_shard  # noqa: E402

s = snakemake  # noqa: F821
stats = curate_shard(list(s.input), s.wildcards.shard, s.wildcards.lang, s.params.curate,
                     s.output.documents, s.output.stats, threads=s.threads)
print(f"kept {stats['kept']['documents']} of {stats['input']['documents']} documents",
      file=sys.stderr)
