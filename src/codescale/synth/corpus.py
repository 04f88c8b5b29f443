"""Write the verified parallel corpus: programs, training pairs, evaluation set and a report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from codescale.artifacts import atomic_path, write_json
from codescale.synth.parallel import build_pairs, merge_user_pairs, read_user_pairs
from codescale.synth.verify import verify_programs


class SynthesisError(RuntimeError):
    """The parallel corpus would be empty or built on a broken toolchain."""


def check_toolchains(records: list[dict], languages: tuple[str, ...]) -> None:
    """A language that ran on every program and never passed has a broken toolchain (a compiler the
    sandbox cannot see, a missing runtime library), not bad programs: stop before writing a corpus
    that silently leaves it out, naming the language, how it failed and what to run."""
    broken = []
    for lang in languages:
        statuses = Counter(r["status"].get(lang) for r in records)
        ran = sum(n for s, n in statuses.items() if s not in (None, "unverified"))
        if ran and not statuses.get("ok"):
            first = next((r.get("errors", {}).get(lang, "") for r in records if lang in r.get("errors", {})), "")
            how = ", ".join(f"{s} {n}" for s, n in statuses.most_common())
            first = first.splitlines()[0] if first else "?"
            broken.append(f"{lang}: 0 of {ran} programs ran ({how}); first error: {first} "
                          f"(check the toolchain: python -m codescale.sandbox.preflight {lang})")
    if broken:
        raise SynthesisError("synthesize_parallel_corpus: a toolchain failed on every program, so the parallel "
                             "corpus would have no verified program in that language:\n  " + "\n  ".join(broken))


def write_parallel_corpus(out_dir: str | Path, *, programs: int, seed: int, eval_fraction: float,
                          languages: tuple[str, ...], workers: int, functions: tuple[int, int] = (2, 4),
                          user_train: str | None = None, user_eval: str | None = None) -> dict:
    """Generate and verify ``programs``; add the user's own pairs (``user_train``, ``user_eval``:
    JSONL/Parquet paths) if given; write the corpus to ``out_dir``."""
    seeds = [seed * 1_000_003 + i for i in range(programs)]
    records, report = verify_programs(seeds, languages, workers=workers, functions=functions)
    check_toolchains(records, languages)
    train, evaluation = build_pairs(records, list(languages), eval_fraction)
    extra = {name: read_user_pairs(path, list(languages)) if path else None
             for name, path in (("train", user_train), ("eval", user_eval))}
    train, evaluation, leaked = merge_user_pairs(train, evaluation, extra["train"], extra["eval"])
    report["user_pairs"] = {name: 0 if f is None else len(f) for name, f in extra.items()}
    report["train_pairs_dropped_as_eval_overlap"] = leaked
    sizes = [len(r["sources"]["python"].splitlines()) for r in records]
    report.update({
        "train_pairs": len(train), "eval_pairs": len(evaluation),
        "train_programs": int(train.program.nunique()) if len(train) else 0,
        "eval_programs": int(evaluation.program.nunique()) if len(evaluation) else 0,
        "directions": {"train": int(train.groupby(["src_lang", "tgt_lang"]).ngroups) if len(train) else 0,
                       "eval": int(evaluation.groupby(["src_lang", "tgt_lang"]).ngroups) if len(evaluation) else 0},
        "python_lines": {"min": min(sizes), "median": sorted(sizes)[len(sizes) // 2], "max": max(sizes)}
        if sizes else {},
        "functions_per_program": dict(Counter(r["functions"] for r in records)),
        "failure_examples": [{"seed": r["seed"], "errors": r.get("errors", {})}
                             for r in records if not r["agree"]][:5],
    })
    rows = [{"seed": r["seed"], "structure": r["structure"], "agree": r["agree"], "expected": r["expected"],
             "sources": json.dumps(r["sources"]), "outputs": json.dumps(r["outputs"]),
             "status": json.dumps(r["status"])} for r in records]
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        pd.DataFrame(rows).to_parquet(tmp / "programs.parquet", compression="zstd", index=False)
        train.to_parquet(tmp / "train_pairs.parquet", compression="zstd", index=False)
        evaluation.to_parquet(tmp / "eval_pairs.parquet", compression="zstd", index=False)
        write_json(tmp / "report.json", report)
    return report
