//! `HybridCoalescing`: the hybrid design with coalescing. Updates that arrive while one is in
//! flight merge into one event carrying the newest snapshot.
//!
//! ## Who publishes
//!
//! No thread per account and no worker pool: the caller whose update finds the account idle
//! becomes its publisher and keeps publishing until nothing is pending. A caller that finds a
//! publisher at work marks the account pending and returns at once with
//! [`Delivery::Coalesced`]. This costs one state word per account and no thread, and a merged
//! change is published by a thread that is already running, so nothing waits for a handoff.
//! The price: under sustained churn on one account, the publisher's caller keeps publishing for
//! as long as changes keep arriving, one event per round, each round covering every change
//! before its snapshot.
//!
//! ## State word
//!
//! | value        | meaning                                                                |
//! |--------------|------------------------------------------------------------------------|
//! | `IDLE`       | no update of the account is in progress                                |
//! | `PUBLISHING` | a publisher is at work, and no change arrived since its last snapshot  |
//! | `PENDING`    | a publisher is at work, and a change arrived that it has not published |
//! | `FENCED`     | the account is removed: nothing publishes for it again                 |
//!
//! The publisher leaves only through a compare-and-swap from `PUBLISHING` to `IDLE`. A change
//! that lands just as the publisher decides nothing is pending turns the word into `PENDING`
//! first, so that swap fails and the publisher runs one more round: no wake-up is lost.
//!
//! ## Shutdown and removal
//!
//! Each round checks "events enabled" first. A round that finds eventing stopped, or whose push
//! the closed queue rejects, is counted in [`crate::Stats`], so a pending update is either
//! published before shutdown closes the queue or counted as dropped. Removal waits for the word
//! to be `IDLE` and swaps in `FENCED`, so every pending update is published before the removal
//! returns.

use super::{Delivery, Design, Freshness, Trigger, skip_without_lock, snapshot_and_push};
use crate::account::Account;
use crate::nuid::NuidKey;
use crate::probe::Step;
use crate::server::Core;
use crate::sync::atomic::{AtomicU8, Ordering};
use crate::sync::thread::yield_now;

const IDLE: u8 = 0;
const PUBLISHING: u8 = 1;
const PENDING: u8 = 2;
const FENCED: u8 = 3;

/// The hybrid design with coalescing: per-account publisher state word, lock-free ids, the
/// account's own queue lane.
#[derive(Debug)]
pub struct HybridCoalescing;

/// Per-account state of [`HybridCoalescing`]: the publisher state word.
#[derive(Debug, Default)]
pub struct PublisherState(AtomicU8);

impl Design for HybridCoalescing {
    const NAME: &'static str = "HybridCoalescing";
    const LOCK_FREE_IDS: bool = true;
    const FRESHNESS: Freshness = Freshness::Eventual;

    type ServerSlot = ();
    type AccountSlot = PublisherState;

    fn server_slot(_key: NuidKey) -> Self::ServerSlot {}

    fn publish(core: &Core<Self>, account: &Account<Self>, trigger: Trigger) -> Delivery {
        if let Some(skipped) = skip_without_lock(core, account) {
            return skipped;
        }

        match claim(&account.slot.0) {
            Claim::Publisher => publish_until_idle(core, account, trigger),
            Claim::Merged => {
                core.record(Step::MarkedPending {
                    account: account.name.clone(),
                });
                Delivery::Coalesced
            }
            Claim::Fenced => {
                core.record(Step::UpdateFencedOff {
                    account: account.name.clone(),
                });
                Delivery::Fenced
            }
        }
    }

    fn fence(core: &Core<Self>, account: &Account<Self>) {
        let word = &account.slot.0;
        // Acquire: pairs with the publisher's release to IDLE, so its pushes happen before the
        // fence, as they would under a lock.
        while let Err(current) =
            word.compare_exchange(IDLE, FENCED, Ordering::Acquire, Ordering::Relaxed)
        {
            if current == FENCED {
                break;
            }
            // A publisher is at work; it finishes after at most the changes already pending.
            yield_now();
        }
        account.fence(&core.timers);
    }

    fn stop_eventing(_core: &Core<Self>) {
        // Nothing to do: each publishing round loads the server's state word.
    }

    fn flush(_core: &Core<Self>, account: &Account<Self>) {
        // Acquire: pairs with the publisher's release to IDLE, so the caller sees its pushes.
        while !matches!(account.slot.0.load(Ordering::Acquire), IDLE | FENCED) {
            yield_now();
        }
    }
}

enum Claim {
    Publisher,
    Merged,
    Fenced,
}

/// Becomes the account's publisher, or marks a change pending for the publisher at work.
fn claim(word: &AtomicU8) -> Claim {
    // Relaxed: a first guess only; every decision below is made by a compare-and-swap.
    let mut current = word.load(Ordering::Relaxed);
    loop {
        let (next, claim) = match current {
            IDLE => (PUBLISHING, Claim::Publisher),
            PUBLISHING => (PENDING, Claim::Merged),
            PENDING => return Claim::Merged,
            _ => return Claim::Fenced,
        };
        // AcqRel: the release publishes this caller's change to the publisher that later swaps
        // PENDING back; the acquire orders a new publisher after the previous one's pushes.
        match word.compare_exchange(current, next, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return claim,
            Err(actual) => current = actual,
        }
    }
}

/// Publishes rounds until a round ends with nothing pending. Returns the first round's delivery,
/// which covers the caller's own change.
fn publish_until_idle(
    core: &Core<HybridCoalescing>,
    account: &Account<HybridCoalescing>,
    trigger: Trigger,
) -> Delivery {
    let word = &account.slot.0;
    let mut first = None;
    loop {
        // Later rounds publish changes merged by other callers, not this caller's trigger.
        let round_trigger = if first.is_none() {
            trigger
        } else {
            Trigger::Change
        };
        let delivery = publish_round(core, account, round_trigger);
        first.get_or_insert(delivery);

        // AcqRel on both swaps: releasing to IDLE orders this round's pushes before the next
        // publisher or fence; taking PENDING back acquires the changes marked pending.
        match word.compare_exchange(PUBLISHING, IDLE, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => break,
            Err(_) => word.store(PUBLISHING, Ordering::Release),
        }
        core.record(Step::Republishing {
            account: account.name.clone(),
        });
    }
    first.unwrap_or(Delivery::Dropped)
}

fn publish_round(
    core: &Core<HybridCoalescing>,
    account: &Account<HybridCoalescing>,
    trigger: Trigger,
) -> Delivery {
    if !core.events_enabled() {
        core.count_dropped(account);
        return Delivery::Dropped;
    }
    core.record(Step::EventLockTaken {
        account: account.name.clone(),
    });

    let (id, taken) = core.nuid.next_id(account.stripe(core));
    core.record(Step::IdTaken { id, taken });
    snapshot_and_push(core, account, id, account.lane(core), trigger)
}
