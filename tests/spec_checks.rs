//! The specification's checks fail on broken runs: each test breaks one recorded run by hand and
//! expects the matching invariant.
#![cfg(not(any(loom, shuttle)))]

use account_events::probe::Step;
use account_events::spec::{self, Invariant, Op, Record, Run, Scenario};
use account_events::{GlobalLock, Hybrid};

fn good_run() -> Run {
    Scenario::new(&["A"])
        .setup([Op::add("A", 1), Op::add("A", 2), Op::remove("A", 1)])
        .run::<Hybrid>()
}

fn invariant_of(run: &Run) -> Invariant {
    spec::check(run)
        .expect_err("the broken run passed the specification")
        .invariant
}

#[test]
fn good_run_passes() {
    spec::check(&good_run()).unwrap();
    spec::check(
        &Scenario::new(&["A"])
            .setup([Op::add("A", 1)])
            .run::<GlobalLock>(),
    )
    .unwrap();
}

#[test]
fn swapped_events_break_order() {
    let mut run = good_run();
    run.delivered.swap(0, 1);
    let accepted: Vec<usize> = run
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.record, Record::Step(Step::PushAccepted { .. })))
        .map(|(i, _)| i)
        .collect();
    run.entries.swap(accepted[0], accepted[1]);
    assert_eq!(invariant_of(&run), Invariant::PerAccountOrder);
}

#[test]
fn missing_delivery_is_lost() {
    let mut run = good_run();
    run.delivered.pop();
    assert_eq!(invariant_of(&run), Invariant::NothingLost);
}

#[test]
fn duplicate_id_breaks_ids() {
    let mut run = good_run();
    run.delivered[1].id = run.delivered[0].id;
    assert_eq!(invariant_of(&run), Invariant::Ids);
}

#[test]
fn stale_last_event_breaks_accuracy() {
    let mut run = good_run();
    let last = run.delivered.len() - 1;
    run.delivered[last].counts.conns += 1;
    assert_eq!(invariant_of(&run), Invariant::FinalAccuracy);
}

#[test]
fn late_push_breaks_freshness() {
    let mut run = good_run();
    let last_push = run
        .entries
        .iter()
        .rposition(|e| matches!(e.record, Record::Step(Step::PushAccepted { .. })))
        .unwrap();
    let entry = run.entries.remove(last_push);
    run.entries.push(entry);
    assert_eq!(invariant_of(&run), Invariant::Freshness);
}

#[test]
fn uncounted_rejection_breaks_drops() {
    let mut run = good_run();
    run.stats.rejected_pushes = 1;
    assert_eq!(invariant_of(&run), Invariant::CountedDrops);
}
