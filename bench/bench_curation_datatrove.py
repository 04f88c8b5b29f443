"""The datatrove side of bench/bench_curation.py. Runs inside .venv-bench-datatrove (datatrove==0.10.1),
never imports codescale: the thresholds and regular expressions come from the main script in the JSON
config, so both sides apply the same rules.

Usage (normally started by bench_curation.py): python bench_curation_datatrove.py CONFIG.json RESULT.json

The chain is built from datatrove's own blocks, as a datatrove user would write it:
ParquetReader -> filters -> ParquetWriter, then exact dedup (ExactDedupSignature, ExactFindDedups,
ExactDedupFilter) and MinHash dedup (MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster,
MinhashDedupFilter), each stage a LocalPipelineExecutor run reading the previous stage's output.
The mapping to codescale's filters is the table in bench_curation.py's docstring.
"""

from __future__ import annotations

import ast
import cProfile
import io
import json
import pstats
import re
import resource
import sys
import time
import warnings
import zlib
from pathlib import Path

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.dedup.exact_dedup import (
    ExactDedupConfig,
    ExactDedupFilter,
    ExactDedupSignature,
    ExactFindDedups,
)
from datatrove.pipeline.filters import GopherRepetitionFilter, LambdaFilter, RegexFilter
from datatrove.pipeline.readers import ParquetReader
from datatrove.pipeline.writers import ParquetWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.logging import logger
from datatrove.utils.word_tokenizers import WordTokenizer

# -- filters -------------------------------------------------------------------------------------------------


class Check(LambdaFilter):
    """A LambdaFilter with its own name, so datatrove's stats count the drops of each check."""

    def __init__(self, name: str, fn):
        self.name = name  # read by PipelineStep.__init__ for the stats' label
        super().__init__(fn)


class CodeWordTokenizer(WordTokenizer):
    """Whitespace words. datatrove's default ("eng") is NLTK's Punkt tokenizer, which needs model data
    from the NLTK downloader (not a PyPI package) and splits prose, not code. simplify_text has already
    lower-cased the text, replaced punctuation with spaces and collapsed whitespace."""

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()

    def sent_tokenize(self, text: str) -> list[str]:
        return text.splitlines()

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        raise NotImplementedError


