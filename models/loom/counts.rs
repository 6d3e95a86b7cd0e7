//! Connection counts read without a lock while clients change: never torn, never negative, and
//! always a state the account had during the read.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn counts_read_without_lock() {
    check_on_every_design!(catalog::counts_read_without_lock);
}
