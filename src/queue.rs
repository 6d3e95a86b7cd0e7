//! The send queue: unbounded, a push never blocks, one consumer.
//!
//! ## Protocol
//!
//! The queue has several lanes, each a mutex-guarded deque. An account always pushes to the same
//! lane (chosen from its name), so one account's events stay in FIFO order; events of different
//! accounts have no defined order relative to each other, just as concurrent updates of two
//! accounts have none in the NATS server.
//!
//! ## How it scales
//!
//! A producer touches only its lane's lock, and the consumer's wake-up lock only when that lane
//! was empty. Under churn lanes stay non-empty between drains, so producers of different accounts
//! contend only when their accounts share a lane; with `L` lanes and many busy accounts, about
//! `1/L` of pushes meet another producer. The consumer swaps whole deques out, one lock hold per
//! lane per drain, so its cost per event shrinks as batches grow.
//!
//! ## Wake-up
//!
//! The consumer sleeps on `wake` only after clearing `pending` and then finding every lane empty.
//! A push that makes a lane non-empty sets `pending` under the wake lock, so a push that lands
//! after the consumer looked at its lane always leaves `pending` set for the next look. Before it
//! sleeps, the consumer checks `pending` a few more times, yielding between checks: a push that
//! finds the consumer awake costs no wake-up, which under churn was more than half of an update.
//!
//! ## Close
//!
//! [`SendQueue::close`] marks every lane closed under that lane's lock, then sets `closed` under
//! the wake lock. Every push that took its lane lock before that is in the deque and is delivered
//! by the consumer's final drain; every later push is rejected and counted in its lane.

use std::collections::VecDeque;

use crate::event::AccountConnsEvent;
use crate::probe::{ProbeRef, Step};
use crate::sync::thread::yield_now;
use crate::sync::{Condvar, Mutex};

/// Checks the consumer makes, yielding between them, before it sleeps on the wake signal. The
/// checkers get one, so their models still explore a check before the sleep without a state
/// space multiplied by the spins.
#[cfg(not(any(loom, shuttle)))]
const WAKE_SPINS: usize = 64;
#[cfg(any(loom, shuttle))]
const WAKE_SPINS: usize = 1;

/// Outcome of a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The event is queued and will be delivered.
    Accepted,
    /// The queue was closed; the event was counted as rejected and dropped.
    Rejected,
}

#[derive(Debug, Default)]
struct Lane {
    events: VecDeque<AccountConnsEvent>,
    closed: bool,
    rejected: u64,
}

#[derive(Debug, Default)]
struct Wake {
    pending: bool,
    closed: bool,
}

/// Unbounded multi-lane FIFO with a single consumer.
pub struct SendQueue {
    lanes: Box<[Mutex<Lane>]>,
    wake: Mutex<Wake>,
    wake_signal: Condvar,
    probe: Option<ProbeRef>,
}

impl SendQueue {
    /// Creates an open queue with `lanes` lanes (at least one).
    pub fn new(lanes: usize, probe: Option<ProbeRef>) -> Self {
        let lanes = (0..lanes.max(1))
            .map(|_| Mutex::new(Lane::default()))
            .collect();
        SendQueue {
            lanes,
            wake: Mutex::new(Wake::default()),
            wake_signal: Condvar::new(),
            probe,
        }
    }

    /// Number of lanes.
    pub fn lane_count(&self) -> usize {
        self.lanes.len()
    }

    /// Appends `event` to `lane` (reduced modulo the lane count) unless the queue is closed.
    pub fn push(&self, lane: usize, event: AccountConnsEvent) -> Pushed {
        let mut guard = self.lanes[lane % self.lanes.len()].lock();
        if guard.closed {
            guard.rejected += 1;
            self.record(Step::PushRejected {
                account: event.account.clone(),
                version: event.version,
            });
            return Pushed::Rejected;
        }

        // Recorded under the lane lock, so a trace lists one lane's pushes in queue order.
        self.record(Step::PushAccepted {
            account: event.account.clone(),
            version: event.version,
            id: event.id,
        });
        let was_empty = guard.events.is_empty();
        guard.events.push_back(event);
        drop(guard);

        if was_empty {
            self.wake.lock().pending = true;
            self.wake_signal.notify_one();
        }
        Pushed::Accepted
    }

    /// Closes the queue: later pushes are rejected, and the consumer exits after its final drain.
    /// Calling it again changes nothing.
    pub fn close(&self) {
        for lane in self.lanes.iter() {
            lane.lock().closed = true;
        }

        self.wake.lock().closed = true;
        self.wake_signal.notify_all();
        self.record(Step::QueueClosed);
    }

    /// Pushes rejected because the queue was closed.
    pub fn rejected(&self) -> u64 {
        self.lanes.iter().map(|lane| lane.lock().rejected).sum()
    }

    /// Moves every queued event into `out`, lane by lane. Returns how many it moved.
    pub fn drain_into(&self, out: &mut Vec<AccountConnsEvent>) -> usize {
        let before = out.len();
        for lane in self.lanes.iter() {
            let batch = std::mem::take(&mut lane.lock().events);
            out.extend(batch);
        }
        out.len() - before
    }

    /// Blocks until a push or the close may have made work, then returns true if the queue is
    /// closed. Clears `pending`, so the caller must drain every lane after it returns.
    pub fn wait_for_work(&self) -> bool {
        // Spin before sleeping: under churn the next push comes within microseconds, and a
        // consumer that is awake costs that push no futex wake-up. Each check is the same one
        // the sleeping loop below makes, under the wake lock.
        for _ in 0..WAKE_SPINS {
            let mut wake = self.wake.lock();
            if wake.pending || wake.closed {
                wake.pending = false;
                return wake.closed;
            }
            drop(wake);
            yield_now();
        }

        let mut wake = self.wake.lock();
        while !wake.pending && !wake.closed {
            wake = self.wake_signal.wait(wake);
        }
        wake.pending = false;
        wake.closed
    }

    fn record(&self, step: Step) {
        if let Some(probe) = &self.probe {
            probe.step(step);
        }
    }
}

impl std::fmt::Debug for SendQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendQueue")
            .field("lanes", &self.lanes.len())
            .finish_non_exhaustive()
    }
}
