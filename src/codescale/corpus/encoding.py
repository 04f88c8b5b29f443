"""Decoding a file's bytes to text, or the reason it cannot be a document.

A byte-order mark says the encoding: UTF-8 (the mark is stripped), UTF-16 and UTF-32 in either byte
order (Windows tools write C# and text files as UTF-16 with a mark). UTF-32's little-endian mark
begins with UTF-16's, so it is tested first. Without a mark the bytes must be UTF-8. A NUL byte in
the first 8 kB of a file without a mark means binary (UTF-16 without a mark is binary to us, as it is
to git); a NUL character in decoded text does too, so a binary that happens to begin with a mark is
still caught.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
BINARY_PROBE = 8192  # bytes searched for a NUL before decoding, as git does


class Decoded(NamedTuple):
    text: str | None
    reason: str | None  # None when decoded; else binary, not_utf8, bad_encoding or empty
    detail: str = ""


def byte_order_mark(raw: bytes) -> tuple[bytes, str] | None:
    """(mark, codec) of the byte-order mark ``raw`` starts with, or None."""
    return next(((bom, enc) for bom, enc in BOMS if raw.startswith(bom)), None)


def decode(raw: bytes) -> Decoded:
    """Decode file bytes as text by their byte-order mark, else as UTF-8."""
    mark = byte_order_mark(raw)
    if mark is None:
        if b"\x00" in raw[:BINARY_PROBE]:
            return Decoded(None, "binary", f"NUL byte at {raw.index(0)}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            return Decoded(None, "not_utf8", f"{err.reason} at byte {err.start}")
    else:
        bom, enc = mark
        try:
            text = raw[len(bom):].decode(enc)
        except UnicodeDecodeError as err:
            return Decoded(None, "bad_encoding", f"{enc} byte-order mark, but {err.reason} at byte "
                                                 f"{err.start + len(bom)}")
    if "\x00" in text:
        return Decoded(None, "binary", f"NUL character at {text.index(chr(0))}")
    if not text.strip():
        return Decoded(None, "empty")
    return Decoded(text, None)
