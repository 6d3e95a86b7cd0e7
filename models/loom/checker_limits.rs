//! Known limits of loom, each mirrored by a test that states it.

use account_events::spec::{Op, Scenario};
use account_events::sync::model::explore;
use account_events::{Consumer, Hybrid};

/// Loom models at most five threads, its own main thread included. The consumer thread takes one
/// more, so a scenario with four threads and a consumer thread cannot be modelled. Such scenarios
/// run only on real threads, in the production tests. Loom fails
/// such a model with `assertion failed: self.threads.len() < self.max()` and then aborts the
/// whole test process while unwinding, so this test cannot be a `should_panic` one.
#[test]
#[ignore = "loom models at most 5 threads, main included; this 6-thread scenario aborts the process"]
fn thread_limit_rejects_six_threads() {
    let mut scenario = Scenario::new(&["A"])
        .thread([Op::add("A", 1)])
        .thread([Op::add("A", 2)])
        .thread([Op::add("A", 3)])
        .thread([Op::add("A", 4)]);
    scenario.consumer = Consumer::Thread;
    explore(1, move || {
        scenario.run::<Hybrid>();
    });
}

/// Loom has no time: the facade's clock is fixed at the Unix epoch inside a model, so no model
/// can check event timestamps. The production tests check them against the wall clock.
#[test]
#[ignore = "loom has no time: event timestamps are fixed at the Unix epoch inside a model"]
fn timestamps_need_a_clock() {
    explore(1, || {
        let run = Scenario::new(&["A"])
            .setup([Op::add("A", 1)])
            .run::<Hybrid>();
        assert!(
            run.delivered
                .iter()
                .all(|event| event.timestamp > std::time::UNIX_EPOCH)
        );
    });
}
