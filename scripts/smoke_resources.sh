#!/usr/bin/env bash
# Lay out the local inputs of tests/workflow/smoke.yaml under DIR/resources/: real JavaScript that
# needs no network (npm's own sources, installed with node) and the user-supplied held-out
# translation pairs. The workflow tests and .ci/run both call it. Exit 77: npm's sources not found.
# Usage: bash scripts/smoke_resources.sh DIR
set -euo pipefail
dir=${1:?usage: smoke_resources.sh DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir/resources"
cp "$repo/tests/workflow/data/user_eval.jsonl" "$dir/resources/user_eval.jsonl"
js="$dir/resources/smoke_js/npm"
[ -e "$js" ] && exit 0
root=$(npm root -g 2>/dev/null || true)
if [ -z "$root" ] || [ ! -d "$root/npm" ]; then
    echo "smoke_resources: npm's own sources are needed as the smoke test's JavaScript (npm root -g)" >&2
    exit 77
fi
mkdir -p "$(dirname "$js")"
cp -a "$root/npm" "$js.partial"
# documentation and package metadata are not JavaScript: leave them out, as a curated copy would
find "$js.partial" -depth -type d \( -name man -o -name docs \) -exec rm -rf {} +
find "$js.partial" \( -name '*.md' -o -name '*.json' \) -delete
mv "$js.partial" "$js"
