//! The public API: counting by client kind, the `$G` rule, and typed errors for misuse.
#![cfg(not(any(loom, shuttle)))]

use account_events::spec::Recorder;
use account_events::{
    ClientId, ClientKind, Config, Consumer, Delivery, Design, Error, GLOBAL_ACCOUNT, Server,
    for_each_design,
};

fn manual_server<D: Design>() -> (Server<D>, account_events::sync::untracked::Arc<Recorder>) {
    let recorder = Recorder::new();
    let config = Config {
        seed: Some(7),
        consumer: Consumer::Manual,
        ..Config::default()
    };
    let server = Server::<D>::new(config, recorder.sink()).expect("server starts");
    (server, recorder)
}

#[test]
fn counts_follow_client_kinds() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        let account = server.register_account("A").unwrap();

        for (cid, kind) in ClientKind::ALL.into_iter().enumerate() {
            server.add_client(&account, ClientId(cid as u64), kind).unwrap();
        }

        let counts = account.counts();
        assert_eq!(counts.counts.conns, 1, "{}", D::NAME);
        assert_eq!(counts.counts.leafnodes, 1, "{}", D::NAME);
        assert_eq!(counts.counts.total_conns, 2, "{}", D::NAME);
        assert_eq!(counts.internal, 3, "{}", D::NAME);
        assert_eq!(counts.version, 5, "{}", D::NAME);
    });
}

#[test]
fn internal_client_triggers_event() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        let account = server.register_account("A").unwrap();

        let update = server.add_client(&account, ClientId(1), ClientKind::JetStream).unwrap();

        assert!(matches!(update.delivery, Delivery::Accepted { version: 1, .. }), "{}", D::NAME);
        assert_eq!(server.publish_pending(), 1, "{}", D::NAME);
    });
}

#[test]
fn global_account_gets_no_event() {
    for_each_design!(D => {
        let (server, recorder) = manual_server::<D>();
        let global = server.global_account();

        let update = server.add_client(&global, ClientId(1), ClientKind::Client).unwrap();
        server.remove_client(&global, ClientId(1)).unwrap();
        server.shutdown();

        assert_eq!(update.delivery, Delivery::GlobalAccount, "{}", D::NAME);
        let (_, delivered) = recorder.take();
        assert!(delivered.is_empty(), "{}: {delivered:?}", D::NAME);
    });
}

#[test]
fn duplicate_and_unknown_clients_change_nothing() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        let account = server.register_account("A").unwrap();
        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();
        server.publish_pending();

        let duplicate = server.add_client(&account, ClientId(1), ClientKind::Leafnode);
        let unknown = server.remove_client(&account, ClientId(2));

        assert_eq!(duplicate, Err(Error::DuplicateClient { account: "A".into(), client: ClientId(1) }));
        assert_eq!(unknown, Err(Error::UnknownClient { account: "A".into(), client: ClientId(2) }));
        assert_eq!(account.counts().version, 1, "{}", D::NAME);
        assert_eq!(server.publish_pending(), 0, "{}: a no-op sent an event", D::NAME);
    });
}

#[test]
fn account_registry_errors() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        server.register_account("A").unwrap();

        assert_eq!(server.register_account("A").unwrap_err(), Error::DuplicateAccount { account: "A".into() });
        assert_eq!(server.register_account(GLOBAL_ACCOUNT).unwrap_err(), Error::DuplicateAccount { account: GLOBAL_ACCOUNT.into() });
        assert!(matches!(server.register_account(""), Err(Error::InvalidAccountName { .. })));
        for invalid in ["a.b", "a b", "a*", "a>", "tab\there"] {
            assert!(
                matches!(server.register_account(invalid), Err(Error::InvalidAccountName { .. })),
                "{}: {invalid:?} was accepted",
                D::NAME
            );
        }
        assert_eq!(server.account("missing").unwrap_err(), Error::UnknownAccount { account: "missing".into() });
        assert_eq!(server.remove_account("missing"), Err(Error::UnknownAccount { account: "missing".into() }));
        assert_eq!(server.remove_account(GLOBAL_ACCOUNT), Err(Error::GlobalAccountRemoval));
    });
}

#[test]
fn server_reports_design_and_accounts() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        server.register_account("B").unwrap();
        server.register_account("A").unwrap();

        assert_eq!(server.design_name(), D::NAME);
        assert!(server.global_account().is_global(), "{}", D::NAME);
        assert!(!server.account("A").unwrap().is_global(), "{}", D::NAME);
        let names: Vec<String> = server.account_names().iter().map(|name| name.to_string()).collect();
        assert_eq!(names, [GLOBAL_ACCOUNT, "A", "B"], "{}", D::NAME);
    });
}

#[test]
fn publish_pending_counts_delivered_events() {
    for_each_design!(D => {
        let (server, recorder) = manual_server::<D>();
        let account = server.register_account("A").unwrap();
        for client in 0..3 {
            server.add_client(&account, ClientId(client), ClientKind::Client).unwrap();
        }

        let delivered = server.publish_pending();

        // One thread and no contention: every design publishes each of the three updates.
        assert_eq!(delivered, 3, "{}", D::NAME);
        assert_eq!(recorder.take().1.len(), 3, "{}", D::NAME);
        assert_eq!(server.publish_pending(), 0, "{}: a second call delivered again", D::NAME);
    });
}

#[test]
fn removed_account_rejects_changes() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        let account = server.register_account("A").unwrap();
        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();

        server.remove_account("A").unwrap();

        let removed = Error::AccountRemoved { account: "A".into() };
        assert_eq!(server.add_client(&account, ClientId(2), ClientKind::Client), Err(removed.clone()));
        assert_eq!(server.remove_client(&account, ClientId(1)), Err(removed));
        assert_eq!(server.remove_account("A"), Err(Error::UnknownAccount { account: "A".into() }));
        assert_eq!(account.counts().version, 1, "{}", D::NAME);
        assert_eq!(account_events::sync::Arc::strong_count(&account), 1, "{}: a removed account is kept alive", D::NAME);
    });
}

#[test]
fn calls_after_shutdown_fail() {
    for_each_design!(D => {
        let (server, _) = manual_server::<D>();
        let account = server.register_account("A").unwrap();
        server.add_client(&account, ClientId(1), ClientKind::Client).unwrap();

        assert!(!server.is_shut_down(), "{}", D::NAME);

        server.shutdown();

        assert!(server.is_shut_down(), "{}", D::NAME);
        assert_eq!(server.add_client(&account, ClientId(2), ClientKind::Client), Err(Error::ShutDown));
        assert_eq!(server.remove_client(&account, ClientId(1)), Err(Error::ShutDown));
        assert_eq!(server.register_account("B").unwrap_err(), Error::ShutDown);
        assert_eq!(account.counts().counts.conns, 1, "{}", D::NAME);
    });
}

#[test]
fn error_messages_name_value() {
    let error = Error::UnknownClient {
        account: "A".into(),
        client: ClientId(9),
    };
    assert_eq!(error.to_string(), "cid 9 is not connected to account \"A\"");
    let error = Error::InvalidAccountName {
        account: "a b".into(),
        reason: "r",
    };
    assert_eq!(error.to_string(), "invalid account name \"a b\": r");
}
