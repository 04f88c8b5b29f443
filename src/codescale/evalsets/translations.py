"""The held-out translation pairs of a synthesized parallel corpus (``codescale.synth.corpus``
writes them): one row per program and direction, in the columns of
``codescale.synth.parallel.PAIR_COLUMNS`` (``tests`` is set for user items only)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def held_out_pairs(corpus_dir: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The corpus's held-out pairs (``eval_pairs.parquet``), all columns or only ``columns``."""
    return pd.read_parquet(Path(corpus_dir) / "eval_pairs.parquet", columns=columns)
