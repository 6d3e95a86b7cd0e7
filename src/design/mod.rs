//! Update designs: how an account-connections update (NATS `accConnsUpdate`) is serialized.
//!
//! Every design runs the same three steps for an update: take an event id, snapshot the account's
//! counts and version under the account lock, push the event onto the send queue. Designs differ
//! in which lock orders those steps and where the id comes from. Whatever the design, one
//! account's snapshot and push happen while the design excludes every other update of that
//! account: a held lock, or for `HybridCoalescing` the publisher state. So two updates of that
//! account cannot push in the opposite order of their snapshots.
//!
//! A design is a type implementing [`Design`]; the server, every model and every test are generic
//! over it, and [`crate::for_each_design`] runs one scenario on each.

mod coalescing;
mod global_lock;
mod hybrid;
mod no_events;
mod sharded_lock;

pub use coalescing::{HybridCoalescing, PublisherState};
pub use global_lock::{GlobalLock, ServerLocked};
pub use hybrid::{EventLock, Hybrid, PerAccountLock};
pub use no_events::NoEvents;
pub use sharded_lock::{EVENT_SHARDS, ShardedLock, Shards};

use crate::account::{Account, AccountState};
use crate::event::AccountConnsEvent;
use crate::nuid::{EventId, NuidKey};
use crate::probe::Step;
use crate::queue::Pushed;
use crate::server::Core;

/// Fate of the event of one update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The send queue accepted the event; it will be delivered.
    Accepted {
        /// The event's id.
        id: EventId,
        /// The snapshot version the event carries (at least the change's own version).
        version: u64,
    },
    /// No event: the global account `$G` never gets one.
    GlobalAccount,
    /// No event: eventing had stopped for shutdown before the update reached the queue. Counted
    /// in [`crate::Stats::dropped_updates`].
    Dropped,
    /// No event: the send queue was closed for shutdown and rejected the push. Counted in
    /// [`crate::Stats::rejected_pushes`].
    Rejected,
    /// No event: the account was removed before the update could push.
    Fenced,
    /// No event of its own: another thread is publishing this account, and it publishes a
    /// snapshot that includes this change before it stops; or the account's last event, which
    /// reported zero connections, already includes it (coalescing designs only).
    Coalesced,
    /// No event: a heartbeat firing found its timer cancelled or re-armed since it was taken.
    Stale,
    /// No event: the design publishes nothing. Only the [`NoEvents`] benchmark floor returns it.
    NotPublished,
}

/// Cause of an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A client was added or removed.
    Change,
    /// The account's heartbeat timer, armed with `generation`, fired.
    Heartbeat {
        /// Generation the timer was armed with.
        generation: u64,
    },
}

/// When a successful change is covered by an accepted event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Before the change's call returns.
    Synchronous,
    /// Once no update of the account is in progress: after [`crate::Server::flush`] or at
    /// quiescence. An update that arrives during another one is merged into it.
    Eventual,
}

/// A way of serializing account-connections updates.
pub trait Design: Sized + Send + Sync + 'static {
    /// Name used in reports.
    const NAME: &'static str;

    /// True if ids come from the lock-free generator, so callers can race on a roll-over.
    const LOCK_FREE_IDS: bool;

    /// True if one lock serializes the updates of every account.
    const SERVER_WIDE_LOCK: bool = false;

    /// When a change is covered by an event.
    const FRESHNESS: Freshness = Freshness::Synchronous;

    /// Server-wide state of the design.
    type ServerSlot: Send + Sync;

    /// Per-account state of the design.
    type AccountSlot: Default + Send + Sync;

    /// Creates the server-wide state.
    fn server_slot(key: NuidKey) -> Self::ServerSlot;

    /// Publishes the account's current counts (NATS `accConnsUpdate`).
    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery;

    /// Fences the account off, so that no later update pushes an event for it.
    fn fence(core: &Core<Self>, account: &Account<Self>);

    /// Stops eventing at shutdown, before the send queue closes.
    fn stop_eventing(core: &Core<Self>);

    /// Waits until no update of the account is in progress. Synchronous designs have nothing to
    /// wait for.
    fn flush(_core: &Core<Self>, _account: &Account<Self>) {}
}

