"""Peak memory and throughput of the data stages against the size of a documents source, to show both
flat: a FineWeb-Edu-shaped source (Parquet, `text` and `id`, no paths) and a Stack-v2-shaped one
(Parquet rows naming gzip blobs in a content store) are generated at several sizes, and each stage
runs in its own process, timed with the kernel's accounting (``resource.getrusage`` of the child:
peak RSS, user+system CPU), exactly as the workflow runs it:

- ``build_corpus`` (``codescale.corpus.build.build_source_corpus``: streaming, byte cap by rank),
- ``train_tokenizer`` (the two-pass streamed sample of ``sample_bytes`` per language),
- ``tokenize_shard`` (one curated-shard-sized part; the corpus build's first shard stands in).

Usage:
    python bench/corpus_streaming.py --sizes-mb 250,1000,4000 [--out bench/results/corpus_streaming.json]
                                     [--keep DIR] [--shape fineweb|stack|both]

Source size is the uncompressed content; the byte cap is set above it, so every document is read,
decoded and written (the worst case for the build; a binding cap reads the same and writes less).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("the water cycle moves between sea and sky while energy from sun drives evaporation of "
         "oceans lakes rivers clouds form rain falls soil plants roots absorb minerals photosynthesis").split()
CODE = ("def {f}(x, y):\n    total = 0\n    for i in range(x):\n        total += i * y  # {w}\n"
        "    return total\n\n")


def _paragraphs(rng: random.Random, n: int = 400) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + ".\n" for _ in range(n)]


def _text(rng: random.Random, pool: list[str], nbytes: int, i: int) -> str:
    """A document of about ``nbytes``: random paragraphs of a fixed pool after a line unique to it."""
    out, n = [f"Document {i}.\n"], 0
    while n < nbytes:
        out.append(rng.choice(pool))
        n += len(out[-1])
    return "".join(out)


def make_fineweb(out: Path, total_bytes: int, seed: int = 0) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    pool = _paragraphs(rng)
    out.mkdir(parents=True, exist_ok=True)
    written, file_no, i = 0, 0, 0
    while written < total_bytes:
        rows = []
        for _ in range(2000):
            text = _text(rng, pool, rng.randint(800, 6000), i)
            rows.append({"text": text, "id": f"<urn:uuid:{i:012d}>", "url": f"https://example.org/{i}",
                         "score": round(rng.uniform(2.5, 5), 2)})
            written += len(text)
            i += 1
        pq.write_table(pa.Table.from_pylist(rows), out / f"train-{file_no:05d}.parquet", row_group_size=500,
                       compression="zstd")
        file_no += 1
    return written


def make_stack(out: Path, total_bytes: int, seed: int = 0) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    rows_dir, store = out / "rows", out / "blobs"
    rows_dir.mkdir(parents=True, exist_ok=True)
    store.mkdir(parents=True, exist_ok=True)
    written, file_no, i = 0, 0, 0
    while written < total_bytes:
        rows = []
        for _ in range(2000):
            content = "".join(CODE.format(f=f"f{i}_{k}", w=rng.choice(WORDS)) for k in range(rng.randint(4, 60)))
            raw = content.encode()
            blob = hashlib.sha1(raw).hexdigest()
            with gzip.open(store / blob, "wb", compresslevel=1) as fh:
                fh.write(raw)
            rows.append({"blob_id": blob, "path": f"src/m{i}.py", "repo_name": f"org/r{i % 997}",
                         "length_bytes": len(raw), "src_encoding": "UTF-8", "language": "Python"})
            written += len(raw)
            i += 1
        pq.write_table(pa.Table.from_pylist(rows), rows_dir / f"train-{file_no:05d}.parquet", compression="zstd")
        file_no += 1
    return written


def _child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; its own peak RSS (MiB), CPU and wall seconds (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=err, cwd=ROOT,
                                env={**os.environ, "CODESCALE_FORKSERVER": "0"})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(err.read()[-3000:])
        lines = out.read().strip().splitlines()
    return {"peak_mib": round(usage.ru_maxrss / 1024, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "wall_s": round(wall, 2), "out": lines[-1] if lines else ""}


def run_stages(shape: str, source: Path, work: Path, nbytes: int) -> list[dict]:
    fetched = work / "fetched"
    spec = ({"kind": "documents", "langs": ["text"], "path": str(source)} if shape == "fineweb" else
            {"kind": "documents", "langs": ["python"], "path": str(source / "rows")})
    record = ({"columns": {"content": "text", "path": None, "id": "id"}, "lang": "text"} if shape == "fineweb" else
              {"columns": {"repo": "repo_name", "length": "length_bytes", "encoding": "src_encoding"},
               "blobs": {"path": str(source / "blobs")}})
    lang = spec["langs"][0]
    shards = max(2, nbytes // (256 << 20))
    stages = []
    code = f"""
