//! Several clients of one account change on two or three threads at once.
//!
//! Checks that the account's events leave in snapshot order, that every change is covered by an
//! event accepted before its call returned, and that the last event matches the final counts,
//! while changes land in the middle of other updates.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use account_events::{GlobalLock, Hybrid};

#[test]
fn two_threads_global_lock() {
    common::run_entry::<GlobalLock>(catalog::one_account_two_threads());
}

#[test]
fn two_threads_hybrid() {
    common::run_entry::<Hybrid>(catalog::one_account_two_threads());
}

#[test]
fn three_threads_global_lock() {
    common::run_entry::<GlobalLock>(catalog::one_account_three_threads());
}

#[test]
fn three_threads_hybrid() {
    common::run_entry::<Hybrid>(catalog::one_account_three_threads());
}
