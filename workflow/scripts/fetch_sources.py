"""Adapter for rule fetch_sources."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.artifacts import write_tree_digest  # noqa: E402
from codescale.sources import fetch_source  # noqa: E402

manifest = fetch_source(snakemake.wildcards.source, snakemake.params.spec, snakemake.output.fetched)  # noqa: F821
write_tree_digest(snakemake.output.fetched, snakemake.output.digest)  # noqa: F821
print(f"fetched {manifest['files']} files, {manifest['bytes']:,} bytes in {manifest['seconds']} s",
      file=sys.stderr)
