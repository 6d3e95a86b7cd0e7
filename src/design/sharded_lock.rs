//! `ShardedLock`: 64 event shards, each with its own lock and its own NUID generator.
//!
//! An account's shard is its 64-bit FNV-1a name hash modulo 64. The shard lock plays the part of
//! the server lock for the accounts of that shard: id, snapshot and push happen under one hold of
//! it. Accounts in different shards never wait on each other's shard lock; one account gains
//! nothing over `GlobalLock`. Each shard's generator uses its own NUID stripe, whose prefixes no other stripe
//! can produce, so ids stay unique across shards.

use super::{Delivery, Design, Trigger, skip_without_lock, snapshot_and_push};
use crate::account::Account;
use crate::nuid::{NuidKey, SequentialNuid};
use crate::probe::Step;
use crate::server::Core;
use crate::sync::Mutex;

/// Number of event shards.
pub const EVENT_SHARDS: usize = 64;

/// Option 2 of the investigation: the server lock split into 64 shards by account name.
#[derive(Debug)]
pub struct ShardedLock;

/// The shards: each lock guards that shard's NUID generator.
pub struct Shards(Box<[Mutex<SequentialNuid>]>);

impl std::fmt::Debug for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Shards").field(&self.0.len()).finish()
    }
}

impl ShardedLock {
    /// Shard of an account.
    pub fn shard_of(account: &Account<Self>) -> usize {
        (account.hash % EVENT_SHARDS as u64) as usize
    }

    fn shard<'a>(core: &'a Core<Self>, account: &Account<Self>) -> &'a Mutex<SequentialNuid> {
        &core.slot.0[Self::shard_of(account)]
    }
}

impl Design for ShardedLock {
    const NAME: &'static str = "ShardedLock";
    const LOCK_FREE_IDS: bool = false;

    type ServerSlot = Shards;
    type AccountSlot = ();

    fn server_slot(key: NuidKey) -> Self::ServerSlot {
        let shards = (0..EVENT_SHARDS)
            .map(|shard| Mutex::new(SequentialNuid::with_stripe(key, shard)))
            .collect();
        Shards(shards)
    }

    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery {
        if let Some(skipped) = skip_without_lock(core, account) {
            return skipped;
        }

        let mut nuid = Self::shard(core, account).lock();
        core.record(Step::EventLockTaken {
            account: account.name.clone(),
        });

        let (id, taken) = nuid.next_id();
        core.record(Step::IdTaken { id, taken });
        snapshot_and_push(core, account, id, account.lane(core), trigger)
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        // Lock order: shard lock, then account lock, as on the update path.
        let _shard = Self::shard(core, account).lock();
        account.fence(&core.timers);
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: the server's state word already reads "stopping".
    }
}
