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

Sampling is deterministic and needs no reads: files are ranked by a hash of ``repo/path`` and
taken in that order until the language's byte cap is reached, which gives a uniform random sample
of files that is stable when the corpus grows.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, read_json, write_json
from codescale.corpus.document_files import read_records
from codescale.corpus.documents import SCHEMA, doc_id, shard_names, shard_of
from codescale.corpus.encoding import decode
from codescale.corpus.ledger import Ledger, check_balance, top_reasons
from codescale.languages import detect_language
from codescale.progress import track

__all__ = ["CorpusError", "EmptySourceWarning", "build_source_corpus", "decode"]


class CorpusError(RuntimeError):
    """A source could not be turned into documents."""


class EmptySourceWarning(UserWarning):
    """A source, or one of its languages, yielded no documents."""


def _rank(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


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
                        max_file_bytes: int, on_bad_record: str = "error") -> dict:
    """Write the documents of ``source`` as ``n_shards`` Parquet shards under ``out_dir``.

    ``byte_caps`` is this source's share of each language's cap.
    """
    fetched_dir = Path(fetched_dir)
    manifest = read_json(fetched_dir / "fetched.json")
    wanted = set(langs) & set(manifest["langs"])
    counts = _Counts(wanted)
    rows: dict[int, list[dict]] = defaultdict(list)

    def add(lang: str, repo: str, path: str, content: str) -> None:
        did = doc_id(content)
        nbytes = len(content.encode("utf-8"))
        rows[shard_of(did, n_shards)].append(
            {"doc_id": did, "source": source, "repo": repo, "path": path, "lang": lang,
             "content": content, "bytes": nbytes})
        counts.take(lang, nbytes)

    if manifest["kind"] == "documents":
        unit = "records"
        records = read_records(manifest["details"]["path"], on_bad_record=on_bad_record, ledger=counts.ledger)
        counts.see(None, counts.ledger.documents["bad_record"])  # counted while reading
        records.sort(key=lambda r: _rank(f"{r.get('repo') or r.get('repo_name')}/{r['path']}"))
        for rec in track(records, f"corpus {source}", unit="doc"):
            lang = detect_language(rec["path"])
            repo = str(rec.get("repo") or rec.get("repo_name") or "unknown")
            where = f"{repo}/{rec['path']}"
            content = rec["content"]
            counts.see(lang)
            try:
                nbytes = len(content.encode("utf-8"))
            except UnicodeEncodeError as err:  # a lone surrogate, from a JSON escape
                counts.drop(lang, "not_utf8", where, detail=f"{err.reason} at character {err.start}")
                continue
            if lang not in wanted:
                counts.drop(lang, "other_language", where, nbytes)
            elif counts.bytes[lang] >= byte_caps[lang]:
                counts.drop(lang, "byte_cap", where, nbytes)
            elif not content.strip():
                counts.drop(lang, "empty", where, nbytes)
            elif nbytes > max_file_bytes:
                counts.drop(lang, "too_large", where, nbytes, f"{nbytes} bytes")
            else:
                add(lang, repo, rec["path"], content)
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
            add(lang, repo, path, decoded.text)

    result = _counts_json(source, unit, counts, byte_caps)
    for message in result["warnings"]:
        warnings.warn(message, EmptySourceWarning, stacklevel=2)
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for i, name in enumerate(shard_names(n_shards)):
            shard_rows = sorted(rows.get(i, []), key=lambda r: (r["lang"], r["repo"], r["path"]))
            table = pa.Table.from_pylist(shard_rows, schema=SCHEMA)
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        write_json(tmp / "counts.json", result)
    return result


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
