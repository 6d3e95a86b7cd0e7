//! The specification, written once: invariants as executable checks over a recorded run.
//!
//! A run is recorded by a [`Recorder`]: the server's own steps (through [`crate::probe`]), the
//! start and return of every API call, and the events the send-queue consumer delivered, in
//! delivery order. [`check`] then evaluates every invariant on the [`Run`]:
//!
//! | invariant           | statement                                                                 |
//! |---------------------|---------------------------------------------------------------------------|
//! | `ids`               | every id is 22 base-62 characters, its sequence is in range, no id repeats |
//! | `no-global-event`   | no event is ever pushed or delivered for `$G`                              |
//! | `nothing-lost`      | the delivered events are exactly the accepted ones, each account in order  |
//! | `per-account-order` | an account's versions never go backwards in queue order                    |
//! | `freshness`         | a successful change is covered by an event of its account with a version at least its own, accepted before the call returned, unless shutdown dropped it (counted); on eventual designs a merged change is covered at quiescence |
//! | `one-event-per-update` | an account never gets more pushes than changes and heartbeat firings |
//! | `heartbeat`         | at quiescence a heartbeat is armed exactly for the live accounts whose last event has connections; none after shutdown; on coalescing designs nothing repeats a zero-connection snapshot |
//! | `final-accuracy`    | at quiescence, each live account's last event equals its final counts, and those counts equal what the successful calls imply |
//! | `shutdown`          | after a shutdown returns, nothing is accepted, the consumer has exited, and later calls fail with `ShutDown` |
//! | `removal`           | after a removal returns, nothing of the account is accepted, later calls on it fail, and nothing but the caller's handle keeps it alive |
//! | `counted-drops`     | every rejected push and dropped update is counted and happened after shutdown began |
//! | `counts-read`       | a lock-free count read returns a state the account had during the call |
//!
//! "After" means later in the recorded order. Pushes, fences and the queue close are recorded
//! under the locks that order them, so for them the recorded order is the real one. For the
//! lock-free shutdown check at the start of a call, "after" means after a shutdown by the same
//! thread, or after the scenario's threads were joined: only then does the memory model promise
//! that the call sees the shutdown.

pub mod catalog;
mod check;
mod interest;
mod record;
pub mod reference;
mod scenario;

pub use check::{Invariant, Violation, check};
pub use interest::Interleaving;
pub use record::{CallOutcome, Entry, FinalAccount, Phase, Record, Recorder, Run};
pub use scenario::{Op, Scenario};