/// Returns the delivery of an update that needs no lock to decide: `$G` never gets an event, and
/// once eventing has stopped the update is dropped and counted. Designs without a server-wide
/// lock call this first; `GlobalLock` makes the same checks under its lock.
pub(crate) fn skip_without_lock<D: Design>(
    core: &Core<D>,
    account: &Account<D>,
) -> Option<Delivery> {
    if account.is_global {
        return Some(Delivery::GlobalAccount);
    }
    if !core.events_enabled() {
        core.count_dropped(account);
        return Some(Delivery::Dropped);
    }
    None
}

/// Snapshots the account and pushes its event. The caller holds the design's event lock for the
/// account, which orders this account's snapshots and pushes alike.
///
/// The heartbeat decision is made here, under the account lock and with the snapshot, as NATS
/// makes it: counts above zero arm the account's heartbeat or reset it to a full interval, zero
/// cancels it. A heartbeat firing whose timer was cancelled or re-armed since it was taken is
/// stale and sends nothing.
pub(crate) fn snapshot_and_push<D: Design>(
    core: &Core<D>,
    account: &Account<D>,
    id: EventId,
    lane: usize,
    trigger: Trigger,
) -> Delivery {
    let mut state = account.state.lock();
    if state.removed {
        drop(state);
        core.record(Step::UpdateFencedOff {
            account: account.name.clone(),
        });
        return Delivery::Fenced;
    }
    if let Trigger::Heartbeat { generation } = trigger {
        if state.heartbeat != Some(generation) {
            drop(state);
            core.record(Step::HeartbeatStale {
                account: account.name.clone(),
            });
            return Delivery::Stale;
        }
    }

    let snapshot = state.counts;
    if D::FRESHNESS == Freshness::Eventual && state.pushed_zero == Some(snapshot.version) {
        // A coalescing round owes no event for this snapshot: the account's last event already
        // reported it, with zero connections, and nothing follows that event, as in NATS. The
        // change that started the round is covered by that event.
        drop(state);
        core.record(Step::RepeatSkipped {
            account: account.name.clone(),
        });
        return Delivery::Coalesced;
    }

    // The stats are copied under the same account lock as the counts, so a snapshot adds no
    // lock, atomic or other step that a model checker schedules, and a heartbeat firing carries
    // the values current at its snapshot.
    let stats = state.stats;
    core.record(Step::SnapshotTaken {
        account: account.name.clone(),
        version: snapshot.version,
    });
    decide_heartbeat(core, account, &mut state);
    state.pushed_zero = (snapshot.counts.total_conns == 0).then_some(snapshot.version);
    // Released before the push: later changes may proceed, and their own updates wait for the
    // event lock this caller still holds.
    drop(state);

    let event = AccountConnsEvent {
        id,
        account: account.name.clone(),
        counts: snapshot.counts,
        stats,
        version: snapshot.version,
        timestamp: crate::sync::now(),
    };
    match core.queue.push(lane, event) {
        Pushed::Accepted => Delivery::Accepted {
            id,
            version: snapshot.version,
        },
        Pushed::Rejected => Delivery::Rejected,
    }
}

/// Arms, resets or cancels the account's heartbeat after a snapshot. The caller holds the
/// design's event lock and the account lock, so decisions happen in snapshot order.
fn decide_heartbeat<D: Design>(core: &Core<D>, account: &Account<D>, state: &mut AccountState) {
    if state.counts.counts.total_conns > 0 {
        state.heartbeat_generation += 1;
        let generation = state.heartbeat_generation;
        state.heartbeat = Some(generation);
        // Lock order: account lock, then the timers' lock.
        // NOTE: the timers' lock is one per server, so every update with connections takes it
        // once, whatever the design. It is held only to replace one map entry.
        core.timers
            .arm(account.name.clone(), generation, core.heartbeat_interval);
        core.record(Step::HeartbeatArmed {
            account: account.name.clone(),
            generation,
        });
    } else if state.heartbeat.take().is_some() {
        core.timers.cancel(&account.name);
        core.record(Step::HeartbeatCancelled {
            account: account.name.clone(),
        });
    }
}
