//! The server: account registry, client changes, the send-queue consumer and shutdown.
//!
//! ## State word
//!
//! | value      | meaning                                                                  |
//! |------------|--------------------------------------------------------------------------|
//! | `RUNNING`  | changes are accepted and updates publish                                 |
//! | `STOPPING` | a shutdown is in progress: new changes fail, updates in flight drop      |
//! | `STOPPED`  | the send queue is closed and drained, and the consumer thread was joined |
//!
//! ## Shutdown
//!
//! All callers serialize on the shutdown lock, so concurrent and repeated calls are harmless and
//! each returns only once shutdown is complete. The first caller stores `STOPPING`, lets the
//! design stop eventing, closes the send queue (later pushes are rejected and counted), then
//! joins the consumer, which delivers everything accepted before the close and exits.
//!
//! ## Account removal
//!
//! The account leaves the registry, then the design fences it under the design's event lock, so
//! an update of the account that is between snapshot and push finishes first, and every later
//! one sees the fence and sends nothing. A change that raced the removal fails with
//! [`Error::AccountRemoved`].

use std::collections::HashMap;

use crate::account::{Account, GLOBAL_ACCOUNT};
use crate::client::{ClientId, ClientKind};
use crate::design::{Delivery, Design, Trigger};
use crate::error::Error;
use crate::event::{AccountConnsEvent, AccountName};
use crate::nuid::{MAX_SEQ, Nuid, NuidKey};
use crate::probe::{ProbeRef, Step};
use crate::queue::SendQueue;
use crate::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use crate::sync::thread::{self, JoinHandle};
use crate::sync::timer::{self, Armed, Timers};
use crate::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

const RUNNING: u8 = 0;
const STOPPING: u8 = 1;
const STOPPED: u8 = 2;

/// Receiver of the events the send-queue consumer delivers, in queue order.
pub trait EventSink: Send + 'static {
    /// Publishes one event.
    fn publish(&mut self, event: AccountConnsEvent);
}

/// Owner of the send-queue draining.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Consumer {
    /// A consumer thread started by the server and joined at shutdown.
    #[default]
    Thread,
    /// No thread: the owner calls [`Server::publish_pending`], and shutdown drains in the caller.
    /// Models use it to keep threads for the scenario itself.
    Manual,
}

/// Server configuration.
#[derive(Clone)]
pub struct Config {
    /// Seed of the NUID key. `None` draws the key from the operating system.
    pub seed: Option<u64>,
    /// Exclusive maximum of the NUID sequence; models shrink it to force roll-overs.
    pub nuid_max_seq: u64,
    /// Send-queue lanes.
    pub lanes: usize,
    /// Stripes of the lock-free NUID generator.
    pub id_stripes: usize,
    /// Who drains the send queue.
    pub consumer: Consumer,
    /// Observer of every step, for checkers and traces.
    pub probe: Option<ProbeRef>,
    /// Interval of the per-account heartbeat (NATS re-sends an account's counts on this timer
    /// while it has connections).
    pub heartbeat_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: None,
            nuid_max_seq: MAX_SEQ,
            lanes: 16,
            id_stripes: 16,
            consumer: Consumer::Thread,
            probe: None,
            heartbeat_interval: Duration::from_secs(30),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("seed", &self.seed)
            .field("nuid_max_seq", &self.nuid_max_seq)
            .field("lanes", &self.lanes)
            .field("id_stripes", &self.id_stripes)
            .field("consumer", &self.consumer)
            .field("probe", &self.probe.is_some())
            .field("heartbeat_interval", &self.heartbeat_interval)
            .finish()
    }
}

/// Result of a successful change: the account's new version and what happened to its event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// The account changed.
    pub account: AccountName,
    /// Snapshot version right after this change.
    pub version: u64,
    /// Fate of the update's event.
    pub delivery: Delivery,
}

