//! Account removal racing client changes of that account.
//!
//! Checks that once the removal returns nothing of the account is accepted, that a racing change
//! either published before the fence or failed with `AccountRemoved`, and that nothing but the
//! scenario's own handle keeps the account alive.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use account_events::{GlobalLock, Hybrid};

#[test]
fn account_removal_global_lock() {
    common::run_entry::<GlobalLock>(catalog::account_removal());
}

#[test]
fn account_removal_hybrid() {
    common::run_entry::<Hybrid>(catalog::account_removal());
}
