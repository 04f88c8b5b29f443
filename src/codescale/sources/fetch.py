"""Fetch one configured source into ``<out>/tree/<repo>/...`` plus ``<out>/fetched.json``.

Source kinds (config ``sources.<name>.kind``):

- ``debian_binary``: ``apt-get download`` + ``dpkg-deb`` of binary packages (``rust-src``,
  ``golang-1.19-src``, ``librust-*-dev``, ``openjdk-17-source`` with ``unpack`` of its src.zip);
- ``debian_source``: upstream tarball of a Debian source package (``mono`` for C#);
- ``npm``: ``npm pack`` of packages; ``pypi``: ``pip download`` of pure-Python wheels;
- ``python_stdlib``: the running interpreter's standard library (no network);
- ``local``: a directory whose subdirectories are repositories (read in place, not copied);
- ``documents``: Stack-v2-style Parquet/JSONL files with ``content`` and ``path`` columns (read in
  place).

``repo_root`` (a glob inside the fetched tree) names the directory whose subdirectories are the
repositories; without it each package is one repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path
from typing import Any

from codescale.artifacts import atomic_path, hash_files, read_json, write_json
from codescale.languages import extensions_for
from codescale.sources import debian, registries
from codescale.sources.archives import ArchiveError, copy_tree


class SourceError(RuntimeError):
    """A configured source could not be fetched or read."""


def fetch_source(name: str, spec: dict[str, Any], out: str | Path) -> dict:
    """Fetch source ``name`` described by ``spec`` into directory ``out`` (atomically)."""
    kind = spec["kind"]
    exts = extensions_for(spec["langs"])
    start = time.monotonic()
    with atomic_path(out) as tmp:
        tmp.mkdir(parents=True)
        tree = tmp / "tree"
        tree.mkdir()
        skipped: Counter = Counter()
        try:
            details = _FETCHERS[kind](spec, tmp, tree, exts, skipped)
        except (debian.AptError, registries.RegistryError, ArchiveError, OSError) as err:
            raise SourceError(f"source {name!r} ({kind}): {err}") from err
        shutil.rmtree(tmp / "downloads", ignore_errors=True)
        n_files = sum(1 for p in tree.rglob("*") if p.is_file())
        n_bytes = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        manifest = {"source": name, "kind": kind, "langs": spec["langs"], "details": details,
                    "files": n_files, "bytes": n_bytes, "skipped": dict(sorted(skipped.items())),
                    "seconds": round(time.monotonic() - start, 2)}
        if kind not in ("local", "documents") and n_files == 0:
            raise SourceError(f"source {name!r} ({kind}): fetched no files with extensions {exts}")
        write_json(tmp / "fetched.json", manifest)
    return manifest


def _assign_repos(staging: Path, tree: Path, repo_root: str | None, default_repo: str) -> None:
    """Move files from ``staging`` into ``tree/<repo>/``."""
    if not repo_root:
        if any(staging.iterdir()):
            shutil.move(str(staging), str(tree / default_repo))
        return
    roots = [staging] if repo_root in (".", "") else sorted(
        p for p in staging.glob(repo_root) if p.is_dir())
    if not roots:
        raise SourceError(f"repo_root {repo_root!r} matched nothing in {default_repo}")
    for root in roots:
        for child in sorted(root.iterdir()):
            repo = child.name if child.is_dir() else f"{default_repo}-toplevel"
            target = tree / repo
            if child.is_dir() and not target.exists():
                shutil.move(str(child), str(target))
            else:
                dest = target / child.name if child.is_file() else target
                dest.parent.mkdir(parents=True, exist_ok=True)
                if child.is_file():
                    shutil.move(str(child), str(dest))
                else:
                    shutil.copytree(child, dest, dirs_exist_ok=True)


def _debian_binary(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    unpack = spec.get("unpack", [])
    debs = debian.download_binary(spec["packages"], out / "downloads")
    details = {}
    for i, deb in enumerate(debs, 1):
        package = deb.name.split("_", 1)[0]
        print(f"extracting {deb.name} ({i}/{len(debs)})", file=sys.stderr, flush=True)
        staging = out / "staging" / package
        files, nbytes = debian.extract_deb(deb, staging, exts + ((".zip",) if unpack else ()), skipped)
        for pattern in unpack:
            debian.unpack_zip_members(staging, pattern, exts, skipped)
        _assign_repos(staging, tree, spec.get("repo_root"), package)
        details[package] = {"deb": deb.name, "files": files, "bytes": nbytes}
    shutil.rmtree(out / "staging", ignore_errors=True)
    return details


def _debian_source(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    details = {}
    for package in spec["packages"]:
        print(f"apt-get source {package}", file=sys.stderr, flush=True)
        files = debian.download_source(package, out / "downloads" / package)
        staging = out / "staging" / package
        n_files, n_bytes = debian.extract_source_tarballs(files, staging, exts, skipped)
        _assign_repos(staging, tree, spec.get("repo_root"), package)
        details[package] = {"files": [p.name for p in files], "extracted": n_files, "bytes": n_bytes}
    shutil.rmtree(out / "staging", ignore_errors=True)
    return details


def _npm(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    return registries.npm_pack(spec["packages"], out / "downloads", tree, exts, skipped)


def _pypi(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    return registries.pip_download(spec["packages"], out / "downloads", tree, exts, skipped)


def _python_stdlib(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    staging = out / "staging" / "stdlib"
    files, nbytes = copy_tree(stdlib, staging, exts,
                              exclude_dirs=("site-packages", "test", "tests", "idlelib", "__pycache__"),
                              skipped=skipped)
    _assign_repos(staging, tree, ".", "stdlib")
    shutil.rmtree(out / "staging", ignore_errors=True)
    return {"stdlib": str(stdlib), "files": files, "bytes": nbytes}


def local_fingerprint(spec: dict) -> str:
    """Content hash of the files a ``local``/``documents`` source would be read from ("" for other
    kinds). Passed to the fetch rule as a param, so editing a file reruns the corpus while
    touching one does not. Every DAG build computes it, so each file's hash is remembered by
    (size, mtime, inode) in the user's cache: a rebuild stats a terabyte-scale source instead of
    reading it, and rehashes only the files that changed (a touched file hashes the same)."""
    if spec["kind"] not in ("local", "documents"):
        return ""
    path = Path(spec["path"]).expanduser()
    if not path.exists():
        return "missing"
    exts = (".parquet", ".jsonl", ".json", ".gz") if spec["kind"] == "documents" else extensions_for(spec["langs"])
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(exts))
    digest = hashlib.blake2b(digest_size=16)
    for f, file_hash in zip(files, _file_hashes(path, files), strict=True):
        digest.update(str(f.relative_to(path) if f != path else f.name).encode() + b"\0" + file_hash.encode())
    return digest.hexdigest()


def _memo_path(root: Path) -> Path:
    """One memo file per source root, under $XDG_CACHE_HOME (default ~/.cache)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return base / "codescale" / "file-hashes" / f"{name}.json"


