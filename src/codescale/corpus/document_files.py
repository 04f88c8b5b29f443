"""Reading a ``documents`` source, streaming: Parquet or JSON-lines files of records, one record at a
time, whatever the source's size. The files are those the fetch listed (``codescale.sources.fetch``):
``.parquet``, JSON lines as ``.jsonl`` or ``.json``, gzipped JSON lines (``.jsonl.gz``, ``.json.gz``),
outside hidden directories, in sorted order (any mix of the two formats); another ``.gz`` is an error.
Parquet is read by row group, in batches of at most :data:`BATCH_ROWS` rows of only the mapped
columns, so memory holds one batch, not a file.

**Columns** (:class:`RecordSpec`, config ``sources.<name>.columns``). ``content`` names the text
column (FineWeb-Edu and SlimPajama: ``text``), ``path`` the file path the language is detected
from, ``repo`` the repository (default: ``repo``, else ``repo_name``), ``id`` a stable record id,
``length`` the content's size in bytes when the source states it (The Stack v2: ``length_bytes``),
``encoding`` the content's character encoding (The Stack v2: ``src_encoding``). A source without
paths (``path: null``, natural language) gives every record the language ``lang`` and a synthetic
path: ``<id>`` from the ``id`` column, else ``<file>#<row>`` (the record's file, relative to the
source, and its row), stable as long as the file is.

**Blobs.** A Stack-v2-style source has no content column: its rows name a blob (``blob_id``) whose
bytes lie in a content store (a local directory, or a mounted object store) as
``<store>/<name>``, ``name`` a template over the row (``{blob_id}``; ``{blob_id}.gz``), compressed
as the Stack ships them (``gzip``, or ``zstd``, or ``none``). The record then carries the raw bytes
(decoded by the corpus build as a file is) or, for a blob missing from the store, ``missing``: the
build counts it under ``missing_blob``. With ``length`` mapped, a blob over the size limit is never
read.

A malformed record — a JSONL line that is not UTF-8, not JSON or not an object, a record whose
path or content is missing or not a string, a Parquet row group that cannot be decoded, a Parquet
file whose footer cannot be read (truncated, not Parquet) — is an error naming the file and the
line (or row group) under ``on_bad_record: error`` (the default). Under ``skip`` it is counted
under ``bad_record`` with examples and reading goes on, so one bad line cannot block a terabyte. A
row group that cannot be decoded counts as its rows (known from the footer); a file without a
readable footer counts as one record, since its rows cannot be known. A Parquet file without the
mapped columns is always an error: that is the wrong file (or the wrong mapping), not a bad record.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.corpus.ledger import Ledger

ON_BAD_RECORD = ("error", "skip")
SUFFIXES = (".parquet", ".jsonl", ".json", ".gz")  # as the fetch lists them
JSON_LINES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")
BATCH_ROWS = 1024  # Parquet rows decoded at a time
COMPRESSIONS = ("gzip", "zstd", "none")


class DocumentFileError(RuntimeError):
    """A document file of a ``documents`` source is malformed or unreadable."""


@dataclass(frozen=True)
class BlobStore:
    """Where a Stack-v2-style source's contents lie: ``<path>/<name formatted with the row>``."""

    path: Path
    column: str = "blob_id"
    name: str = "{blob_id}"
    compression: str = "gzip"

    def __post_init__(self):
        if self.compression not in COMPRESSIONS:
            raise ValueError(f"blobs.compression must be one of {COMPRESSIONS}, not {self.compression!r}")

    def read(self, row: dict, limit: int) -> bytes | None:
        """The blob's bytes, at most ``limit + 1`` of them (enough to tell it is too large), or None when
        the store does not have it."""
        try:
            name = self.name.format(**row)
        except KeyError as err:
            raise DocumentFileError(f"blobs.name {self.name!r} names column {err}, which the rows lack") from None
        path = self.path / name
        try:
            if self.compression == "gzip":
                with gzip.open(path, "rb") as fh:
                    return fh.read(limit + 1)
            if self.compression == "zstd":
                if not path.exists():
                    return None
                with pa.CompressedInputStream(pa.OSFile(str(path)), "zstd") as fh:
                    return fh.read(limit + 1)
            with open(path, "rb") as fh:
                return fh.read(limit + 1)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, pa.ArrowException) as err:  # a corrupt or truncated blob
            raise _BadBlob(f"{path}: unreadable blob ({err})") from err


