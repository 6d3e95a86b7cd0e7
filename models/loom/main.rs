//! The loom models, one module per concern, compiled into one test binary so that the suite
//! builds and links once. Every model runs the shared scenario catalog on every design.

#![cfg(loom)]

mod common;

mod account_removal;
mod checker_limits;
mod coalescing;
mod counts;
mod heartbeat;
mod nuid_rollover;
mod one_account;
mod shutdown;
mod two_accounts;
