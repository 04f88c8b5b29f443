"""Content hashes of the package's own code, passed to rules as params.

Snakemake sees a rule's script but not the modules the script imports. Each rule passes the hash of
the subpackages it uses, so editing ``src/codescale/curate/`` reruns curation and what follows,
and nothing upstream.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def code_hash(*parts: str) -> str:
    """sha256 (first 16 hex digits) over the ``.py`` files of the named subpackages or modules
    (``"curate"``, ``"artifacts.py"``), in a stable order."""
    digest = hashlib.sha256()
    for part in sorted(set(parts)):
        target = PACKAGE_ROOT / part
        if target.is_dir():
            files = sorted(target.rglob("*.py"))
        elif target.is_file():
            files = [target]
        else:
            raise FileNotFoundError(f"{target}: not a codescale subpackage or module")
        for f in files:
            digest.update(f.relative_to(PACKAGE_ROOT).as_posix().encode())
            digest.update(b"\0")
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]
