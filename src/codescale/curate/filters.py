"""Document filters. Each filter has a ``name`` and returns ``None`` to keep a document or the
reason it drops it; the pipeline counts every reason (as datatrove's base filter does)."""

from __future__ import annotations

from dataclasses import dataclass

from codescale.curate.syntax import syntax_error_share


@dataclass(frozen=True)
class Thresholds:
    """Curation thresholds for one language (config ``curate``, with per-language overrides)."""

    min_bytes: int = 64
    max_bytes: int = 200_000
    max_line_length: int = 1000
    max_mean_line_length: float = 100.0
    min_alphanumeric_fraction: float = 0.25
    max_syntax_error_share: float = 0.0
    syntax: bool = True


def size_filter(doc: dict, t: Thresholds) -> str | None:
    n = doc["bytes"]
    if n < t.min_bytes:
        return "too_small"
    if n > t.max_bytes:
        return "too_large"
    return None


def line_length_filter(doc: dict, t: Thresholds) -> str | None:
    lines = doc["content"].splitlines() or [""]
    lengths = [len(line) for line in lines]
    if max(lengths) > t.max_line_length:
        return "long_lines"
    if sum(lengths) / len(lengths) > t.max_mean_line_length:
        return "long_mean_line"
    return None


def alphanumeric_filter(doc: dict, t: Thresholds) -> str | None:
    content = doc["content"]
    if not content:
        return "low_alphanumeric"
    alnum = sum(ch.isalnum() for ch in content)
    return "low_alphanumeric" if alnum / len(content) < t.min_alphanumeric_fraction else None


def syntax_filter(doc: dict, t: Thresholds) -> str | None:
    if not t.syntax:
        return None
    share = syntax_error_share(doc["lang"], doc["content"], doc["path"])
    return "syntax_error" if share > t.max_syntax_error_share else None


# Cheap filters first: a document is charged to the first filter that drops it.
FILTERS = (size_filter, line_length_filter, alphanumeric_filter, syntax_filter)
REASONS = ("too_small", "too_large", "long_lines", "long_mean_line", "low_alphanumeric",
           "syntax_error", "duplicate")


def first_reason(doc: dict, t: Thresholds) -> str | None:
    for f in FILTERS:
        reason = f(doc, t)
        if reason is not None:
            return reason
    return None
