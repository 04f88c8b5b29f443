"""Reading a ``documents`` source: Stack-v2-style Parquet or JSON-lines files whose records have
``content`` and ``path`` (and optionally ``repo`` or ``repo_name``). The files are those the fetch
listed (``codescale.sources.fetch``): ``.parquet``, JSON lines as ``.jsonl`` or ``.json``, gzipped
JSON lines (``.jsonl.gz``, ``.json.gz``), outside hidden directories; another ``.gz`` is an error.

A malformed record — a JSONL line that is not UTF-8, not JSON or not an object, a record whose
``path`` or ``content`` is missing or not a string, a Parquet row group that cannot be decoded, a
Parquet file whose footer cannot be read (truncated, not Parquet) — is an error naming the file and
the line (or row group) under ``on_bad_record: error`` (the default). Under ``skip`` it is counted
under ``bad_record`` with examples and reading goes on, so one bad line cannot block a terabyte. A
row group that cannot be decoded counts as its rows (known from the footer); a file without a
readable footer counts as one record, since its rows cannot be known. A Parquet file without
``content`` and ``path`` columns is always an error: that is the wrong file, not a bad record.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.corpus.ledger import Ledger

ON_BAD_RECORD = ("error", "skip")
COLUMNS = ("content", "path", "repo", "repo_name")
SUFFIXES = (".parquet", ".jsonl", ".json", ".gz")  # as the fetch lists them
JSON_LINES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")


class DocumentFileError(RuntimeError):
    """A document file of a ``documents`` source is malformed or unreadable."""


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


def _problem(record) -> str | None:
    if not isinstance(record, dict):
        return f"not a JSON object ({type(record).__name__})"
    for key in ("path", "content"):
        if not isinstance(record.get(key), str):
            return f"`{key}` is {'missing' if record.get(key) is None else type(record[key]).__name__}, not a string"
    return None


class _Reader:
    def __init__(self, on_bad_record: str, ledger: Ledger):
        if on_bad_record not in ON_BAD_RECORD:
            raise ValueError(f"on_bad_record must be one of {ON_BAD_RECORD}, not {on_bad_record!r}")
        self.skip = on_bad_record == "skip"
        self.ledger = ledger

    def bad(self, where: str, problem: str, n: int = 1, err: Exception | None = None) -> None:
        if not self.skip:
            raise DocumentFileError(f"{where}: {problem} (set corpus.on_bad_record: skip to count such "
                                    f"records under bad_record and go on)") from err
        self.ledger.count("bad_record", where, detail=problem, n=n)

    def jsonl(self, f: Path) -> Iterator[dict]:
        i = 0
        try:
            with (gzip.open(f, "rb") if f.suffix == ".gz" else open(f, "rb")) as fh:
                for i, raw in enumerate(fh, 1):
                    if not raw.strip():
                        continue  # a blank line is no record
                    try:
                        record = json.loads(raw.decode("utf-8"))
                    except UnicodeDecodeError as err:
                        self.bad(f"{f}:{i}", f"not UTF-8 ({err.reason} at byte {err.start})", err=err)
                        continue
                    except json.JSONDecodeError as err:
                        self.bad(f"{f}:{i}", f"malformed JSON line ({err.msg})", err=err)
                        continue
                    if (problem := _problem(record)) is not None:
                        self.bad(f"{f}:{i}", problem)
                        continue
                    yield record
        except (OSError, EOFError) as err:  # unreadable, or a gzip stream cut short or corrupt
            if i == 0 and not isinstance(err, (EOFError, gzip.BadGzipFile)):
                raise DocumentFileError(f"{f}: unreadable document file ({err.strerror or err})") from err
            self.bad(f"{f}:{i + 1}", f"unreadable from this line on, rows unknown ({err})", err=err)

    def parquet(self, f: Path) -> Iterator[dict]:
        try:
            pf = pq.ParquetFile(f)
        except (pa.ArrowException, OSError) as err:
            self.bad(str(f), f"unreadable Parquet file, rows unknown ({err})", err=err)
            return
        names = pf.schema_arrow.names
        if "content" not in names or "path" not in names:
            raise DocumentFileError(f"{f}: document files need `content` and `path` columns, found {names}")
        columns = [c for c in COLUMNS if c in names]
        for k in range(pf.num_row_groups):
            try:
                rows = pf.read_row_group(k, columns=columns).to_pylist()
            except (pa.ArrowException, OSError) as err:
                n = pf.metadata.row_group(k).num_rows
                self.bad(f"{f} row group {k}", f"unreadable ({n} rows: {err})", n=n, err=err)
                continue
            for j, record in enumerate(rows):
                if (problem := _problem(record)) is not None:
                    self.bad(f"{f} row group {k} row {j}", problem)
                    continue
                yield record


def read_records(path: str | Path, *, on_bad_record: str = "error", ledger: Ledger) -> list[dict]:
    """Every well-formed record of the source's files, in file order; bad ones raise or are counted in
    ``ledger`` under ``bad_record`` (see the module docstring)."""
    reader = _Reader(on_bad_record, ledger)
    records: list[dict] = []
    for f in document_files(Path(path)):
        records.extend(reader.parquet(f) if f.suffix == ".parquet" else reader.jsonl(f))
    return records
