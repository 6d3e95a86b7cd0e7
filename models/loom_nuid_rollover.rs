//! Event ids stay unique while the NUID rolls over to new prefixes inside the model.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use account_events::{GlobalLock, Hybrid};

#[test]
fn nuid_rollover_global_lock() {
    common::run_entry::<GlobalLock>(catalog::nuid_rollover::<GlobalLock>());
}

#[test]
fn nuid_rollover_hybrid() {
    common::run_entry::<Hybrid>(catalog::nuid_rollover::<Hybrid>());
}
