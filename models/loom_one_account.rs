//! Several clients of one account change on two or three threads at once.
//!
//! Checks that the account's events leave in snapshot order, that every change is covered by an
//! event accepted before its call returned, and that the last event matches the final counts,
//! while changes land in the middle of other updates.
#![cfg(loom)]

mod common;

use account_events::spec::{Interleaving, Op, Scenario};
use account_events::{ClientKind, Design, GlobalLock, Hybrid};

/// Two threads, two changes each, every client kind that counts differently.
fn two_threads() -> Scenario {
    Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2), Op::remove("A", 1)])
        .thread([
            Op::add_kind("A", 3, ClientKind::Leafnode),
            Op::add_kind("A", 4, ClientKind::System),
        ])
}

/// Three threads, one change each.
fn three_threads() -> Scenario {
    Scenario::new(&["A"])
        .setup([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::remove("A", 1)])
        .thread([Op::add_kind("A", 3, ClientKind::Leafnode)])
}

fn interests() -> [Interleaving; 2] {
    [
        Interleaving::ChangeDuringUpdate,
        Interleaving::EventCoveredLaterChange,
    ]
}

fn check<D: Design>(model: &str, scenario: Scenario) {
    common::run_model::<D>(model, scenario, &interests());
}

#[test]
fn two_threads_global_lock() {
    check::<GlobalLock>("one_account_two_threads", two_threads());
}

#[test]
fn two_threads_hybrid() {
    check::<Hybrid>("one_account_two_threads", two_threads());
}

#[test]
fn three_threads_global_lock() {
    check::<GlobalLock>("one_account_three_threads", three_threads());
}

#[test]
fn three_threads_hybrid() {
    check::<Hybrid>("one_account_three_threads", three_threads());
}
