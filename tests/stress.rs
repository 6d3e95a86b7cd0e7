//! Production stress: generated scripts of 8 threads over 4 accounts churn clients, fire
//! heartbeats, remove accounts and shut down, on real threads with the real consumer and timer
//! threads; every recorded run must pass the whole specification.
//!
//! `ACCOUNT_EVENTS_SOAK_SCENARIOS` sets how many scripts run per design (default 100); raise it
//! for a long soak.
#![cfg(not(any(loom, shuttle)))]

#[path = "support/generate.rs"]
mod generate;

use account_events::spec::{self, Scenario};
use account_events::{Design, for_each_design};

const SOAK_SEED: u64 = 0x50a6_0002;

fn scenarios() -> usize {
    std::env::var("ACCOUNT_EVENTS_SOAK_SCENARIOS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100)
}

fn soak<D: Design>(count: usize) {
    let strategy = generate::concurrent_scenario(8..=8, 4..=4);
    for index in 0..count as u64 {
        // Heartbeats fire through the scripts' explicit firings. The default 30 s interval keeps
        // the timer thread from firing on its own, so that the run has a quiescent end state to
        // check; tests/heartbeat.rs covers firings in real time.
        let scenario: Scenario = generate::sample(&strategy, SOAK_SEED, index);
        let run = scenario.run::<D>();
        if let Err(violation) = spec::check(&run) {
            panic!(
                "soak script {index} on {}: {violation}\ntrace:\n{}",
                D::NAME,
                run.trace_text()
            );
        }
    }
}

#[test]
fn soak_generated_scripts() {
    let count = scenarios();
    for_each_design!(D => {
        soak::<D>(count);
    });
}
