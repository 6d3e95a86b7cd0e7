//! The classic lost wake-up: a change lands just as a coalescing publisher decides that nothing
//! is pending. On synchronous designs the same scenario checks two racing changes. A flush after
//! a merged change must wait for the publisher's event.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn coalescing_lost_wakeup() {
    check_on_every_design!(catalog::coalescing_lost_wakeup);
}

/// A flush right after a change merged into another thread's update waits for that update.
#[test]
fn flush_after_merge() {
    check_on_every_design!(catalog::flush_after_merge);
}
