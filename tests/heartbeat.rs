//! Heartbeats on real threads and real time: one timer per account, none after zero.
#![cfg(not(any(loom, shuttle)))]

use account_events::spec::Recorder;
use account_events::sync::Arc;
use account_events::{
    AccountConnsEvent, ClientId, ClientKind, Config, Design, Freshness, Server, for_each_design,
};
use std::time::Duration;

fn server_with_interval<D: Design>(interval: Duration) -> (Server<D>, Arc<Recorder>) {
    let recorder = Recorder::new();
    let config = Config {
        seed: Some(17),
        heartbeat_interval: interval,
        ..Config::default()
    };
    let server = Server::<D>::new(config, recorder.sink()).expect("server starts");
    (server, recorder)
}

fn delivered(recorder: &Recorder) -> Vec<AccountConnsEvent> {
    recorder.take().1
}

#[test]
fn heartbeat_every_interval_while_connected() {
    for_each_design!(D => {
        let (server, recorder) = server_with_interval::<D>(Duration::from_millis(50));
        let account = server.register_account("A").unwrap();

        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();
        std::thread::sleep(Duration::from_millis(500));
        server.remove_client(&account, ClientId(1)).unwrap();
        let heartbeats_and_leave = delivered_so_far(&recorder);

        // One event for the connect, one for the leave, the rest are heartbeats.
        let heartbeats = heartbeats_and_leave.len().saturating_sub(2);
        println!("{}: {heartbeats} heartbeats in 500 ms at a 50 ms interval", D::NAME);
        assert!(heartbeats <= 15, "{}: {heartbeats} heartbeats: timers pile up", D::NAME);
        assert!(heartbeats >= 3, "{}: only {heartbeats} heartbeats in 500 ms", D::NAME);
        let last = heartbeats_and_leave.last().unwrap();
        assert_eq!(last.counts.total_conns, 0, "{}", D::NAME);

        std::thread::sleep(Duration::from_millis(200));
        assert!(server.armed_heartbeats().is_empty(), "{}: timer armed after zero", D::NAME);
        server.shutdown();
        let after_leave = delivered(&recorder);
        assert!(after_leave.is_empty(), "{}: events after the last client left: {after_leave:?}", D::NAME);
    });
}

/// Takes what was delivered so far; the consumer thread delivers within milliseconds.
fn delivered_so_far(recorder: &Recorder) -> Vec<AccountConnsEvent> {
    std::thread::sleep(Duration::from_millis(50));
    delivered(recorder)
}

#[test]
fn heartbeat_carries_live_counts() {
    for_each_design!(D => {
        let (server, recorder) = server_with_interval::<D>(Duration::from_millis(20));
        let account = server.register_account("A").unwrap();

        server.add_client(&account, ClientId(1), ClientKind::Leafnode).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        server.shutdown();

        let events = delivered(&recorder);
        assert!(events.len() >= 2, "{}: no heartbeat in 100 ms", D::NAME);
        assert!(events.iter().all(|event| event.counts.leafnodes == 1), "{}", D::NAME);
        assert!(server.armed_heartbeats().is_empty(), "{}: timer armed after shutdown", D::NAME);
    });
}

#[test]
fn four_clients_connect_then_leave() {
    for_each_design!(D => {
        let (server, recorder) = server_with_interval::<D>(Duration::from_secs(30));
        let account = server.register_account("A").unwrap();

        for cid in 1..=4 {
            server.add_client(&account, ClientId(cid), ClientKind::Client).unwrap();
        }
        for cid in 1..=4 {
            server.remove_client(&account, ClientId(cid)).unwrap();
        }
        server.flush();
        assert!(server.armed_heartbeats().is_empty(), "{}: timer armed after zero", D::NAME);
        server.shutdown();

        let events = delivered(&recorder);
        match D::FRESHNESS {
            Freshness::Synchronous => assert_eq!(events.len(), 8, "{}", D::NAME),
            Freshness::Eventual => assert!(events.len() <= 8, "{}", D::NAME),
        }
        assert_eq!(events.last().unwrap().counts.conns, 0, "{}", D::NAME);
    });
}

