"""The verified parallel corpus: training pairs Python↔X (the 12 seen directions) and a held-out
evaluation set over all K·(K−1) directions, each item with the program's expected output.

Programs are split by their structure fingerprint (names and constants removed), so no program,
nor one differing only in names and constants, is on both sides.
"""

from __future__ import annotations

import hashlib

import pandas as pd

PIVOT = "python"
PAIR_COLUMNS = ["pair_id", "src_lang", "tgt_lang", "src", "tgt", "expected_output", "program"]


def split_of(structure: str, eval_fraction: float) -> str:
    h = int(hashlib.sha1(("split:" + structure).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "eval" if h < eval_fraction else "train"


def build_pairs(records: list[dict], languages: list[str], eval_fraction: float
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, evaluation = [], []
    for r in records:
        if not r["agree"]:
            continue
        program = f"prog{r['seed']:06d}"
        split = split_of(r["structure"], eval_fraction)
        for src in languages:
            for tgt in languages:
                if src == tgt:
                    continue
                if split == "train" and PIVOT not in (src, tgt):
                    continue   # training pairs are Python↔X only
                row = {"pair_id": f"{program}-{src}-{tgt}", "src_lang": src, "tgt_lang": tgt,
                       "src": r["sources"][src], "tgt": r["sources"][tgt],
                       "expected_output": r["expected"], "program": program}
                (evaluation if split == "eval" else train).append(row)
    return pd.DataFrame(train, columns=PAIR_COLUMNS), pd.DataFrame(evaluation, columns=PAIR_COLUMNS)


def read_user_pairs(path: str) -> pd.DataFrame:
    """User-supplied parallel data (JSONL or Parquet) with ``pair_id, src_lang, tgt_lang, src, tgt``
    and optionally ``expected_output``/``tests``."""
    frame = pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_json(path, lines=True)
    missing = [c for c in ("pair_id", "src_lang", "tgt_lang", "src", "tgt") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: parallel data lacks column(s) {missing}")
    for col in ("expected_output", "program"):
        if col not in frame.columns:
            frame[col] = None
    return frame[PAIR_COLUMNS]
