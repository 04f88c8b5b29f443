"""How long `snakemake -n --profile slurm --configfile config/paper.yaml` takes to build and list
the paper's DAG (the issue's target: 30 s), with the job count per rule.

Usage: python bench/paper_dag.py [repeats]   (from the repository root; best of `repeats`, default 3)
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


def main(repeats: int = 3) -> None:
    times, text = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run([str(SNAKEMAKE), "-n", "--profile", "slurm", "--configfile", "config/paper.yaml"],
                              cwd=REPO, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        text = proc.stdout + proc.stderr
    stats = text.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    jobs = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}
    for rule, n in sorted(jobs.items(), key=lambda kv: -kv[1]):
        print(f"{rule:28s} {n:6d}")
    print(f"dry run: {min(times):.1f} s best of {repeats} ({', '.join(f'{t:.1f}' for t in times)}), "
          f"{jobs.get('total', 0)} jobs listed")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
