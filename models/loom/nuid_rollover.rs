//! Event ids stay unique while the NUID rolls over to new prefixes inside the model.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn nuid_rollover() {
    check_on_every_design!(catalog::nuid_rollover);
}
