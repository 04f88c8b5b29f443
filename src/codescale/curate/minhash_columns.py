"""The MinHash band-hash columns the filter step writes beside each kept document and the
near-duplicate step reads one at a time: their parameters from ``curate.near_dedup`` and their names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NearDedup:
    """``curate.near_dedup`` of a validated config (no field defaults: the schema's are the only ones)."""

    enabled: bool
    threshold: float
    num_perm: int
    ngram: int
    seed: int

    def minhash(self) -> dict | None:
        """The MinHash parameters (bands × rows from the threshold), or None when off."""
        if not self.enabled:
            return None
        from codescale.curate.near_dedup import bands_rows_for

        bands, rows = bands_rows_for(self.threshold, self.num_perm)
        return {"ngram": self.ngram, "bands": bands, "rows": rows, "seed": self.seed}


def minhash_params(curate_config: dict) -> dict | None:
    """The MinHash parameters of ``curate.near_dedup`` (a step's params: validated, so complete)."""
    return NearDedup(**curate_config["near_dedup"]).minhash()


def band_columns(bands: int) -> list[str]:
    return [f"band{b:02d}" for b in range(bands)]
