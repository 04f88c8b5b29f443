#!/usr/bin/env bash
# One command from a fresh clone to results/: set up, run the embedded default, write the report.
# Extra arguments go to snakemake (e.g. --configfile my.yaml, -n).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Provenance (the commit, the software, the wall times) is rewritten on every run, though a new commit
# alone changes no input of it; it runs after every other target and nothing else reads it. The `=`
# form takes one rule and leaves later arguments (targets) alone; a --forcerun of the caller's wins.
.venv/bin/snakemake --cores "${CORES:-all}" --forcerun=report_provenance "$@"
# The report is one self-contained HTML file (figures, tables and scripts inlined): it opens offline.
.venv/bin/snakemake --report results/report.html "$@"
echo "== done: figures in results/figures/, report in results/report.html"
