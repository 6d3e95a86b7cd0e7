#!/usr/bin/env bash
# The whole proof in one command: the tests, the loom models, the shuttle models, the seeded-bug
# catalog and a benchmark smoke run, then a report of what was shown:
# target/verify/report.md and target/verify/report.json.
#
# Usage: ci/verify.sh [--quick | --full]
#
# Profiles:
#   --full (default, CI)  loom at preemption bound 3; shuttle 200 scripts x 100 schedules per
#                         design and scheduler; the whole seeded-bug catalog; bench smoke run.
#   --quick (laptops)     loom at bound 2; shuttle 40 scripts x 20 schedules; no catalog; bench
#                         smoke run. A quick report lists the parts it left out.
#
# Every step runs even if an earlier one failed, so the report shows everything; the exit status
# is non-zero if any step failed. Each step's output is kept in target/verify/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=full
case "${1:-}" in
    "" | --full) profile=full ;;
    --quick) profile=quick ;;
    *)
        echo "usage: ci/verify.sh [--quick | --full]" >&2
        exit 2
        ;;
esac

out=target/verify
rm -rf "$out"
mkdir -p "$out/logs"
steps="$out/steps.tsv"
printf 'step\tresult\tseconds\n' > "$steps"

if [ "$profile" = full ]; then
    loom_bound=3
    shuttle_scripts=200
    shuttle_iterations=100
else
    loom_bound=2
    shuttle_scripts=40
    shuttle_iterations=20
fi

# run_step NAME COMMAND...: runs one step, keeps its log and appends its result to steps.tsv.
run_step() {
    local name=$1
    shift
    printf '\n==> %s\n' "$name"
    local started
    started=$(date +%s)
    local result=pass
    if ! "$@" > "$out/logs/$name.log" 2>&1; then
        result=fail
    fi
    local seconds=$(( $(date +%s) - started ))
    tail -n 25 "$out/logs/$name.log"
    printf '%s\t%s\t%s\n' "$name" "$result" "$seconds" >> "$steps"
    echo "$name: $result in ${seconds} s"
}

skip_step() {
    printf '%s\tskipped (%s profile)\t0\n' "$1" "$profile" >> "$steps"
    printf '\n==> %s: skipped in the %s profile\n' "$1" "$profile"
}

run_step tests cargo test
run_step loom env LOOM_MAX_PREEMPTIONS="$loom_bound" ci/loom.sh
run_step shuttle env ACCOUNT_EVENTS_SHUTTLE_SCRIPTS="$shuttle_scripts" \
    ACCOUNT_EVENTS_SHUTTLE_ITERATIONS="$shuttle_iterations" ci/shuttle.sh
if [ "$profile" = full ]; then
    run_step catalog ci/mutants.sh
else
    skip_step catalog
fi
run_step bench-smoke ci/bench-smoke.sh

# The summaries the steps wrote, for the report.
cp target/loom/loom-summary.tsv "$out/loom-summary.tsv" 2> /dev/null || : > "$out/loom-summary.tsv"
cp target/shuttle/shuttle-summary.tsv "$out/shuttle-summary.tsv" 2> /dev/null ||
    : > "$out/shuttle-summary.tsv"
if [ "$profile" = full ]; then
    cp target/mutants/kill-table.tsv "$out/kill-table.tsv" 2> /dev/null || : > "$out/kill-table.tsv"
fi

python3 ci/report.py "$out" --profile "$profile" --loom-bound "$loom_bound" \
    --shuttle-scripts "$shuttle_scripts" --shuttle-iterations "$shuttle_iterations"

echo
echo "report: $out/report.md and $out/report.json"
if grep -q $'\tfail\t' "$steps"; then
    echo "verify: FAILED (see the steps table in the report)" >&2
    exit 1
fi
echo "verify: PASSED ($profile profile)"
