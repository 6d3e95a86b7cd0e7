//! Accounts: the client set, its counts and the snapshot version, under the account lock.
//!
//! The account lock (`state`) plays the part of the NATS `a.mu`: a change to the client set and
//! the version bump happen under it, and an event's snapshot reads counts and version under it.
//! Lock order: a design's event lock (server-wide or per account) is always taken before the
//! account lock, never after, and nothing else is locked while the account lock is held.
//!
//! The subscription and traffic counters ([`AccountStats`]) live in the same locked state, so that
//! an event's snapshot copies them together with the counts and adds no synchronization step.
//!
//! `removed` is the fence of account removal. It is set under the design's event lock and the
//! account lock, and every update checks it under the account lock before it pushes, so once the
//! removal has set it, no update of the account can push.

use std::collections::HashMap;

use crate::client::{ClientId, ClientKind};
use crate::design::Design;
use crate::error::Error;
use crate::event::{AccountCounts, AccountName, AccountStats, Counts, DataStats};
use crate::sync::Mutex;
use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::timer::Timers;

/// Name of the global account, which never gets an event.
pub const GLOBAL_ACCOUNT: &str = "$G";

/// One account of a [`crate::Server`], shared by handle.
pub struct Account<D: Design> {
    pub(crate) name: AccountName,
    pub(crate) is_global: bool,
    /// FNV-1a hash of the name: selects the send-queue lane and the id stripe.
    pub(crate) hash: u64,
    pub(crate) state: Mutex<AccountState>,
    /// `conns` in the low 32 bits and `leafnodes` in the high 32 bits, stored under the account
    /// lock after every change, so that readers need no lock and never see a torn pair.
    live: AtomicU64,
    pub(crate) slot: D::AccountSlot,
}

#[derive(Debug, Default)]
pub(crate) struct AccountState {
    pub(crate) clients: HashMap<ClientId, ClientKind>,
    pub(crate) counts: AccountCounts,
    pub(crate) stats: AccountStats,
    pub(crate) removed: bool,
    /// Generation of the armed heartbeat, if one is armed.
    pub(crate) heartbeat: Option<u64>,
    /// Last heartbeat generation handed out.
    pub(crate) heartbeat_generation: u64,
    /// Version of the last snapshot pushed, if it reported zero connections. Coalescing designs
    /// skip a snapshot that would repeat it (see `design::snapshot_and_push`).
    pub(crate) pushed_zero: Option<u64>,
}

impl<D: Design> Account<D> {
    pub(crate) fn new(name: AccountName) -> Self {
        Account {
            is_global: &*name == GLOBAL_ACCOUNT,
            hash: fnv1a(name.as_bytes()),
            name,
            state: Mutex::new(AccountState::default()),
            live: AtomicU64::new(0),
            slot: D::AccountSlot::default(),
        }
    }

    /// Name of the account.
    pub fn name(&self) -> &AccountName {
        &self.name
    }

    /// Returns true for the global account `$G`.
    pub fn is_global(&self) -> bool {
        self.is_global
    }

    /// Returns the current counts and version.
    pub fn counts(&self) -> AccountCounts {
        self.state.lock().counts
    }

    /// Returns the connection counts without taking any lock.
    ///
    /// The value is one the account had at some moment during the call: both counts come from
    /// one atomic word, and neither is ever negative.
    pub fn live_counts(&self) -> Counts {
        // SeqCst, with the SeqCst store below: all count loads and stores fall into one total
        // order, so a read returns the state current at some moment during the call and never
        // an older one. Relaxed or acquire loads may return an older state.
        let word = self.live.load(Ordering::SeqCst);
        let conns = word as u32;
        let leafnodes = (word >> 32) as u32;
        Counts {
            conns,
            leafnodes,
            total_conns: conns + leafnodes,
        }
    }

    /// Stores the counts for lock-free readers. The caller holds the account lock, so stores
    /// happen in change order.
    pub(crate) fn store_live(&self, counts: Counts) {
        let word = u64::from(counts.conns) | (u64::from(counts.leafnodes) << 32);
        // SeqCst: see `live_counts`.
        self.live.store(word, Ordering::SeqCst);
    }

    /// Returns true once the account has been removed from its server.
    pub fn is_removed(&self) -> bool {
        self.state.lock().removed
    }

    /// Returns the subscription and traffic counters.
    pub fn stats(&self) -> AccountStats {
        self.state.lock().stats
    }

    /// Adds messages and bytes that the server sent to the account's clients, and returns the
    /// new counters. Publishes nothing: the account's next event carries them.
    pub fn record_sent(&self, msgs: u64, bytes: u64) -> Result<AccountStats, Error> {
        self.update_stats(|stats| {
            add_data(&mut stats.sent, ["sent.msgs", "sent.bytes"], msgs, bytes)
        })
    }

    /// Adds messages and bytes that the server received from the account's clients, and returns
    /// the new counters. Publishes nothing: the account's next event carries them.
    pub fn record_received(&self, msgs: u64, bytes: u64) -> Result<AccountStats, Error> {
        self.update_stats(|stats| {
            add_data(
                &mut stats.received,
                ["received.msgs", "received.bytes"],
                msgs,
                bytes,
            )
        })
    }

