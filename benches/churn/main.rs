//! Churn benchmark: connect/disconnect churn through a real `Server` on every design, in one run.
//!
//! Every cell (threads × accounts) runs each design, and the `NoEvents` floor, for several
//! samples. The designs are interleaved sample by sample, so the ratios to `GlobalLock` and to
//! the floor come from the same conditions. Each sample starts a fresh server, warms up, then
//! measures. A cell reports the median throughput of its samples and the latency percentiles of
//! all its measured updates, from an HdrHistogram. Each sample also checks that no work was dropped.
//! A cell that fails that check is marked FAILED and makes the run exit with status 1.
//!
//! Outputs, under `target/bench/` (or `$CARGO_TARGET_DIR/bench/`): `churn.md`, `churn.json` and
//! `churn.png`.
//!
//! ```sh
//! cargo bench --bench churn                                 # full run, about a minute
//! ACCOUNT_EVENTS_BENCH_SMOKE=1 cargo bench --bench churn    # smoke run, a few seconds
//! ```
//!
//! `ACCOUNT_EVENTS_BENCH_SAMPLES` and `ACCOUNT_EVENTS_BENCH_MEASURE_MS` override the samples per
//! cell and the measured milliseconds per sample of a full run, and `ACCOUNT_EVENTS_BENCH_THREADS`
//! (such as `1,2`) limits the thread counts, for quick comparisons.

#[cfg(not(any(loom, shuttle)))]
mod cell;
#[cfg(not(any(loom, shuttle)))]
mod idgen;
#[cfg(not(any(loom, shuttle)))]
mod plot;
#[cfg(not(any(loom, shuttle)))]
mod report;
#[cfg(not(any(loom, shuttle)))]
mod run;

#[cfg(not(any(loom, shuttle)))]
fn main() {
    std::process::exit(run::main());
}

/// Prints why nothing runs: the model checkers' sync backends work only inside a model.
#[cfg(any(loom, shuttle))]
fn main() {
    eprintln!(
        "the churn benchmark measures the production build; build it without --cfg loom or shuttle"
    );
}
