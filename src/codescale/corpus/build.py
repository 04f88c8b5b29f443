"""Build the corpus of one source: find code files, sample each language to a byte cap, decode,
and write ``{shard}.parquet`` files plus ``counts.json``.

Every file (or record, for a ``documents`` source) the build sees is either written as a document or
counted under a named reason with examples, in the source's ledger and in its language's:
``other_language`` (an extension that is not one of the source's configured languages),
``symlink`` (a link to a file or directory inside a repository: the target is read where it lies,
if it is in the source; a link at the top of the tree to a directory is a repository),
``hidden_directory`` (``.git``, ``.hg``, ``.github``: counted as one entry each and not walked),
``not_in_repository`` (a file at the top of the tree, outside every repository directory),
``byte_cap`` (the language's cap was reached), ``too_large`` (over ``max_file_bytes``, never read),
``binary``, ``not_utf8``, ``bad_encoding`` (a byte-order mark whose encoding the bytes do not
follow), ``empty``, and ``bad_record`` (a malformed record, under ``on_bad_record: skip``;
``codescale.corpus.document_files``).
``seen = documents + Σ dropped`` is checked, for the source and for each language, before anything is
written.

A source (or one of its languages) that yields no documents is warned about, with its dominant
reasons: other sources may still provide the language. A language that no source provides
documents for is an error at curation (``codescale.curate.filtering``), which reads every source's
``counts.json``.

Sampling is deterministic: documents are ranked by a hash of ``repo/path``, which gives a uniform
random sample of files that is stable when the corpus grows. A tree's files are known before any is
read: they are taken in rank order until the language's byte cap is reached. A ``documents`` source
is read once, streaming (``codescale.corpus.document_files``), and its memory does not grow with
its size: each language keeps a histogram of the bytes it took per rank bucket (the rank's top 16
bits), and a document is taken when its bucket is at or below the language's threshold, the lowest
bucket at which the bytes taken reach the cap (it only falls as documents arrive). Documents taken
in a bucket the threshold later fell below are removed at the end, counted under ``byte_cap``, by a
rewrite of the shards that hold them. The sample is every document below the final threshold
bucket and all of that bucket: the cap plus less than one bucket's bytes.

Shards are written as documents arrive, in row groups of about :data:`ROW_GROUP_BYTES`, so a
source of any size is never held in memory; a document's shard is fixed by its content hash.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, read_json, write_json
from codescale.corpus.document_files import Record, RecordSpec, iter_records
from codescale.corpus.documents import SCHEMA, doc_id, shard_names, shard_of
from codescale.corpus.encoding import decode
from codescale.corpus.ledger import Ledger, check_balance, top_reasons
from codescale.languages import detect_language
from codescale.progress import track
from codescale.sampling import BUCKETS, ByteCapSampler, bucket_of

__all__ = ["CorpusError", "EmptySourceWarning", "build_source_corpus", "decode"]


class CorpusError(RuntimeError):
    """A source could not be turned into documents."""


class EmptySourceWarning(UserWarning):
    """A source, or one of its languages, yielded no documents."""


ROW_GROUP_BYTES = 32 << 20  # content bytes buffered per shard before a row group is written
BUFFER_BYTES = 256 << 20  # content bytes buffered over all shards before the largest is written


def _rank(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _bucket(key: str) -> int:
    return bucket_of(int(_rank(key), 16))


class _ShardWriter:
    """The source's shards, written as documents arrive: each shard a Parquet file of row groups of
    about ``row_group_bytes`` of content; every shard exists at the end, empty or not."""

    def __init__(self, directory: Path, n_shards: int, row_group_bytes: int = ROW_GROUP_BYTES,
                 buffer_bytes: int = BUFFER_BYTES):
        self.paths = [directory / f"{name}.parquet" for name in shard_names(n_shards)]
        self.writers: list[pq.ParquetWriter | None] = [None] * n_shards
        self.rows: list[list[dict]] = [[] for _ in range(n_shards)]
        self.sizes = [0] * n_shards
        self.row_group_bytes, self.buffer_bytes = row_group_bytes, buffer_bytes

    def add(self, row: dict) -> None:
        i = shard_of(row["doc_id"], len(self.paths))
        self.rows[i].append(row)
        self.sizes[i] += row["bytes"]
        if self.sizes[i] >= self.row_group_bytes:
            self.flush(i)
        elif sum(self.sizes) >= self.buffer_bytes:
            self.flush(max(range(len(self.sizes)), key=self.sizes.__getitem__))

    def flush(self, i: int) -> None:
        if self.writers[i] is None:
            self.writers[i] = pq.ParquetWriter(self.paths[i], SCHEMA, compression="zstd")
        if self.rows[i]:
            self.writers[i].write_table(pa.Table.from_pylist(self.rows[i], schema=SCHEMA))
        self.rows[i], self.sizes[i] = [], 0

    def close(self) -> None:
        for i in range(len(self.paths)):
            self.flush(i)
            self.writers[i].close()


class _Counts:
    """The source's ledger and one per language, and what was taken."""

    def __init__(self, langs: set[str]):
        self.ledger = Ledger()
        self.by_lang = {lang: Ledger() for lang in sorted(langs)}
        self.seen: Counter = Counter()
        self.docs: Counter = Counter()
        self.bytes: Counter = Counter()

    def see(self, lang: str | None, n: int = 1) -> None:
        self.seen[None] += n
        if lang in self.by_lang:
            self.seen[lang] += n

    def drop(self, lang: str | None, reason: str, where: str, nbytes: int = 0, detail: str = "") -> None:
        self.ledger.count(reason, where, nbytes, detail)
        if lang in self.by_lang:
            self.by_lang[lang].count(reason, where, nbytes, detail)

    def take(self, lang: str, nbytes: int) -> None:
        self.docs[None] += 1
        self.docs[lang] += 1
        self.bytes[lang] += nbytes

    def untake(self, lang: str, nbytes: int) -> None:
        self.docs[None] -= 1
        self.docs[lang] -= 1
        self.bytes[lang] -= nbytes


