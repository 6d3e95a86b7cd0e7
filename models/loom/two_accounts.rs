//! Updates of two accounts interleave.
//!
//! Checks per-account order and freshness when updates of different accounts interleave, and that
//! `$G` never gets an event. Designs without a server-wide lock must let two accounts' updates
//! overlap. A second model puts both accounts into one `ShardedLock` shard.

use crate::common::check_on_every_design;
use account_events::spec::catalog;

#[test]
fn two_accounts() {
    check_on_every_design!(catalog::two_accounts);
}

#[test]
fn two_accounts_one_shard() {
    check_on_every_design!(catalog::two_accounts_one_shard);
}
