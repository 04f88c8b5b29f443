"""Build the corpus of one source: find code files, sample each language to a byte cap, decode,
and write ``{shard}.parquet`` files plus ``counts.json`` (documents and bytes per language, and
every file that could not be used, counted under a named reason).

Sampling is deterministic and needs no reads: files are ranked by a hash of ``repo/path`` and
taken in that order until the language's byte cap is reached, which gives a uniform random sample
of files that is stable when the corpus grows.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codescale.artifacts import atomic_path, read_json, write_json
from codescale.corpus.documents import SCHEMA, doc_id, shard_names, shard_of
from codescale.corpus.languages import detect_language
from codescale.progress import track


class CorpusError(RuntimeError):
    """A source could not be turned into documents."""


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes as UTF-8 text; returns (text, None) or (None, drop reason)."""
    if b"\x00" in raw[:8192]:
        return None, "binary"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not_utf8"
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, "empty"
    return text, None


def _rank(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _tree_candidates(tree: Path, langs: set[str]) -> list[tuple[str, str, str, Path, int]]:
    """(lang, repo, path, file, size) for code files under ``tree/<repo>/``."""
    out = []
    for repo_dir in sorted(p for p in tree.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for root, dirs, files in os.walk(repo_dir):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                full = Path(root) / name
                lang = detect_language(name)
                if lang in langs and not full.is_symlink():
                    out.append((lang, repo_dir.name, full.relative_to(repo_dir).as_posix(), full,
                                full.stat().st_size))
    return out


def _read_document_files(path: Path) -> pa.Table:
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.suffix in (".parquet", ".jsonl"))
    tables = []
    for f in files:
        try:
            if f.suffix == ".parquet":
                tables.append(pq.read_table(f))
            else:
                rows = []
                with open(f, encoding="utf-8") as fh:
                    for i, line in enumerate(fh, 1):
                        if line.strip():
                            try:
                                rows.append(json.loads(line))
                            except json.JSONDecodeError as err:
                                raise CorpusError(f"{f}:{i}: malformed JSON line ({err.msg})") from err
                tables.append(pa.Table.from_pylist(rows))
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as err:
            raise CorpusError(f"{f}: unreadable document file ({err})") from err
    for f, t in zip(files, tables, strict=True):
        if "content" not in t.column_names or "path" not in t.column_names:
            raise CorpusError(f"{f}: document files need `content` and `path` columns, "
                              f"found {t.column_names}")
    return pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})


def build_source_corpus(source: str, fetched_dir: str | Path, out_dir: str | Path, *,
                        langs: list[str], byte_caps: dict[str, int], n_shards: int,
                        max_file_bytes: int) -> dict:
    """Write the documents of ``source`` as ``n_shards`` Parquet shards under ``out_dir``.

    ``byte_caps`` is this source's share of each language's cap.
    """
    fetched_dir = Path(fetched_dir)
    manifest = read_json(fetched_dir / "fetched.json")
    wanted = set(langs) & set(manifest["langs"])
    drops: Counter = Counter()
    rows: dict[int, list[dict]] = defaultdict(list)
    taken_bytes: Counter = Counter()
    taken_docs: Counter = Counter()

    def add(lang: str, repo: str, path: str, content: str) -> None:
        did = doc_id(content)
        nbytes = len(content.encode("utf-8"))
        rows[shard_of(did, n_shards)].append(
            {"doc_id": did, "source": source, "repo": repo, "path": path, "lang": lang,
             "content": content, "bytes": nbytes})
        taken_bytes[lang] += nbytes
        taken_docs[lang] += 1

    if manifest["kind"] == "documents":
        table = _read_document_files(Path(manifest["details"]["path"]))
        records = table.to_pylist()
        records.sort(key=lambda r: _rank(f"{r.get('repo') or r.get('repo_name')}/{r['path']}"))
        for rec in track(records, f"corpus {source}", unit="doc"):
            lang = detect_language(rec["path"])
            if lang not in wanted:
                drops["other_language"] += 1
                continue
            if taken_bytes[lang] >= byte_caps[lang]:
                continue
            content = rec["content"]
            if not isinstance(content, str) or not content.strip():
                drops["empty"] += 1
                continue
            if len(content) > max_file_bytes:
                drops["too_large"] += 1
                continue
            add(lang, str(rec.get("repo") or rec.get("repo_name") or "unknown"), rec["path"], content)
    else:
        tree = Path(manifest["details"]["path"]) if manifest["kind"] == "local" else fetched_dir / "tree"
        candidates = _tree_candidates(tree, wanted)
        candidates.sort(key=lambda c: _rank(f"{c[1]}/{c[2]}"))
        for lang, repo, path, full, size in track(candidates, f"corpus {source}", unit="file"):
            if taken_bytes[lang] >= byte_caps[lang]:
                continue
            if size > max_file_bytes:
                drops["too_large"] += 1
                continue
            try:
                raw = full.read_bytes()
            except OSError as err:
                raise CorpusError(f"{full}: unreadable ({err.strerror})") from err
            text, reason = decode(raw)
            if reason:
                drops[reason] += 1
                continue
            add(lang, repo, path, text)

    counts = {"source": source,
              "langs": {lang: {"documents": taken_docs[lang], "bytes": taken_bytes[lang],
                               "byte_cap": byte_caps[lang]} for lang in sorted(wanted)},
              "dropped": dict(sorted(drops.items()))}
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for i, name in enumerate(shard_names(n_shards)):
            shard_rows = sorted(rows.get(i, []), key=lambda r: (r["lang"], r["repo"], r["path"]))
            table = pa.Table.from_pylist(shard_rows, schema=SCHEMA)
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        write_json(tmp / "counts.json", counts)
    return counts
