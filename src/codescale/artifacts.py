"""Atomic writing of artifacts (write to a temporary name beside the target, then rename), and
the content digests of directory artifacts.

A failure part-way leaves no half-written file under the final name, and an existing artifact
is only replaced once the new one is complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    Works for files and directories. On error the temporary is removed and ``target`` is left as
    it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        yield tmp
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
        raise


def write_text(target: str | os.PathLike, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(target: str | os.PathLike, obj: Any) -> None:
    write_text(target, json.dumps(obj, indent=2, sort_keys=True, default=_json_default) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from err


def write_parquet(target: str | os.PathLike, table) -> None:
    """Write a pyarrow Table or pandas DataFrame as zstd Parquet, atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    with atomic_path(target, suffix=".parquet") as tmp:
        pq.write_table(table, tmp, compression="zstd")


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


# A directory artifact's digest: a small JSON file beside it (``<dir>.digest.json``) with the
# size and sha256 of every file in it, written by the job that made the directory. Cached rules
# take the digest, not the directory, as their input. Under a cluster executor each job's own
# Snakemake keys the between-workflow cache by the content of the job's inputs. A directory
# cannot be hashed that way (IsADirectoryError), and a checkpoint or a token dataset is too big
# to hash in every job that reads it. The digest is hashed once, by the job that wrote it.
DIGEST_SUFFIX = ".digest.json"
_SKIP = {".snakemake_timestamp"}  # Snakemake touches it in directory outputs after the job


def digest_path(directory: str | os.PathLike) -> Path:
    directory = Path(directory)
    return directory.with_name(directory.name + DIGEST_SUFFIX)


def _files(root: Path) -> list[Path]:
    """Every file under ``root``, through symbolic links (a directory restored from the cache
    is a directory of links into it)."""
    return sorted(Path(dirpath, name).relative_to(root)
                  for dirpath, _, names in os.walk(root, followlinks=True)
                  for name in names if name not in _SKIP)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def hash_files(paths: list[Path], workers: int | None = None) -> list[str]:
    """sha256 of each file, on a thread pool (hashlib releases the GIL): many files hash at disk
    speed rather than at one core's."""
    with ThreadPoolExecutor(max_workers=workers or min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(_sha256, paths))


def tree_digest(directory: str | os.PathLike, workers: int | None = None) -> dict:
    """Size and sha256 of every file under ``directory``, by relative path."""
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory, cannot digest it")
    files = _files(root)
    hashes = hash_files([root / f for f in files], workers)
    sizes = [(root / f).stat().st_size for f in files]
    return {"files": {str(f): {"bytes": n, "sha256": h} for f, n, h in zip(files, sizes, hashes, strict=True)},
            "total_bytes": sum(sizes)}


def write_tree_digest(directory: str | os.PathLike, target: str | os.PathLike | None = None) -> Path:
    """Write ``directory``'s digest to ``target`` (default: beside it), atomically."""
    target = Path(target) if target is not None else digest_path(directory)
    if target != digest_path(directory):
        raise ValueError(f"{target}: a digest must lie beside its directory, as {digest_path(directory)}")
    write_json(target, tree_digest(directory))
    return target


def digested_directory(digest: str | os.PathLike) -> Path:
    """The directory a digest file describes, after checking that it still holds exactly the
    listed files at the listed sizes (cheap: no rehashing)."""
    digest = Path(digest)
    if not digest.name.endswith(DIGEST_SUFFIX):
        raise ValueError(f"{digest}: not a directory digest (expected a name ending in {DIGEST_SUFFIX})")
    directory = digest.with_name(digest.name[: -len(DIGEST_SUFFIX)])
    listed = read_json(digest)["files"]
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: missing, but its digest {digest} exists")
    found = {str(f): (directory / f).stat().st_size for f in _files(directory)}
    if found != {name: entry["bytes"] for name, entry in listed.items()}:
        changed = sorted(set(found.items()) ^ {(n, e["bytes"]) for n, e in listed.items()})
        raise ValueError(f"{directory}: does not match its digest {digest} (files or sizes differ: "
                         f"{', '.join(name for name, _ in changed[:5])})")
    return directory
