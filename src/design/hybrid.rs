//! `PerAccountLock` and `Hybrid`: a per-account event lock, no server-wide lock on the path.
//!
//! Both take the account's event lock for the whole update: id, snapshot and push happen under
//! one hold of it, so the account's events leave in snapshot order. "Events enabled" is a
//! lock-free load of the server's state word. They differ in what updates of different accounts
//! still share:
//!
//! - `PerAccountLock` is the per-account lock exactly as the investigation sketches it: ids come
//!   from one lock-free NUID word, and every event goes through one send-queue lane. Those two
//!   objects are shared by every update of every account.
//! - `Hybrid` gives each account an id stripe and a send-queue lane chosen from its name, so
//!   updates of different accounts share no lock, except the lane lock when two accounts map to
//!   one lane, and no id word, except when two accounts map to one stripe.

use super::{Delivery, Design, Trigger, skip_without_lock, snapshot_and_push};
use crate::account::Account;
use crate::nuid::NuidKey;
use crate::probe::Step;
use crate::server::Core;
use crate::sync::Mutex;

/// Option 3 of the investigation: per-account event lock, one shared lock-free id word, one
/// send-queue lane.
#[derive(Debug)]
pub struct PerAccountLock;

/// The recommended design: per-account event lock, per-account id stripe and queue lane.
#[derive(Debug)]
pub struct Hybrid;

/// Per-account state of the per-account lock designs: the event lock.
#[derive(Debug, Default)]
pub struct EventLock(Mutex<()>);

impl Design for PerAccountLock {
    const NAME: &'static str = "PerAccountLock";
    const LOCK_FREE_IDS: bool = true;

    type ServerSlot = ();
    type AccountSlot = EventLock;

    fn server_slot(_key: NuidKey) -> Self::ServerSlot {}

    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery {
        publish_under_event_lock(core, account, 0, 0, trigger)
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        fence_under_event_lock(core, account);
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: the server's state word already reads "stopping".
    }
}

impl Design for Hybrid {
    const NAME: &'static str = "Hybrid";
    const LOCK_FREE_IDS: bool = true;

    type ServerSlot = ();
    type AccountSlot = EventLock;

    fn server_slot(_key: NuidKey) -> Self::ServerSlot {}

    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery {
        publish_under_event_lock(
            core,
            account,
            account.stripe(core),
            account.lane(core),
            trigger,
        )
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        fence_under_event_lock(core, account);
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: the server's state word already reads "stopping", which
        // `Core::events_enabled` loads without a lock.
    }
}

fn publish_under_event_lock<D>(
    core: &Core<D>,
    account: &Account<D>,
    stripe: usize,
    lane: usize,
    trigger: Trigger,
) -> Delivery
where
    D: Design<AccountSlot = EventLock>,
{
    if let Some(skipped) = skip_without_lock(core, account) {
        return skipped;
    }

    let _event = account.slot.0.lock();
    core.record(Step::EventLockTaken {
        account: account.name.clone(),
    });

    let (id, taken) = core.nuid.next_id(stripe);
    core.record(Step::IdTaken { id, taken });
    snapshot_and_push(core, account, id, lane, trigger)
}

fn fence_under_event_lock<D>(core: &Core<D>, account: &Account<D>)
where
    D: Design<AccountSlot = EventLock>,
{
    // Lock order: event lock, then account lock, as on the update path. Taking the event lock
    // waits out an update that is between its snapshot and its push.
    let _event = account.slot.0.lock();
    account.fence(&core.timers);
}
