//! `Hybrid`: the recommended design, with no server-wide lock on the update path.
//!
//! - A per-account event lock orders the account's updates: id, snapshot and push happen under
//!   one hold of it, so the account's events leave in snapshot order. Updates of different
//!   accounts share no lock, except the send-queue lane lock when their accounts map to one lane.
//! - Ids come from the lock-free striped NUID generator; the stripe is chosen by the account, so
//!   accounts on different stripes share no id state.
//! - "Events enabled" is a lock-free load of the server's state word.
//! - The push goes to the account's send-queue lane.

use super::{Delivery, Design, snapshot_and_push};
use crate::account::Account;
use crate::nuid::NuidKey;
use crate::probe::Step;
use crate::server::Core;
use crate::sync::Mutex;

/// The recommended design: per-account event lock, lock-free ids and eventing check.
#[derive(Debug)]
pub struct Hybrid;

/// Per-account state of [`Hybrid`]: the event lock.
#[derive(Debug, Default)]
pub struct EventLock(Mutex<()>);

impl Design for Hybrid {
    const NAME: &'static str = "Hybrid";
    const LOCK_FREE_IDS: bool = true;

    type ServerSlot = ();
    type AccountSlot = EventLock;

    fn server_slot(_key: NuidKey) -> Self::ServerSlot {}

    fn publish(core: &Core<Self>, account: &Account<Self>) -> Delivery {
        if account.is_global {
            return Delivery::GlobalAccount;
        }
        if !core.events_enabled() {
            core.count_dropped(account);
            return Delivery::Dropped;
        }

        let _event = account.slot.0.lock();
        core.record(Step::EventLockTaken {
            account: account.name.clone(),
        });

        let (id, taken) = core.nuid.next_id(account.stripe(core));
        core.record(Step::IdTaken { id, taken });
        snapshot_and_push(core, account, id)
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        // Lock order: event lock, then account lock, as on the update path. Taking the event lock
        // waits out an update that is between its snapshot and its push.
        let _event = account.slot.0.lock();
        let _ = core;
        account.fence();
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: the server's state word already reads "stopping", which
        // `Core::events_enabled` loads without a lock.
    }
}
