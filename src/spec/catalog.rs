//! The scenario catalog: every scenario of the suite, with the interleavings it exists for.
//!
//! Loom explores each of these exhaustively up to its preemption bound; the production tests run
//! the same scenarios on real threads many times. Loom interleaves two threads only where they
//! touch a shared object, so scenarios that need accounts to interleave make them share a
//! send-queue lane and an id stripe.

use crate::account::{GLOBAL_ACCOUNT, fnv1a};
use crate::client::ClientKind;
use crate::design::{Design, EVENT_SHARDS, Freshness};
use crate::server::Consumer;
use crate::spec::{Interleaving, Op, Scenario};

/// A named scenario and the interleavings it must produce on design `D`.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    /// Name used in reports.
    pub name: &'static str,
    /// The scenario.
    pub scenario: Scenario,
    /// Interleavings that must happen at least once.
    pub interests: Vec<Interleaving>,
}

/// Returns every scenario of the catalog, for design `D`.
pub fn all<D: Design>() -> Vec<CatalogEntry> {
    vec![
        one_account_two_threads::<D>(),
        one_account_three_threads::<D>(),
        two_accounts::<D>(),
        two_accounts_one_shard::<D>(),
        nuid_rollover::<D>(),
        shutdown_races_changes::<D>(),
        shutdown_concurrent::<D>(),
        account_removal::<D>(),
        coalescing_lost_wakeup::<D>(),
        flush_after_merge::<D>(),
        shutdown_with_pending::<D>(),
        removal_with_pending::<D>(),
        counts_read_without_lock::<D>(),
        heartbeat_races_last_leave::<D>(),
        heartbeat_races_removal::<D>(),
        heartbeat_races_shutdown::<D>(),
        heartbeat_two_firings::<D>(),
    ]
}

/// Two threads change clients of one account, two changes each, every kind of count.
pub fn one_account_two_threads<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([
            Op::add_kind("A", 3, ClientKind::Leafnode),
            Op::add_kind("A", 4, ClientKind::System),
        ]);
    CatalogEntry {
        name: "one_account_two_threads",
        scenario,
        interests: vec![
            Interleaving::ChangeDuringUpdate,
            Interleaving::EventCoveredLaterChange,
        ],
    }
}

/// Three threads change clients of one account, one change each.
pub fn one_account_three_threads<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::remove("A", 1)])
        .thread([Op::add_kind("A", 3, ClientKind::Leafnode)]);
    CatalogEntry {
        name: "one_account_three_threads",
        scenario,
        interests: vec![
            Interleaving::ChangeDuringUpdate,
            Interleaving::EventCoveredLaterChange,
        ],
    }
}

/// Two accounts and `$G` change at once, sharing one lane and one id stripe.
pub fn two_accounts<D: Design>() -> CatalogEntry {
    let mut scenario = Scenario::new(&["A", "B"])
        .thread([Op::add("A", 1), Op::remove("A", 1)])
        .thread([Op::add("B", 1)])
        .thread([Op::add(GLOBAL_ACCOUNT, 1)]);
    scenario.lanes = 1;
    scenario.id_stripes = 1;

    let mut interests = vec![Interleaving::OtherAccountChangedDuringUpdate];
    if !D::SERVER_WIDE_LOCK {
        interests.push(Interleaving::TwoAccountsOverlapped);
    }
    CatalogEntry {
        name: "two_accounts",
        scenario,
        interests,
    }
}

/// Ids under a sequence space of 32 values, below the smallest step, so that every prefix holds
/// one id and each update after the first rolls the generator over. With one stripe, two
/// accounts' updates race on one generator word under a lock-free design.
pub fn nuid_rollover<D: Design>() -> CatalogEntry {
    let mut scenario = Scenario::new(&["A", "B"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::add("B", 1)]);
    scenario.nuid_max_seq = 32;
    scenario.id_stripes = 1;

    let mut interests = vec![Interleaving::NuidRolledOver];
    if D::LOCK_FREE_IDS {
        interests.push(Interleaving::NuidRolloverRace);
    }
    CatalogEntry {
        name: "nuid_rollover",
        scenario,
        interests,
    }
}

