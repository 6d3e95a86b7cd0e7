//! Production backend: `parking_lot` locks and `std` atomics, `Arc` and threads.

pub use parking_lot::{Condvar as RawCondvar, Mutex, MutexGuard, RwLock};
pub use std::sync::Arc;

/// Atomic types and orderings.
pub mod atomic {
    pub use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
}

/// Condition variable whose `wait` takes the guard by value, as under the checkers.
#[derive(Debug, Default)]
pub struct Condvar(RawCondvar);

impl Condvar {
    /// Creates a condition variable.
    pub fn new() -> Self {
        Self(RawCondvar::new())
    }

    /// Blocks until notified, releasing the guard's lock while blocked.
    pub fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0.wait(&mut guard);
        guard
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}

/// Threads.
pub mod thread {
    pub use std::thread::{JoinHandle, yield_now};

    /// Starts a named thread.
    pub fn spawn_named<F, T>(name: &str, body: F) -> std::io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(body)
    }

    /// Returns a label for the current thread, used in traces.
    pub fn current_label() -> String {
        format!("{:?}", std::thread::current().id())
    }
}
