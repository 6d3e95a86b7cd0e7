//! The classic lost wake-up: a change lands just as a coalescing publisher decides that nothing
//! is pending. On synchronous designs the same scenario checks two racing changes.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn coalescing_lost_wakeup() {
    check_on_every_design!(catalog::coalescing_lost_wakeup);
}
