//! Event ids stay unique while the NUID rolls over to new prefixes inside the model.
#![cfg(loom)]

mod common;

use account_events::spec::catalog;
use common::check_on_every_design;

#[test]
fn nuid_rollover() {
    check_on_every_design!(catalog::nuid_rollover);
}
