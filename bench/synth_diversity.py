"""Diversity of the verified parallel corpus of a finished run: distinct program structures,
program size, and tokens per language with the run's tokenizer.

Usage: python bench/synth_diversity.py [results]
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import pandas as pd

from codescale.tokens.tokenizer import load_tokenizer


def main(results: Path) -> None:
    programs = pd.read_parquet(results / "synth/corpus/programs.parquet")
    kept = programs[programs.agree]
    tok = load_tokenizer(results / "tokenizer/tokenizer.json")
    print(f"programs {len(programs)}, verified {len(kept)}, distinct structures {kept.structure.nunique()}")
    sources = [json.loads(s) for s in kept.sources]
    print(f"{'language':<12}{'lines med':>10}{'tokens min':>11}{'med':>6}{'max':>6}{'total':>8}")
    for lang in sources[0]:
        lines = [len(s[lang].splitlines()) for s in sources]
        tokens = [len(t.ids) for t in tok.encode_batch([s[lang] for s in sources], add_special_tokens=False)]
        print(f"{lang:<12}{statistics.median(lines):>10.0f}{min(tokens):>11}{statistics.median(tokens):>6.0f}"
              f"{max(tokens):>6}{sum(tokens):>8}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results"))
