"""Adapter for rule find_near_duplicates."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.curate.near_duplicates import find_near_duplicates  # noqa: E402

s = snakemake  # noqa: F821
found = find_near_duplicates(list(s.input), s.output[0], s.params.curate)
print(f"{found['near_duplicates']} near duplicates in {found['clusters']} clusters among "
      f"{found['documents']} documents ({found['minhash']})", file=sys.stderr)
