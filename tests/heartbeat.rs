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
