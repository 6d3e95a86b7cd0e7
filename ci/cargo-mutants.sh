#!/usr/bin/env bash
# cargo-mutants over the core modules (.cargo/mutants.toml), with the model suite as the test
# command. The suite runs in stages, cheapest first, and each stage tests only the mutants that
# the stages before it missed:
#
#   1. shuttle  the shuttle models (--cfg shuttle), 10 generated scripts x 10 schedules per
#               design and scheduler
#   2. tests    the production tests that run in seconds: NUID, server API, proptest against
#               the reference model, shutdown, heartbeats with real time, designs, payloads
#               (the scenario, soak and example runs are left to the other stages for time)
#   3. loom     the loom models (--cfg loom, release, preemption bound 2)
#
# A mutant is caught if any stage fails on it. What survives all three is listed at the end and
# must be triaged in docs/MUTANTS.md: killed by a new check, or written down as equivalent.
#
# Usage: ci/cargo-mutants.sh [--shard K/N] [other cargo-mutants options for stage 1]
# Environment: CARGO_MUTANTS_JOBS, mutants tested at once in every stage (default 1).
# Output: target/cargo-mutants/<stage>/mutants.out, and target/cargo-mutants/survivors.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants > /dev/null; then
    cargo install --locked cargo-mutants@27.1.0
fi

out=target/cargo-mutants
mkdir -p "$out"
extra=("$@")

# stage NAME FILTER_FILE ENV... -- CARGO_TEST_ARGS...: runs cargo-mutants for one stage on the
# mutants listed in FILTER_FILE (every mutant if the file is "-"), then writes NAME.missed.
stage() {
    local name=$1 filter=$2
    shift 2
    local envs=()
    while [ "$1" != "--" ]; do
        envs+=("$1")
        shift
    done
    shift

    # The caller's options (a shard, say) pick the mutants of the first stage; later stages test
    # exactly the survivors they are given.
    local select=("${extra[@]}")
    if [ "$filter" != "-" ]; then
        select=()
        if [ ! -s "$filter" ]; then
            echo "stage $name: nothing left to test"
            : > "$out/$name.missed"
            return
        fi
        # One anchored, escaped regular expression per surviving mutant.
        while IFS= read -r mutant; do
            select+=(--re "^$(printf '%s' "$mutant" | sed 's/[][\\.^$*+?(){}|]/\\&/g')\$")
        done < "$filter"
    fi

    local started
    started=$(date +%s)
    # Exit status 2 means some mutants were missed and 3 that some timed out: the next stage
    # takes both. Anything else (a failing baseline, a usage error) stops the run.
    local status=0
    env "${envs[@]}" cargo mutants --no-shuffle --jobs "${CARGO_MUTANTS_JOBS:-1}" \
        -o "$out/$name" "${select[@]}" \
        --test-tool cargo -- "$@" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
        echo "stage $name: cargo-mutants exited with $status" >&2
        exit "$status"
    fi
    cat "$out/$name/mutants.out/missed.txt" "$out/$name/mutants.out/timeout.txt" \
        > "$out/$name.missed" 2> /dev/null || true
    echo "stage $name: $(wc -l < "$out/$name.missed") survivor(s), $(( $(date +%s) - started )) s"
}

stage shuttle - RUSTFLAGS="--cfg shuttle" ACCOUNT_EVENTS_SHUTTLE_SCRIPTS=10 \
    ACCOUNT_EVENTS_SHUTTLE_ITERATIONS=10 -- --test shuttle_scripts
stage tests "$out/shuttle.missed" RUSTFLAGS= -- --test nuid --test server_api --test reference \
    --test shutdown --test heartbeat --test designs --test payload
stage loom "$out/tests.missed" RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 \
    CARGO_PROFILE_RELEASE_INCREMENTAL=true -- --release --test loom -- --test-threads=1

cp "$out/loom.missed" "$out/survivors.txt"
echo
echo "cargo-mutants: $(wc -l < "$out/survivors.txt") mutant(s) survived every stage:"
cat "$out/survivors.txt"
