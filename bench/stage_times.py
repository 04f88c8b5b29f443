"""Wall time per stage of a Snakemake run, from its log.

Usage: python bench/stage_times.py [path/to/snakemake.log]   (default: the newest in .snakemake/log)

For each rule: jobs, summed job time (core-seconds when each job uses one core), and the span from
its first start to its last finish. Rules are grouped into the pipeline's stages.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

STAGES = {
    "sources": ["fetch_sources"],
    "corpus": ["build_corpus"],
    "curation": ["filter_documents", "find_near_duplicates", "index_evaluation_data", "assemble_documents",
                 "summarize_curation"],
    "tokenization": ["train_tokenizer", "tokenize_language", "write_token_manifest"],
    "synthetic parallel code": ["synthesize_parallel_corpus", "organize_parallel_data", "tokenize_parallel"],
    "training+eval": ["plan_run", "train_model", "train_model_distributed"],
    "task evaluation": ["evaluate_run"],
    "evaluation summary": ["summarize_evaluation"],
    "laws": ["fit_language_laws", "export_law_table"],
    "allocation": ["optimize_allocation", "compare_allocation"],
    "figures": ["plot_language_laws", "plot_allocation", "plot_strategy"],
}
STAMP = r"\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]"


def parse(text: str):
    starts, ends, rules = {}, {}, {}
    for m in re.finditer(STAMP + r"\n(?:local)?rule (\w+):\n(?:.*\n)*?\s+jobid: (\d+)", text):
        starts[m.group(3)] = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
        rules[m.group(3)] = m.group(2)
    for m in re.finditer(STAMP + r"\nFinished jobid: (\d+)", text):
        ends[m.group(2)] = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
    return starts, ends, rules


def main() -> None:
    if len(sys.argv) > 1:
        log = Path(sys.argv[1])
    else:
        log = max(Path(".snakemake/log").glob("*.snakemake.log"), key=lambda p: p.stat().st_mtime)
    starts, ends, rules = parse(log.read_text())
    per_rule = defaultdict(lambda: {"jobs": 0, "busy": 0.0, "first": None, "last": None})
    for job, rule in rules.items():
        if job not in ends:
            continue
        r = per_rule[rule]
        r["jobs"] += 1
        r["busy"] += (ends[job] - starts[job]).total_seconds()
        r["first"] = min(filter(None, [r["first"], starts[job]]))
        r["last"] = max(filter(None, [r["last"], ends[job]]))
    all_starts = [starts[j] for j in ends if j in starts]
    total = (max(ends.values()) - min(all_starts)).total_seconds() if all_starts else 0
    print(f"log: {log}\n{'stage':<20}{'jobs':>6}{'job-seconds':>13}{'span s':>9}")
    for stage, names in STAGES.items():
        rows = [per_rule[n] for n in names if n in per_rule]
        if not rows:
            continue
        first = min(r["first"] for r in rows)
        last = max(r["last"] for r in rows)
        print(f"{stage:<20}{sum(r['jobs'] for r in rows):>6}{sum(r['busy'] for r in rows):>13.0f}"
              f"{(last - first).total_seconds():>9.0f}")
    print(f"{'total wall':<20}{'':>6}{'':>13}{total:>9.0f}")


if __name__ == "__main__":
    main()