/// Counters of events that shutdown kept from being delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Pushes the closed send queue rejected.
    pub rejected_pushes: u64,
    /// Updates that found eventing stopped before they reached the queue.
    pub dropped_updates: u64,
}

/// State shared by the server, its design and its timer thread.
pub struct Core<D: Design> {
    state: AtomicU8,
    dropped: AtomicU64,
    pub(crate) queue: Arc<SendQueue>,
    pub(crate) nuid: Nuid,
    pub(crate) slot: D::ServerSlot,
    pub(crate) registry: RwLock<HashMap<AccountName, Arc<Account<D>>>>,
    pub(crate) timers: Timers<AccountName>,
    pub(crate) heartbeat_interval: Duration,
    probe: Option<ProbeRef>,
}

impl<D: Design> Core<D> {
    /// Lock-free "events enabled" check.
    pub(crate) fn events_enabled(&self) -> bool {
        // Relaxed: a stale RUNNING only lets the update reach the send queue, whose lane lock
        // orders it against the close, so the push is then rejected and counted.
        self.state.load(Ordering::Relaxed) == RUNNING
    }

    pub(crate) fn count_dropped(&self, account: &Account<D>) {
        // Relaxed: a statistics counter, read after shutdown joined every thread.
        self.dropped.fetch_add(1, Ordering::Relaxed);
        self.record(Step::UpdateDropped {
            account: account.name.clone(),
        });
    }

    pub(crate) fn record(&self, step: Step) {
        if let Some(probe) = &self.probe {
            probe.step(step);
        }
    }

    /// Runs a heartbeat firing: the whole update again, unless the timer was cancelled or
    /// re-armed since it was taken (then the firing is stale and sends nothing).
    pub(crate) fn fire(&self, account: &Account<D>, armed: Armed) -> Delivery {
        self.record(Step::HeartbeatFired {
            account: account.name.clone(),
            generation: armed.generation,
        });
        let trigger = Trigger::Heartbeat {
            generation: armed.generation,
        };
        D::publish(self, account, trigger)
    }

    /// Called by the timer thread when the heartbeat of `name` is due.
    fn fire_due(&self, name: &AccountName, armed: Armed) {
        let account = self.registry.read().get(name).cloned();
        match account {
            Some(account) => {
                self.fire(&account, armed);
            }
            None => tracing::debug!(account = %name, "heartbeat of a removed account ignored"),
        }
    }
}

impl<D: Design> Account<D> {
    pub(crate) fn lane(&self, core: &Core<D>) -> usize {
        (self.hash % core.queue.lane_count() as u64) as usize
    }

    pub(crate) fn stripe(&self, core: &Core<D>) -> usize {
        (self.hash % core.nuid.stripe_count() as u64) as usize
    }
}

struct ShutdownState {
    consumer: Option<JoinHandle<()>>,
    timer_thread: Option<JoinHandle<()>>,
}

/// A server holding accounts whose connection counts are published as events.
pub struct Server<D: Design> {
    core: Arc<Core<D>>,
    global: Arc<Account<D>>,
    /// The sink when no consumer thread owns it ([`Consumer::Manual`]).
    manual_sink: Mutex<Option<Box<dyn EventSink>>>,
    shutdown: Mutex<ShutdownState>,
}

