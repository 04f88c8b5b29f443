import io
import tarfile
import zipfile
from collections import Counter

import pytest

from codescale.sources.archives import ArchiveError, copy_tree, extract_tar, extract_zip, safe_relative


def test_safe_relative_refuses_escapes():
    assert safe_relative("../../etc/passwd") is None
    assert str(safe_relative("/abs/x.py")) == "abs/x.py"
    assert str(safe_relative("./a/b.py")) == "a/b.py"


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_extract_tar_keeps_only_wanted_extensions_and_strips(tmp_path):
    archive = tmp_path / "p.tgz"
    _tar(archive, {"package/a.js": b"x=1", "package/README.md": b"#", "package/../evil.js": b"e"})
    files, nbytes = extract_tar(archive, tmp_path / "out", (".js",), prefix="repo", strip=1)
    assert (files, nbytes) == (1, 3)
    assert (tmp_path / "out/repo/a.js").read_text() == "x=1"
    assert not (tmp_path / "evil.js").exists()


def test_extract_zip(tmp_path):
    archive = tmp_path / "w.whl"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/mod.py", "print(1)\n")
        zf.writestr("pkg/data.bin", b"\0\1")
    assert extract_zip(archive, tmp_path / "o", (".py",)) == (1, 9)


def test_corrupt_archives_name_the_file(tmp_path):
    bad = tmp_path / "broken.tgz"
    bad.write_bytes(b"not a tar at all" * 10)
    with pytest.raises(ArchiveError, match="broken.tgz"):
        extract_tar(bad, tmp_path / "o", (".js",))
    badzip = tmp_path / "broken.zip"
    badzip.write_bytes(b"PK nope")
    with pytest.raises(ArchiveError, match="broken.zip"):
        extract_zip(badzip, tmp_path / "o", (".py",))


def test_wanted_members_not_copied_are_counted_by_reason(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name, data=b"x = 1\n", kind=tarfile.REGTYPE):
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.SYMTYPE:
                info.linkname = "pkg/a.py"
            else:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("pkg/a.py")
        add("pkg/link.py", kind=tarfile.SYMTYPE)
        add("../evil.py")
        add("top.py")          # shallower than strip=1
        add("pkg/notes.txt")   # not a wanted extension: not counted at all
    buf.seek(0)
    skipped = Counter()
    files, _ = extract_tar(buf, tmp_path / "out", (".py",), strip=1, skipped=skipped)
    assert files == 1
    assert skipped == {"not_regular_file": 1, "unsafe_path": 1, "above_strip": 1}

    src = tmp_path / "src"
    src.mkdir()
    (src / "real.py").write_text("y = 2\n")
    (src / "alias.py").symlink_to(src / "real.py")
    skipped = Counter()
    assert copy_tree(src, tmp_path / "copy", (".py",), skipped=skipped)[0] == 1
    assert skipped == {"symlink": 1}
