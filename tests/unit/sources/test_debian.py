import pytest

from codescale.sources.debian import AptError, deb_src_lines


def test_deb822_entries_become_deb_src(tmp_path):
    parts = tmp_path / "sources.list.d"
    parts.mkdir()
    (parts / "debian.sources").write_text(
        "Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\nSigned-By: /usr/share/keyrings/k.gpg\n\n"
        "Types: deb\nURIs: http://mirror.example/security\nSuites: bookworm-security\n"
        "Components: main\nEnabled: no\n")
    (parts / "other.list.disabled").write_text("deb http://nope.example/ x main\n")
    lines = deb_src_lines(tmp_path / "absent.list", parts)
    assert lines == [
        "deb-src [signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main",
        "deb-src [signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm-updates main",
    ]


def test_one_line_format(tmp_path):
    (tmp_path / "sources.list").write_text("# c\ndeb http://m.example/debian bookworm main contrib\n")
    assert deb_src_lines(tmp_path / "sources.list", tmp_path / "none") == [
        "deb-src http://m.example/debian bookworm main contrib"]


def test_no_entries_is_a_clear_error(tmp_path):
    with pytest.raises(AptError, match="cannot derive deb-src"):
        deb_src_lines(tmp_path / "none.list", tmp_path / "none")