impl<D: Design> Server<D> {
    /// Starts a server; with [`Consumer::Thread`] it starts the send-queue consumer thread.
    pub fn new(config: Config, sink: Box<dyn EventSink>) -> Result<Self, Error> {
        let key = match config.seed {
            Some(seed) => NuidKey::from_seed(seed),
            None => NuidKey::from_entropy(),
        }
        .with_max_seq(config.nuid_max_seq);

        let queue = Arc::new(SendQueue::new(config.lanes, config.probe.clone()));
        let (consumer, manual_sink) = match config.consumer {
            Consumer::Thread => (
                Some(spawn_consumer(queue.clone(), sink, config.probe.clone())?),
                None,
            ),
            Consumer::Manual => (None, Some(sink)),
        };

        let global = Arc::new(Account::new(AccountName::from(GLOBAL_ACCOUNT)));
        let mut registry = HashMap::new();
        registry.insert(global.name.clone(), global.clone());

        let core = Arc::new(Core {
            state: AtomicU8::new(RUNNING),
            dropped: AtomicU64::new(0),
            queue,
            nuid: Nuid::new(key, config.id_stripes),
            slot: D::server_slot(key),
            registry: RwLock::new(registry),
            timers: Timers::new(),
            heartbeat_interval: config.heartbeat_interval,
            probe: config.probe,
        });
        let timer_thread = if timer::HAS_TIME {
            Some(spawn_timer_thread(core.clone())?)
        } else {
            None
        };

        Ok(Server {
            core,
            global,
            manual_sink: Mutex::new(manual_sink),
            shutdown: Mutex::new(ShutdownState {
                consumer,
                timer_thread,
            }),
        })
    }

