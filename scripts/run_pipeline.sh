#!/usr/bin/env bash
# One command from a fresh clone to results/: set up, run the embedded default, write the report.
# Extra arguments go to snakemake (e.g. --configfile my.yaml, -n).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/snakemake --cores "${CORES:-all}" "$@"
.venv/bin/snakemake --report results/report.html "$@"
echo "== done: figures in results/figures/, report in results/report.html"
