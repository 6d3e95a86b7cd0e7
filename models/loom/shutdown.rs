//! Shutdown racing client changes, shutdown racing shutdown, and shutdown with updates pending.
//!
//! The first two models run the real send-queue consumer thread, so they also check that the
//! consumer delivers everything accepted before the close and that shutdown joins it.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn shutdown_races_changes() {
    check_on_every_design!(catalog::shutdown_races_changes);
}

#[test]
fn shutdown_concurrent() {
    check_on_every_design!(catalog::shutdown_concurrent);
}

#[test]
fn shutdown_with_pending() {
    check_on_every_design!(catalog::shutdown_with_pending);
}
