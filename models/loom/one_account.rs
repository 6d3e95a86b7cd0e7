//! Several clients of one account change on two or three threads at once.
//!
//! Checks that the account's events leave in snapshot order, that every change is covered by an
//! event, and that the last event matches the final counts, while changes land in the middle of
//! other updates.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn one_account_two_threads() {
    check_on_every_design!(catalog::one_account_two_threads);
}

#[test]
fn one_account_three_threads() {
    check_on_every_design!(catalog::one_account_three_threads);
}
