"""All checkpoint-based evaluation tasks of one run, with its model loaded once: translation
(loss, BLEU, pass@1 per direction), HumanEval and MultiPL-E. Each task's result is a JSON file in
``eval/{run}/tasks/``, written together (temporary directory, then rename)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from codescale.artifacts import atomic_path, write_json
from codescale.evalsets.humaneval import humaneval_problems
from codescale.evalsets.multipl_e import multipl_e_problems
from codescale.evalsets.translations import held_out_pairs
from codescale.evaluate.completion import evaluate_completion
from codescale.evaluate.generate import load_model, release
from codescale.evaluate.translation import evaluate_translation
from codescale.tokens.tokenizer import load_tokenizer


def seen_directions(train_pairs: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(train_pairs.src_lang, train_pairs.tgt_lang, strict=True))


def evaluate_tasks(spec: dict, checkpoint: str | Path, tokenizer_path: str | Path, out_dir: str | Path, *,
                   tasks: dict, corpus_dir: str | Path | None = None, threads: int = 1) -> dict[str, dict]:
    """Run the configured ``tasks`` (keys ``translation``, ``humaneval``, ``multipl_e``; each the settings of
    a validated config's ``evaluate.<task>``, every key present). The model
    uses ``threads``; generated programs are graded by ``threads + 1`` sandboxed workers (they
    mostly wait on compilers and subprocesses)."""
    tokenizer = load_tokenizer(tokenizer_path)
    window = spec["model"]["seq"]
    model = load_model(spec, checkpoint, threads=threads)
    results = {}
    try:
        if tasks.get("translation"):
            t = tasks["translation"]
            if corpus_dir is None:
                raise ValueError("translation needs the parallel corpus directory")
            corpus = Path(corpus_dir)
            results["translation"] = evaluate_translation(
                model, tokenizer, held_out_pairs(corpus),
                seen_directions(pd.read_parquet(corpus / "train_pairs.parquet")), window=window,
                fmt=t["format"], items_per_direction=t["items_per_direction"],
                generate_per_direction=t["generate_per_direction"], max_new_tokens=t["max_new_tokens"],
                precheck=t["syntax_precheck"], workers=threads + 1)
        if tasks.get("humaneval"):
            h = tasks["humaneval"]
            results["humaneval"] = evaluate_completion(
                model, tokenizer, humaneval_problems(h["problems"]), window=window,
                max_new_tokens=h["max_new_tokens"], task="humaneval", workers=threads + 1)
        if tasks.get("multipl_e"):
            m = tasks["multipl_e"]
            problems = [p for lang, path in sorted(m["files"].items()) for p in multipl_e_problems(lang, path)]
            results["multipl_e"] = evaluate_completion(
                model, tokenizer, problems, window=window, max_new_tokens=m["max_new_tokens"],
                task="multipl_e", workers=threads + 1)
    finally:
        release()
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for name, result in results.items():
            write_json(tmp / f"{name}.json", {"run": spec["run"], **result})
    return results
