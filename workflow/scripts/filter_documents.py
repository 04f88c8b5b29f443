"""Adapter for rule filter_documents."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.curate.filtering import filter_shard  # noqa: E402

s = snakemake  # noqa: F821
stats = filter_shard(list(s.input), s.wildcards.shard, s.wildcards.lang, s.params.curate, n_shards=s.params.shards,
                     out_parquet=s.output.documents, out_stats=s.output.stats, out_flagged=s.output.flagged,
                     threads=s.threads)
print(f"kept {stats['kept']['documents']} of {stats['input']['documents']} documents", file=sys.stderr)
