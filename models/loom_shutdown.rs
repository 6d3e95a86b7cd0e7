//! Shutdown racing client changes, and shutdown racing shutdown.
//!
//! These models run the real send-queue consumer thread, so they also check that the consumer
//! delivers everything accepted before the close and that shutdown joins it before returning.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use account_events::{GlobalLock, Hybrid};

#[test]
fn races_changes_global_lock() {
    common::run_entry::<GlobalLock>(catalog::shutdown_races_changes::<GlobalLock>());
}

#[test]
fn races_changes_hybrid() {
    common::run_entry::<Hybrid>(catalog::shutdown_races_changes::<Hybrid>());
}

#[test]
fn concurrent_calls_global_lock() {
    common::run_entry::<GlobalLock>(catalog::shutdown_concurrent());
}

#[test]
fn concurrent_calls_hybrid() {
    common::run_entry::<Hybrid>(catalog::shutdown_concurrent());
}
