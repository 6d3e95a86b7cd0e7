//! Publishing events as NATS messages: the JSON payload, the two subjects and the `server` block.
//!
//! [`Publisher`] is an [`EventSink`], so the server's single send-queue consumer calls it, one
//! event at a time, in queue order. For each event it builds one [`AccountNumConns`] payload and
//! hands two messages to the user's [`MessageSink`], in the order nats-server's
//! `sendAccConnsUpdate` queues them:
//!
//! 1. `$SYS.SERVER.ACCOUNT.<acc>.CONNS`, the older subject that servers consume;
//! 2. `$SYS.ACCOUNT.<acc>.SERVER.CONNS`, the newer subject for users and tools.
//!
//! Both copies carry the event's `id` and `timestamp` (taken when the event was built). The
//! `server` block is stamped per message at publish time, as nats-server's send loop stamps it.
//! `seq` goes up by one for every message, so it increases strictly in publish order and the two
//! copies of one event get consecutive values. `time` is the clock at the stamp. Only the
//! consumer thread calls the publisher, so `seq` is a plain counter.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::event::{AccountConnsEvent, DataStats};
use crate::server::EventSink;

/// The `type` of an account-connections payload.
pub const ACCOUNT_CONNECTIONS_TYPE: &str = "io.nats.server.advisory.v1.account_connections";

/// Returns the newer subject of an account's connection events, `$SYS.ACCOUNT.<acc>.SERVER.CONNS`.
pub fn account_conns_subject(account: &str) -> String {
    format!("$SYS.ACCOUNT.{account}.SERVER.CONNS")
}

/// Returns the older subject of an account's connection events, `$SYS.SERVER.ACCOUNT.<acc>.CONNS`.
pub fn server_account_conns_subject(account: &str) -> String {
    format!("$SYS.SERVER.ACCOUNT.{account}.CONNS")
}

/// The fixed part of the `server` block: who publishes. The publisher adds `seq` and `time`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerIdentity {
    /// Server name.
    pub name: String,
    /// Host the server listens on.
    pub host: String,
    /// Server id.
    pub id: String,
    /// Cluster name, if the server is clustered.
    pub cluster: Option<String>,
    /// JetStream domain, if one is set.
    pub domain: Option<String>,
    /// Server version.
    pub version: String,
    /// Server tags.
    pub tags: Vec<String>,
    /// Whether JetStream is enabled.
    pub jetstream: bool,
    /// Capability flags (NATS `ServerCapability` bits).
    pub flags: u64,
}

impl ServerIdentity {
    /// Creates an identity with `name` and `id`, host `0.0.0.0`, this crate's version, no
    /// cluster, domain or tags, and JetStream off.
    pub fn new(name: &str, id: &str) -> Self {
        ServerIdentity {
            name: name.to_owned(),
            host: "0.0.0.0".to_owned(),
            id: id.to_owned(),
            cluster: None,
            domain: None,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            tags: Vec::new(),
            jetstream: false,
            flags: 0,
        }
    }
}

/// The `server` block of a message (NATS `ServerInfo`).
///
/// NOTE: nats-server's `ServerInfo` also has `metadata` and `feature_flags`, both omitted when
/// empty; this crate never sets them, so they are not modelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Server name.
    pub name: String,
    /// Host the server listens on.
    pub host: String,
    /// Server id.
    pub id: String,
    /// Cluster name; left out of the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// JetStream domain; left out of the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Server version.
    #[serde(rename = "ver")]
    pub version: String,
    /// Server tags; left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether JetStream is enabled.
    pub jetstream: bool,
    /// Capability flags.
    pub flags: u64,
    /// Publish sequence number: strictly increasing over every message of the publisher.
    pub seq: u64,
    /// When the message was published, in RFC 3339.
    #[serde(with = "rfc3339")]
    pub time: SystemTime,
}

