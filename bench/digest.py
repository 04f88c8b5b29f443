"""Throughput of the directory digests that cached rules read (codescale.artifacts.tree_digest),
against `sha256sum` over the same files: a checkpoint-like directory of a few large files and a
token-dataset-like one of many smaller files. Then the fingerprint of a local `documents` source
(codescale.sources.fetch.local_fingerprint, computed at every DAG build) cold and from its memo.

Usage: python bench/digest.py [total_mib]   (default 1024; files are written under a temp dir)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codescale.artifacts import tree_digest
from codescale.sources.fetch import local_fingerprint


def _write(root: Path, n_files: int, total_mib: int) -> None:
    root.mkdir(parents=True)
    size = total_mib * 2**20 // n_files
    for i in range(n_files):
        (root / f"part{i:04d}.bin").write_bytes(os.urandom(size))


def _best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(total_mib: int = 1024) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for label, n_files in (("4 large files", 4), ("256 small files", 256)):
            root = Path(tmp) / label.replace(" ", "_")
            _write(root, n_files, total_mib)
            files = sorted(str(p) for p in root.iterdir())
            ours = _best(lambda root=root: tree_digest(root))
            one = _best(lambda root=root: tree_digest(root, workers=1))
            ref = _best(lambda files=files: subprocess.run(["sha256sum", *files], check=True, capture_output=True))
            print(f"{label:16s} {total_mib} MiB (page cache warm, {os.cpu_count()} cores): "
                  f"tree_digest {total_mib / ours:7.0f} MiB/s, 1 worker {total_mib / one:7.0f} MiB/s, "
                  f"sha256sum {total_mib / ref:7.0f} MiB/s")
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        docs = Path(tmp) / "256_small_files"
        for p in docs.iterdir():
            p.rename(p.with_suffix(".parquet"))
        spec = {"kind": "documents", "langs": ["python"], "path": str(docs)}
        start = time.perf_counter()
        local_fingerprint(spec)
        cold = time.perf_counter() - start
        warm = _best(lambda: local_fingerprint(spec))
        print(f"local_fingerprint of a {total_mib} MiB documents source: cold {cold * 1000:.0f} ms, "
              f"from the memo {warm * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
