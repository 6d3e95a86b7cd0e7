#!/usr/bin/env bash
# Seeded-bug catalog: applies each patch in ci/mutants/ to a scratch copy of the tree, runs the
# loom models named on the patch's "Models:" line there (and the shuttle models if loom passes),
# and requires them to fail. Prints a kill table: patch, caught or missed, the
# first failing model and invariant, seconds.
#
# Environment:
#   MUTANTS_BOUND   loom preemption bound for the runs (default 2)
#   MUTANTS_DIR     scratch directory (default target/mutants); its target directory is reused
#                   between patches, so only the patched files are rebuilt
#   MUTANTS_ONLY    space-separated patch numbers or names to run (default: every patch)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch="${MUTANTS_DIR:-$root/target/mutants}"
bound="${MUTANTS_BOUND:-2}"
mkdir -p "$scratch"
table="$scratch/kill-table.tsv"
: > "$table"

status=0
for patch in ci/mutants/*.patch; do
    name=$(basename "$patch" .patch)
    # shellcheck disable=SC2086
    if [ -n "${MUTANTS_ONLY:-}" ] && ! printf ' %s ' $MUTANTS_ONLY | grep -qE " (${name%%-*}|$name) "; then
        continue
    fi
    work="$scratch/tree"
    rm -rf "$work"
    mkdir -p "$work"
    git ls-files -z | xargs -0 cp --parents -t "$work"
    # `patch`, not `git apply`: the scratch tree may sit inside this repository, where `git apply`
    # silently skips paths outside the current directory.
    if ! (cd "$work" && patch -p1 --quiet --forward < "$root/$patch"); then
        printf '%s\tpatch no longer applies\t-\t-\n' "$name" >> "$table"
        status=1
        continue
    fi

    started=$(date +%s)
    log="$scratch/$name.log"
    # The loom models first; the shuttle models only if loom passed.
    # The patch's "Models:" line names the loom models that exercise the changed code.
    filter=$(sed -n 's/^Models: //p' "$root/$patch" | head -n 1)
    (cd "$work" && LOOM_FILTER="$filter" LOOM_MAX_PREEMPTIONS="$bound" LOOM_TARGET_DIR="$scratch/target" ci/loom.sh) > "$log" 2>&1 || true
    if ! grep -q "^loom: FAILED" "$log"; then
        (cd "$work" && SHUTTLE_TARGET_DIR="$scratch/target-shuttle" ci/shuttle.sh) >> "$log" 2>&1 || true
    fi
    seconds=$(( $(date +%s) - started ))

    # Only a model's own failure counts as a catch; a build error or an unrelated panic does not.
    first=$(grep -m1 -oE "(model [a-z_]+|shuttle script [0-9]+) on [A-Za-z]+(: invariant \`[a-z-]+\` violated[^:]*| is vacuous)" "$log" || true)
    if [ -n "$first" ]; then
        verdict="caught"
    elif grep -qE "^(loom|shuttle): FAILED" "$log"; then
        verdict="failed without a model violation (see $log)"
        first="-"
        status=1
    else
        verdict="MISSED"
        first="-"
        status=1
    fi
    printf '%s\t%s\t%s\t%s\n' "$name" "$verdict" "$first" "$seconds" >> "$table"
done

echo
{
    printf 'seeded bug\tresult\tfirst failure\tseconds\n'
    cat "$table"
} | column -t -s $'\t'
exit "$status"