def _walk_tree(tree: Path, wanted: set[str], counts: _Counts) -> list[tuple[str, str, str, Path, int]]:
    """(lang, repo, path, file, size) of the regular files of a wanted language under ``tree/<repo>/``;
    every other entry is counted in ``counts``."""
    if not tree.is_dir():
        raise CorpusError(f"{tree}: the source tree is missing or not a directory")

    def fail(err: OSError) -> None:
        raise CorpusError(f"{err.filename}: cannot list the directory ({err.strerror})") from err

    def skipped_directory(path: Path, where: str) -> bool:
        """Count a hidden or linked directory as one entry and do not walk it."""
        reason = "symlink" if path.is_symlink() else "hidden_directory" if path.name.startswith(".") else None
        if reason:
            counts.see(None)
            counts.drop(None, reason, f"{where}/")
        return reason is not None

    out = []
    for entry in sorted(tree.iterdir()):
        if entry.is_dir() and entry.name.startswith("."):
            skipped_directory(entry, entry.name)
            continue
        if not entry.is_dir():  # a link to a repository directory is a repository; to a file, a file
            lang = detect_language(entry.name)
            counts.see(lang)
            counts.drop(lang, "not_in_repository", entry.name, entry.lstat().st_size)
            continue
        for root, dirs, files in os.walk(entry, onerror=fail):
            here = Path(root)
            dirs[:] = [d for d in sorted(dirs)
                       if not skipped_directory(here / d, f"{entry.name}/{(here / d).relative_to(entry).as_posix()}")]
            for name in sorted(files):
                full = here / name
                where = f"{entry.name}/{full.relative_to(entry).as_posix()}"
                lang = detect_language(name)
                counts.see(lang)
                size = full.lstat().st_size
                if full.is_symlink():
                    counts.drop(lang, "symlink", where, detail=f"-> {os.readlink(full)}")
                elif lang not in wanted:
                    counts.drop(lang, "other_language", where, size)
                else:
                    out.append((lang, entry.name, full.relative_to(entry).as_posix(), full, size))
    return out


