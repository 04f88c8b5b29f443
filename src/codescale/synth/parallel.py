"""The verified parallel corpus: training pairs Python↔X (the 12 seen directions) and a held-out
evaluation set over all K·(K−1) directions, each item with the program's expected output.

Programs are split by their structure fingerprint (names and constants removed), so no program,
nor one differing only in names and constants, is on both sides.
"""

from __future__ import annotations

import hashlib

import pandas as pd

PIVOT = "python"
PAIR_COLUMNS = ["pair_id", "src_lang", "tgt_lang", "src", "tgt", "expected_output", "tests", "program"]


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
                       "expected_output": r["expected"], "tests": None, "program": program}
                (evaluation if split == "eval" else train).append(row)
    return pd.DataFrame(train, columns=PAIR_COLUMNS), pd.DataFrame(evaluation, columns=PAIR_COLUMNS)


def read_user_pairs(path: str, languages: list[str] | None = None) -> pd.DataFrame:
    """User-supplied parallel data (JSONL or Parquet) with ``pair_id, src_lang, tgt_lang, src, tgt``
    and optionally ``expected_output`` (what the target program prints) and ``tests`` (code
    appended to a translation before it runs; it passes when it exits with status 0)."""
    try:
        frame = pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_json(path, lines=True)
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: unreadable parallel data ({err})") from err
    missing = [c for c in ("pair_id", "src_lang", "tgt_lang", "src", "tgt") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: parallel data lacks column(s) {missing}")
    if languages is not None:
        unknown = sorted((set(frame.src_lang) | set(frame.tgt_lang)) - set(languages))
        if unknown:
            raise ValueError(f"{path}: languages {unknown} are not among the configured {languages}")
    if frame.pair_id.duplicated().any():
        raise ValueError(f"{path}: duplicate pair_id {frame.pair_id[frame.pair_id.duplicated()].iloc[0]!r}")
    for col in ("expected_output", "tests"):
        if col not in frame.columns:
            frame[col] = None
    frame["program"] = "user:" + frame["program"].astype(str) if "program" in frame.columns \
        else "user:" + frame["pair_id"].astype(str)
    return frame[PAIR_COLUMNS]


def merge_user_pairs(train: pd.DataFrame, evaluation: pd.DataFrame, user_train: pd.DataFrame | None,
                     user_eval: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Add user pairs to the generated ones and drop every training pair that shares a program text
    with an evaluation item (returns how many were dropped)."""
    train = pd.concat([f for f in (train, user_train) if f is not None and len(f)] or [train], ignore_index=True)
    evaluation = pd.concat([f for f in (evaluation, user_eval) if f is not None and len(f)] or [evaluation],
                           ignore_index=True)
    held_out = set(evaluation.src) | set(evaluation.tgt)
    leak = train.src.isin(held_out) | train.tgt.isin(held_out)
    return train[~leak].reset_index(drop=True), evaluation, int(leak.sum())
