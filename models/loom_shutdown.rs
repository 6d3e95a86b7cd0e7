//! Shutdown racing client changes, and shutdown racing shutdown.
//!
//! These models run the real send-queue consumer thread, so they also check that the consumer
//! delivers everything accepted before the close and that shutdown joins it before returning.
#![cfg(loom)]

mod common;

use account_events::spec::{Interleaving, Op, Scenario};
use account_events::{Consumer, Design, GlobalLock, Hybrid};

/// One thread adds and removes clients while another shuts the server down.
fn races_changes() -> Scenario {
    let mut scenario = Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([Op::Shutdown]);
    scenario.consumer = Consumer::Thread;
    scenario
}

/// Two threads shut down at once while a third changes a client.
fn concurrent_calls() -> Scenario {
    let mut scenario = Scenario::new(&["A"])
        .thread([Op::Shutdown])
        .thread([Op::Shutdown])
        .thread([Op::add("A", 1)]);
    scenario.consumer = Consumer::Thread;
    scenario
}

fn race_interests<D: Design>() -> Vec<Interleaving> {
    let mut interests = vec![
        Interleaving::ShutdownBetweenSnapshotAndPush,
        Interleaving::UpdateDroppedByShutdown,
        Interleaving::ChangeRejectedByShutdown,
    ];
    // Under `GlobalLock` the push happens under the server lock, which shutdown takes before it
    // closes the queue, so only a design without that lock can meet a closed queue.
    if D::NAME != GlobalLock::NAME {
        interests.push(Interleaving::PushRejectedByClose);
    }
    interests
}

fn concurrent_interests() -> [Interleaving; 2] {
    [
        Interleaving::ConcurrentShutdowns,
        Interleaving::ChangeRejectedByShutdown,
    ]
}

#[test]
fn races_changes_global_lock() {
    common::run_model::<GlobalLock>(
        "shutdown_races_changes",
        races_changes(),
        &race_interests::<GlobalLock>(),
    );
}

#[test]
fn races_changes_hybrid() {
    common::run_model::<Hybrid>(
        "shutdown_races_changes",
        races_changes(),
        &race_interests::<Hybrid>(),
    );
}

#[test]
fn concurrent_calls_global_lock() {
    common::run_model::<GlobalLock>(
        "shutdown_concurrent",
        concurrent_calls(),
        &concurrent_interests(),
    );
}

#[test]
fn concurrent_calls_hybrid() {
    common::run_model::<Hybrid>(
        "shutdown_concurrent",
        concurrent_calls(),
        &concurrent_interests(),
    );
}
