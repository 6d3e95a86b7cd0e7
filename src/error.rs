//! Typed errors of the public API.

use crate::client::ClientId;

/// Reason a call on a [`crate::Server`] failed. A failed call changed nothing and sent nothing,
/// except where a variant documents otherwise.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No account of that name is registered.
    #[error("account {account:?} not found; register it first")]
    UnknownAccount {
        /// The name requested.
        account: String,
    },
    /// An account of that name is already registered.
    #[error("account {account:?} is already registered")]
    DuplicateAccount {
        /// The name requested.
        account: String,
    },
    /// The account name is not usable.
    #[error("invalid account name {account:?}: {reason}")]
    InvalidAccountName {
        /// The name requested.
        account: String,
        /// Reason the name is invalid.
        reason: &'static str,
    },
    /// The global account cannot be removed.
    #[error("the global account $G cannot be removed")]
    GlobalAccountRemoval,
    /// The account was removed. If the removal raced this call after the client set changed, the
    /// change stays on the removed account, which no longer counts or sends anything.
    #[error("account {account:?} was removed; its clients must move to a live account")]
    AccountRemoved {
        /// The removed account.
        account: String,
    },
    /// The client is already connected to the account.
    #[error("{client} is already connected to account {account:?}")]
    DuplicateClient {
        /// The account.
        account: String,
        /// The client.
        client: ClientId,
    },
    /// The client is not connected to the account.
    #[error("{client} is not connected to account {account:?}")]
    UnknownClient {
        /// The account.
        account: String,
        /// The client.
        client: ClientId,
    },
    /// A counter update would take an account's counter below zero or past its maximum; nothing
    /// changed.
    #[error(
        "counter `{counter}` of account {account:?} is {current}, so {change} would leave its range; nothing changed"
    )]
    CounterOutOfRange {
        /// The account.
        account: String,
        /// The counter, as its JSON field is named (`num_subscriptions`, `sent.bytes`, ...).
        counter: &'static str,
        /// The counter's value, left unchanged.
        current: u64,
        /// The rejected change, such as "removing 3".
        change: String,
    },
    /// The server is shutting down or shut down.
    #[error("the server is shut down; no further changes are accepted")]
    ShutDown,
    /// The send-queue consumer thread could not be started.
    #[error("failed to start the send-queue consumer thread: {reason}")]
    ThreadSpawn {
        /// The operating system's error.
        reason: String,
    },
}
