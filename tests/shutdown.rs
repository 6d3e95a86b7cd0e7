//! Shutdown on real threads: many concurrent callers, draining, joined consumer, drop.
#![cfg(not(any(loom, shuttle)))]

use account_events::spec::Recorder;
use account_events::sync::Arc;
use account_events::{ClientId, ClientKind, Config, Design, Freshness, Server, for_each_design};

#[test]
fn concurrent_shutdown_thirty_two_callers() {
    for_each_design!(D => {
        let recorder = Recorder::new();
        let config = Config { seed: Some(3), ..Config::default() };
        let server = Arc::new(Server::<D>::new(config, recorder.sink()).unwrap());
        let account = server.register_account("A").unwrap();
        for cid in 0..100 {
            server.add_client(&account, ClientId(cid), ClientKind::Client).unwrap();
        }

        let callers: Vec<_> = (0..32)
            .map(|_| {
                let server = server.clone();
                std::thread::spawn(move || server.shutdown())
            })
            .collect();
        for caller in callers {
            caller.join().expect("shutdown caller panicked");
        }

        let (_, delivered) = recorder.take();
        assert_eq!(delivered.len(), 100, "{}: accepted events were lost", D::NAME);
        assert_eq!(delivered.last().unwrap().counts.conns, 100, "{}", D::NAME);
    });
}

#[test]
fn drop_shuts_down_and_delivers() {
    for_each_design!(D => {
        let recorder = Recorder::new();
        let server = Server::<D>::new(Config::default(), recorder.sink()).unwrap();
        let account = server.register_account("A").unwrap();
        server.add_client(&account, ClientId(1), ClientKind::Leafnode).unwrap();

        drop(server);

        let (_, delivered) = recorder.take();
        assert_eq!(delivered.len(), 1, "{}", D::NAME);
        assert_eq!(delivered[0].counts.leafnodes, 1, "{}", D::NAME);
        assert!(delivered[0].timestamp > std::time::UNIX_EPOCH, "{}", D::NAME);
    });
}

fn churn<D: Design>(threads: u64, accounts: u64, changes: u64) {
    let recorder = Recorder::new();
    let server = Arc::new(
        Server::<D>::new(
            Config {
                probe: Some(recorder.clone()),
                ..Config::default()
            },
            recorder.sink(),
        )
        .unwrap(),
    );
    let handles: Vec<_> = (0..accounts)
        .map(|a| server.register_account(&format!("ACC{a}")).unwrap())
        .collect();
    let handles = Arc::new(handles);

    let workers: Vec<_> = (0..threads)
        .map(|thread| {
            let (server, handles) = (server.clone(), handles.clone());
            std::thread::spawn(move || {
                for change in 0..changes {
                    let account = &handles[((thread + change) % accounts) as usize];
                    let cid = ClientId(thread * 1_000_000 + change);
                    server.add_client(account, cid, ClientKind::Client).unwrap();
                    server.remove_client(account, cid).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    server.shutdown();

    let (entries, delivered) = recorder.take();
    let updates = threads * changes * 2;
    match D::FRESHNESS {
        Freshness::Synchronous => assert_eq!(delivered.len() as u64, updates, "{}", D::NAME),
        Freshness::Eventual => assert!(delivered.len() as u64 <= updates, "{}", D::NAME),
    }
    assert!(!entries.is_empty());
    for account in handles.iter() {
        let last = delivered
            .iter()
            .rev()
            .find(|event| &event.account == account.name())
            .unwrap();
        assert_eq!(last.counts.total_conns, 0, "{}", D::NAME);
        assert_eq!(last.version, account.counts().version, "{}", D::NAME);
    }
}

#[test]
fn churn_delivers_every_event() {
    for_each_design!(D => {
        churn::<D>(4, 8, 500);
    });
}
