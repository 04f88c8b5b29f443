import codecs

import pytest

from codescale.corpus.encoding import decode

TEXT = "def größe():\n    return '€'\n"


def test_utf8_and_its_reasons():
    assert decode(b"x = 1\n") == ("x = 1\n", None, "")
    assert decode(b"\xe9t\xe9 = 1\n").reason == "not_utf8"
    assert decode(b"\x7fELF\x02\x01\x01\x00").reason == "binary"
    assert decode(b"  \n") == (None, "empty", "")
    assert decode(codecs.BOM_UTF8 + TEXT.encode()) == (TEXT, None, "")       # the mark is stripped


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_are_decoded_by_their_mark(codec):
    raw = "\ufeff".encode(codec) + TEXT.encode(codec)
    assert b"\x00" in raw                                   # NUL bytes, yet text
    assert decode(raw) == (TEXT, None, "")


def test_utf16_without_a_mark_is_binary_and_a_broken_one_is_named():
    assert decode(TEXT.encode("utf-16-le")).reason == "binary"
    cut = decode(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")[:-1])
    assert cut.reason == "bad_encoding" and "utf-16-le byte-order mark" in cut.detail
    lone = decode(codecs.BOM_UTF16_BE + b"\xd8\x00\x00A")     # a high surrogate without its pair
    assert lone.reason == "bad_encoding"


def test_a_binary_behind_a_mark_is_still_binary():
    assert decode(codecs.BOM_UTF16_LE + b"A\x00\x00\x00B\x00").reason == "binary"   # decodes to a NUL character
    assert decode(codecs.BOM_UTF8 + b"PK\x03\x04\x00\x00").reason == "binary"
    assert decode(b"x = 1\n" * 2000 + b"\x00").reason == "binary"    # NUL past the 8 kB probe
