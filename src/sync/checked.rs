//! Checker backends: loom or shuttle, wrapped so that locking never returns a poison result.
//!
//! Both libraries copy the `std` API, so one set of wrappers serves both; `lib` below names the
//! library this build uses.

#[cfg(loom)]
use loom as lib;
#[cfg(shuttle)]
use shuttle as lib;

#[cfg(loom)]
pub use loom::sync::Arc;
// NOTE: shuttle has no `Arc` of its own: reference counts are not scheduling points there.
#[cfg(shuttle)]
pub use std::sync::Arc;

pub use lib::sync::MutexGuard;

/// Atomic types and orderings.
///
/// NOTE: shuttle runs every atomic access as SeqCst, so a too-weak ordering can only be caught by
/// the loom models.
pub mod atomic {
    pub use super::lib::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize};
    pub use std::sync::atomic::Ordering;
}

/// Mutual exclusion lock without poisoning.
#[derive(Debug, Default)]
pub struct Mutex<T>(lib::sync::Mutex<T>);

impl<T> Mutex<T> {
    /// Creates an unlocked mutex.
    pub fn new(value: T) -> Self {
        Self(lib::sync::Mutex::new(value))
    }

    /// Acquires the lock, blocking the current thread until it is free.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Reader-writer lock without poisoning.
#[derive(Debug, Default)]
pub struct RwLock<T>(lib::sync::RwLock<T>);

impl<T> RwLock<T> {
    /// Creates an unlocked reader-writer lock.
    pub fn new(value: T) -> Self {
        Self(lib::sync::RwLock::new(value))
    }

    /// Acquires shared read access.
    pub fn read(&self) -> lib::sync::RwLockReadGuard<'_, T> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Acquires exclusive write access.
    pub fn write(&self) -> lib::sync::RwLockWriteGuard<'_, T> {
        self.0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Condition variable whose `wait` takes the guard by value.
#[derive(Debug, Default)]
pub struct Condvar(lib::sync::Condvar);

impl Condvar {
    /// Creates a condition variable.
    pub fn new() -> Self {
        Self(lib::sync::Condvar::new())
    }

    /// Blocks until notified, releasing the guard's lock while blocked.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0
            .wait(guard)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    pub use super::lib::thread::{JoinHandle, yield_now};

    /// Starts a thread of the model. Loom and shuttle threads cannot fail to start.
    ///
    /// NOTE: loom models at most `loom::MAX_THREADS` (5) threads, the model's main thread
    /// included, so a loom scenario has at most four threads besides main, the consumer thread included.
    pub fn spawn_named<F, T>(_name: &str, body: F) -> std::io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Ok(super::lib::thread::spawn(body))
    }

    /// Returns a label for the current thread, used in traces.
    pub fn current_label() -> String {
        format!("{:?}", super::lib::thread::current().id())
    }
}