/// Returns the scenario in which one thread adds and removes clients while another shuts down,
/// with the real consumer thread.
pub fn shutdown_races_changes<D: Design>() -> CatalogEntry {
    let mut scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([Op::Shutdown]);
    scenario.consumer = Consumer::Thread;

    let mut interests = vec![
        Interleaving::ShutdownBetweenSnapshotAndPush,
        Interleaving::UpdateDroppedByShutdown,
        Interleaving::ChangeRejectedByShutdown,
    ];
    // Under `GlobalLock` the push happens under the server lock, which shutdown takes before it
    // closes the queue, so only a design without that lock can meet a closed queue.
    if !D::SERVER_WIDE_LOCK {
        interests.push(Interleaving::PushRejectedByClose);
    }
    CatalogEntry {
        name: "shutdown_races_changes",
        scenario,
        interests,
    }
}

/// Two threads shut down at once, and one of them then tries a change, which must fail; the
/// real consumer thread runs.
pub fn shutdown_concurrent<D: Design>() -> CatalogEntry {
    let mut scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::Shutdown])
        .thread([Op::Shutdown, Op::add("A", 2)]);
    scenario.consumer = Consumer::Thread;
    CatalogEntry {
        name: "shutdown_concurrent",
        scenario,
        interests: vec![
            Interleaving::ConcurrentShutdowns,
            Interleaving::ChangeRejectedByShutdown,
        ],
    }
}

/// Returns the scenario in which one thread adds and removes clients while another removes
/// their account.
pub fn account_removal<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([Op::remove_account("A")]);
    CatalogEntry {
        name: "account_removal",
        scenario,
        interests: vec![
            Interleaving::RemovalBetweenChangeAndPush,
            Interleaving::PushDuringRemoval,
            Interleaving::ChangeAfterRemoval,
        ],
    }
}

/// Two accounts whose names fall into one of `ShardedLock`'s 64 shards change at once. They
/// share one lane and one id stripe too, so every design makes them meet somewhere.
pub fn two_accounts_one_shard<D: Design>() -> CatalogEntry {
    let partner = shard_partner("A");
    let mut scenario = Scenario::new(&["A", &partner])
        .thread([Op::add("A", 1), Op::remove("A", 1)])
        .thread([Op::add(&partner, 1)]);
    scenario.lanes = 1;
    scenario.id_stripes = 1;
    CatalogEntry {
        name: "two_accounts_one_shard",
        scenario,
        interests: vec![Interleaving::OtherAccountChangedDuringUpdate],
    }
}

/// Returns the first name of the form `S<n>` that falls into the same event shard as `name`.
pub fn shard_partner(name: &str) -> String {
    let shard = |name: &str| fnv1a(name.as_bytes()) % EVENT_SHARDS as u64;
    (0..)
        .map(|n| format!("S{n}"))
        .find(|candidate| shard(candidate) == shard(name))
        .expect("some name shares the shard")
}

/// Two changes of one account race: on a coalescing design one merges into the other's update,
/// and the publisher must notice the change that lands as it decides nothing is pending.
pub fn coalescing_lost_wakeup<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .thread([Op::add("A", 1)])
        .thread([Op::add("A", 2)]);
    let interests = match D::FRESHNESS {
        Freshness::Eventual => vec![
            Interleaving::UpdateCoalesced,
            Interleaving::PublisherRepublished,
        ],
        Freshness::Synchronous => vec![Interleaving::ChangeDuringUpdate],
    };
    CatalogEntry {
        name: "coalescing_lost_wakeup",
        scenario,
        interests,
    }
}

