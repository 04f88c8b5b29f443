"""The curation steps' shared ledger: the corpus ledger (every reason seen, with examples, and the
``input = kept + Σ dropped`` check) plus, for audits, the dropped documents themselves ("keep and
flag": their content is included when ``curate.keep_flagged`` is on), and notes on documents that
were kept but that a step could not fully process (``noted``: counted with examples, never dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from codescale.artifacts import write_parquet
from codescale.corpus.ledger import Ledger

FLAGGED_SCHEMA = pa.schema([("doc_id", pa.string()), ("source", pa.string()), ("repo", pa.string()),
                            ("path", pa.string()), ("lang", pa.string()), ("bytes", pa.int64()),
                            ("reason", pa.string()), ("detail", pa.string()), ("content", pa.large_string())])


class CurationError(RuntimeError):
    """A curation step's input is unusable (unreadable, or a language without documents)."""


def where(doc: dict) -> str:
    return f"{doc['source']}:{doc['repo']}/{doc['path']}"


@dataclass
class CurationLedger(Ledger):
    """Documents and bytes dropped per reason with examples, the flagged rows, and the notes."""

    keep_content: bool = False
    flagged: list = field(default_factory=list)
    notes: Ledger = field(default_factory=Ledger)

    def drop(self, doc: dict, reason: str, detail: str = "") -> None:
        self.count(reason, where(doc), doc["bytes"], detail)
        self.flagged.append({**{k: doc[k] for k in ("doc_id", "source", "repo", "path", "lang", "bytes")},
                             "reason": reason, "detail": detail,
                             "content": doc["content"] if self.keep_content else None})

    def note(self, doc: dict, reason: str, detail: str = "") -> None:
        """Count a document that is kept under ``reason`` (it stays in the output)."""
        self.notes.count(reason, where(doc), doc["bytes"], detail)

    def write_flagged(self, path) -> None:
        write_parquet(path, pa.Table.from_pylist(self.flagged, schema=FLAGGED_SCHEMA))


def totals(docs: list[dict]) -> dict:
    return {"documents": len(docs), "bytes": sum(d["bytes"] for d in docs)}
