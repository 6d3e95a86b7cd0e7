//! `GlobalLock`: today's NATS server, the reference design.
//!
//! One server-wide lock (`s.mu`) is held for the whole update: the `$G` check, the eventing check,
//! id generation from a single sequential NUID, the snapshot and the push. Every update of every
//! account is serialized behind it.

use super::{Delivery, Design, Trigger, snapshot_and_push};
use crate::account::Account;
use crate::nuid::{NuidKey, SequentialNuid};
use crate::probe::Step;
use crate::server::Core;
use crate::sync::Mutex;

/// The reference design: one server-wide lock around every update.
#[derive(Debug)]
pub struct GlobalLock;

/// State guarded by the server lock.
#[derive(Debug)]
pub struct ServerLocked {
    eventing: bool,
    nuid: SequentialNuid,
}

impl Design for GlobalLock {
    const NAME: &'static str = "GlobalLock";
    const LOCK_FREE_IDS: bool = false;
    const SERVER_WIDE_LOCK: bool = true;

    type ServerSlot = Mutex<ServerLocked>;
    type AccountSlot = ();

    fn server_slot(key: NuidKey) -> Self::ServerSlot {
        Mutex::new(ServerLocked {
            eventing: true,
            nuid: SequentialNuid::new(key),
        })
    }

    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery {
        let mut server = core.slot.lock();
        core.record(Step::EventLockTaken {
            account: account.name.clone(),
        });

        if account.is_global {
            return Delivery::GlobalAccount;
        }
        if !server.eventing {
            core.count_dropped(account);
            return Delivery::Dropped;
        }

        let (id, taken) = server.nuid.next_id();
        core.record(Step::IdTaken { id, taken });
        snapshot_and_push(core, account, id, account.lane(core), trigger)
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        // Lock order: server lock, then account lock, as on the update path.
        let _server = core.slot.lock();
        account.fence(&core.timers);
    }

    fn stop_eventing(core: &Core<Self>) {
        core.slot.lock().eventing = false;
    }
}
