//! Heartbeat timers: a firing racing the last client leaving, the account's removal, shutdown,
//! and a new connection that re-arms the timer.
//!
//! Loom has no time, so a due timer fires as an explicit step of a model thread
//! (`Server::fire_heartbeat`), which loom interleaves with everything else.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn heartbeat_races_last_leave() {
    check_on_every_design!(catalog::heartbeat_races_last_leave);
}

#[test]
fn heartbeat_races_removal() {
    check_on_every_design!(catalog::heartbeat_races_removal);
}

#[test]
fn heartbeat_races_shutdown() {
    check_on_every_design!(catalog::heartbeat_races_shutdown);
}

#[test]
fn heartbeat_two_firings() {
    check_on_every_design!(catalog::heartbeat_two_firings);
}