class _BadBlob(Exception):
    pass


@dataclass(frozen=True)
class RecordSpec:
    """How a source's records map to documents (see the module docstring)."""

    content: str = "content"
    path: str | None = "path"
    repo: tuple[str, ...] = ("repo", "repo_name")
    id: str | None = None
    length: str | None = None
    encoding: str | None = None
    lang: str | None = None
    blobs: BlobStore | None = None

    @classmethod
    def from_source(cls, spec: dict) -> RecordSpec:
        """From a source's config (``columns``, ``lang``, ``blobs``), with the defaults above."""
        cols = spec.get("columns") or {}
        repo = cols.get("repo")
        blobs = spec.get("blobs")
        out = cls(content=cols.get("content", "content"), path=cols.get("path", "path"),
                  repo=(repo,) if repo else ("repo", "repo_name"), id=cols.get("id"), length=cols.get("length"),
                  encoding=cols.get("encoding"), lang=spec.get("lang"),
                  blobs=BlobStore(Path(blobs["path"]).expanduser(), blobs.get("column", "blob_id"),
                                  blobs.get("name", "{blob_id}"), blobs.get("compression", "gzip"))
                  if blobs else None)
        if out.path is None and out.lang is None:
            raise ValueError("a documents source without a path column needs `lang` (every record's language)")
        return out

    def columns(self) -> list[str]:
        """The columns read: the mapped ones (blob name fields included)."""
        names = [self.path, self.id, self.length, self.encoding, *self.repo]
        if self.blobs:
            names.append(self.blobs.column)
        else:
            names.append(self.content)
        return [n for n in dict.fromkeys(names) if n]


@dataclass
class Record:
    """One record: where it is, its path and repository, and its content — text, raw bytes (a
    blob, or a record with a stated encoding), or None with ``missing`` saying why."""

    where: str
    path: str
    repo: str
    content: str | bytes | None
    length: int | None = None
    encoding: str | None = None
    missing: str = ""


