//! Per-account connection-count events of a NATS-style server, without a server-wide lock.
//!
//! A [`Server`] keeps accounts and their clients. Every change to an account's client set
//! publishes an account-connections event with the new counts onto a send queue that one consumer
//! drains. How updates are serialized is a [`Design`]: [`GlobalLock`] is today's NATS server
//! (one server-wide lock), [`ShardedLock`] splits that lock in 64, [`PerAccountLock`] and
//! [`Hybrid`] use a per-account event lock with lock-free ids and eventing check, and
//! [`HybridCoalescing`] merges updates that arrive while one is in flight. [`NoEvents`] is not a
//! design to run: it is the benchmark floor, the bookkeeping without events.
//!
//! [`Publisher`] is the production end of the send queue: it turns each event into the JSON
//! messages NATS publishes on `$SYS.SERVER.ACCOUNT.<acc>.CONNS` and `$SYS.ACCOUNT.<acc>.SERVER.CONNS`.
//!
//! [`spec`] states the correctness properties as executable checks over a recorded run; the loom
//! models in `models/` and the tests in `tests/` run them on every design.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod client;
pub mod design;
pub mod error;
pub mod event;
pub mod nuid;
pub mod probe;
pub mod publish;
pub mod queue;
pub mod server;
pub mod spec;
pub mod sync;

pub use account::{Account, GLOBAL_ACCOUNT};
pub use client::{ClientId, ClientKind};
pub use design::{
    Delivery, Design, Freshness, GlobalLock, Hybrid, HybridCoalescing, NoEvents, PerAccountLock,
    ShardedLock,
};
pub use error::Error;
pub use event::{AccountConnsEvent, AccountCounts, AccountName, AccountStats, Counts, DataStats};
pub use nuid::EventId;
pub use publish::{AccountNumConns, Message, MessageSink, Publisher, ServerIdentity, ServerInfo};
pub use server::{Config, Consumer, EventSink, Server, Stats, Update};

/// Runs `$body` once per checked design, with `$design` naming the design type. The
/// [`NoEvents`] benchmark floor is not among them.
///
/// ```
/// account_events::for_each_design!(D => {
///     println!("{}", <D as account_events::Design>::NAME);
/// });
/// ```
#[macro_export]
macro_rules! for_each_design {
    ($design:ident => $body:block) => {{
        {
            type $design = $crate::GlobalLock;
            $body
        }
        {
            type $design = $crate::ShardedLock;
            $body
        }
        {
            type $design = $crate::PerAccountLock;
            $body
        }
        {
            type $design = $crate::Hybrid;
            $body
        }
        {
            type $design = $crate::HybridCoalescing;
            $body
        }
    }};
}

static_assertions::assert_impl_all!(Server<GlobalLock>: Send, Sync);
static_assertions::assert_impl_all!(Server<Hybrid>: Send, Sync);
static_assertions::assert_impl_all!(Server<ShardedLock>: Send, Sync);
static_assertions::assert_impl_all!(Server<PerAccountLock>: Send, Sync);
static_assertions::assert_impl_all!(Server<HybridCoalescing>: Send, Sync);
static_assertions::assert_impl_all!(Server<NoEvents>: Send, Sync);
static_assertions::assert_impl_all!(Account<Hybrid>: Send, Sync);
static_assertions::assert_impl_all!(AccountConnsEvent: Send, Sync, Clone);
// The per-account state each design adds, as the README's design table states it.
#[cfg(not(any(loom, shuttle)))]
static_assertions::assert_eq_size!(design::EventLock, u8);
#[cfg(not(any(loom, shuttle)))]
static_assertions::assert_eq_size!(design::PublisherState, u8);
static_assertions::assert_impl_all!(Error: Send, Sync, std::error::Error);
static_assertions::assert_impl_all!(EventId: Copy, Send, Sync);