/// The account-connections payload (NATS `AccountNumConns`), as JSON field names give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountNumConns {
    /// Always [`ACCOUNT_CONNECTIONS_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Event id (a 22-character NUID), the same in both subject copies.
    pub id: String,
    /// When the event was built, in RFC 3339; the same in both subject copies.
    #[serde(with = "rfc3339")]
    pub timestamp: SystemTime,
    /// The publishing server, stamped per message.
    pub server: ServerInfo,
    /// Account name.
    #[serde(rename = "acc")]
    pub account: String,
    /// Account name tag. This crate has no JWT name tags, so it is the account name.
    pub name: String,
    /// Client connections.
    pub conns: u32,
    /// Leafnode connections.
    pub leafnodes: u32,
    /// `conns + leafnodes`.
    pub total_conns: u32,
    /// Subscriptions of the account's clients.
    pub num_subscriptions: u32,
    /// Messages and bytes sent to the account's clients.
    pub sent: DataStats,
    /// Messages and bytes received from the account's clients.
    pub received: DataStats,
    /// Slow-consumer incidents of the account's clients.
    pub slow_consumers: u64,
}

/// One message: a subject and its payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Subject the message is published on.
    pub subject: String,
    /// The payload.
    pub payload: AccountNumConns,
}

impl Message {
    /// Serializes the payload as one line of JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.payload)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} seq {} id {}",
            self.subject, self.payload.server.seq, self.payload.id
        )
    }
}

/// Receiver of the messages a [`Publisher`] sends, in publish order, on the consumer thread.
pub trait MessageSink: Send + 'static {
    /// Sends one message.
    fn send(&mut self, message: Message);
}

impl<F: FnMut(Message) + Send + 'static> MessageSink for F {
    fn send(&mut self, message: Message) {
        self(message)
    }
}

/// The publishing end of the send queue: turns events into NATS messages and stamps them.
pub struct Publisher {
    identity: ServerIdentity,
    /// Last `seq` stamped; the first message gets 1.
    seq: u64,
    sink: Box<dyn MessageSink>,
}

impl Publisher {
    /// Creates a publisher for the server `identity` that sends to `sink`.
    pub fn new(identity: ServerIdentity, sink: Box<dyn MessageSink>) -> Self {
        Publisher {
            identity,
            seq: 0,
            sink,
        }
    }

    fn stamp(&mut self) -> ServerInfo {
        self.seq += 1;
        let identity = &self.identity;
        ServerInfo {
            name: identity.name.clone(),
            host: identity.host.clone(),
            id: identity.id.clone(),
            cluster: identity.cluster.clone(),
            domain: identity.domain.clone(),
            version: identity.version.clone(),
            tags: identity.tags.clone(),
            jetstream: identity.jetstream,
            flags: identity.flags,
            seq: self.seq,
            time: crate::sync::now(),
        }
    }
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("identity", &self.identity)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl EventSink for Publisher {
    fn publish(&mut self, event: AccountConnsEvent) {
        let account = event.account.to_string();
        let subjects = [
            server_account_conns_subject(&account),
            account_conns_subject(&account),
        ];
        for subject in subjects {
            let payload = AccountNumConns {
                kind: ACCOUNT_CONNECTIONS_TYPE.to_owned(),
                id: event.id.to_string(),
                timestamp: event.timestamp,
                server: self.stamp(),
                account: account.clone(),
                name: account.clone(),
                conns: event.counts.conns,
                leafnodes: event.counts.leafnodes,
                total_conns: event.counts.total_conns,
                num_subscriptions: event.stats.num_subscriptions,
                sent: event.stats.sent,
                received: event.stats.received,
                slow_consumers: event.stats.slow_consumers,
            };
            self.sink.send(Message { subject, payload });
        }
    }
}

/// Serde for `SystemTime` as an RFC 3339 UTC string, with as many fraction digits as needed.
mod rfc3339 {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_rfc3339(*time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        humantime::parse_rfc3339_weak(&text)
            .map_err(|err| D::Error::custom(format!("invalid RFC 3339 time {text:?}: {err}")))
    }
}