def build_filters(cfg: dict, with_syntax: bool) -> list:
    t, p = cfg["thresholds"], cfg["patterns"]
    rx = {name: re.compile(pattern, flags) for name, (pattern, flags) in p.items()}
    optimized = cfg.get("optimized_lambdas", False)

    def size(doc: Document) -> bool:
        return t["min_bytes"] <= doc.metadata["bytes"] <= t["max_bytes"]

    def line_length(doc: Document) -> bool:
        lengths = [len(line) for line in doc.text.splitlines()] or [0]
        return max(lengths) <= t["max_line_length"] and sum(lengths) / len(lengths) <= t["max_mean_line_length"]

    not_alnum_ascii = bytes(i for i in range(128) if not chr(i).isalnum())

    def alphanumeric(doc: Document) -> bool:
        text = doc.text
        if optimized and text.isascii():
            alnum = len(text.encode("ascii").translate(None, not_alnum_ascii))
        else:
            alnum = sum(ch.isalnum() for ch in text)
        return alnum / len(text) >= t["min_alphanumeric_fraction"]

    def encoded_data(doc: Document) -> bool:
        text = doc.text
        if optimized and not any(len(w) >= 64 for w in text.split()) and \
                sum(text.count(m) for m in ("0x", "\\x", "\\u")) < 8:
            return True
        runs = [m.group(0) for m in rx["base64"].finditer(text) if any(c.isdigit() for c in m.group(0))]
        runs += [m.group(0) for r in (rx["hex"], rx["escapes"]) for m in r.finditer(text) if len(m.group(0)) >= 32]
        if any(len(run) > t["max_encoded_match"] for run in runs):
            return False
        return sum(map(len, runs)) / len(text) <= t["max_encoded_fraction"]

    def numeric_data(doc: Document) -> bool:
        lines = [ln for ln in doc.text.splitlines() if ln.strip()]
        if len(lines) < 10:
            return True
        numeric = sum(1 for ln in lines if "," in ln and rx["numeric_line"].match(ln))
        return numeric / len(lines) <= t["max_numeric_line_fraction"]

    def string_data(doc: Document) -> bool:
        text = doc.text
        if len(text) < 200:
            return True
        python = doc.metadata["lang"] == "python"
        inside = sum(len(m.group(0)) for m in rx["string"].finditer(text)
                     if not (python and m.group(0)[:3] in ('"""', "'''")))
        return inside / len(text) <= t["max_string_fraction"]

    skip = tuple(cfg["repetition_skip_prefixes"])

    def repetition(doc: Document) -> bool:
        lines = [ln.strip() for ln in doc.text.splitlines()]
        lines = [ln for ln in lines if len(ln) >= 10 and not ln.startswith(skip)]
        return len(lines) < 10 or (len(lines) - len(set(lines))) / len(lines) <= t["max_duplicate_line_fraction"]

    def compression(doc: Document) -> bool:
        raw = doc.text.encode("utf-8")
        return len(raw) < 1000 or len(zlib.compress(raw, 1)) / len(raw) >= t["min_compression_ratio"]

    def branch_chain(doc: Document) -> bool:
        lines = [ln for ln in doc.text.splitlines() if ln.strip()]
        if len(lines) <= t["max_branch_lines"]:
            return True
        arm = rx["rust_arm"] if doc.metadata["lang"] == "rust" else rx["branch"]
        branches = sum(1 for ln in lines if rx["branch"].match(ln) or arm.match(ln))
        return not (branches > t["max_branch_lines"] and branches / len(lines) > cfg["branch_share"])

    parsers: dict = {}

    def parser(lang: str, tsx: bool):
        key = (lang, tsx)
        if key not in parsers:
            import tree_sitter_c_sharp
            import tree_sitter_go
            import tree_sitter_java
            import tree_sitter_javascript
            import tree_sitter_rust
            import tree_sitter_typescript
            from tree_sitter import Language, Parser

            grammar = {"java": tree_sitter_java.language, "javascript": tree_sitter_javascript.language,
                       "csharp": tree_sitter_c_sharp.language, "go": tree_sitter_go.language,
                       "rust": tree_sitter_rust.language,
                       "typescript": (tree_sitter_typescript.language_tsx if tsx
                                      else tree_sitter_typescript.language_typescript)}[lang]
            parsers[key] = Parser(Language(grammar()))
        return parsers[key]

    def syntax(doc: Document) -> bool:
        lang = doc.metadata["lang"]
        if lang == "python":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    ast.parse(doc.text)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return False
            return True
        # codescale's threshold max_syntax_error_share = 0 means "no ERROR/MISSING node": has_error.
        tree = parser(lang, doc.metadata["path"].endswith(".tsx")).parse(doc.text.encode("utf-8"))
        return not tree.root_node.has_error

    # RegexFilter drops a document when the expression matches: the generator marker within the first
    # HEAD_LINES lines, like codescale's autogenerated_filter.
    head = rf"(?:[^\n]*\n){{0,{cfg['head_lines'] - 1}}}[^\n]*?"
    autogenerated = RegexFilter(rf"(?i)\A{head}(?:{p['generated'][0]})")
    autogenerated.name = "autogenerated (RegexFilter)"
    autogenerated.stats.name = str(autogenerated)

    if cfg.get("gopher_repetition"):
        rep = GopherRepetitionFilter(dup_line_frac=t["max_duplicate_line_fraction"], dup_para_frac=None,
                                     dup_line_char_frac=None, dup_para_char_frac=None, top_n_grams=(),
                                     dup_n_grams=(), language=CodeWordTokenizer())
    else:
        rep = Check("repetitive", repetition)
    chain = [Check("size", size), Check("line_length", line_length), Check("alphanumeric", alphanumeric),
             autogenerated, Check("encoded_data", encoded_data), Check("numeric_data", numeric_data),
             Check("string_data", string_data), rep, Check("low_compression", compression),
             Check("branch_chain", branch_chain)]
    if with_syntax:
        chain.append(Check("syntax", syntax))
    return chain


# -- content getter for exact dedup (module level: picklable for the worker pool) ---------------------------


def document_text(doc: Document) -> str:
    return doc.text


# -- running and timing --------------------------------------------------------------------------------------


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_stage(name: str, executors: list[LocalPipelineExecutor], results: dict, e2e: bool = True) -> None:
    wall0, cpu0 = time.perf_counter(), _cpu()
    steps = []
    for executor in executors:
        stats = executor.run()
        for s in stats.stats if stats else []:
            steps.append({"name": s.name, "time": s.time_stats.total,
                          "stats": {k: v.total for k, v in s.stats.items()}})
    results["stages"].append({"name": name, "wall": time.perf_counter() - wall0, "cpu": _cpu() - cpu0,
                              "executors": len(executors), "steps": steps, "e2e": e2e})


