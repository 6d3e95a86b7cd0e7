//! Probe: the high-level steps of a run, reported to an optional observer.
//!
//! The server reports each step at the point where it takes effect, inside the lock that orders
//! it (a push is reported under its lane lock, a snapshot under the account lock). A recorder that
//! appends steps to one log therefore sees them in an order consistent with the locks. The
//! specification in [`crate::spec`] checks that log; production servers usually run without a
//! probe, which costs one branch per step.

use crate::client::{ClientId, ClientKind};
use crate::event::{AccountName, Counts};
use crate::nuid::{EventId, Taken};

/// Shared handle to a probe. A plain `std` `Arc`: a probe is recording machinery that the checkers
/// must not see, and loom's `Arc` cannot hold a trait object.
pub type ProbeRef = crate::sync::untracked::Arc<dyn Probe>;

/// Observer of a server's steps. Implementations must not call back into the server.
pub trait Probe: Send + Sync {
    /// Receives one step, on the thread that took it.
    fn step(&self, step: Step);
}

/// One high-level step of the algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A client was added to or removed from an account; `version` is the new snapshot version.
    ChangeApplied {
        /// Account changed.
        account: AccountName,
        /// Client added or removed.
        client: ClientId,
        /// Kind of that client.
        kind: ClientKind,
        /// True for an add.
        added: bool,
        /// Snapshot version after the change.
        version: u64,
        /// Counts after the change.
        counts: Counts,
    },
    /// The design's event lock for the account was taken (per-account or server-wide).
    EventLockTaken {
        /// Account being updated.
        account: AccountName,
    },
    /// An event id was taken.
    IdTaken {
        /// The id.
        id: EventId,
        /// Whether the generator rolled over for it.
        taken: Taken,
    },
    /// The counts were read for an event.
    SnapshotTaken {
        /// Account read.
        account: AccountName,
        /// Version read.
        version: u64,
    },
    /// The send queue accepted an event.
    PushAccepted {
        /// Account of the event.
        account: AccountName,
        /// Version of the event.
        version: u64,
        /// Id of the event.
        id: EventId,
    },
    /// The send queue was closed and rejected an event.
    PushRejected {
        /// Account of the event.
        account: AccountName,
        /// Version of the event.
        version: u64,
    },
    /// An update found eventing stopped and sent nothing (counted as dropped).
    UpdateDropped {
        /// Account whose update was dropped.
        account: AccountName,
    },
    /// An update found its account removed and sent nothing.
    UpdateFencedOff {
        /// The removed account.
        account: AccountName,
    },
    /// A change found a coalescing publisher at work and left its update to it. Reported just
    /// after the state word changed, outside any lock.
    MarkedPending {
        /// The account.
        account: AccountName,
    },
    /// A coalescing publisher found a change pending after its push and starts another round.
    Republishing {
        /// The account.
        account: AccountName,
    },
    /// The account's heartbeat was armed or reset to a full interval.
    HeartbeatArmed {
        /// The account.
        account: AccountName,
        /// Generation of the new timer.
        generation: u64,
    },
    /// The account's heartbeat was cancelled because its counts reached zero.
    HeartbeatCancelled {
        /// The account.
        account: AccountName,
    },
    /// A heartbeat timer fired and its update starts.
    HeartbeatFired {
        /// The account.
        account: AccountName,
        /// Generation the timer was armed with.
        generation: u64,
    },
    /// A heartbeat firing found its timer cancelled or re-armed and sent nothing.
    HeartbeatStale {
        /// The account.
        account: AccountName,
    },
    /// A coalescing round found that its snapshot would repeat the account's last event, which
    /// reported zero connections, and sent nothing.
    RepeatSkipped {
        /// The account.
        account: AccountName,
    },
    /// Shutdown stopped the timers and joined the timer thread.
    TimersStopped,
    /// The first shutdown caller began the shutdown.
    ShutdownBegan,
    /// The design stopped eventing (shutdown step 1).
    EventingStopped,
    /// The send queue was closed.
    QueueClosed,
    /// The send-queue consumer delivered its last event and is exiting.
    ConsumerExited,
    /// A shutdown call is returning (every caller reports this).
    ShutdownReturned,
    /// An account left the registry.
    RemovalBegan {
        /// The account.
        account: AccountName,
    },
    /// The design fenced the account off: no later update can push for it.
    AccountFenced {
        /// The account.
        account: AccountName,
    },
}
