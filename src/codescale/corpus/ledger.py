"""The ledger of a data step: what it left out, counted per named reason with a few examples, and the
check that every input is accounted for.

A step counts each input it does not keep under a reason (``byte_cap``, ``syntax_error``, ...). The
ledger reports every reason it has seen, whatever its name, so a new reason can never be left out of
the statistics; a step may also ``expect`` the reasons of the checks it ran, which are then reported
even at zero ("ran, dropped none"). ``check_balance`` enforces ``input = kept + Σ dropped`` at run
time: a step whose numbers do not add up has a bug (a ``continue`` that counts nothing), which is
raised, never written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 3


class LedgerError(RuntimeError):
    """A step's counts do not add up: a bug in the step's accounting, not bad input."""


@dataclass
class Ledger:
    """Documents (files, records) and bytes per reason, and the first few examples of each."""

    documents: Counter = field(default_factory=Counter)
    bytes: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))

    def count(self, reason: str, where: str, nbytes: int = 0, detail: str = "", n: int = 1) -> None:
        """Count ``n`` documents of ``nbytes`` bytes in all under ``reason``; ``where`` (and ``detail``) is
        the example kept for the first few."""
        self.documents[reason] += n
        self.bytes[reason] += nbytes
        if len(self.examples[reason]) < EXAMPLES_PER_REASON:
            self.examples[reason].append(f"{where} ({detail})" if detail else where)

    def expect(self, *reasons: str) -> None:
        """Report ``reasons`` even when nothing is counted under them (the checks that ran)."""
        for reason in reasons:
            self.documents[reason] += 0
            self.bytes[reason] += 0

    def dropped(self) -> dict:
        """``{reason: {documents, bytes, examples}}`` for every reason seen or expected, sorted by name."""
        return {r: {"documents": self.documents[r], "bytes": self.bytes[r], "examples": list(self.examples.get(r, []))}
                for r in sorted(self.documents)}

    def total(self) -> int:
        return sum(self.documents.values())


def top_reasons(dropped: dict, k: int = 3) -> str:
    """``"byte_cap 31, not_utf8 9"``: the ``k`` reasons that took most documents (``dropped`` as written by
    ``Ledger.dropped``, or ``{reason: count}``)."""
    counts = {r: (v["documents"] if isinstance(v, dict) else v) for r, v in dropped.items()}
    ranked = sorted(((n, r) for r, n in counts.items() if n), key=lambda x: (-x[0], x[1]))
    text = ", ".join(f"{r} {n}" for n, r in ranked[:k])
    if len(ranked) > k:
        text += f", {len(ranked) - k} more reasons"
    return text or "nothing dropped"


def check_balance(label: str, seen: dict, kept: dict, dropped: dict, *, keys: tuple[str, ...] = ("documents", "bytes"),
                  changed: dict | None = None) -> None:
    """Raise ``LedgerError`` unless ``seen[key] == kept[key] + Σ dropped[reason][key] + changed[key]`` for each
    key. ``changed`` is what a step removed from documents it kept (Ruff's whitespace fixes, in bytes)."""
    for key in keys:
        lost = sum(v[key] for v in dropped.values())
        other = (changed or {}).get(key, 0)
        if seen[key] != kept[key] + lost + other:
            also = f" + {other} changed" if other else ""
            raise LedgerError(f"{label}: {seen[key]} {key} in, but {kept[key]} kept + {lost} dropped{also} = "
                              f"{kept[key] + lost + other} ({top_reasons(dropped)}); the step lost or invented "
                              f"some without a reason (a bug in the step, not bad input)")
