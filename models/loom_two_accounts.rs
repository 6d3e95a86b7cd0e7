//! Two accounts and the global account change at once.
//!
//! Checks per-account order and freshness when updates of different accounts interleave, and that
//! `$G` never gets an event. On `Hybrid` the two accounts' updates must overlap (no server-wide
//! lock); on `GlobalLock` one account's change lands while the other's update holds the lock.
//!
//! Loom interleaves two threads only where they touch a shared object; updates of accounts that
//! share nothing commute and are explored in one order. The accounts therefore share one
//! send-queue lane and one id stripe here, the most contended layout the design allows.
#![cfg(loom)]

mod common;

use account_events::spec::{Interleaving, Op, Scenario};
use account_events::{Design, GLOBAL_ACCOUNT, GlobalLock, Hybrid};

fn scenario() -> Scenario {
    let mut scenario = Scenario::new(&["A", "B"])
        .thread([Op::add("A", 1), Op::remove("A", 1)])
        .thread([Op::add("B", 1)])
        .thread([Op::add(GLOBAL_ACCOUNT, 1)]);
    scenario.lanes = 1;
    scenario.id_stripes = 1;
    scenario
}

fn interests<D: Design>() -> Vec<Interleaving> {
    let mut interests = vec![Interleaving::OtherAccountChangedDuringUpdate];
    if D::NAME == Hybrid::NAME {
        interests.push(Interleaving::TwoAccountsOverlapped);
    }
    interests
}

#[test]
fn two_accounts_global_lock() {
    common::run_model::<GlobalLock>("two_accounts", scenario(), &interests::<GlobalLock>());
}

#[test]
fn two_accounts_hybrid() {
    common::run_model::<Hybrid>("two_accounts", scenario(), &interests::<Hybrid>());
}
