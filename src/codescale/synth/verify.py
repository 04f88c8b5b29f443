"""Verification by execution: a program is kept only if every language whose toolchain is present
prints exactly the same output. Missing toolchains are reported and their languages marked
unverified, never silently passed."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from codescale.progress import track
from codescale.sandbox.executor import Limits
from codescale.sandbox.toolchains import availability, execute
from codescale.synth.generate import generate_program
from codescale.synth.render import LANGUAGES, render

LIMITS = Limits(time_s=30.0, memory_mb=1024, processes=512, output_bytes=1 << 16)


def verify_seed(seed: int, languages: tuple[str, ...], runnable: dict[str, str],
                functions: tuple[int, int] = (2, 4)) -> dict:
    program = generate_program(seed, functions)
    structure = program.structure()
    record = {"seed": seed, "structure": hashlib.sha1(structure.encode()).hexdigest()[:16],
              "functions": len(program.functions), "sources": {}, "outputs": {}, "status": {},
              "seconds": {}}
    for lang in languages:
        source = render(program, lang)
        record["sources"][lang] = source
        if runnable.get(lang) != "ok":
            record["status"][lang] = "unverified"
            continue
        result = execute(lang, source, LIMITS)
        record["outputs"][lang] = result.stdout
        record["status"][lang] = result.status
        record["seconds"][lang] = result.seconds
        if result.status != "ok":
            record.setdefault("errors", {})[lang] = (result.reason + "\n" + result.stderr[-800:]).strip()
    outputs = {record["outputs"][lang] for lang, s in record["status"].items() if s == "ok"}
    ran = [lang for lang, s in record["status"].items() if s != "unverified"]
    record["agree"] = bool(ran) and all(record["status"][lang] == "ok" for lang in ran) and len(outputs) == 1
    record["expected"] = next(iter(outputs)) if len(outputs) == 1 else None
    return record


def verify_programs(seeds: list[int], languages: tuple[str, ...] = LANGUAGES, workers: int | None = None,
                    functions: tuple[int, int] = (2, 4)) -> tuple[list[dict], dict]:
    """Verify ``seeds`` in parallel (the work is in sandboxed subprocesses, so threads suffice)."""
    runnable = availability()
    workers = workers or os.cpu_count() or 1
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        records = list(track(pool.map(lambda s: verify_seed(s, languages, runnable, functions), seeds),
                             "verify programs", total=len(seeds), unit="prog"))
    elapsed = time.perf_counter() - start
    failures: Counter = Counter()
    for r in records:
        if not r["agree"]:
            bad = [lang for lang, s in r["status"].items() if s not in ("ok", "unverified")]
            failures["disagree" if not bad else "+".join(f"{lang}:{r['status'][lang]}" for lang in bad)] += 1
    seconds = defaultdict(list)
    for r in records:
        for lang, s in r["seconds"].items():
            seconds[lang].append(s)
    report = {
        "programs": len(records),
        "verified": sum(r["agree"] for r in records),
        "failed": dict(failures),
        "toolchains": {lang: runnable.get(lang, "unknown") for lang in languages},
        "unverified_languages": [lang for lang in languages if runnable.get(lang) != "ok"],
        "seconds": round(elapsed, 2),
        "programs_per_second_per_core": round(len(records) / elapsed / workers, 4),
        "mean_seconds_per_language": {lang: round(sum(v) / len(v), 4) for lang, v in seconds.items()},
        "distinct_structures": len({r["structure"] for r in records}),
    }
    return records, report