from codescale.sources import fetch_source
fetch_source("s", {spec!r}, {str(fetched)!r})
"""
    _child(code)
    code = f"""
import json
from codescale.corpus.build import build_source_corpus
c = build_source_corpus("s", {str(fetched)!r}, {str(work / 'corpus')!r}, langs=[{lang!r}],
                        byte_caps={{{lang!r}: 10**13}}, n_shards={shards}, max_file_bytes=10**6,
                        record_spec={record!r})
print(json.dumps({{"documents": c["documents"], "bytes": c["langs"][{lang!r}]["bytes"]}}))
"""
    stages.append({"stage": "build_corpus", **_child(code)})
    # the curated schema has `order`: a stand-in curated shard from the corpus's first shard
    code = f"""
import pyarrow as pa, pyarrow.parquet as pq
from codescale.corpus.documents import CURATED_SCHEMA
pf = pq.ParquetFile({str(work / 'corpus' / 'part000.parquet')!r})
with pq.ParquetWriter({str(work / 'curated.parquet')!r}, CURATED_SCHEMA, compression="zstd") as w:
    n = 0
    for k in range(pf.num_row_groups):
        t = pf.read_row_group(k)
        w.write_table(t.append_column("order", pa.array(range(n, n + len(t)), pa.int64())).cast(CURATED_SCHEMA))
        n += len(t)
"""
    _child(code)
    shard_paths = [str(work / "curated.parquet")]
    code = f"""
from codescale.tokens.tokenizer import train_tokenizer
train_tokenizer({{{lang!r}: {shard_paths!r}}}, {str(work / 'tokenizer.json')!r}, vocab_size=8192,
                sample_bytes_per_language=50_000_000, seed=0)
print("ok")
"""
    stages.append({"stage": "train_tokenizer (50 MB sample)", **_child(code)})
    code = f"""
import json
from codescale.tokens.shards import tokenize_dataset
c = tokenize_dataset({shard_paths!r}, {str(work / 'tokenizer.json')!r}, {str(work / 'part')!r},
                     valid_fraction=0.01, require=())
print(json.dumps(c))
"""
    stages.append({"stage": "tokenize_shard (one shard)", **_child(code)})
    shard_mb = (work / "curated.parquet").stat().st_size / 2**20
    for s in stages:
        s["source_mb"] = round(nbytes / 2**20)
        s["shards"] = shards
        if s["stage"] == "build_corpus":  # per CPU second: the machines are shared, wall time is noise
            s["mb_per_cpu_s"] = round(nbytes / 2**20 / s["cpu_s"], 1)
        s["curated_shard_mb_on_disk"] = round(shard_mb, 1)
    return stages


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes-mb", default="250,1000")
    p.add_argument("--shape", choices=("fineweb", "stack", "both"), default="both")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "corpus_streaming.json")
    p.add_argument("--keep", type=Path)
    args = p.parse_args()
    shapes = ("fineweb", "stack") if args.shape == "both" else (args.shape,)
    rows = []
    base = args.keep or Path(tempfile.mkdtemp(prefix="codescale-streaming-"))
    try:
        for shape in shapes:
            for mb in (int(x) for x in args.sizes_mb.split(",")):
                d = base / f"{shape}-{mb}"
                shutil.rmtree(d, ignore_errors=True)
                t = time.perf_counter()
                nbytes = (make_fineweb if shape == "fineweb" else make_stack)(d / "source", mb << 20)
                print(f"{shape} {mb} MB generated in {time.perf_counter() - t:.0f} s", file=sys.stderr)
                for row in run_stages(shape, d / "source", d / "work", nbytes):
                    row["shape"] = shape
                    rows.append(row)
                    print(json.dumps(row), file=sys.stderr)
                shutil.rmtree(d / "work", ignore_errors=True)
                if not args.keep:
                    shutil.rmtree(d, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1) + "\n")
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
