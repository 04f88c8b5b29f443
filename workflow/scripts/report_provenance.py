"""Adapter for rule report_provenance."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from pathlib import Path  # noqa: E402

from codescale.report import gather_provenance, write_provenance  # noqa: E402

s = snakemake  # noqa: F821
provenance = gather_provenance(
    repo=Path(s.scriptdir),  # the workflow's checkout (its scripts live in it)
    metadata=s.params.metadata,
    config=s.params.config,
    stages=s.params.stages,
    skip_rules=tuple(s.params.own_rules),
)
write_provenance(provenance, s.output[0])
print(f"provenance: {provenance['git'].get('short') or 'no commit'}, "
      f"{provenance['times']['total']['jobs']} job records", file=sys.stderr)
