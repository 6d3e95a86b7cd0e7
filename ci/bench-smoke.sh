#!/usr/bin/env bash
# Churn benchmark in smoke mode: every cell for a few milliseconds, so CI checks in a few seconds
# that the benchmark builds, runs every design, passes its accuracy checks and writes its
# outputs. The timings of a smoke run mean nothing, and nothing here asserts one.
set -euo pipefail
cd "$(dirname "$0")/.."

ACCOUNT_EVENTS_BENCH_SMOKE=1 cargo bench --bench churn

out="${CARGO_TARGET_DIR:-target}/bench"
for file in churn.md churn.json churn.png; do
    if [ ! -s "$out/$file" ]; then
        echo "the smoke run did not write $out/$file" >&2
        exit 1
    fi
done
echo "bench smoke: outputs written under $out"
