"""Adapter for rule assemble_documents."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.curate.assembly import assemble_shard  # noqa: E402

s = snakemake  # noqa: F821
stats = assemble_shard(list(s.input.filtered), s.input.get("near_duplicates"), s.input.get("eval_index"),
                       s.wildcards.shard, s.wildcards.lang, s.params.curate, out_parquet=s.output.documents,
                       out_stats=s.output.stats, out_flagged=s.output.flagged)
print(f"{stats['documents_out']} documents from {stats['repositories']} repositories "
      f"({stats['kept']['documents']} of {stats['input']['documents']} files kept)", file=sys.stderr)
