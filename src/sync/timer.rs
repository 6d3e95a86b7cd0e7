//! Heartbeat timers: at most one armed timer per key, for the whole server.
//!
//! Production runs one timer thread with a deadline queue: an ordered set of `(scheduled, key)`
//! pairs and a map from key to its entry. A key has one entry, so it never has two timers, and
//! the thread sleeps until the earliest scheduled instant. Arming a key that is already armed
//! only moves the entry's deadline and generation. The key keeps its earlier place in the set,
//! and the thread is not woken. When the thread reaches that place before the deadline, it puts the
//! key back at its deadline. When a deadline passes, the thread removes the entry and calls the
//! callback with the key and the generation it was last armed with. Cancelling removes the entry
//! but does not wait for a callback that is already running.
//!
//! NOTE: under loom and shuttle time does not exist, so there is no timer thread: a due timer
//! fires only when a model thread calls [`Timers::take`] and runs the firing itself. That makes
//! the firing an explicit, nondeterministic step that the checker interleaves like any other.
//! No model checks deadlines or intervals; only the production tests do.

/// True where timers have deadlines and a thread serves them (production); false under the
/// checkers, where a model fires a timer with [`Timers::take`].
pub const HAS_TIME: bool = cfg!(not(any(loom, shuttle)));

/// An armed timer: the generation it was armed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Armed {
    /// Generation passed to [`Timers::arm`].
    pub generation: u64,
}

#[cfg(not(any(loom, shuttle)))]
pub use production::Timers;

#[cfg(any(loom, shuttle))]
pub use checked::Timers;

#[cfg(not(any(loom, shuttle)))]
mod production {
    use std::collections::{BTreeSet, HashMap};
    use std::hash::Hash;
    use std::time::{Duration, Instant};

    use parking_lot::{Condvar, Mutex};

    use super::Armed;

    /// Timer state under the timers' lock.
    ///
    /// Re-arming an armed key only moves its deadline later, so it updates the key's entry and
    /// leaves the key's place in `deadlines` (its `scheduled` instant) where it was. The thread
    /// wakes at that earlier instant, finds the deadline not yet reached and puts the key back at
    /// its deadline. So a re-arm, the operation every update with connections performs, is one
    /// map update, and it never wakes the thread.
    struct State<K> {
        /// `(scheduled, key)` for every armed key. A key's scheduled instant is never after its
        /// deadline.
        deadlines: BTreeSet<(Instant, K)>,
        armed: HashMap<K, Entry>,
        stopped: bool,
        /// True while the timer thread runs a callback without the lock.
        firing: bool,
    }

    struct Entry {
        /// Instant under which the key sits in `deadlines`, when the thread next looks at it.
        scheduled: Instant,
        /// When the timer fires: a full interval after the latest arm.
        deadline: Instant,
        armed: Armed,
    }

    /// Deadline queue served by one timer thread.
    pub struct Timers<K> {
        state: Mutex<State<K>>,
        /// Wakes the timer thread when a deadline is added or the timers stop.
        changed: Condvar,
        /// Wakes [`Timers::armed_keys`] when a callback has returned. A separate condvar, so that
        /// a waiting reader never takes a wake-up meant for the timer thread.
        idle: Condvar,
    }