def _file_hashes(root: Path, files: list[Path]) -> list[str]:
    """sha256 of each file, through a memo of one source's files keyed by (size, mtime_ns, inode);
    only new or changed files are read. A memo that cannot be read or written (a
    read-only home) only costs the rehashing."""
    memo_path = _memo_path(root)
    try:
        memo = read_json(memo_path)
    except (OSError, ValueError):
        memo = {}
    stats = [f.stat() for f in files]
    keys = [f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}" for st in stats]
    known = [memo.get(str(f), {}).get(k) for f, k in zip(files, keys, strict=True)]
    todo = [i for i, h in enumerate(known) if h is None]
    for i, h in zip(todo, hash_files([files[i] for i in todo]), strict=True):
        known[i] = h
    if todo or len(memo) != len(files):
        with contextlib.suppress(OSError):
            write_json(memo_path, {str(f): {k: h} for f, k, h in zip(files, keys, known, strict=True)})
    return known


def _in_place(spec: dict, out: Path, tree: Path, exts: tuple[str, ...], skipped: Counter) -> dict:
    # nothing is copied: the corpus stage reads the files in place and counts what it drops
    path = Path(spec["path"]).expanduser()
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    if spec["kind"] == "local" and not path.is_dir():
        raise SourceError(f"{path}: a `local` source must be a directory of repositories")
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(path).parts))
    if spec["kind"] == "documents":
        files = [p for p in files if p.suffix in (".parquet", ".jsonl", ".json", ".gz")]
        if not files:
            raise SourceError(f"{path}: no .parquet or .jsonl files")
    return {"path": str(path.resolve()), "files": len(files),
            "bytes": sum(p.stat().st_size for p in files), "fingerprint": local_fingerprint(spec)}


_FETCHERS = {
    "debian_binary": _debian_binary,
    "debian_source": _debian_source,
    "npm": _npm,
    "pypi": _pypi,
    "python_stdlib": _python_stdlib,
    "local": _in_place,
    "documents": _in_place,
}
