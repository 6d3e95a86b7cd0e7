#!/usr/bin/env bash
# The main job: every loom model in models/loom/, on every design, in release mode with `--cfg loom`,
# one test thread, and its own target directory. Ends with a one-line-per-model summary table.
#
# Environment:
#   LOOM_MAX_PREEMPTIONS  preemption bound (default 3: the highest at which the whole suite
#                         finishes within 10 minutes on 2 cores; see README)
#   LOOM_TARGET_DIR       target directory (default target/loom)
#   LOOM_FILTER           run only models whose test name contains one of these
#                         space-separated strings
#   LOOM_CHECKPOINT_FILE, LOOM_LOG, ...  passed through to loom (see README, "Reproducing a failure")
set -euo pipefail
cd "$(dirname "$0")/.."

export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}"
export RUSTFLAGS="${RUSTFLAGS:-} --cfg loom"
export CARGO_TARGET_DIR="${LOOM_TARGET_DIR:-target/loom}"
mkdir -p "$CARGO_TARGET_DIR"
export ACCOUNT_EVENTS_SUMMARY="$CARGO_TARGET_DIR/loom-summary.tsv"
: > "$ACCOUNT_EVENTS_SUMMARY"

started=$(date +%s)
status=0
# LOOM_FILTER may hold several space-separated filters; a test runs if it matches any of them.
# shellcheck disable=SC2086
cargo test --release --test loom -- --test-threads=1 --nocapture ${LOOM_FILTER:-} || status=$?
elapsed=$(( $(date +%s) - started ))

echo
echo "loom summary: preemption bound $LOOM_MAX_PREEMPTIONS, ${elapsed} s in all (build included)"
{
    printf 'model\tdesign\tresult\texecutions\tbound\tseconds\tinterleavings of interest (hits)\tscenario\n'
    cat "$ACCOUNT_EVENTS_SUMMARY"
} | column -t -s $'\t'

if [ "$status" -ne 0 ]; then
    echo "loom: FAILED (cargo test exited with $status); the first failing model's message is above" >&2
elif grep -qv $'\tpass\t' "$ACCOUNT_EVENTS_SUMMARY"; then
    echo "loom: FAILED (a model did not pass)" >&2
    status=1
elif [ ! -s "$ACCOUNT_EVENTS_SUMMARY" ]; then
    echo "loom: FAILED (no model ran)" >&2
    status=1
fi
exit "$status"
