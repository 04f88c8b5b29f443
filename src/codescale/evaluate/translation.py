"""Translation on the held-out parallel set, per direction (K·(K−1) = 42 for seven languages):

- ``loss``: translation loss ``−E[log P(y|x)]``, nats per target token, teacher-forced, on the
  first ``items_per_direction`` items of each direction;
- ``bleu``: corpus BLEU (sacrebleu) of greedy translations of the first ``generate_per_direction``
  items against the references;
- ``pass@1``: the share of those greedy translations that, run in the sandbox, print exactly the
  item's expected output (and, for user items with ``tests``, pass them: exit status 0).

The prompt is the source in the run's data format (:func:`codescale.synth.organize.pair_text`);
directions seen in training (Python↔X) and unseen ones (the zero-shot rest) are marked ``kind``.
"""

from __future__ import annotations

import time

import pandas as pd

from codescale.evaluate.execution import Check, grade_all, status_counts
from codescale.evaluate.generate import continuation_nll, greedy_generate
from codescale.synth.organize import SEPARATOR, pair_text
from codescale.tokens.tokenizer import EOD

STOPS = {"pairing": (SEPARATOR, "\n<|"), "prompt": ("\n### ", "\nTranslate the following"), "direct": ()}


def direction(src: str, tgt: str) -> str:
    return f"{src}->{tgt}"


def clean_translation(text: str, fmt: str) -> str:
    """A generated translation up to the end of its document or the start of a new section."""
    for stop in (EOD, *STOPS[fmt]):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text.strip("\n") + "\n"


def select_items(pairs: pd.DataFrame, per_direction: int) -> pd.DataFrame:
    """The first ``per_direction`` items of each direction, in program order (deterministic)."""
    ordered = pairs.sort_values(["src_lang", "tgt_lang", "program", "pair_id"], kind="stable")
    return ordered.groupby(["src_lang", "tgt_lang"], sort=True).head(per_direction).reset_index(drop=True)


def evaluate_translation(model, tokenizer, eval_pairs: pd.DataFrame, seen: set[tuple[str, str]], *,
                         window: int, fmt: str, items_per_direction: int, generate_per_direction: int,
                         max_new_tokens: int, precheck: bool = True, workers: int = 1) -> dict:
    from sacrebleu.metrics import BLEU

    bleu = BLEU()
    start = time.perf_counter()
    items = select_items(eval_pairs, items_per_direction)
    eod = tokenizer.token_to_id(EOD)

    def encode(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False).ids

    prompts = [encode(pair_text(fmt, r.src_lang, r.src, r.tgt_lang)) for r in items.itertuples()]
    targets = [encode(r.tgt) for r in items.itertuples()]
    nll = continuation_nll(model, list(zip(prompts, targets, strict=True)), window=window)
    items = items.assign(nll=[s for s, _ in nll], tokens=[n for _, n in nll],
                         prompt_tokens=[len(p) for p in prompts], target_tokens=[len(t) for t in targets])

    gen = select_items(items, generate_per_direction) if generate_per_direction else items.iloc[:0]
    gen_prompts = [encode(pair_text(fmt, r.src_lang, r.src, r.tgt_lang)) for r in gen.itertuples()]
    outputs = greedy_generate(model, gen_prompts, window=window, max_new_tokens=max_new_tokens,
                              stop_ids={eod}) if len(gen) else []
    hyps = [clean_translation(tokenizer.decode(o, skip_special_tokens=False), fmt) for o in outputs]
    gen = gen.assign(hypothesis=hyps)
    if "tests" not in gen.columns:
        gen = gen.assign(tests=None)
    runnable = gen[gen.expected_output.notna() | gen.tests.notna()]
    checks = [Check(r.tgt_lang, f"{r.hypothesis}\n{r.tests}" if pd.notna(r.tests) else r.hypothesis,
                    r.expected_output if pd.notna(r.expected_output) else None)
              for r in runnable.itertuples()]
    grades = grade_all(checks, workers=workers, precheck=precheck)
    runnable = runnable.assign(status=[g["status"] for g in grades], passed=[g["passed"] for g in grades])

    results, statuses = {}, {}
    for (src, tgt), group in items.groupby(["src_lang", "tgt_lang"], sort=True):
        key = direction(src, tgt)
        tokens = int(group.tokens.sum())
        entry = {"kind": "seen" if (src, tgt) in seen else "unseen",
                 "loss": float(group.nll.sum() / max(tokens, 1)), "items": len(group), "target_tokens": tokens,
                 "truncated_items": int(((group.prompt_tokens + group.target_tokens) > window + 1).sum())}
        g = gen[(gen.src_lang == src) & (gen.tgt_lang == tgt)]
        if len(g):
            entry["bleu"] = float(bleu.corpus_score(list(g.hypothesis), [list(g.tgt)]).score)
            entry["generated"] = len(g)
        r = runnable[(runnable.src_lang == src) & (runnable.tgt_lang == tgt)]
        if len(r):
            entry["pass@1"] = float(r.passed.mean())
            statuses[key] = status_counts(r.to_dict("records"))
        results[key] = entry
    examples = [{"direction": direction(r.src_lang, r.tgt_lang), "reference": r.tgt[:400],
                 "hypothesis": r.hypothesis[:400], "status": r.status}
                for r in runnable.head(3).itertuples()]
    return {"task": "translation", "format": fmt, "window": window,
            "bleu_signature": str(bleu.get_signature()) if len(gen) else None,
            "results": results, "statuses": statuses, "examples": examples,
            "all_statuses": status_counts(grades), "seconds": round(time.perf_counter() - start, 2)}
