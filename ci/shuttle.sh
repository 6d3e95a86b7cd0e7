#!/usr/bin/env bash
# The shuttle models: generated scripts of 4 to 8 threads on every design, under the random and
# the PCT scheduler, in release mode with `--cfg shuttle` and their own target directory. Ends
# with a one-line-per-run summary table.
#
# Environment:
#   ACCOUNT_EVENTS_SHUTTLE_SCRIPTS     scripts per design (default 200)
#   ACCOUNT_EVENTS_SHUTTLE_ITERATIONS  schedules per script and scheduler (default 100)
#   ACCOUNT_EVENTS_SHUTTLE_REPLAY      <design>:<script>:<schedule file>, to replay one failure
#   SHUTTLE_TARGET_DIR                 target directory (default target/shuttle)
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="${RUSTFLAGS:-} --cfg shuttle"
export CARGO_TARGET_DIR="${SHUTTLE_TARGET_DIR:-target/shuttle}"
mkdir -p "$CARGO_TARGET_DIR"
export ACCOUNT_EVENTS_SUMMARY="$CARGO_TARGET_DIR/shuttle-summary.tsv"
export ACCOUNT_EVENTS_SHUTTLE_FAILURES="${ACCOUNT_EVENTS_SHUTTLE_FAILURES:-$CARGO_TARGET_DIR/failures}"
: > "$ACCOUNT_EVENTS_SUMMARY"

targets=()
for model in models/shuttle_*.rs; do
    targets+=(--test "$(basename "$model" .rs)")
done

started=$(date +%s)
status=0
cargo test --release "${targets[@]}" -- --test-threads=1 --nocapture || status=$?
elapsed=$(( $(date +%s) - started ))

echo
echo "shuttle summary: ${elapsed} s in all (build included)"
{
    printf 'model\tdesign\tscheduler\tresult\texecutions\tseconds\tinterleavings of interest (executions that hit each)\n'
    cat "$ACCOUNT_EVENTS_SUMMARY"
} | column -t -s $'\t'

if [ "$status" -ne 0 ]; then
    echo "shuttle: FAILED (cargo test exited with $status); the failure message above names the script and how to replay it" >&2
elif [ -z "${ACCOUNT_EVENTS_SHUTTLE_REPLAY:-}" ] && grep -qv $'\tpass\t' "$ACCOUNT_EVENTS_SUMMARY"; then
    echo "shuttle: FAILED (a model did not pass)" >&2
    status=1
elif [ -z "${ACCOUNT_EVENTS_SHUTTLE_REPLAY:-}" ] && [ ! -s "$ACCOUNT_EVENTS_SUMMARY" ]; then
    echo "shuttle: FAILED (no model ran)" >&2
    status=1
fi
exit "$status"
