"""The curation summary (``curate/summary.tsv``) from the steps' stats files, and which step emptied a
language.

Rows are per (language, ``step``), where ``step`` is ``input``, ``kept``, ``ruff_fixed`` or a reason,
and ``kind`` says what the row is: ``input`` (what the filters saw), ``dropped`` (a reason documents
left under), ``noted`` (a reason counted on documents that were kept), ``fixed`` (Ruff's whitespace
fixes) or ``kept`` (what the last step kept). Every reason found in the stats files has a row,
whatever its name; ``from_step`` names the step(s) that counted it.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from pathlib import Path

from codescale.corpus.ledger import EXAMPLES_PER_REASON, top_reasons

STEP_RULES = {"filter": "filter_documents", "assemble": "assemble_documents"}


class EmptyLanguageWarning(UserWarning):
    """Curation kept no document of a language."""


def _read(stats_files: list[str | Path]) -> list[dict]:
    out = []
    for f in stats_files:
        try:
            out.append(json.loads(Path(f).read_text()))
        except (OSError, json.JSONDecodeError) as err:
            raise ValueError(f"{f}: unreadable curation stats ({err})") from err
    return out


def empty_languages(stats_files: list[str | Path]) -> dict[str, str]:
    """``{lang: message}`` for each language of the stats files that curation left without a document,
    naming the step that emptied it and its main reasons, e.g. "language go: the filter step
    (filter_documents) dropped all 40 documents (syntax_error 31, too_small 9)"."""
    return _empty_languages(_read(stats_files))


def _empty_languages(stats: list[dict]) -> dict[str, str]:
    seen: dict[str, dict] = defaultdict(lambda: {s: {"input": 0, "kept": 0, "dropped": defaultdict(int), "files": 0}
                                                 for s in STEP_RULES})
    for s in stats:
        step = seen[s["lang"]][s.get("step", "filter")]
        step["files"] += 1
        step["input"] += s["input"]["documents"]
        step["kept"] += s["kept"]["documents"]
        for reason, v in s["dropped"].items():
            step["dropped"][reason] += v["documents"]
    messages = {}
    for lang, steps in sorted(seen.items()):
        if steps["filter"]["files"] and not steps["filter"]["input"]:
            messages[lang] = (f"language {lang}: no documents reached curation (the corpus stage, build_corpus, "
                              f"gave none)")
            continue
        for name, step in steps.items():
            if step["files"] and step["input"] and not step["kept"]:
                messages[lang] = (f"language {lang}: the {name} step ({STEP_RULES[name]}) dropped all "
                                  f"{step['input']} documents ({top_reasons(step['dropped'])})")
                break
    return messages


def summarize(stats_files: list[str | Path]) -> list[dict]:
    """One row per (lang, step) summed over shards and steps, for summary.tsv (see the module docstring).
    Warns (``EmptyLanguageWarning``) for each language curation emptied."""
    stats = _read(stats_files)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[tuple[str, str], str] = {}
    steps: dict[tuple[str, str], set] = defaultdict(set)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(lang: str, what: str, kind: str, step: str, documents: int, nbytes: int, found=()) -> None:
        totals[(lang, what)][0] += documents
        totals[(lang, what)][1] += nbytes
        kinds.setdefault((lang, what), kind)
        if step:
            steps[(lang, what)].add(step)
        examples[(lang, what)].extend(found)

    for s in stats:
        lang, step = s["lang"], s.get("step", "filter")
        if step == "filter":
            add(lang, "input", "input", "", s["input"]["documents"], s["input"]["bytes"])
            fixed = s.get("ruff_fixed", {})
            if fixed.get("documents"):
                add(lang, "ruff_fixed", "fixed", step, fixed["documents"], fixed["bytes_removed"])
        if step == "assemble":
            add(lang, "kept", "kept", "", s["kept"]["documents"], s["kept"]["bytes"])
        for kind, section in (("dropped", "dropped"), ("noted", "noted")):
            for reason, v in s.get(section, {}).items():
                add(lang, reason, kind, step, v["documents"], v["bytes"], v.get("examples", []))
    rows = []
    for (lang, what), (n, b) in sorted(totals.items()):
        inp = totals[(lang, "input")]
        rows.append({"lang": lang, "step": what, "kind": kinds[(lang, what)],
                     "from_step": ",".join(sorted(steps[(lang, what)])), "documents": n, "bytes": b,
                     "share_of_documents": round(n / inp[0], 4) if inp[0] else 0.0,
                     "share_of_bytes": round(b / inp[1], 4) if inp[1] else 0.0,
                     "examples": "; ".join(examples[(lang, what)][:EXAMPLES_PER_REASON])})
    for message in _empty_languages(stats).values():
        warnings.warn(message, EmptyLanguageWarning, stacklevel=2)
    return rows
