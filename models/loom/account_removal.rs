//! Account removal racing client changes of that account, with and without updates pending.
//!
//! Checks that once the removal returns nothing of the account is accepted, that a racing change
//! either published before the fence or failed with `AccountRemoved`, and that nothing but the
//! scenario's own handle keeps the account alive.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn account_removal() {
    check_on_every_design!(catalog::account_removal);
}

#[test]
fn removal_with_pending() {
    check_on_every_design!(catalog::removal_with_pending);
}
