//! The account-connections event and the count snapshot it carries.
//!
//! Every change to an account's client set bumps the account's snapshot `version` under the
//! account lock. An event carries the version of the snapshot it was built from, so a checker can
//! tell whether events of one account left the send queue in order: versions of one account must
//! never go backwards in queue order. Two events may carry the same version when two updates
//! snapshot the same state.

use std::fmt;
use std::time::SystemTime;

use crate::client::ClientKind;
use crate::nuid::EventId;

/// Name of an account, shared cheaply between events and the registry.
pub type AccountName = crate::sync::SharedStr;

/// Connection counts of one account, as an event reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    /// Client connections.
    pub conns: u32,
    /// Leafnode connections.
    pub leafnodes: u32,
    /// `conns + leafnodes`.
    pub total_conns: u32,
}

impl Counts {
    /// Applies one added (`delta = 1`) or removed (`delta = -1`) client of `kind`.
    ///
    /// Internal kinds change nothing here. The caller guarantees that a removal matches an earlier
    /// add, so no count goes below zero.
    pub(crate) fn apply(&mut self, kind: ClientKind, added: bool) {
        let field = match kind {
            ClientKind::Client => &mut self.conns,
            ClientKind::Leafnode => &mut self.leafnodes,
            _ => return,
        };

        if added {
            *field += 1;
        } else {
            *field -= 1;
        }
        self.total_conns = self.conns + self.leafnodes;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conns {}, leafnodes {}, total_conns {}",
            self.conns, self.leafnodes, self.total_conns
        )
    }
}

/// Counts of an account including the internal clients that events leave out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountCounts {
    /// The counts an event reports.
    pub counts: Counts,
    /// Internal clients (system, JetStream, account).
    pub internal: u32,
    /// Version of the account's snapshot: bumped by every change.
    pub version: u64,
}

/// Message and byte totals of one direction, as NATS `DataStats` reports them (its optional
/// `gateways`, `routes` and `leafs` breakdowns are not kept).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct DataStats {
    /// Messages.
    pub msgs: u64,
    /// Payload bytes of those messages.
    pub bytes: u64,
}

/// Subscription and traffic counters of one account, which events carry beside the counts.
///
/// They are fed through [`crate::Account::record_sent`] and its siblings, kept under the account
/// lock with the client set, and copied into an event at its snapshot. A change to them publishes
/// nothing by itself, as in NATS: the next change or heartbeat carries the live values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccountStats {
    /// Subscriptions of the account's clients (NATS `num_subscriptions`).
    pub num_subscriptions: u32,
    /// Times a client of the account was found to be a slow consumer.
    pub slow_consumers: u64,
    /// Messages and bytes the server sent to the account's clients.
    pub sent: DataStats,
    /// Messages and bytes the server received from the account's clients.
    pub received: DataStats,
}

/// One account-connections event, as pushed onto the send queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountConnsEvent {
    /// NUID of the event.
    pub id: EventId,
    /// Account the counts belong to.
    pub account: AccountName,
    /// The count snapshot.
    pub counts: Counts,
    /// Subscription and traffic counters, read in the same snapshot as `counts`.
    pub stats: AccountStats,
    /// Snapshot version: per account, never decreases in queue order.
    pub version: u64,
    /// When the event was built. Fixed at the Unix epoch under the model checkers.
    pub timestamp: SystemTime,
}

impl fmt::Display for AccountConnsEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} of account {:?} (version {}, {})",
            self.id, self.account, self.version, self.counts
        )
    }
}