#[test]
fn removal_cancels_heartbeat() {
    for_each_design!(D => {
        let (server, recorder) = server_with_interval::<D>(Duration::from_millis(20));
        let account = server.register_account("A").unwrap();
        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();

        server.remove_account("A").unwrap();
        // Let the consumer deliver what was accepted before the removal.
        std::thread::sleep(Duration::from_millis(100));
        let before = delivered(&recorder);
        std::thread::sleep(Duration::from_millis(100));

        assert!(server.armed_heartbeats().is_empty(), "{}", D::NAME);
        assert!(!before.is_empty(), "{}: the connect event is missing", D::NAME);
        assert!(delivered(&recorder).is_empty(), "{}: heartbeat after removal", D::NAME);
    });
}

#[test]
fn rearm_moves_deadline_full_interval() {
    use account_events::sync::Mutex;
    use account_events::sync::timer::Timers;
    use std::time::Instant;

    let interval = Duration::from_millis(150);
    let timers: Timers<&'static str> = Timers::new();
    let fired: Mutex<Vec<(u64, Instant)>> = Mutex::new(Vec::new());
    let started = Instant::now();
    let rearmed = std::thread::scope(|scope| {
        scope
            .spawn(|| timers.run(|_, armed| fired.lock().push((armed.generation, Instant::now()))));

        assert!(!timers.arm("a", 1, interval), "nothing was armed before");
        std::thread::sleep(Duration::from_millis(100));
        let rearmed = Instant::now();
        assert!(
            timers.arm("a", 2, interval),
            "the first timer was still armed"
        );
        std::thread::sleep(Duration::from_millis(400));
        timers.stop();
        rearmed
    });

    let fired = fired.lock();
    assert_eq!(
        fired.len(),
        1,
        "one firing per arm sequence, got {fired:?} after {started:?}"
    );
    let (generation, at) = fired[0];
    assert_eq!(generation, 2, "the firing carries the latest generation");
    assert!(
        at >= rearmed + interval,
        "fired {:?} after the re-arm, before a full interval of {interval:?}",
        at - rearmed
    );
}

#[test]
fn cancel_after_rearm_stops_firing() {
    use account_events::sync::Mutex;
    use account_events::sync::timer::Timers;

    let timers: Timers<&'static str> = Timers::new();
    let fired = Mutex::new(0u32);
    std::thread::scope(|scope| {
        scope.spawn(|| timers.run(|_, _| *fired.lock() += 1));

        timers.arm("a", 1, Duration::from_millis(50));
        std::thread::sleep(Duration::from_millis(20));
        timers.arm("a", 2, Duration::from_millis(50));
        assert!(timers.cancel(&"a"), "the re-armed timer was armed");
        assert!(
            timers.armed_keys().is_empty(),
            "nothing stays armed after the cancel"
        );
        std::thread::sleep(Duration::from_millis(150));
        timers.stop();
    });
    assert_eq!(*fired.lock(), 0, "a cancelled timer never fires");
}

/// A timer armed while the timer thread sleeps with nothing to do must wake it: the first
/// deadline of an idle timer queue is a new first deadline.
#[test]
fn heartbeat_after_idle_timer_thread() {
    for_each_design!(D => {
        let (server, recorder) = server_with_interval::<D>(Duration::from_millis(50));
        let account = server.register_account("A").unwrap();

        // Let the timer thread go idle: no timer is armed.
        std::thread::sleep(Duration::from_millis(100));
        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        server.shutdown();

        // One event for the connect; the rest are heartbeats.
        let heartbeats = delivered(&recorder).len().saturating_sub(1);
        assert!(heartbeats >= 2, "{}: only {heartbeats} heartbeats in 400 ms", D::NAME);
    });
}