    impl<K: Clone + Ord + Hash + Send + 'static> Default for Timers<K> {
        fn default() -> Self {
            Self::new()
        }
    }

    impl<K: Clone + Ord + Hash + Send + 'static> Timers<K> {
        /// Creates the timers. [`Timers::run`] serves them on a thread of the caller's.
        pub fn new() -> Self {
            Timers {
                state: Mutex::new(State {
                    deadlines: BTreeSet::new(),
                    armed: HashMap::new(),
                    stopped: false,
                    firing: false,
                }),
                changed: Condvar::new(),
                idle: Condvar::new(),
            }
        }

        /// Serves the timers until [`Timers::stop`]: calls `on_due` for each timer whose
        /// deadline passes, without holding the timers' lock.
        pub fn run<F: FnMut(K, Armed)>(&self, mut on_due: F) {
            let mut state = self.state.lock();
            while !state.stopped {
                let Some((scheduled, key)) = state.deadlines.first().cloned() else {
                    self.changed.wait(&mut state);
                    continue;
                };
                let now = Instant::now();
                if scheduled > now {
                    self.changed.wait_until(&mut state, scheduled);
                    continue;
                }

                state.deadlines.remove(&(scheduled, key.clone()));
                let Some(entry) = state.armed.get_mut(&key) else {
                    continue;
                };
                if entry.deadline > now {
                    // Re-armed since it was scheduled: look again at the deadline.
                    entry.scheduled = entry.deadline;
                    let deadline = entry.deadline;
                    state.deadlines.insert((deadline, key));
                    continue;
                }
                let Some(entry) = state.armed.remove(&key) else {
                    continue;
                };
                // Released while the firing runs: the firing arms or cancels timers itself.
                state.firing = true;
                drop(state);
                let done = FiringDone(self);
                on_due(key, entry.armed);
                // Dropping the guard clears `firing` and wakes `armed_keys`, also when the
                // callback panics and unwinds through it.
                drop(done);
                state = self.state.lock();
            }
        }

        /// Arms `key` to fire after `interval`, replacing any timer it had. Does nothing once
        /// the timers are stopped. Returns true if it replaced an armed timer.
        pub fn arm(&self, key: K, generation: u64, interval: Duration) -> bool {
            let mut guard = self.state.lock();
            let state = &mut *guard;
            if state.stopped {
                return false;
            }
            let deadline = Instant::now() + interval;
            let armed = Armed { generation };

            let replaced = match state.armed.get_mut(&key) {
                Some(entry) => {
                    entry.deadline = deadline;
                    entry.armed = armed;
                    if entry.scheduled <= deadline {
                        // The thread looks at the key no later than its deadline: nothing to
                        // wake.
                        return true;
                    }
                    // A shorter interval than before: the key must be looked at sooner.
                    let scheduled = std::mem::replace(&mut entry.scheduled, deadline);
                    state.deadlines.remove(&(scheduled, key.clone()));
                    true
                }
                None => {
                    let entry = Entry {
                        scheduled: deadline,
                        deadline,
                        armed,
                    };
                    state.armed.insert(key.clone(), entry);
                    false
                }
            };
            state.deadlines.insert((deadline, key.clone()));
            // The thread sleeps until the first scheduled instant, so only a new first one needs
            // to wake it.
            let first = state.deadlines.first().is_some_and(|(_, k)| *k == key);
            drop(guard);

            if first {
                self.changed.notify_one();
            }
            replaced
        }

        /// Cancels the timer of `key`. Returns true if one was armed.
        pub fn cancel(&self, key: &K) -> bool {
            remove(&mut self.state.lock(), key).is_some()
        }

        /// Removes the timer of `key` as if it were due now, and returns it.
        pub fn take(&self, key: &K) -> Option<Armed> {
            remove(&mut self.state.lock(), key)
        }

        /// Returns the keys with an armed timer.
        ///
        /// Waits first for a callback in progress to return. The timer thread removes a timer
        /// before its callback re-arms it, so a read during the callback would miss a timer that
        /// is armed both before and after. Must not be called from inside a callback.
        pub fn armed_keys(&self) -> Vec<K> {
            let mut state = self.state.lock();
            while state.firing {
                self.idle.wait(&mut state);
            }
            state.armed.keys().cloned().collect()
        }

        /// Cancels every timer, stops accepting new ones and makes [`Timers::run`] return.
        pub fn stop(&self) {
            {
                let mut state = self.state.lock();
                state.stopped = true;
                state.deadlines.clear();
                state.armed.clear();
            }
            self.changed.notify_all();
        }
    }

    /// Clears the `firing` flag and wakes the readers waiting for it, when dropped.
    struct FiringDone<'a, K>(&'a Timers<K>);

    impl<K> Drop for FiringDone<'_, K> {
        fn drop(&mut self) {
            self.0.state.lock().firing = false;
            self.0.idle.notify_all();
        }
    }

    fn remove<K: Clone + Ord + Hash>(state: &mut State<K>, key: &K) -> Option<Armed> {
        let entry = state.armed.remove(key)?;
        state.deadlines.remove(&(entry.scheduled, key.clone()));
        Some(entry.armed)
    }
}

#[cfg(any(loom, shuttle))]
mod checked {
    use std::collections::HashMap;
    use std::hash::Hash;
    use std::time::Duration;

    use super::Armed;
    use crate::sync::Mutex;

    struct State<K> {
        armed: HashMap<K, Armed>,
        stopped: bool,
    }

    /// Armed timers without deadlines: a model fires one by calling [`Timers::take`].
    pub struct Timers<K> {
        state: Mutex<State<K>>,
    }

    impl<K: Clone + Ord + Hash + Send + 'static> Default for Timers<K> {
        fn default() -> Self {
            Self::new()
        }
    }

    impl<K: Clone + Ord + Hash + Send + 'static> Timers<K> {
        /// Creates the timers.
        pub fn new() -> Self {
            Timers {
                state: Mutex::new(State {
                    armed: HashMap::new(),
                    stopped: false,
                }),
            }
        }

        /// Returns at once: there is no time, so nothing can become due. Never called, because
        /// [`super::HAS_TIME`] is false.
        pub fn run<F: FnMut(K, Armed)>(&self, _on_due: F) {}

        /// Arms `key`, replacing any timer it had; the interval is ignored. Does nothing once
        /// stopped. Returns true if it replaced an armed timer.
        pub fn arm(&self, key: K, generation: u64, _interval: Duration) -> bool {
            let mut state = self.state.lock();
            if state.stopped {
                return false;
            }
            state.armed.insert(key, Armed { generation }).is_some()
        }

        /// Cancels the timer of `key`. Returns true if one was armed.
        pub fn cancel(&self, key: &K) -> bool {
            self.state.lock().armed.remove(key).is_some()
        }

        /// Removes the timer of `key` as if it were due now, and returns it.
        pub fn take(&self, key: &K) -> Option<Armed> {
            self.state.lock().armed.remove(key)
        }

        /// Returns the keys with an armed timer.
        pub fn armed_keys(&self) -> Vec<K> {
            let mut keys: Vec<K> = self.state.lock().armed.keys().cloned().collect();
            keys.sort();
            keys
        }

        /// Cancels every timer and stops accepting new ones.
        pub fn stop(&self) {
            let mut state = self.state.lock();
            state.stopped = true;
            state.armed.clear();
        }
    }
}