    /// Name of the design this server runs.
    pub fn design_name(&self) -> &'static str {
        D::NAME
    }

    /// Returns the global account `$G`.
    pub fn global_account(&self) -> Arc<Account<D>> {
        self.global.clone()
    }

    /// Registers a new account and returns its handle.
    pub fn register_account(&self, name: &str) -> Result<Arc<Account<D>>, Error> {
        validate_name(name)?;
        self.check_running()?;

        let mut registry = self.core.registry.write();
        if registry.contains_key(name) {
            return Err(Error::DuplicateAccount {
                account: name.to_owned(),
            });
        }
        let account = Arc::new(Account::new(AccountName::from(name)));
        registry.insert(account.name.clone(), account.clone());
        Ok(account)
    }

    /// Looks up a registered account.
    pub fn account(&self, name: &str) -> Result<Arc<Account<D>>, Error> {
        self.core
            .registry
            .read()
            .get(name)
            .cloned()
            .ok_or_else(|| Error::UnknownAccount {
                account: name.to_owned(),
            })
    }

    /// Names of the registered accounts, `$G` included, sorted.
    pub fn account_names(&self) -> Vec<AccountName> {
        let mut names: Vec<_> = self.core.registry.read().keys().cloned().collect();
        names.sort();
        names
    }

    /// Connects a client to an account and publishes the account's counts (NATS `addClient`).
    pub fn add_client(
        &self,
        account: &Account<D>,
        client: ClientId,
        kind: ClientKind,
    ) -> Result<Update, Error> {
        self.check_running()?;

        let mut state = account.state.lock();
        check_live(account, state.removed)?;
        let version = state
            .add(client, kind)
            .ok_or_else(|| Error::DuplicateClient {
                account: account.name.to_string(),
                client,
            })?;
        account.store_live(state.counts.counts);
        self.core.record(Step::ChangeApplied {
            account: account.name.clone(),
            client,
            kind,
            added: true,
            version,
            counts: state.counts.counts,
        });
        // Released before the update, as NATS releases `a.mu` before `accConnsUpdate`.
        drop(state);

        self.publish(account, version)
    }

    /// Disconnects a client from an account and publishes the account's counts (NATS
    /// `removeClient`).
    pub fn remove_client(&self, account: &Account<D>, client: ClientId) -> Result<Update, Error> {
        self.check_running()?;

        let mut state = account.state.lock();
        check_live(account, state.removed)?;
        let (kind, version) = state.remove(client).ok_or_else(|| Error::UnknownClient {
            account: account.name.to_string(),
            client,
        })?;
        account.store_live(state.counts.counts);
        self.core.record(Step::ChangeApplied {
            account: account.name.clone(),
            client,
            kind,
            added: false,
            version,
            counts: state.counts.counts,
        });
        drop(state);

        self.publish(account, version)
    }

    /// Removes an account. When this returns, no further event of the account is accepted, and a
    /// racing change either published before the fence or fails with [`Error::AccountRemoved`].
    pub fn remove_account(&self, name: &str) -> Result<(), Error> {
        if name == GLOBAL_ACCOUNT {
            return Err(Error::GlobalAccountRemoval);
        }

        let account =
            self.core
                .registry
                .write()
                .remove(name)
                .ok_or_else(|| Error::UnknownAccount {
                    account: name.to_owned(),
                })?;
        self.core.record(Step::RemovalBegan {
            account: account.name.clone(),
        });

        D::fence(&self.core, &account);
        self.core.record(Step::AccountFenced {
            account: account.name.clone(),
        });
        tracing::debug!(account = %account.name, "account removed");
        Ok(())
    }

    /// Stops eventing, closes and drains the send queue and joins the consumer thread.
    ///
    /// Idempotent and safe to call from many threads at once: every caller returns only after the
    /// shutdown is complete.
    pub fn shutdown(&self) {
        // Lock order: the shutdown lock is taken before any other lock, and only here.
        let mut shutdown = self.shutdown.lock();
        // Relaxed: the state word is only ever stored under the shutdown lock held here.
        if self.core.state.load(Ordering::Relaxed) != STOPPED {
            self.run_shutdown(&mut shutdown);
        }
        drop(shutdown);

        self.core.record(Step::ShutdownReturned);
    }

    fn run_shutdown(&self, shutdown: &mut ShutdownState) {
        self.core.record(Step::ShutdownBegan);
        // Relaxed: updates that read a stale RUNNING are stopped by the queue close below.
        self.core.state.store(STOPPING, Ordering::Relaxed);

        D::stop_eventing(&self.core);
        self.core.record(Step::EventingStopped);
        self.core.queue.close();

        self.core.timers.stop();
        if let Some(timer_thread) = shutdown.timer_thread.take() {
            if timer_thread.join().is_err() {
                tracing::error!("the heartbeat timer thread panicked");
            }
        }
        self.core.record(Step::TimersStopped);

        if let Some(consumer) = shutdown.consumer.take() {
            if consumer.join().is_err() {
                tracing::error!("the send-queue consumer thread panicked; its sink lost events");
            }
        } else {
            self.publish_pending();
            self.core.record(Step::ConsumerExited);
        }

        self.core.state.store(STOPPED, Ordering::Relaxed);
        tracing::info!(design = D::NAME, stats = ?self.stats(), "server shut down");
    }

    /// Returns true once a shutdown has begun.
    pub fn is_shut_down(&self) -> bool {
        // Relaxed: a hint; callers that need an exact result call `shutdown`, which synchronizes.
        self.core.state.load(Ordering::Relaxed) != RUNNING
    }

    /// Delivers every queued event to the sink, for [`Consumer::Manual`]. Returns how many it
    /// delivered; with a consumer thread it delivers nothing and returns 0.
    pub fn publish_pending(&self) -> usize {
        let mut sink = self.manual_sink.lock();
        let Some(sink) = sink.as_mut() else {
            return 0;
        };

        let mut batch = Vec::new();
        let delivered = self.core.queue.drain_into(&mut batch);
        for event in batch {
            sink.publish(event);
        }
        delivered
    }

    /// Events kept from delivery by shutdown.
    pub fn stats(&self) -> Stats {
        Stats {
            rejected_pushes: self.core.queue.rejected(),
            // Relaxed: a statistics counter; exact once shutdown has joined every thread.
            dropped_updates: self.core.dropped.load(Ordering::Relaxed),
        }
    }

    /// Waits until no update is in progress on any account, so that every change completed
    /// before the call is covered by an accepted event (or was counted as dropped by shutdown).
    /// Synchronous designs return at once.
    pub fn flush(&self) {
        let mut accounts: Vec<_> = self.core.registry.read().values().cloned().collect();
        // Sorted, so that the order of the waits does not depend on the map's hashing: loom
        // requires every execution of a model to make the same choices in the same order.
        accounts.sort_by(|a, b| a.name.cmp(&b.name));
        for account in accounts {
            D::flush(&self.core, &account);
        }
    }

    /// Exclusive maximum of the NUID sequence this server uses.
    pub fn nuid_max_seq(&self) -> u64 {
        self.core.nuid.max_seq()
    }

    fn check_running(&self) -> Result<(), Error> {
        // Relaxed: a thread that called or joined `shutdown` sees at least STOPPING here, by
        // program order or by the join; any other caller is racing the shutdown, and a stale
        // RUNNING lets its change through to an update that is dropped or rejected and counted.
        if self.core.state.load(Ordering::Relaxed) == RUNNING {
            Ok(())
        } else {
            Err(Error::ShutDown)
        }
    }

    /// Fires the account's heartbeat now if it is armed, as the timer thread does when its
    /// deadline passes. Returns `None` if no heartbeat was armed. Models use this to fire timers,
    /// because under the checkers time does not pass.
    pub fn fire_heartbeat(&self, account: &Account<D>) -> Option<Delivery> {
        let armed = self.core.timers.take(&account.name)?;
        Some(self.core.fire(account, armed))
    }

    /// Names of the accounts with an armed heartbeat, sorted. If the timer thread is running a
    /// firing, waits for it to return first, because a firing re-arms the timer it took.
    pub fn armed_heartbeats(&self) -> Vec<AccountName> {
        let mut names = self.core.timers.armed_keys();
        names.sort();
        names
    }

    fn publish(&self, account: &Account<D>, version: u64) -> Result<Update, Error> {
        let delivery = D::publish(&self.core, account, Trigger::Change);
        if delivery == Delivery::Fenced {
            return Err(Error::AccountRemoved {
                account: account.name.to_string(),
            });
        }
        Ok(Update {
            account: account.name.clone(),
            version,
            delivery,
        })
    }
}

