//! The catalog's scenarios on real threads: every scenario, every design, many runs, each
//! checked against the whole specification.
#![cfg(not(any(loom, shuttle)))]

use account_events::spec::{self, Interleaving, catalog};
use account_events::{Design, for_each_design};
use std::collections::BTreeMap;

/// Runs per scenario and design. Real threads interleave differently each run; the loom models
/// are the exhaustive check, these runs confirm the same code on the production backend.
const RUNS: usize = 200;

fn run_catalog<D: Design>() -> BTreeMap<(&'static str, Interleaving), usize> {
    let mut hits = BTreeMap::new();
    for entry in catalog::all::<D>() {
        for run_index in 0..RUNS {
            let run = entry.scenario.run::<D>();
            if let Err(violation) = spec::check(&run) {
                panic!(
                    "scenario {} on {} (run {run_index}): {violation}\ntrace:\n{}",
                    entry.name,
                    D::NAME,
                    run.trace_text()
                );
            }
            for &interest in &entry.interests {
                if interest.happened_in(&run) {
                    *hits.entry((entry.name, interest)).or_insert(0) += 1;
                }
            }
        }
    }
    hits
}

#[test]
fn catalog_passes_spec_on_every_design() {
    for_each_design!(D => {
        let hits = run_catalog::<D>();
        println!("{}: interleavings of interest seen on real threads: {hits:?}", D::NAME);
    });
}
