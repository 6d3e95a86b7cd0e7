//! Design-specific behaviour on real threads: coalescing with flush, shard placement, lock-free
//! counts.
#![cfg(not(any(loom, shuttle)))]

use account_events::account::fnv1a;
use account_events::design::EVENT_SHARDS;
use account_events::spec::{Recorder, catalog};
use account_events::sync::Arc;
use account_events::{
    ClientId, ClientKind, Config, Delivery, Design, HybridCoalescing, Server, for_each_design,
};

#[test]
fn flush_covers_every_change() {
    let recorder = Recorder::new();
    let config = Config {
        seed: Some(21),
        probe: Some(recorder.clone()),
        ..Config::default()
    };
    let server = Arc::new(Server::<HybridCoalescing>::new(config, recorder.sink()).unwrap());
    let account = server.register_account("A").unwrap();

    let workers: Vec<_> = (0..4u64)
        .map(|thread| {
            let (server, account) = (server.clone(), account.clone());
            std::thread::spawn(move || {
                let mut merged = 0;
                for change in 0..2_000 {
                    let cid = ClientId(thread * 10_000 + change);
                    let update = server
                        .add_client(&account, cid, ClientKind::Client)
                        .unwrap();
                    merged += usize::from(update.delivery == Delivery::Coalesced);
                }
                merged
            })
        })
        .collect();
    let merged: usize = workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .sum();
    server.flush();
    server.shutdown();

    let (_, delivered) = recorder.take();
    let last = delivered.last().expect("some event was delivered");
    assert_eq!(last.counts.conns, 8_000);
    assert_eq!(last.version, account.counts().version);
    assert!(
        delivered.len() <= 8_000,
        "{} events for 8000 changes",
        delivered.len()
    );
    println!(
        "coalescing: {} events for 8000 changes, {merged} merged",
        delivered.len()
    );
}

#[test]
fn shard_partner_shares_shard() {
    let partner = catalog::shard_partner("A");
    let shard = |name: &str| fnv1a(name.as_bytes()) % EVENT_SHARDS as u64;

    assert_ne!(partner, "A");
    assert_eq!(shard(&partner), shard("A"));
}

#[test]
fn live_counts_follow_changes() {
    for_each_design!(D => {
        let server = Server::<D>::new(Config::default(), Recorder::new().sink()).unwrap();
        let account = server.register_account("A").unwrap();

        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();
        server.add_client(&account, ClientId(2), ClientKind::Leafnode).unwrap();
        server.add_client(&account, ClientId(3), ClientKind::System).unwrap();
        server.remove_client(&account, ClientId(1)).unwrap();

        let live = account.live_counts();
        assert_eq!(live, account.counts().counts, "{}", D::NAME);
        assert_eq!(live.conns, 0, "{}", D::NAME);
        assert_eq!(live.leafnodes, 1, "{}", D::NAME);
        assert_eq!(live.total_conns, 1, "{}", D::NAME);
    });
}