    /// Counts one slow-consumer incident of a client of the account, and returns the new
    /// counters.
    pub fn record_slow_consumer(&self) -> Result<AccountStats, Error> {
        self.update_stats(|stats| {
            stats.slow_consumers = checked("slow_consumers", stats.slow_consumers, 1, true)?;
            Ok(())
        })
    }

    /// Adds `count` subscriptions, and returns the new counters.
    pub fn add_subscriptions(&self, count: u32) -> Result<AccountStats, Error> {
        self.update_stats(|stats| {
            let current = u64::from(stats.num_subscriptions);
            let next = checked("num_subscriptions", current, u64::from(count), true)?;
            stats.num_subscriptions = u32::try_from(next).map_err(|_| OutOfRange {
                counter: "num_subscriptions",
                current,
                change: format!("adding {count}"),
            })?;
            Ok(())
        })
    }

    /// Removes `count` subscriptions, and returns the new counters. Fails, changing nothing, if
    /// the account has fewer.
    pub fn remove_subscriptions(&self, count: u32) -> Result<AccountStats, Error> {
        self.update_stats(|stats| {
            let current = u64::from(stats.num_subscriptions);
            let next = checked("num_subscriptions", current, u64::from(count), false)?;
            // Cannot fail: `next` is at most the current u32 value.
            stats.num_subscriptions = next as u32;
            Ok(())
        })
    }

    /// Applies `change` to a copy of the counters under the account lock, and stores the copy
    /// only if the change succeeded, so a failed call changes nothing.
    ///
    /// Counters of `$G` are kept like any other account's, although `$G` never gets an event.
    fn update_stats(
        &self,
        change: impl FnOnce(&mut AccountStats) -> Result<(), OutOfRange>,
    ) -> Result<AccountStats, Error> {
        let mut state = self.state.lock();
        if state.removed {
            return Err(Error::AccountRemoved {
                account: self.name.to_string(),
            });
        }

        let mut stats = state.stats;
        change(&mut stats).map_err(|out_of_range| Error::CounterOutOfRange {
            account: self.name.to_string(),
            counter: out_of_range.counter,
            current: out_of_range.current,
            change: out_of_range.change,
        })?;
        state.stats = stats;
        Ok(stats)
    }

    /// Sets the removal fence and cancels the account's heartbeat. The caller holds the
    /// design's event lock for this account.
    pub(crate) fn fence(&self, timers: &Timers<AccountName>) {
        let mut state = self.state.lock();
        state.removed = true;
        state.heartbeat = None;
        // Lock order: account lock, then the timers' lock, as in the heartbeat decision.
        timers.cancel(&self.name);
    }
}

impl<D: Design> std::fmt::Debug for Account<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl AccountState {
    /// Adds a client and bumps the version. Returns the new version, or `None` if the client was
    /// already present, in which case nothing changed.
    pub(crate) fn add(&mut self, client: ClientId, kind: ClientKind) -> Option<u64> {
        if self.clients.contains_key(&client) {
            return None;
        }
        self.clients.insert(client, kind);
        Some(self.count(kind, true))
    }

    /// Removes a client and bumps the version. Returns its kind and the new version, or `None` if
    /// the client was absent, in which case nothing changed.
    pub(crate) fn remove(&mut self, client: ClientId) -> Option<(ClientKind, u64)> {
        let kind = self.clients.remove(&client)?;
        Some((kind, self.count(kind, false)))
    }

    fn count(&mut self, kind: ClientKind, added: bool) -> u64 {
        self.counts.counts.apply(kind, added);
        if kind.is_internal() && added {
            self.counts.internal += 1;
        } else if kind.is_internal() {
            self.counts.internal -= 1;
        }
        self.counts.version += 1;
        self.counts.version
    }
}

/// A counter change that would leave the counter's range; [`Account::update_stats`] adds the
/// account name and turns it into [`Error::CounterOutOfRange`].
struct OutOfRange {
    counter: &'static str,
    current: u64,
    change: String,
}

/// Adds `amount` to (`add`) or subtracts it from `current`, or reports the change out of range.
fn checked(counter: &'static str, current: u64, amount: u64, add: bool) -> Result<u64, OutOfRange> {
    let next = if add {
        current.checked_add(amount)
    } else {
        current.checked_sub(amount)
    };
    next.ok_or_else(|| OutOfRange {
        counter,
        current,
        change: format!("{} {amount}", if add { "adding" } else { "removing" }),
    })
}

/// Adds one direction's messages and bytes; changes neither if either would overflow.
/// `names` are the counters' JSON paths, for the error.
fn add_data(
    data: &mut DataStats,
    names: [&'static str; 2],
    msgs: u64,
    bytes: u64,
) -> Result<(), OutOfRange> {
    let next_msgs = checked(names[0], data.msgs, msgs, true)?;
    let next_bytes = checked(names[1], data.bytes, bytes, true)?;
    data.msgs = next_msgs;
    data.bytes = next_bytes;
    Ok(())
}

/// 64-bit FNV-1a hash.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}