def count_docs(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in folder.glob("*.parquet"))


def main(cfg: dict) -> dict:
    work, n = Path(cfg["work"]), cfg["workers"]
    tasks = n  # datatrove parallelizes over input files: the main script wrote `workers` files

    def ex(pipeline, name, tasks=tasks, workers=n):
        # start_method "fork" (datatrove's default is "forkserver"): the pool's workers are then this
        # process's children, so their CPU time is counted (RUSAGE_CHILDREN); forking also starts faster.
        return LocalPipelineExecutor(pipeline, tasks=tasks, workers=min(workers, tasks), start_method="fork",
                                     logging_dir=str(work / "logs" / name), skip_completed=False)

    def reader(folder, **kw):
        return ParquetReader(str(folder), glob_pattern="*.parquet", **kw)

    inp = Path(cfg["input"])
    raw = dict(text_key="content", id_key="doc_id")
    results: dict = {"stages": []}

    # I/O baseline: one pass of reading and writing, the cost every datatrove stage below pays
    run_stage("io (read+write pass)", [ex([reader(inp, **raw), ParquetWriter(str(work / "io"))], "io")], results,
              e2e=False)

    passes = {"on": [("filters", True)], "off": [("filters (no syntax)", False)],
              "both": [("filters (no syntax)", False), ("filters", True)]}[cfg["syntax"]]
    for i, (name, with_syntax) in enumerate(passes):  # the last pass feeds the dedup stages
        out = work / ("filtered" if i == len(passes) - 1 else "filtered_other")
        run_stage(name, [ex([reader(inp, **raw), *build_filters(cfg, with_syntax), ParquetWriter(str(out))],
                            name.replace(" ", "_"))], results, e2e=i == len(passes) - 1)

    exact_cfg = ExactDedupConfig(content_getter=document_text, hash_config=HashConfig(64, "xxhash"))
    run_stage("exact dedup", [
        ex([reader(work / "filtered"), ExactDedupSignature(str(work / "exact_sigs"), config=exact_cfg)], "e1"),
        ex([ExactFindDedups(str(work / "exact_sigs"), str(work / "exact_dups"), config=exact_cfg)], "e2",
           tasks=1, workers=1),
        ex([reader(work / "filtered"), ExactDedupFilter(str(work / "exact_dups"), config=exact_cfg),
            ParquetWriter(str(work / "exact"))], "e3"),
    ], results)

    m = cfg["minhash"]
    mh = MinhashConfig(n_grams=m["ngram"], num_buckets=m["bands"], hashes_per_bucket=m["rows"], seed=m["seed"],
                       hash_config=HashConfig(64, "xxhash"))
    run_stage("near dedup (MinHash)", [
        ex([reader(work / "exact"), MinhashDedupSignature(str(work / "mh_sigs"), config=mh,
                                                          language=CodeWordTokenizer())], "m1"),
        ex([MinhashDedupBuckets(str(work / "mh_sigs"), str(work / "mh_buckets"), config=mh)], "m2",
           tasks=mh.num_buckets),
        ex([MinhashDedupCluster(str(work / "mh_buckets"), str(work / "mh_remove"), config=mh)], "m3",
           tasks=1, workers=1),
        ex([reader(work / "exact"), MinhashDedupFilter(str(work / "mh_remove")), ParquetWriter(str(work / "final"))],
           "m4"),
    ], results)

    results["kept"] = {passes[-1][0]: count_docs(work / "filtered"), "exact dedup": count_docs(work / "exact"),
                       "near dedup (MinHash)": count_docs(work / "final")}
    if len(passes) > 1:
        results["kept"][passes[0][0]] = count_docs(work / "filtered_other")
    return results


if __name__ == "__main__":
    config = json.loads(Path(sys.argv[1]).read_text())
    logger.remove()  # datatrove logs every block at INFO: keep the terminal for the result table
    logger.add(sys.stderr, level="WARNING")
    if config.get("profile"):
        profiler = cProfile.Profile()
        result = profiler.runcall(main, config)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    else:
        result = main(config)
    Path(sys.argv[2]).write_text(json.dumps(result, indent=1))
