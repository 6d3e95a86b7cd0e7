//! The scenario catalog: every scenario of the suite, with the interleavings it exists for.
//!
//! Loom explores each of these exhaustively up to its preemption bound; the production tests run
//! the same scenarios on real threads many times. Loom interleaves two threads only where they
//! touch a shared object, so scenarios that need accounts to interleave make them share a
//! send-queue lane and an id stripe.

use crate::account::GLOBAL_ACCOUNT;
use crate::client::ClientKind;
use crate::design::{Design, GlobalLock};
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

/// Every scenario of the catalog, for design `D`.
pub fn all<D: Design>() -> Vec<CatalogEntry> {
    vec![
        one_account_two_threads(),
        one_account_three_threads(),
        two_accounts::<D>(),
        nuid_rollover::<D>(),
        shutdown_races_changes::<D>(),
        shutdown_concurrent(),
        account_removal(),
    ]
}

/// Two threads change clients of one account, two changes each, every kind of count.
pub fn one_account_two_threads() -> CatalogEntry {
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
pub fn one_account_three_threads() -> CatalogEntry {
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
    if !is_global_lock::<D>() {
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

/// One thread adds and removes clients while another shuts down; the real consumer thread runs.
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
    if !is_global_lock::<D>() {
        interests.push(Interleaving::PushRejectedByClose);
    }
    CatalogEntry {
        name: "shutdown_races_changes",
        scenario,
        interests,
    }
}

/// Two threads shut down at once while a third adds a client; the real consumer thread runs.
pub fn shutdown_concurrent() -> CatalogEntry {
    let mut scenario = Scenario::new(&["A"])
        .thread([Op::Shutdown])
        .thread([Op::Shutdown])
        .thread([Op::add("A", 1)]);
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

/// One thread adds and removes clients while another removes their account.
pub fn account_removal() -> CatalogEntry {
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

fn is_global_lock<D: Design>() -> bool {
    D::NAME == GlobalLock::NAME
}
