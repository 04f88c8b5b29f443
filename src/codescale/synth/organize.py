"""Data organizations of the parallel corpus, written as documents for the tokenization stage.

- ``shuffled``: every program's source in each language as its own document, in shuffled order
  (the baseline: the same code, never side by side);
- ``pairing``: one document per training pair, source then translation, each under a language tag,
  with a separator between them;
- ``direct``: source and translation concatenated with a blank line and no tags;
- ``prompt``: an instruction ("Translate the following Python code to Java.") then both programs.
"""

from __future__ import annotations

import random

import pandas as pd

from codescale.corpus.documents import SCHEMA, doc_id
from codescale.languages import code_languages, language

ORGANIZATIONS = ("shuffled", "pairing", "direct", "prompt")
SEPARATOR = "<|translation|>"
DISPLAY = {lang: language(lang).name for lang in code_languages()}  # the names a prompt uses


def tag(lang: str) -> str:
    return f"<|{lang}|>"


def pair_text(organization: str, src_lang: str, src: str, tgt_lang: str, tgt: str = "") -> str:
    """The document text of one pair; with ``tgt=""`` it is the prompt a model continues."""
    if organization == "pairing":
        return f"{tag(src_lang)}\n{src}\n{SEPARATOR}\n{tag(tgt_lang)}\n{tgt}"
    if organization == "direct":
        return f"{src}\n\n{tgt}"
    if organization == "prompt":
        return (f"Translate the following {DISPLAY[src_lang]} code to {DISPLAY[tgt_lang]}.\n"
                f"### {DISPLAY[src_lang]}\n{src}\n### {DISPLAY[tgt_lang]}\n{tgt}")
    raise ValueError(f"organization {organization!r} has no pair format (one of {ORGANIZATIONS[1:]})")


def organize(pairs: pd.DataFrame, organization: str, seed: int):
    """Documents (the corpus schema) of ``organization`` from training pairs."""
    import pyarrow as pa

    rows = []
    if organization == "shuffled":
        seen = set()
        for r in pairs.itertuples():
            for lang, text in ((r.src_lang, r.src), (r.tgt_lang, r.tgt)):
                if (r.program, lang) not in seen:
                    seen.add((r.program, lang))
                    rows.append((r.program, lang, text))
        random.Random(seed).shuffle(rows)
        docs = [{"doc_id": doc_id(t), "source": "synth-shuffled", "repo": p, "path": f"{p}/{lang}",
                 "lang": lang, "content": t, "bytes": len(t.encode())} for p, lang, t in rows]
    elif organization in ORGANIZATIONS:
        docs = []
        for r in pairs.itertuples():
            text = pair_text(organization, r.src_lang, r.src, r.tgt_lang, r.tgt)
            docs.append({"doc_id": doc_id(text), "source": f"synth-{organization}", "repo": r.program,
                         "path": f"{r.program}/{r.src_lang}-{r.tgt_lang}", "lang": r.tgt_lang,
                         "content": text, "bytes": len(text.encode())})
        random.Random(seed).shuffle(docs)
    else:
        raise ValueError(f"unknown organization {organization!r}; known: {ORGANIZATIONS}")
    return pa.Table.from_pylist(docs, schema=SCHEMA)
