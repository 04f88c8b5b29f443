"""Debian packages as corpus sources: binary packages with ``apt-get download`` + ``dpkg-deb``,
source packages with ``apt-get source --download-only`` under a private apt configuration.

Nothing is installed. The private configuration for source packages turns each ``deb`` entry of
the machine's own apt sources into a ``deb-src`` entry, so the mirror is whatever this machine
is configured to use; no host name is written in code.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from codescale.sources.archives import extract_tar, extract_zip
from codescale.sources.clients import ClientError, run_client

APT_SOURCES = Path("/etc/apt/sources.list")
APT_SOURCE_PARTS = Path("/etc/apt/sources.list.d")


class AptError(ClientError):
    """apt could not provide a package."""


def _run(cmd: list[str], cwd: Path, what: str) -> str:
    try:
        return run_client(cmd, cwd, what, error_prefixes=("E:", "dpkg-deb"))
    except ClientError as err:
        raise AptError(str(err)) from err


def _apt_options(private: Path | None) -> list[str]:
    opts = []
    if os.geteuid() == 0:
        # Downloads land in a directory the sandbox user `_apt` cannot write; as root, skip the
        # sandbox instead of printing a warning per file.
        opts += ["-o", "APT::Sandbox::User=root"]
    if private is not None:
        opts += [
            "-o", f"Dir::Etc::SourceList={private / 'sources.list'}",
            "-o", f"Dir::Etc::SourceParts={private / 'sources.list.d'}",
            "-o", f"Dir::State::Lists={private / 'lists'}",
            "-o", f"Dir::Cache={private / 'cache'}",
        ]
    return opts


def download_binary(packages: list[str], dest: Path) -> list[Path]:
    """``apt-get download`` each package into ``dest``; returns the ``.deb`` paths."""
    dest.mkdir(parents=True, exist_ok=True)
    _run(["apt-get", *_apt_options(None), "download", *packages], dest,
         f"apt-get download {' '.join(packages)}")
    debs = sorted(dest.glob("*.deb"))
    found = {p.name.split("_", 1)[0] for p in debs}
    missing = [p for p in packages if p not in found]
    if missing:
        raise AptError(f"apt-get download: no .deb was written for {missing}")
    return debs


def extract_deb(deb: Path, dest: Path, exts: tuple[str, ...], skipped: Counter | None = None) -> tuple[int, int]:
    """Extract the files ending in ``exts`` from a ``.deb`` (via ``dpkg-deb --fsys-tarfile``)."""
    try:
        proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except FileNotFoundError as err:
        raise AptError(f"{deb}: `dpkg-deb` is not installed") from err
    assert proc.stdout is not None
    counts = extract_tar(proc.stdout, dest, exts, skipped=skipped)
    proc.stdout.close()
    if proc.wait() != 0:
        raise AptError(f"{deb}: dpkg-deb failed: {proc.stderr.read().decode(errors='replace')}")
    return counts


def deb_src_lines(sources_list: Path = APT_SOURCES, parts: Path = APT_SOURCE_PARTS) -> list[str]:
    """``deb-src`` lines mirroring every enabled ``deb`` entry of the machine's apt sources."""
    lines: list[str] = []
    files = [sources_list] if sources_list.is_file() else []
    if parts.is_dir():
        files += sorted(p for p in parts.iterdir() if p.suffix in (".list", ".sources"))
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields: dict[str, str] = {}
                for raw in stanza.splitlines():
                    if raw.startswith("#") or ":" not in raw or raw.startswith(" "):
                        continue
                    key, value = raw.split(":", 1)
                    fields[key.strip().lower()] = value.strip()
                if "deb" not in fields.get("types", "").split() or fields.get("enabled") == "no":
                    continue
                opts = f"[signed-by={fields['signed-by']}] " if "signed-by" in fields else ""
                for uri in fields.get("uris", "").split():
                    for suite in fields.get("suites", "").split():
                        lines.append(f"deb-src {opts}{uri} {suite} {fields.get('components', '')}".strip())
        else:
            for raw in text.splitlines():
                raw = raw.split("#", 1)[0].strip()
                if raw.startswith("deb "):
                    lines.append("deb-src " + raw[4:])
    if not lines:
        raise AptError(f"no enabled `deb` entries in {sources_list} or {parts}: cannot derive deb-src")
    return lines


def download_source(package: str, dest: Path) -> list[Path]:
    """``apt-get source --download-only`` under a private apt configuration; returns the files."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="codescale-apt-") as tmp:
        private = Path(tmp)
        for sub in ("sources.list.d", "lists/partial", "cache/archives/partial"):
            (private / sub).mkdir(parents=True)
        (private / "sources.list").write_text("\n".join(deb_src_lines()) + "\n")
        opts = _apt_options(private)
        _run(["apt-get", *opts, "update"], dest, f"apt-get update (deb-src for {package})")
        _run(["apt-get", *opts, "source", "--download-only", package], dest,
             f"apt-get source --download-only {package}")
    files = sorted(p for p in dest.iterdir() if p.is_file())
    if not any(".orig." in p.name or p.name.endswith((".tar.xz", ".tar.gz")) for p in files):
        raise AptError(f"apt-get source {package}: no source tarball was downloaded")
    return files


def extract_source_tarballs(files: list[Path], dest: Path, exts: tuple[str, ...],
                            skipped: Counter | None = None) -> tuple[int, int]:
    """Extract code files from the upstream tarball(s) of a downloaded source package."""
    n_files = n_bytes = 0
    for path in files:
        if ".tar." in path.name and not path.name.endswith((".debian.tar.xz", ".debian.tar.gz")):
            f, b = extract_tar(path, dest, exts, skipped=skipped)
            n_files, n_bytes = n_files + f, n_bytes + b
    return n_files, n_bytes


def unpack_zip_members(root: Path, pattern: str, exts: tuple[str, ...], skipped: Counter | None = None) -> int:
    """Expand each zip matching ``pattern`` under ``root`` into ``<zip>.d/``; returns how many."""
    count = 0
    for archive in sorted(root.glob(pattern)):
        extract_zip(archive, archive.parent / (archive.name + ".d"), exts, skipped=skipped)
        archive.unlink()
        count += 1
    return count
