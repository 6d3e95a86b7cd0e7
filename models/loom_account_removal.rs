//! Account removal racing client changes of that account.
//!
//! Checks that once the removal returns nothing of the account is accepted, that a racing change
//! either published before the fence or failed with `AccountRemoved`, and that nothing but the
//! scenario's own handle keeps the account alive.
#![cfg(loom)]

mod common;

use account_events::spec::{Interleaving, Op, Scenario};
use account_events::{GlobalLock, Hybrid};

fn scenario() -> Scenario {
    Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([Op::remove_account("A")])
}

fn interests() -> [Interleaving; 3] {
    [
        Interleaving::RemovalBetweenChangeAndPush,
        Interleaving::PushDuringRemoval,
        Interleaving::ChangeAfterRemoval,
    ]
}

#[test]
fn account_removal_global_lock() {
    common::run_model::<GlobalLock>("account_removal", scenario(), &interests());
}

#[test]
fn account_removal_hybrid() {
    common::run_model::<Hybrid>("account_removal", scenario(), &interests());
}
