//! Two accounts and the global account change at once.
//!
//! Checks per-account order and freshness when updates of different accounts interleave, and that
//! `$G` never gets an event. On `Hybrid` the two accounts' updates must overlap (no server-wide
//! lock); on `GlobalLock` one account's change lands while the other's update holds the lock.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use account_events::{GlobalLock, Hybrid};

#[test]
fn two_accounts_global_lock() {
    common::run_entry::<GlobalLock>(catalog::two_accounts::<GlobalLock>());
}

#[test]
fn two_accounts_hybrid() {
    common::run_entry::<Hybrid>(catalog::two_accounts::<Hybrid>());
}
