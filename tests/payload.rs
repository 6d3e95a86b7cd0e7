//! The published payloads: JSON field names and types against a fixture written from the NATS
//! field list, both subjects, the `server` block's stamps, live counters and `$G`.
#![cfg(not(any(loom, shuttle)))]

use std::time::{Duration, SystemTime};

use account_events::publish::ACCOUNT_CONNECTIONS_TYPE;
use account_events::sync::{Arc, Mutex};
use account_events::{
    AccountNumConns, ClientId, ClientKind, Config, Consumer, Error, Hybrid, Message, Publisher,
    Server, ServerIdentity,
};
use serde_json::Value;

type Captured = Arc<Mutex<Vec<Message>>>;

fn server(consumer: Consumer) -> (Server<Hybrid>, Captured) {
    let captured: Captured = Arc::default();
    let into = captured.clone();
    let sink = move |message: Message| into.lock().push(message);
    let publisher = Publisher::new(ServerIdentity::new("test", "TESTID"), Box::new(sink));
    let config = Config {
        seed: Some(3),
        consumer,
        ..Config::default()
    };
    let server = Server::new(config, Box::new(publisher)).expect("server starts");
    (server, captured)
}

fn fixture() -> Value {
    let text = include_str!("fixtures/account_conns.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

/// Checks that `actual` has exactly the fixture's fields, each of the fixture's type.
fn assert_shape(expected: &Value, actual: &Value, path: &str) {
    match expected {
        Value::Object(fields) => {
            let actual_fields = actual
                .as_object()
                .unwrap_or_else(|| panic!("{path}: expected an object, got {actual}"));
            let mut expected_names: Vec<_> = fields.keys().collect();
            let mut actual_names: Vec<_> = actual_fields.keys().collect();
            expected_names.sort();
            actual_names.sort();
            assert_eq!(actual_names, expected_names, "{path}: field names");
            for (name, kind) in fields {
                assert_shape(kind, &actual_fields[name], &format!("{path}.{name}"));
            }
        }
        Value::String(kind) => match kind.as_str() {
            "string" => assert!(actual.is_string(), "{path}: {actual} is not a string"),
            "integer" => assert!(
                actual.is_u64(),
                "{path}: {actual} is not an unsigned integer"
            ),
            "bool" => assert!(actual.is_boolean(), "{path}: {actual} is not a bool"),
            "rfc3339" => {
                let text = actual
                    .as_str()
                    .unwrap_or_else(|| panic!("{path}: {actual} is not a string"));
                assert!(text.ends_with('Z'), "{path}: {text} is not UTC");
                humantime::parse_rfc3339(text)
                    .unwrap_or_else(|err| panic!("{path}: {text} is not RFC 3339: {err}"));
            }
            literal => assert_eq!(actual.as_str(), Some(literal), "{path}"),
        },
        other => panic!("{path}: the fixture has an unexpected entry {other}"),
    }
}

fn json(message: &Message) -> Value {
    serde_json::from_str(&message.to_json().expect("serializes")).expect("parses")
}

#[test]
fn payload_matches_fixture() {
    let (server, captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    server
        .add_client(&account, ClientId(1), ClientKind::Client)
        .unwrap();
    server.shutdown();

    let messages = captured.lock().clone();
    assert_eq!(messages.len(), 2);
    for message in &messages {
        assert_shape(&fixture(), &json(message), &message.subject);
    }
}

#[test]
fn payload_type_and_counts() {
    let (server, captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    server
        .add_client(&account, ClientId(1), ClientKind::Leafnode)
        .unwrap();
    server.shutdown();

    let value = json(&captured.lock()[0]);
    assert_eq!(value["type"], ACCOUNT_CONNECTIONS_TYPE);
    assert_eq!(value["acc"], "A");
    assert_eq!(value["name"], "A");
    assert_eq!(value["conns"], 0);
    assert_eq!(value["leafnodes"], 1);
    assert_eq!(value["total_conns"], 1);
    assert_eq!(value["server"]["name"], "test");
    assert_eq!(value["server"]["id"], "TESTID");
}

#[test]
fn payload_round_trips() {
    let (server, captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    server
        .add_client(&account, ClientId(1), ClientKind::Client)
        .unwrap();
    server.shutdown();

    let message = captured.lock()[0].clone();
    let parsed: AccountNumConns =
        serde_json::from_str(&message.to_json().unwrap()).expect("deserializes");
    assert_eq!(parsed, message.payload);
}

#[test]
fn subjects_share_id_and_timestamp() {
    let (server, captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    for cid in 1..=3 {
        server
            .add_client(&account, ClientId(cid), ClientKind::Client)
            .unwrap();
    }
    server.shutdown();

    let messages = captured.lock().clone();
    assert_eq!(messages.len(), 6);
    for pair in messages.chunks(2) {
        assert_eq!(pair[0].subject, "$SYS.SERVER.ACCOUNT.A.CONNS");
        assert_eq!(pair[1].subject, "$SYS.ACCOUNT.A.SERVER.CONNS");
        assert_eq!(pair[0].payload.id, pair[1].payload.id);
        assert_eq!(pair[0].payload.timestamp, pair[1].payload.timestamp);
    }
    assert_ne!(messages[0].payload.id, messages[2].payload.id);
}

#[test]
fn seq_strictly_increasing() {
    let (server, captured) = server(Consumer::Thread);
    let first = server.register_account("A").unwrap();
    let second = server.register_account("B").unwrap();
    for cid in 1..=5 {
        server
            .add_client(&first, ClientId(cid), ClientKind::Client)
            .unwrap();
        server
            .add_client(&second, ClientId(100 + cid), ClientKind::Leafnode)
            .unwrap();
    }
    server.shutdown();

    let seqs: Vec<u64> = captured
        .lock()
        .iter()
        .map(|message| message.payload.server.seq)
        .collect();
    assert_eq!(seqs.len(), 20);
    assert_eq!(seqs[0], 1);
    for pair in seqs.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "seqs {seqs:?}");
    }
}

#[test]
fn server_time_stamped_at_publish() {
    let (server, captured) = server(Consumer::Manual);
    let account = server.register_account("A").unwrap();
    server
        .add_client(&account, ClientId(1), ClientKind::Client)
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let before_publish = SystemTime::now();
    assert_eq!(server.publish_pending(), 1);

    let message = captured.lock()[0].clone();
    assert!(message.payload.timestamp < before_publish);
    assert!(message.payload.server.time >= before_publish);
}

#[test]
fn heartbeat_carries_live_counters() {
    let (server, captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    server
        .add_client(&account, ClientId(1), ClientKind::Client)
        .unwrap();
    account.add_subscriptions(4).unwrap();
    account.remove_subscriptions(1).unwrap();
    account.record_sent(2, 100).unwrap();
    account.record_received(5, 700).unwrap();
    account.record_slow_consumer().unwrap();
    server
        .fire_heartbeat(&account)
        .expect("a heartbeat is armed");
    server.shutdown();

    let messages = captured.lock().clone();
    assert_eq!(
        messages.len(),
        4,
        "the connect and the heartbeat, two subjects each"
    );
    let connect = json(&messages[1]);
    assert_eq!(connect["num_subscriptions"], 0);
    assert_eq!(connect["sent"]["msgs"], 0);
    let heartbeat = json(&messages[3]);
    assert_eq!(heartbeat["conns"], 1);
    assert_eq!(heartbeat["num_subscriptions"], 3);
    assert_eq!(heartbeat["sent"]["msgs"], 2);
    assert_eq!(heartbeat["sent"]["bytes"], 100);
    assert_eq!(heartbeat["received"]["msgs"], 5);
    assert_eq!(heartbeat["received"]["bytes"], 700);
    assert_eq!(heartbeat["slow_consumers"], 1);
}

#[test]
fn global_account_gets_nothing() {
    let (server, captured) = server(Consumer::Thread);
    let global = server.global_account();
    server
        .add_client(&global, ClientId(1), ClientKind::Client)
        .unwrap();
    global.record_sent(1, 10).unwrap();
    global.add_subscriptions(2).unwrap();
    server.shutdown();

    assert!(
        captured.lock().is_empty(),
        "messages for $G: {:?}",
        captured.lock()
    );
    assert_eq!(global.stats().sent.bytes, 10);
    assert_eq!(global.stats().num_subscriptions, 2);
}

#[test]
fn counters_reject_negative_subscriptions() {
    let (server, _captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    account.add_subscriptions(1).unwrap();

    let error = account.remove_subscriptions(2).unwrap_err();

    assert!(
        matches!(
            &error,
            Error::CounterOutOfRange {
                counter: "num_subscriptions",
                current: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(account.stats().num_subscriptions, 1);
}

#[test]
fn counters_reject_overflow() {
    let (server, _captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    account.record_sent(1, u64::MAX).unwrap();

    let error = account.record_sent(1, 1).unwrap_err();

    assert!(
        matches!(
            &error,
            Error::CounterOutOfRange {
                counter: "sent.bytes",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(account.stats().sent.msgs, 1, "a failed update changed msgs");
}

#[test]
fn counters_on_removed_account() {
    let (server, _captured) = server(Consumer::Thread);
    let account = server.register_account("A").unwrap();
    server.remove_account("A").unwrap();

    let error = account.record_received(1, 1).unwrap_err();

    assert_eq!(
        error,
        Error::AccountRemoved {
            account: "A".to_owned()
        }
    );
}
