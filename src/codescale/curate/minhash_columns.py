"""The MinHash band-hash columns the filter step writes beside each kept document and the
near-duplicate step reads one at a time: their parameters from ``curate.near_dedup`` and their names.
"""

from __future__ import annotations


def minhash_params(curate_config: dict) -> dict | None:
    """The MinHash parameters of ``curate.near_dedup`` (bands × rows from the threshold), or None when off."""
    cfg = curate_config.get("near_dedup") or {}
    if not cfg.get("enabled", True):
        return None
    from codescale.curate.near_dedup import bands_rows_for

    bands, rows = bands_rows_for(cfg.get("threshold", 0.85), cfg.get("num_perm", 112))
    return {"ngram": cfg.get("ngram", 5), "bands": bands, "rows": rows, "seed": cfg.get("seed", 1)}


def band_columns(bands: int) -> list[str]:
    return [f"band{b:02d}" for b in range(bands)]
