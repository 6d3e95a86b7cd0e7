//! `NoEvents`: the benchmark floor, which keeps the server's bookkeeping and publishes nothing.
//!
//! A change through a `Server<NoEvents>` does everything a change does on the other designs up to
//! the update: the running check, the account lock, the client map, the version bump and the
//! lock-free copy of the counts. The update itself takes no id, no snapshot, no heartbeat
//! decision and no push, and returns [`Delivery::NotPublished`]. The churn benchmark compares
//! every design with it, to show what eventing costs on top of the bookkeeping.
//!
//! NOTE: `NoEvents` is not one of the checked designs. It is left out of
//! [`crate::for_each_design`], so no model, reference comparison or soak runs it, and it breaks
//! the freshness invariant by construction.

use super::{Delivery, Design, Trigger};
use crate::account::Account;
use crate::nuid::NuidKey;
use crate::server::Core;

/// Benchmark floor: server bookkeeping without events or heartbeats. Not a checked design.
#[derive(Debug)]
pub struct NoEvents;

impl Design for NoEvents {
    const NAME: &'static str = "NoEvents";
    const LOCK_FREE_IDS: bool = false;

    type ServerSlot = ();
    type AccountSlot = ();

    fn server_slot(_key: NuidKey) -> Self::ServerSlot {}

    fn publish(_core: &Core<Self>, _account: &Account<Self>, _trigger: Trigger) -> Delivery {
        Delivery::NotPublished
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        // No update ever pushes, so the fence only marks the account removed.
        account.fence(&core.timers);
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: no update publishes.
    }
}