def document_files(path: Path) -> list[Path]:
    """The Parquet and JSONL files of a source path (a file, or a directory searched recursively)."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
    else:
        raise DocumentFileError(f"{path}: the documents source path does not exist")
    for f in files:
        if f.suffix != ".parquet" and not f.name.endswith(JSON_LINES):
            raise DocumentFileError(f"{f}: not a document file (expected .parquet, .jsonl, .json, .jsonl.gz "
                                    f"or .json.gz)")
    return files


class _Reader:
    def __init__(self, root: Path, spec: RecordSpec, on_bad_record: str, ledger: Ledger, limit: int):
        if on_bad_record not in ON_BAD_RECORD:
            raise ValueError(f"on_bad_record must be one of {ON_BAD_RECORD}, not {on_bad_record!r}")
        self.root = root
        self.spec = spec
        self.skip = on_bad_record == "skip"
        self.ledger = ledger
        self.limit = limit

    def bad(self, where: str, problem: str, n: int = 1, err: Exception | None = None) -> None:
        if not self.skip:
            raise DocumentFileError(f"{where}: {problem} (set corpus.on_bad_record: skip to count such "
                                    f"records under bad_record and go on)") from err
        self.ledger.count("bad_record", where, detail=problem, n=n)

    def _problem(self, row) -> str | None:
        if not isinstance(row, dict):
            return f"not a JSON object ({type(row).__name__})"
        s = self.spec
        keys = [k for k in (s.path, None if s.blobs else s.content) if k]
        for key in keys:
            if not isinstance(row.get(key), str):
                return f"`{key}` is {'missing' if row.get(key) is None else type(row[key]).__name__}, not a string"
        if s.blobs and not isinstance(row.get(s.blobs.column), str):
            return f"`{s.blobs.column}` (the blob id) is missing or not a string"
        return None

    def record(self, row: dict, where: str, file: Path, index: int) -> Record | None:
        s = self.spec
        if s.path:
            path = row[s.path]
        elif s.id and row.get(s.id) is not None:
            path = str(row[s.id])
        else:
            path = f"{file.relative_to(self.root) if file != self.root else file.name}#{index}"
        repo = next((str(row[k]) for k in s.repo if row.get(k)), "unknown")
        length = row.get(s.length) if s.length else None
        encoding = row.get(s.encoding) if s.encoding else None
        if not s.blobs:
            return Record(where, path, repo, row[s.content], length, encoding)
        if length is not None and length > self.limit:
            return Record(where, path, repo, b"", length, encoding)  # too large: never read
        try:
            raw = s.blobs.read(row, self.limit)
        except _BadBlob as err:
            self.bad(where, str(err))  # counted under bad_record (skip), or raised
            return None
        if raw is None:
            return Record(where, path, repo, None, length, encoding,
                          missing=f"blob {row[s.blobs.column]} not in {s.blobs.path}")
        return Record(where, path, repo, raw, length, encoding)

    def jsonl(self, f: Path) -> Iterator[Record]:
        i = 0
        try:
            with (gzip.open(f, "rb") if f.suffix == ".gz" else open(f, "rb")) as fh:
                for i, raw in enumerate(fh, 1):
                    if not raw.strip():
                        continue  # a blank line is no record
                    try:
                        row = json.loads(raw.decode("utf-8"))
                    except UnicodeDecodeError as err:
                        self.bad(f"{f}:{i}", f"not UTF-8 ({err.reason} at byte {err.start})", err=err)
                        continue
                    except json.JSONDecodeError as err:
                        self.bad(f"{f}:{i}", f"malformed JSON line ({err.msg})", err=err)
                        continue
                    if (problem := self._problem(row)) is not None:
                        self.bad(f"{f}:{i}", problem)
                        continue
                    if (record := self.record(row, f"{f}:{i}", f, i)) is not None:
                        yield record
        except (OSError, EOFError) as err:  # unreadable, or a gzip stream cut short or corrupt
            if i == 0 and not isinstance(err, (EOFError, gzip.BadGzipFile)):
                raise DocumentFileError(f"{f}: unreadable document file ({err.strerror or err})") from err
            self.bad(f"{f}:{i + 1}", f"unreadable from this line on, rows unknown ({err})", err=err)

    def parquet(self, f: Path) -> Iterator[Record]:
        try:
            pf = pq.ParquetFile(f)
        except (pa.ArrowException, OSError) as err:
            self.bad(str(f), f"unreadable Parquet file, rows unknown ({err})", err=err)
            return
        names = pf.schema_arrow.names
        wanted = self.spec.columns()
        required = [c for c in wanted if c not in self.spec.repo and c not in (self.spec.id, self.spec.length,
                                                                              self.spec.encoding)]
        if missing := [c for c in required if c not in names]:
            need = " and ".join(f"`{c}`" for c in missing)
            raise DocumentFileError(f"{f}: document files need {need} column{'s' if len(missing) > 1 else ''}, "
                                    f"found {names} (sources.<name>.columns maps other names)")
        columns = [c for c in wanted if c in names]
        row = 0
        for k in range(pf.num_row_groups):
            n = pf.metadata.row_group(k).num_rows
            start = row
            row += n
            j = 0
            try:
                batches = pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[k], columns=columns)
                for batch in batches:
                    for record in batch.to_pylist():
                        where = f"{f} row group {k} row {j}"
                        if (problem := self._problem(record)) is not None:
                            self.bad(where, problem)
                        elif (out := self.record(record, where, f, start + j)) is not None:
                            yield out
                        j += 1
            except (pa.ArrowException, OSError) as err:
                self.bad(f"{f} row group {k}", f"unreadable ({n - j} rows: {err})", n=n - j, err=err)


def iter_records(path: str | Path, spec: RecordSpec | None = None, *, on_bad_record: str = "error",
                 ledger: Ledger, max_bytes: int = 1 << 62) -> Iterator[Record]:
    """Every well-formed record of the source's files, in file order, one at a time; bad ones raise
    or are counted in ``ledger`` under ``bad_record`` (see the module docstring). A blob is read up
    to ``max_bytes + 1`` bytes."""
    root = Path(path)
    reader = _Reader(root, spec or RecordSpec(), on_bad_record, ledger, max_bytes)
    for f in document_files(root):
        yield from (reader.parquet(f) if f.suffix == ".parquet" else reader.jsonl(f))