/// A change merges into another thread's update, then its thread flushes: the flush must wait
/// until the publisher has pushed an event covering the merged change.
pub fn flush_after_merge<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .thread([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::Flush]);
    let interests = match D::FRESHNESS {
        Freshness::Eventual => vec![Interleaving::UpdateCoalesced],
        Freshness::Synchronous => vec![Interleaving::ChangeDuringUpdate],
    };
    CatalogEntry {
        name: "flush_after_merge",
        scenario,
        interests,
    }
}

/// Two changes race a shutdown: a coalescing publisher may have a change pending when eventing
/// stops, which must be published before the close or counted as dropped.
pub fn shutdown_with_pending<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .thread([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::Shutdown]);
    let interests = match D::FRESHNESS {
        Freshness::Eventual => vec![Interleaving::ShutdownWithPending],
        Freshness::Synchronous => vec![Interleaving::UpdateDroppedByShutdown],
    };
    CatalogEntry {
        name: "shutdown_with_pending",
        scenario,
        interests,
    }
}

/// Two changes race the removal of their account: a coalescing publisher may have a change
/// pending when the removal begins, which must be published before the removal returns.
pub fn removal_with_pending<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .thread([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::remove_account("A")]);
    let interests = match D::FRESHNESS {
        Freshness::Eventual => vec![Interleaving::RemovalWaitedForPending],
        Freshness::Synchronous => vec![Interleaving::PushDuringRemoval],
    };
    CatalogEntry {
        name: "removal_with_pending",
        scenario,
        interests,
    }
}

/// Returns the scenario in which a thread reads an account's counts without a lock while another
/// adds and removes clients.
pub fn counts_read_without_lock<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([
            Op::add_kind("A", 2, ClientKind::Leafnode),
            Op::remove("A", 1),
        ])
        .thread([Op::read_counts("A"), Op::read_counts("A")]);
    CatalogEntry {
        name: "counts_read_without_lock",
        scenario,
        interests: vec![Interleaving::CountsReadBeforeLastChange],
    }
}

/// Returns the scenario in which the heartbeat fires while the account's last client leaves.
pub fn heartbeat_races_last_leave<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::remove("A", 1)])
        .thread([Op::fire_heartbeat("A")]);
    CatalogEntry {
        name: "heartbeat_races_last_leave",
        scenario,
        interests: vec![
            Interleaving::HeartbeatFiredLive,
            Interleaving::HeartbeatFiringStale,
            Interleaving::HeartbeatNotArmed,
        ],
    }
}

/// Returns the scenario in which the heartbeat fires while the account is removed.
pub fn heartbeat_races_removal<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::fire_heartbeat("A")])
        .thread([Op::remove_account("A")]);
    CatalogEntry {
        name: "heartbeat_races_removal",
        scenario,
        interests: vec![
            Interleaving::HeartbeatFiredLive,
            Interleaving::HeartbeatFiringFenced,
            Interleaving::HeartbeatNotArmed,
        ],
    }
}

/// Returns the scenario in which the heartbeat fires while the server shuts down.
pub fn heartbeat_races_shutdown<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::fire_heartbeat("A")])
        .thread([Op::Shutdown]);
    CatalogEntry {
        name: "heartbeat_races_shutdown",
        scenario,
        interests: vec![
            Interleaving::HeartbeatFiredLive,
            Interleaving::HeartbeatFiringStoppedByShutdown,
            Interleaving::HeartbeatNotArmed,
        ],
    }
}

/// Two firings of one heartbeat race a new connection, which re-arms the timer.
pub fn heartbeat_two_firings<D: Design>() -> CatalogEntry {
    let scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::fire_heartbeat("A")])
        .thread([Op::fire_heartbeat("A")])
        .thread([Op::add("A", 2)]);
    CatalogEntry {
        name: "heartbeat_two_firings",
        scenario,
        interests: vec![
            Interleaving::HeartbeatFiredLive,
            Interleaving::HeartbeatFiringStale,
            Interleaving::HeartbeatNotArmed,
        ],
    }
}
