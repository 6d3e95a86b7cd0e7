//! Recording a run: the trace of steps and calls, and the delivered events.

use std::fmt::{self, Write as _};

use crate::design::{Delivery, Freshness};
use crate::error::Error;
use crate::event::{AccountConnsEvent, AccountCounts, AccountName, Counts};
use crate::probe::{Probe, Step};
use crate::server::{EventSink, Stats, Update};
use crate::spec::Op;
use crate::sync::atomic::{AtomicU64 as TrackedAtomicU64, Ordering as TrackedOrdering};
use crate::sync::thread::current_label;
use crate::sync::untracked::{Arc, AtomicU64, Mutex, Ordering, lock};

/// When a call ran relative to the scenario's threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// On the main thread before the scenario's threads started.
    Setup,
    /// On one of the scenario's threads.
    Concurrent,
    /// On the main thread after every scenario thread was joined.
    AfterJoin,
    /// The final shutdown, after the quiescent state was read.
    Teardown,
}

/// What an API call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// A change succeeded.
    Updated(Update),
    /// The call returned an error.
    Failed(Error),
    /// A call without a value (account removal, shutdown) returned.
    Done,
    /// A lock-free count read returned.
    Counts(Counts),
    /// A heartbeat firing returned: `None` if no heartbeat was armed.
    Fired(Option<Delivery>),
}

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// A step the server reported.
    Step(Step),
    /// An API call started.
    CallStarted {
        /// Call number, unique within the run.
        call: u64,
        /// The operation.
        op: Op,
        /// Where it ran.
        phase: Phase,
    },
    /// An API call returned.
    CallReturned {
        /// Call number.
        call: u64,
        /// What it returned.
        outcome: CallOutcome,
    },
}

/// A trace entry with the thread that recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Label of the recording thread.
    pub thread: String,
    /// What happened.
    pub record: Record,
}

/// State of one account at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalAccount {
    /// The account.
    pub name: AccountName,
    /// Its counts at quiescence.
    pub counts: AccountCounts,
    /// What the lock-free read returned at quiescence.
    pub live: Counts,
    /// Whether it was removed.
    pub removed: bool,
    /// Strong references to the account after shutdown, before the server is dropped, the
    /// scenario's own handle included.
    pub references: usize,
}

impl FinalAccount {
    /// Reads an account's final state. `references` starts at 0, for the caller to fill in once
    /// the server has shut down.
    pub fn read<D: crate::Design>(account: &crate::Account<D>) -> Self {
        FinalAccount {
            name: account.name().clone(),
            counts: account.counts(),
            live: account.live_counts(),
            removed: account.is_removed(),
            references: 0,
        }
    }
}

/// A recorded run, ready for [`crate::spec::check`].
#[derive(Clone, Debug)]
pub struct Run {
    /// Name of the design that ran.
    pub design: &'static str,
    /// Every step and call, in recorded order.
    pub entries: Vec<Entry>,
    /// Events in the order the consumer delivered them.
    pub delivered: Vec<AccountConnsEvent>,
    /// Accounts at quiescence, sorted by name.
    pub accounts: Vec<FinalAccount>,
    /// Counters of events kept from delivery.
    pub stats: Stats,
    /// Exclusive maximum of the NUID sequence the server used.
    pub nuid_max_seq: u64,
    /// When the design promises an event for a change.
    pub freshness: Freshness,
    /// Accounts with an armed heartbeat at quiescence.
    pub armed_at_quiescence: Vec<AccountName>,
    /// Accounts with an armed heartbeat after the final shutdown returned.
    pub armed_after_shutdown: Vec<AccountName>,
}

impl Run {
    /// Renders the trace, one entry a line, for failure messages.
    pub fn trace_text(&self) -> String {
        let mut text = String::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let _ = writeln!(
                text,
                "  {index:>3} {:<14} {}",
                entry.thread,
                DisplayRecord(&entry.record)
            );
        }
        text
    }
}

struct DisplayRecord<'a>(&'a Record);

impl fmt::Display for DisplayRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Record::Step(step) => write!(f, "{step:?}"),
            Record::CallStarted { call, op, phase } => write!(f, "call {call} {op} ({phase:?})"),
            Record::CallReturned { call, outcome } => write!(f, "call {call} returned {outcome:?}"),
        }
    }
}

/// Records a run: install it as the server's probe and sink, and wrap calls in [`Recorder::call`].
#[derive(Debug, Default)]
pub struct Recorder {
    entries: Mutex<Vec<Entry>>,
    delivered: Mutex<Vec<AccountConnsEvent>>,
    next_call: AtomicU64,
    removal_clock: Option<TrackedAtomicU64>,
}

impl Recorder {
    /// Creates an empty recorder.
    pub fn new() -> Arc<Self> {
        Arc::new(Recorder::default())
    }

    /// Creates a recorder that also orders pushes against account removals for the checker.
    ///
    /// Loom explores only orders that differ in happens-before, and the recorder's own log is
    /// invisible to it. "Accepted after the removal returned" is a real-time order: if a buggy
    /// design let a push and a removal share no lock, loom would explore one order of the two
    /// and could miss the bad one. This recorder bumps one tracked atomic at every accepted push
    /// and every returning removal, which makes them dependent, so loom explores both orders.
    /// The price is a larger state space, so scenarios without a removal use [`Recorder::new`].
    pub fn ordering_removals() -> Arc<Self> {
        Arc::new(Recorder {
            removal_clock: Some(TrackedAtomicU64::new(0)),
            ..Recorder::default()
        })
    }

    fn tick(&self) {
        if let Some(clock) = &self.removal_clock {
            clock.fetch_add(1, TrackedOrdering::SeqCst);
        }
    }

    /// Returns a sink that records delivered events into this recorder.
    pub fn sink(self: &Arc<Self>) -> Box<dyn EventSink> {
        Box::new(RecordingSink(self.clone()))
    }

    /// Records the start and the outcome of one call.
    pub fn call(&self, op: &Op, phase: Phase, body: impl FnOnce() -> CallOutcome) -> CallOutcome {
        // Relaxed: only uniqueness of the number matters.
        let call = self.next_call.fetch_add(1, Ordering::Relaxed);
        self.push(Record::CallStarted {
            call,
            op: op.clone(),
            phase,
        });

        let outcome = body();
        if matches!(op, Op::RemoveAccount { .. }) {
            self.tick();
        }
        self.push(Record::CallReturned {
            call,
            outcome: outcome.clone(),
        });
        outcome
    }

    /// Takes the trace and the delivered events.
    pub fn take(&self) -> (Vec<Entry>, Vec<AccountConnsEvent>) {
        let entries = std::mem::take(&mut *lock(&self.entries));
        let delivered = std::mem::take(&mut *lock(&self.delivered));
        (entries, delivered)
    }

    fn push(&self, record: Record) {
        let thread = current_label();
        lock(&self.entries).push(Entry { thread, record });
    }
}

impl Probe for Recorder {
    fn step(&self, step: Step) {
        if matches!(step, Step::PushAccepted { .. }) {
            self.tick();
        }
        self.push(Record::Step(step));
    }
}

struct RecordingSink(Arc<Recorder>);

impl EventSink for RecordingSink {
    fn publish(&mut self, event: AccountConnsEvent) {
        lock(&self.0.delivered).push(event);
    }
}
