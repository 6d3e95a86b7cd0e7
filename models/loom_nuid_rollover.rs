//! Event ids stay unique while the NUID rolls over to new prefixes.
//!
//! The sequence space is shrunk to 32 values, below the smallest step, so every prefix holds a
//! single id and each update after the first rolls the generator over. With one id stripe, updates
//! of different accounts share one generator word: on `Hybrid`, two callers find the same epoch
//! full and race to roll it over.
#![cfg(loom)]

mod common;

use account_events::spec::{Interleaving, Op, Scenario};
use account_events::{Design, GlobalLock, Hybrid};

fn scenario() -> Scenario {
    let mut scenario = Scenario::new(&["A", "B"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::add("B", 1)]);
    scenario.nuid_max_seq = 32;
    scenario.id_stripes = 1;
    scenario
}

fn interests<D: Design>() -> Vec<Interleaving> {
    let mut interests = vec![Interleaving::NuidRolledOver];
    if D::LOCK_FREE_IDS {
        interests.push(Interleaving::NuidRolloverRace);
    }
    interests
}

#[test]
fn nuid_rollover_global_lock() {
    common::run_model::<GlobalLock>("nuid_rollover", scenario(), &interests::<GlobalLock>());
}

#[test]
fn nuid_rollover_hybrid() {
    common::run_model::<Hybrid>("nuid_rollover", scenario(), &interests::<Hybrid>());
}
