//! Plain `std` primitives that no model checker sees.
//!
//! Recording code (the probe trace, model statistics) uses these so that observing a run adds no
//! scheduling points. Loom and shuttle run one model thread at a time, so a lock taken here never
//! contends inside a model, and the order in which steps reach a shared log is the order in which
//! the checker executed them. Never hold one of these locks across a facade operation: under a
//! checker that would block the only OS thread the model runs on.

pub use std::sync::Mutex;
pub use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
pub use std::sync::{Arc, MutexGuard};

/// Locks a recording mutex. A panic while recording already fails the run, so poison is ignored.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
