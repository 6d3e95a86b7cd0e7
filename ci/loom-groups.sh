#!/usr/bin/env bash
# Checks that the loom job groups of a workflow file cover every loom model: the path of each
# `#[test]` in models/loom must contain one of the space-separated filters in the `models:`
# matrix, as cargo's test filter requires.
set -euo pipefail
cd "$(dirname "$0")/.."
workflow="${1:-.github/workflows/ci.yml}"

# The matrix entries: the "- ..." lines after "models:" up to the next key.
filters=$(awk '/^ *models:/ {inside = 1; next} inside && /^ *- / {sub(/^ *- /, ""); print; next} inside && !/^ *#/ {inside = 0}' "$workflow" | tr '\n' ' ')
if [ -z "$filters" ]; then
    echo "no loom model groups found in $workflow" >&2
    exit 1
fi

missing=0
# Test paths as cargo names them: <file stem>::<function>.
models=$(for file in models/loom/*.rs; do
    grep -A3 '^#\[test\]' "$file" | sed -n "s/^fn \([a-z0-9_]*\).*/$(basename "$file" .rs)::\1/p"
done)
for model in $models; do
    covered=no
    for filter in $filters; do
        case "$model" in *"$filter"*) covered=yes ;; esac
    done
    if [ "$covered" = no ]; then
        echo "loom model $model is in no job group of $workflow" >&2
        missing=1
    fi
done
echo "loom groups: $(echo "$models" | wc -w) models, filters: $filters"
exit "$missing"
