//! Clients by kind, and which kinds count as connections.
//!
//! | kind        | counted in      | triggers an update |
//! |-------------|-----------------|--------------------|
//! | `Client`    | `conns`         | yes                |
//! | `Leafnode`  | `leafnodes`     | yes                |
//! | `System`    | internal only   | yes                |
//! | `JetStream` | internal only   | yes                |
//! | `Account`   | internal only   | yes                |
//!
//! `total_conns` is always `conns + leafnodes`. Internal kinds are tracked so that their add and
//! remove can be checked, but no event count includes them, as in the NATS server.

use std::fmt;

/// Connection id of a client within the server, as the NATS `cid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u64);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cid {}", self.0)
    }
}

/// Kind of a connection, as the NATS server classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKind {
    /// An application connection; counted in `conns`.
    Client,
    /// A leafnode connection; counted in `leafnodes`.
    Leafnode,
    /// The server's internal system client; not counted.
    System,
    /// An internal JetStream client; not counted.
    JetStream,
    /// An internal account client (service imports); not counted.
    Account,
}

impl ClientKind {
    /// Every kind, for generators and tables.
    pub const ALL: [ClientKind; 5] = [
        ClientKind::Client,
        ClientKind::Leafnode,
        ClientKind::System,
        ClientKind::JetStream,
        ClientKind::Account,
    ];

    /// Returns true for the internal kinds, which no event count includes.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            ClientKind::System | ClientKind::JetStream | ClientKind::Account
        )
    }
}
