#!/usr/bin/env bash
# Set up codescale on a fresh machine: a .venv with the CPU build of torch, the package with its
# pinned dependencies, and the system tools the pipeline calls (apt-get, dpkg-deb, npm).
# Idempotent: a second call only checks. Usage: bash scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" - <<'PY' || { echo "codescale needs Python 3.11 or 3.12 (found $($PYTHON --version 2>&1))" >&2; exit 1; }
import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)
PY

# System tools. Fetching sources needs apt-get/dpkg-deb (Debian packages) and npm (npm packages);
# the sandbox runs code under bubblewrap and compiles it with javac, mcs/mono, go and rustc.
# Only what is missing is installed, tool by tool (src/codescale/system_tools.py maps each tool to
# its Debian package); a working node/npm is never replaced (a NodeSource node conflicts with
# Debian's npm).
TOOLS=(env -u PYTHONPATH "$PYTHON" src/codescale/system_tools.py)
mapfile -t missing < <("${TOOLS[@]}" missing)
mapfile -t packages < <("${TOOLS[@]}" packages)
if [ "$(id -u)" = 0 ]; then
    stamp=/var/lib/apt/lists/.codescale-updated
    if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ] || [ ${#packages[@]} -gt 0 ]; then
        echo "== apt-get update (package lists for apt-get download / source)"
        apt-get update -qq && touch "$stamp"
    fi
    if [ ${#packages[@]} -gt 0 ]; then
        echo "== installing system tools ${missing[*]}: apt-get install ${packages[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    fi
elif [ ${#missing[@]} -gt 0 ]; then
    echo "warning: ${missing[*]} not found and not running as root: install them with" >&2
    echo "  sudo apt-get install ${packages[*]}" >&2
    echo "  (sources and languages that need them are reported as unavailable)" >&2
else
    echo "note: not root, so apt package lists were not refreshed; if apt-get download fails, run" >&2
    echo "  sudo apt-get update" >&2
fi
if ! command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    echo "warning: node $(node --version) has no npm beside it; Debian's npm would replace it, so it is" >&2
    echo "  not installed: install the npm that belongs to this Node.js (npm sources and TypeScript need it)" >&2
fi

# TypeScript's compiler, pinned, local to the project (the sandbox finds it in .tools/).
if command -v npm >/dev/null 2>&1 && [ ! -x .tools/node_modules/.bin/tsc ]; then
    echo "== installing typescript 5.9.3 into .tools/"
    npm install --silent --no-audit --no-fund --prefix .tools typescript@5.9.3 >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
# The CPU wheel first: an unpinned torch would pull several GB of CUDA packages.
if ! .venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
    echo "== installing torch 2.13.0 (CPU)"
    "${PIP[@]}" install torch==2.13.0
fi
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
stamp=.venv/.codescale-installed$extras
if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "== installing codescale$extras with pinned dependencies"
    "${PIP[@]}" install -e ".$extras"
    touch "$stamp"
fi
echo "== setup done: $(.venv/bin/snakemake --version | head -1) snakemake, $(.venv/bin/python -c 'import torch; print(torch.__version__)') torch"
