"""``tokens/manifest.json``: tokenizer facts the trainer needs and token counts per prefix."""

from __future__ import annotations

import json
from pathlib import Path

from codescale.tokens.tokenizer import EOD, PAD, load_tokenizer


def token_manifest(tokenizer_path: str | Path, dataset_dirs: list[str | Path]) -> dict:
    tok = load_tokenizer(tokenizer_path)
    datasets = {}
    for d in dataset_dirs:
        counts = json.loads((Path(d) / "counts.json").read_text())
        for split in ("train", "valid"):
            datasets[f"{Path(d).name}/{split}"] = counts[split]
    return {"vocab_size": tok.get_vocab_size(), "eod": tok.token_to_id(EOD),
            "pad": tok.token_to_id(PAD), "datasets": datasets}
