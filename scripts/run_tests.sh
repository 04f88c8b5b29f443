#!/usr/bin/env bash
# One command from a fresh clone to a tested tree: set up (with test extras), lint, run the tests
# (unit tests and workflow tests that run Snakemake for real on tiny configs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests workflow/scripts bench
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
