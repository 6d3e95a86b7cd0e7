//! The classic lost wake-up: a change lands just as a coalescing publisher decides that nothing
//! is pending. On synchronous designs the same scenario checks two racing changes.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use common::check_on_every_design;

#[test]
fn coalescing_lost_wakeup() {
    check_on_every_design!(catalog::coalescing_lost_wakeup);
}