def build_source_corpus(source: str, fetched_dir: str | Path, out_dir: str | Path, *,
                        langs: list[str], byte_caps: dict[str, int], n_shards: int,
                        max_file_bytes: int, on_bad_record: str = "error", record_spec: dict | None = None) -> dict:
    """Write the documents of ``source`` as ``n_shards`` Parquet shards under ``out_dir``.

    ``byte_caps`` is this source's share of each language's cap; ``record_spec`` the source's
    ``columns``, ``lang`` and ``blobs`` (a ``documents`` source; :class:`RecordSpec`).
    """
    fetched_dir = Path(fetched_dir)
    manifest = read_json(fetched_dir / "fetched.json")
    wanted = set(langs) & set(manifest["langs"])
    counts = _Counts(wanted)
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        shards = _ShardWriter(tmp, n_shards)

        def add(lang: str, repo: str, path: str, content: str, nbytes: int) -> None:
            shards.add({"doc_id": doc_id(content), "source": source, "repo": repo, "path": path, "lang": lang,
                        "content": content, "bytes": nbytes})
            counts.take(lang, nbytes)

        if manifest["kind"] == "documents":
            unit = "records"
            spec = RecordSpec.from_source(record_spec or {})
            sampler = ByteCapSampler({lang: byte_caps[lang] for lang in wanted})
            records = iter_records(manifest["details"]["path"], spec, on_bad_record=on_bad_record,
                                   ledger=counts.ledger, max_bytes=max_file_bytes)
            for rec in track(records, f"corpus {source}", unit="doc"):
                lang = spec.lang or detect_language(rec.path)
                taken = _document(rec, lang, wanted, max_file_bytes, counts)
                if taken is not None:
                    content, nbytes = taken
                    if sampler.admit(lang, _bucket(f"{rec.repo}/{rec.path}"), nbytes):
                        add(lang, rec.repo, rec.path, content, nbytes)
                    else:
                        counts.drop(lang, "byte_cap", f"{rec.repo}/{rec.path}", nbytes)
            counts.see(None, counts.ledger.documents["bad_record"])  # counted while reading
            shards.close()
            over = {lang: sampler.top[lang] for lang in wanted if sampler.evicted(lang)}
            if over:
                _evict(shards.paths, over, counts)
        else:
            unit = "files"
            tree = Path(manifest["details"]["path"]) if manifest["kind"] == "local" else fetched_dir / "tree"
            candidates = _walk_tree(tree, wanted, counts)
            candidates.sort(key=lambda c: _rank(f"{c[1]}/{c[2]}"))
            for lang, repo, path, full, size in track(candidates, f"corpus {source}", unit="file"):
                where = f"{repo}/{path}"
                if counts.bytes[lang] >= byte_caps[lang]:
                    counts.drop(lang, "byte_cap", where, size)
                    continue
                if size > max_file_bytes:
                    counts.drop(lang, "too_large", where, size, f"{size} bytes")
                    continue
                try:
                    raw = full.read_bytes()
                except OSError as err:
                    raise CorpusError(f"{full}: unreadable ({err.strerror})") from err
                decoded = decode(raw)
                if decoded.reason:
                    counts.drop(lang, decoded.reason, where, size, decoded.detail)
                    continue
                add(lang, repo, path, decoded.text, len(decoded.text.encode("utf-8")))
            shards.close()
        result = _counts_json(source, unit, counts, byte_caps)
        for message in result["warnings"]:
            warnings.warn(message, EmptySourceWarning, stacklevel=2)
        write_json(tmp / "counts.json", result)
    return result


