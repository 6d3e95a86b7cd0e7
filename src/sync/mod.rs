//! The sync facade: the only place that names a concrete sync library.
//!
//! Every lock, atomic, shared pointer, thread and clock the crate uses comes from here, so the
//! same algorithm code runs in production and under both model checkers:
//!
//! | build              | locks and condvar | atomics, `Arc`, threads | clock            |
//! |--------------------|-------------------|-------------------------|------------------|
//! | default            | `parking_lot`     | `std`                   | `SystemTime`     |
//! | `--cfg loom`       | `loom`            | `loom`                  | fixed (no time)  |
//! | `--cfg shuttle`    | `shuttle`         | `shuttle` (`std` `Arc`) | fixed (no time)  |
//!
//! The surface is shaped like `parking_lot`: locking never returns a poison result. Under the
//! checkers a panic inside a critical section already fails the model, so the poison flag carries
//! no extra information and the wrappers unwrap it.
//!
//! [`untracked`] holds plain `std` primitives that the checkers do not see. Only recording code
//! uses them (the probe trace and the model statistics), so that observing a run adds no
//! scheduling points to the state space a checker explores.

#[cfg(all(loom, shuttle))]
compile_error!("`--cfg loom` and `--cfg shuttle` select different sync backends; set only one");

#[cfg(not(any(loom, shuttle)))]
mod production;
#[cfg(not(any(loom, shuttle)))]
pub use production::*;

#[cfg(any(loom, shuttle))]
mod checked;
#[cfg(any(loom, shuttle))]
pub use checked::*;

pub mod timer;
pub mod untracked;

#[cfg(any(loom, shuttle))]
pub mod model;

/// Immutable shared string (account names in events and the registry).
///
/// A plain `std` `Arc`: the name is never mutated, so its reference count synchronizes nothing the
/// checkers need to see, and loom's `Arc` cannot hold an unsized `str`.
pub type SharedStr = std::sync::Arc<str>;

/// Returns the wall-clock time used for event timestamps.
///
/// Under loom and shuttle time does not exist: the clock is fixed at the Unix epoch, so every
/// event of a model carries the same timestamp and no check may depend on it.
pub fn now() -> std::time::SystemTime {
    #[cfg(not(any(loom, shuttle)))]
    return std::time::SystemTime::now();

    #[cfg(any(loom, shuttle))]
    return std::time::UNIX_EPOCH;
}