impl<D: Design> Drop for Server<D> {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl<D: Design> std::fmt::Debug for Server<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("design", &D::NAME)
            .finish_non_exhaustive()
    }
}

fn check_live<D: Design>(account: &Account<D>, removed: bool) -> Result<(), Error> {
    if removed {
        return Err(Error::AccountRemoved {
            account: account.name.to_string(),
        });
    }
    Ok(())
}

fn validate_name(name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        "the name is empty"
    } else if name
        .chars()
        .any(|c| c.is_whitespace() || c == '.' || c == '*' || c == '>')
    {
        "a name may not contain whitespace, '.', '*' or '>', because it becomes a subject token"
    } else {
        return Ok(());
    };
    Err(Error::InvalidAccountName {
        account: name.to_owned(),
        reason,
    })
}

fn spawn_timer_thread<D: Design>(core: Arc<Core<D>>) -> Result<JoinHandle<()>, Error> {
    let body = move || {
        core.timers.run(|name, armed| core.fire_due(&name, armed));
    };
    thread::spawn_named("account-events-timers", body).map_err(|err| Error::ThreadSpawn {
        reason: err.to_string(),
    })
}

fn spawn_consumer(
    queue: Arc<SendQueue>,
    mut sink: Box<dyn EventSink>,
    probe: Option<ProbeRef>,
) -> Result<JoinHandle<()>, Error> {
    let body = move || {
        let mut batch = Vec::new();
        loop {
            let closed = queue.wait_for_work();
            queue.drain_into(&mut batch);
            for event in batch.drain(..) {
                sink.publish(event);
            }
            if closed {
                break;
            }
        }
        if let Some(probe) = &probe {
            probe.step(Step::ConsumerExited);
        }
    };
    thread::spawn_named("account-events-sendq", body).map_err(|err| Error::ThreadSpawn {
        reason: err.to_string(),
    })
}
