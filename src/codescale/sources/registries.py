"""npm and PyPI packages as corpus sources, through the registries' own clients.

``npm pack`` and ``pip download`` use whatever registry this machine's npm and pip are configured
for; no host name appears here.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from codescale.sources.archives import extract_tar, extract_zip
from codescale.sources.clients import ClientError, run_client


class RegistryError(ClientError):
    """A registry client could not provide a package."""


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    try:
        run_client(cmd, cwd, what, timeout=600)
    except ClientError as err:
        raise RegistryError(str(err)) from err


def npm_pack(packages: list[str], downloads: Path, tree: Path, exts: tuple[str, ...],
             skipped: Counter | None = None) -> dict:
    """``npm pack`` each package (``name`` or ``name@version``); one repository per package."""
    downloads.mkdir(parents=True, exist_ok=True)
    fetched = {}
    for i, spec in enumerate(packages, 1):
        print(f"npm pack {spec} ({i}/{len(packages)})", file=sys.stderr, flush=True)
        before = set(downloads.glob("*.tgz"))
        _run(["npm", "pack", "--silent", "--pack-destination", str(downloads), spec], downloads,
             f"npm pack {spec}")
        new = sorted(set(downloads.glob("*.tgz")) - before)
        if not new:
            raise RegistryError(f"npm pack {spec}: no tarball was written")
        name = spec.rsplit("@", 1)[0] if spec.count("@") > (1 if spec.startswith("@") else 0) else spec
        repo = name.replace("/", "__").lstrip("@")
        files, nbytes = extract_tar(new[0], tree, exts, prefix=repo, strip=1, skipped=skipped)  # strip "package/"
        fetched[spec] = {"archive": new[0].name, "files": files, "bytes": nbytes}
    return fetched


def pip_download(packages: list[str], downloads: Path, tree: Path, exts: tuple[str, ...],
                 skipped: Counter | None = None) -> dict:
    """``pip download`` pure-Python wheels (no dependencies); one repository per package."""
    downloads.mkdir(parents=True, exist_ok=True)
    fetched = {}
    for i, spec in enumerate(packages, 1):
        print(f"pip download {spec} ({i}/{len(packages)})", file=sys.stderr, flush=True)
        before = set(downloads.glob("*.whl"))
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
              "--disable-pip-version-check", "-d", str(downloads), spec], downloads,
             f"pip download {spec}")
        new = sorted(set(downloads.glob("*.whl")) - before)
        if not new:  # already present from an earlier spec: find it by name
            stem = spec.split("==")[0].replace("-", "_").lower()
            new = sorted(p for p in downloads.glob("*.whl") if p.name.lower().startswith(stem + "-"))
        if not new:
            raise RegistryError(f"pip download {spec}: no wheel was written")
        repo = spec.split("==")[0].split(">")[0].split("<")[0].strip()
        files, nbytes = extract_zip(new[0], tree, exts, prefix=repo, skipped=skipped)
        fetched[spec] = {"archive": new[0].name, "files": files, "bytes": nbytes}
    return fetched