def _document(rec: Record, lang: str | None, wanted: set[str], max_file_bytes: int,
              counts: _Counts) -> tuple[str, int] | None:
    """A record's text and UTF-8 size, or None after counting it under its reason."""
    where = f"{rec.repo}/{rec.path}"
    counts.see(lang)
    if rec.missing:
        counts.drop(lang, "missing_blob", where, detail=rec.missing)
        return None
    content = rec.content
    size = rec.length if rec.length is not None else len(content) if isinstance(content, bytes) else None
    if lang not in wanted:
        counts.drop(lang, "other_language", where, size or 0)
        return None
    if size is not None and size > max_file_bytes:
        counts.drop(lang, "too_large", where, size, f"{size} bytes")
        return None
    if isinstance(content, bytes):
        if rec.encoding and rec.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            try:
                content = content.decode(rec.encoding)
            except LookupError:
                counts.drop(lang, "bad_encoding", where, len(content), f"unknown encoding {rec.encoding!r}")
                return None
            except UnicodeDecodeError as err:
                counts.drop(lang, "bad_encoding", where, len(content), f"{rec.encoding}: {err.reason} at byte "
                                                                      f"{err.start}")
                return None
            if "\x00" in content:
                counts.drop(lang, "binary", where, size or 0, f"NUL character at {content.index(chr(0))}")
                return None
        else:
            decoded = decode(content)
            if decoded.reason:
                counts.drop(lang, decoded.reason, where, len(content), decoded.detail)
                return None
            content = decoded.text
    try:
        nbytes = len(content.encode("utf-8"))
    except UnicodeEncodeError as err:  # a lone surrogate, from a JSON escape
        counts.drop(lang, "not_utf8", where, detail=f"{err.reason} at character {err.start}")
        return None
    if not content.strip():
        counts.drop(lang, "empty", where, nbytes)
        return None
    if nbytes > max_file_bytes:
        counts.drop(lang, "too_large", where, nbytes, f"{nbytes} bytes")
        return None
    return content, nbytes


def _evict(paths: list[Path], tops: dict[str, int], counts: _Counts) -> None:
    """Remove from the shards the documents taken in a bucket above their language's final
    threshold (``tops``), counting each under ``byte_cap``; a shard is rewritten row group by row
    group (to a temporary name, then renamed), and only if it holds such a document."""
    for path in paths:
        pf = pq.ParquetFile(path)
        keep_groups = []
        for k in range(pf.num_row_groups):
            t = pf.read_row_group(k, columns=["lang", "repo", "path"])
            keep_groups.append([tops.get(lang, BUCKETS) >= _bucket(f"{repo}/{p}") for lang, repo, p in
                                zip(*(t.column(c).to_pylist() for c in ("lang", "repo", "path")), strict=True)])
        if all(all(g) for g in keep_groups):
            continue
        tmp = path.with_suffix(".evicting")
        with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
            for k, keep in enumerate(keep_groups):
                table = pf.read_row_group(k)
                for row, kept in zip(table.to_pylist(), keep, strict=True):
                    if not kept:
                        counts.untake(row["lang"], row["bytes"])
                        counts.drop(row["lang"], "byte_cap", f"{row['repo']}/{row['path']}", row["bytes"])
                mask = pa.array(keep)
                writer.write_table(table.filter(mask))
        os.replace(tmp, path)


def _counts_json(source: str, unit: str, counts: _Counts, byte_caps: dict[str, int]) -> dict:
    """counts.json, after checking that every file seen is a document or counted under a reason."""
    langs = {}
    for lang, ledger in counts.by_lang.items():
        dropped = ledger.dropped()
        check_balance(f"corpus {source} ({lang})", {"documents": counts.seen[lang]},
                      {"documents": counts.docs[lang]}, dropped, keys=("documents",))
        langs[lang] = {"documents": counts.docs[lang], "bytes": counts.bytes[lang], "byte_cap": byte_caps[lang],
                       unit: counts.seen[lang], "dropped": {r: v["documents"] for r, v in dropped.items()}}
    dropped = counts.ledger.dropped()
    check_balance(f"corpus {source}", {"documents": counts.seen[None]}, {"documents": counts.docs[None]}, dropped,
                  keys=("documents",))
    messages = []
    if not counts.docs[None]:
        messages.append(f"source {source}: 0 documents of {counts.seen[None]} {unit} ({top_reasons(dropped)})")
    else:
        messages += [f"source {source}: 0 {lang} documents of {entry[unit]} {lang} {unit} "
                     f"({top_reasons(entry['dropped'])})" for lang, entry in langs.items() if not entry["documents"]]
    return {"source": source, "unit": unit, unit: counts.seen[None], "documents": counts.docs[None],
            "langs": langs, "dropped": dropped, "warnings": messages}
