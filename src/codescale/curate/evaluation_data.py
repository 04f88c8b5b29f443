"""The evaluation data the assembly step decontaminates against: every evaluation item's text (the
sets of ``codescale.evalsets``), and the index of their hashed n-grams
(``codescale.curate.decontaminate``) written by rule ``index_evaluation_data``.
"""

from __future__ import annotations

from pathlib import Path

from codescale.evalsets.humaneval import humaneval_problems
from codescale.evalsets.multipl_e import multipl_e_problems
from codescale.evalsets.translations import held_out_pairs


def evaluation_texts(synth_corpus: str | Path | None = None, humaneval: bool = False,
                     multipl_e: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(item id, text) of every evaluation item: both sides of the held-out translation pairs, HumanEval's
    prompts with their canonical solutions, and MultiPL-E prompts."""
    texts: dict[str, str] = {}
    if synth_corpus:
        t = held_out_pairs(synth_corpus, columns=["pair_id", "src", "tgt"])
        for pair, src, tgt in zip(t.pair_id, t.src, t.tgt, strict=True):
            texts.setdefault(src, f"translation:{pair}:src")
            texts.setdefault(tgt, f"translation:{pair}:tgt")
    for p in humaneval_problems() if humaneval else []:
        texts.setdefault(p.prompt + p.solution, p.name)
    if multipl_e:
        for lang, file in sorted(multipl_e.items()):
            for p in multipl_e_problems(lang, file):
                texts.setdefault(p.prompt, f"multipl_e:{lang}:{p.name}")
    return [(item, text) for text, item in texts.items()]


def index_evaluation_data(out: str | Path, *, ngram: int, synth_corpus=None, humaneval=False, multipl_e=None) -> dict:
    from codescale.curate.decontaminate import EvalIndex

    texts = evaluation_texts(synth_corpus, humaneval, multipl_e)
    EvalIndex(texts, n=ngram).save(out)
    return {"items": len(texts), "ngram": ngram}
