"""Copying the code files of one language set out of archives and directories.

Only regular files whose extension belongs to the requested languages are written, so a 700 MB
source package costs only the bytes of its code. Member names are sanitised: absolute paths and
``..`` components never escape the destination. A member or file with a wanted extension that is
not copied is counted under a named reason in ``skipped`` (``fetched.json`` reports them):
``not_regular_file`` (a link or device in an archive), ``symlink``, ``unsafe_path``,
``above_strip`` (shallower than the archive's top directory), ``unreadable_member``.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath


class ArchiveError(RuntimeError):
    """An archive could not be read."""


def safe_relative(name: str) -> PurePosixPath | None:
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "/")]
    if not parts or ".." in parts:
        return None
    return PurePosixPath(*parts)


def _wanted(name: str, exts: tuple[str, ...]) -> bool:
    return name.lower().endswith(exts)


def _member_path(name: str, strip: int, skipped: Counter) -> PurePosixPath | None:
    rel = safe_relative(name)
    if rel is None:
        skipped["unsafe_path"] += 1
        return None
    if len(rel.parts) <= strip:
        skipped["above_strip"] += 1
        return None
    return PurePosixPath(*rel.parts[strip:])


def extract_tar(archive: Path | io.IOBase, dest: Path, exts: tuple[str, ...], prefix: str = "",
                strip: int = 0, skipped: Counter | None = None) -> tuple[int, int]:
    """Extract members ending in ``exts`` from a tar stream (any compression). Returns (files, bytes)."""
    skipped = Counter() if skipped is None else skipped
    n_files = n_bytes = 0
    try:
        if isinstance(archive, Path):
            tar = tarfile.open(archive, mode="r|*")
        else:
            tar = tarfile.open(fileobj=archive, mode="r|*")
        with tar:
            for member in tar:
                if member.isdir() or not _wanted(member.name, exts):
                    continue
                if not member.isfile():
                    skipped["not_regular_file"] += 1
                    continue
                rel = _member_path(member.name, strip, skipped)
                if rel is None:
                    continue
                target = dest / prefix / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(member)
                if src is None:
                    skipped["unreadable_member"] += 1
                    continue
                with open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                n_files += 1
                n_bytes += member.size
    except (tarfile.TarError, EOFError, OSError) as err:
        raise ArchiveError(f"{archive}: unreadable tar archive ({err})") from err
    return n_files, n_bytes


def extract_zip(archive: Path, dest: Path, exts: tuple[str, ...], prefix: str = "",
                strip: int = 0, skipped: Counter | None = None) -> tuple[int, int]:
    """Extract members ending in ``exts`` from a zip file. Returns (files, bytes)."""
    skipped = Counter() if skipped is None else skipped
    n_files = n_bytes = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.is_dir() or not _wanted(info.filename, exts):
                    continue
                if (info.external_attr >> 16) & 0o170000 == 0o120000:  # a symlink stored in the zip
                    skipped["not_regular_file"] += 1
                    continue
                rel = _member_path(info.filename, strip, skipped)
                if rel is None:
                    continue
                target = dest / prefix / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                n_files += 1
                n_bytes += info.file_size
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ArchiveError(f"{archive}: unreadable zip archive ({err})") from err
    return n_files, n_bytes


def copy_tree(src: Path, dest: Path, exts: tuple[str, ...], exclude_dirs: tuple[str, ...] = (),
              skipped: Counter | None = None) -> tuple[int, int]:
    """Copy files ending in ``exts`` from directory ``src`` (symlinks are not followed; hidden and
    ``exclude_dirs`` directories are not entered, by design)."""
    skipped = Counter() if skipped is None else skipped
    n_files = n_bytes = 0
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in exclude_dirs and not d.startswith("."))
        for name in sorted(files):
            if not _wanted(name, exts):
                continue
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                skipped["symlink" if path.is_symlink() else "not_regular_file"] += 1
                continue
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            n_files += 1
            n_bytes += path.stat().st_size
    return n_files, n_bytes
