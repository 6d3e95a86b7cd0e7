//! Interleavings of interest: the situations a model exists to produce.
//!
//! A model declares the interleavings it was written for. After exploring, it fails if one of
//! them never happened, because then it proved nothing about that situation.

use crate::design::Delivery;
use crate::error::Error;
use crate::nuid::Taken;
use crate::probe::Step;
use crate::spec::record::{CallOutcome, Record, Run};
use crate::spec::scenario::Op;

/// A named situation, recognized in a recorded run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interleaving {
    /// A change of an account landed while another update of that account held its event lock.
    ChangeDuringUpdate,
    /// An update's event carried a later version than its own change: it covered another change.
    EventCoveredLaterChange,
    /// Two accounts held their event locks at the same time (no server-wide lock).
    TwoAccountsOverlapped,
    /// A change of one account landed while another account's update held the event lock.
    OtherAccountChangedDuringUpdate,
    /// The NUID generator rolled over to a new prefix.
    NuidRolledOver,
    /// A caller found the epoch full but another caller rolled the stripe over first.
    NuidRolloverRace,
    /// Shutdown began between an update's snapshot and its push.
    ShutdownBetweenSnapshotAndPush,
    /// The closed send queue rejected a push.
    PushRejectedByClose,
    /// An update found eventing stopped.
    UpdateDroppedByShutdown,
    /// A change failed because the server was shutting down.
    ChangeRejectedByShutdown,
    /// Two shutdown calls overlapped.
    ConcurrentShutdowns,
    /// A removal fenced the account between a change and that change's push.
    RemovalBetweenChangeAndPush,
    /// An update pushed while its account's removal was in progress.
    PushDuringRemoval,
    /// A change started after its account's removal and failed.
    ChangeAfterRemoval,
    /// A change was merged into another thread's update.
    UpdateCoalesced,
    /// A coalescing publisher found a change pending after its push and published again: the
    /// change landed just as the publisher was deciding whether anything was pending.
    PublisherRepublished,
    /// A removal waited for a coalescing publisher with a change pending.
    RemovalWaitedForPending,
    /// Shutdown began while a coalescing publisher had a change pending.
    ShutdownWithPending,
    /// A lock-free count read returned a state that a later change replaced.
    CountsReadBeforeLastChange,
    /// A heartbeat firing pushed an event with live counts.
    HeartbeatFiredLive,
    /// A heartbeat firing found its timer cancelled or re-armed and sent nothing.
    HeartbeatFiringStale,
    /// A heartbeat firing found its account removed.
    HeartbeatFiringFenced,
    /// A heartbeat firing found eventing stopped or the send queue closed.
    HeartbeatFiringStoppedByShutdown,
    /// A firing found no heartbeat armed.
    HeartbeatNotArmed,
}

impl Interleaving {
    /// Short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Interleaving::ChangeDuringUpdate => {
                "a change landed while another update held the account's event lock"
            }
            Interleaving::EventCoveredLaterChange => "an update's event covered a later change",
            Interleaving::TwoAccountsOverlapped => {
                "two accounts' updates held their event locks at once"
            }
            Interleaving::OtherAccountChangedDuringUpdate => {
                "a change of another account landed during an update"
            }
            Interleaving::NuidRolledOver => "the NUID rolled over to a new prefix",
            Interleaving::NuidRolloverRace => "a caller lost the race to roll the NUID over",
            Interleaving::ShutdownBetweenSnapshotAndPush => {
                "shutdown began between a snapshot and its push"
            }
            Interleaving::PushRejectedByClose => "the closed send queue rejected a push",
            Interleaving::UpdateDroppedByShutdown => "an update found eventing stopped",
            Interleaving::ChangeRejectedByShutdown => "a change failed with ShutDown",
            Interleaving::ConcurrentShutdowns => "two shutdown calls overlapped",
            Interleaving::RemovalBetweenChangeAndPush => {
                "a removal fenced the account between a change and its push"
            }
            Interleaving::PushDuringRemoval => {
                "an update pushed while its account's removal was in progress"
            }
            Interleaving::ChangeAfterRemoval => {
                "a change on a removed account failed with AccountRemoved"
            }
            Interleaving::UpdateCoalesced => "a change was merged into another thread's update",
            Interleaving::PublisherRepublished => {
                "a publisher found a change pending and published again"
            }
            Interleaving::RemovalWaitedForPending => {
                "a removal began during a publishing round that ended with a change pending"
            }
            Interleaving::ShutdownWithPending => {
                "shutdown began during a publishing round that ended with a change pending"
            }
            Interleaving::CountsReadBeforeLastChange => {
                "a lock-free count read returned a state that a later change replaced"
            }
            Interleaving::HeartbeatFiredLive => "a heartbeat firing pushed an event",
            Interleaving::HeartbeatFiringStale => {
                "a heartbeat firing found its timer cancelled or re-armed"
            }
            Interleaving::HeartbeatFiringFenced => "a heartbeat firing found its account removed",
            Interleaving::HeartbeatFiringStoppedByShutdown => {
                "a heartbeat firing found eventing stopped or the queue closed"
            }
            Interleaving::HeartbeatNotArmed => "a firing found no heartbeat armed",
        }
    }

    /// Returns true if `run` contains this interleaving.
    pub fn happened_in(self, run: &Run) -> bool {
        let steps: Vec<(&str, &Step)> = run
            .entries
            .iter()
            .filter_map(|entry| match &entry.record {
                Record::Step(step) => Some((entry.thread.as_str(), step)),
                _ => None,
            })
            .collect();
        match self {
            Interleaving::ChangeDuringUpdate => change_during_update(&steps, true),
            Interleaving::OtherAccountChangedDuringUpdate => change_during_update(&steps, false),
            Interleaving::EventCoveredLaterChange => updates(run).any(|(_, update)| {
                matches!(update.delivery, Delivery::Accepted { version, .. } if version > update.version)
            }),
            Interleaving::TwoAccountsOverlapped => two_accounts_overlapped(&steps),
            Interleaving::NuidRolledOver => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::IdTaken { taken: Taken::RolledOver, .. })),
            Interleaving::NuidRolloverRace => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::IdTaken { taken: Taken::RaceLost, .. })),
            Interleaving::ShutdownBetweenSnapshotAndPush => shutdown_between_snapshot_and_push(&steps),
            Interleaving::PushRejectedByClose => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::PushRejected { .. })),
            // From the server's step or from a call's return value, so that an update dropped
            // without its step still counts as the interleaving (and fails `counted-drops`).
            Interleaving::UpdateDroppedByShutdown => {
                steps
                    .iter()
                    .any(|(_, step)| matches!(step, Step::UpdateDropped { .. }))
                    || outcomes(run).any(|(_, outcome)| match outcome {
                        CallOutcome::Updated(update) => update.delivery == Delivery::Dropped,
                        CallOutcome::Fired(delivery) => *delivery == Some(Delivery::Dropped),
                        _ => false,
                    })
            }
            Interleaving::ChangeRejectedByShutdown => outcomes(run)
                .any(|(_, outcome)| outcome == &CallOutcome::Failed(Error::ShutDown)),
            Interleaving::ConcurrentShutdowns => concurrent_shutdowns(run),
            Interleaving::RemovalBetweenChangeAndPush => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::UpdateFencedOff { .. })),
            Interleaving::PushDuringRemoval => push_during_removal(&steps),
            Interleaving::ChangeAfterRemoval => change_after_removal(run),
            Interleaving::UpdateCoalesced => {
                updates(run).any(|(_, update)| update.delivery == Delivery::Coalesced)
            }
            Interleaving::PublisherRepublished => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::Republishing { .. })),
            Interleaving::RemovalWaitedForPending => {
                began_during_pending_round(&steps, |step| matches!(step, Step::RemovalBegan { .. }))
            }
            Interleaving::ShutdownWithPending => {
                began_during_pending_round(&steps, |step| matches!(step, Step::ShutdownBegan))
            }
            Interleaving::CountsReadBeforeLastChange => counts_read_before_last_change(run),
            Interleaving::HeartbeatFiredLive => {
                fired(run, |delivery| matches!(delivery, Some(Delivery::Accepted { .. })))
            }
            Interleaving::HeartbeatFiringStale => steps
                .iter()
                .any(|(_, step)| matches!(step, Step::HeartbeatStale { .. })),
            Interleaving::HeartbeatFiringFenced => {
                fired(run, |delivery| delivery == Some(Delivery::Fenced))
            }
            Interleaving::HeartbeatFiringStoppedByShutdown => fired(run, |delivery| {
                matches!(delivery, Some(Delivery::Dropped | Delivery::Rejected))
            }),
            Interleaving::HeartbeatNotArmed => fired(run, |delivery| delivery.is_none()),
        }
    }
}

fn updates(run: &Run) -> impl Iterator<Item = (&Op, &crate::server::Update)> {
    outcomes(run).filter_map(|(op, outcome)| match outcome {
        CallOutcome::Updated(update) => Some((op, update)),
        _ => None,
    })
}

/// Calls paired with their outcomes.
fn outcomes(run: &Run) -> impl Iterator<Item = (&Op, &CallOutcome)> {
    let started: std::collections::HashMap<u64, &Op> = run
        .entries
        .iter()
        .filter_map(|entry| match &entry.record {
            Record::CallStarted { call, op, .. } => Some((*call, op)),
            _ => None,
        })
        .collect();
    run.entries
        .iter()
        .filter_map(move |entry| match &entry.record {
            Record::CallReturned { call, outcome } => started.get(call).map(|op| (*op, outcome)),
            _ => None,
        })
}

/// Returns true if another thread applied a change of the same account (or of another one)
/// between an `EventLockTaken` and the push that ends that update.
fn change_during_update(steps: &[(&str, &Step)], same_account: bool) -> bool {
    steps.iter().enumerate().any(|(start, (thread, step))| {
        let Step::EventLockTaken { account } = step else {
            return false;
        };
        steps[start + 1..]
            .iter()
            .take_while(|(other, later)| !(other == thread && ends_update(later)))
            .any(|(other, later)| {
                matches!(later, Step::ChangeApplied { account: changed, .. }
                    if other != thread && (changed == account) == same_account)
            })
    })
}

fn ends_update(step: &Step) -> bool {
    matches!(
        step,
        Step::PushAccepted { .. } | Step::PushRejected { .. } | Step::UpdateFencedOff { .. }
    )
}

fn two_accounts_overlapped(steps: &[(&str, &Step)]) -> bool {
    steps.iter().enumerate().any(|(start, (thread, step))| {
        let Step::EventLockTaken { account } = step else {
            return false;
        };
        steps[start + 1..]
            .iter()
            .take_while(|(other, later)| !(other == thread && ends_update(later)))
            .any(|(other, later)| {
                matches!(later, Step::EventLockTaken { account: locked } if other != thread && locked != account)
            })
    })
}

fn shutdown_between_snapshot_and_push(steps: &[(&str, &Step)]) -> bool {
    steps.iter().enumerate().any(|(start, (thread, step))| {
        if !matches!(step, Step::SnapshotTaken { .. }) {
            return false;
        }
        let rest = &steps[start + 1..];
        let Some(push) = rest
            .iter()
            .position(|(other, later)| other == thread && ends_update(later))
        else {
            return false;
        };
        rest[..push]
            .iter()
            .any(|(_, later)| matches!(later, Step::ShutdownBegan))
    })
}

fn push_during_removal(steps: &[(&str, &Step)]) -> bool {
    steps.iter().enumerate().any(|(start, (_, step))| {
        let Step::RemovalBegan { account } = step else {
            return false;
        };
        steps[start + 1..]
            .iter()
            .take_while(|(_, later)| !matches!(later, Step::AccountFenced { account: fenced } if fenced == account))
            .any(|(_, later)| matches!(later, Step::PushAccepted { account: pushed, .. } if pushed == account))
    })
}

fn change_after_removal(run: &Run) -> bool {
    outcomes(run).any(|(op, outcome)| {
        matches!(op, Op::Add { .. } | Op::Remove { .. })
            && matches!(outcome, CallOutcome::Failed(Error::AccountRemoved { .. }))
    })
}

fn concurrent_shutdowns(run: &Run) -> bool {
    let mut open = 0usize;
    let mut shutdown_calls = std::collections::HashSet::new();
    for entry in &run.entries {
        match &entry.record {
            Record::CallStarted {
                call,
                op: Op::Shutdown,
                ..
            } => {
                open += 1;
                shutdown_calls.insert(*call);
                if open > 1 {
                    return true;
                }
            }
            Record::CallReturned { call, .. } if shutdown_calls.contains(call) => open -= 1,
            _ => {}
        }
    }
    false
}

/// Returns true if a step matching `began` happened inside a publishing round that ended with a
/// change pending, that is after the round's `EventLockTaken` and before the `Republishing`.
fn began_during_pending_round(steps: &[(&str, &Step)], began: impl Fn(&Step) -> bool) -> bool {
    steps.iter().enumerate().any(|(end, (publisher, step))| {
        if !matches!(step, Step::Republishing { .. }) {
            return false;
        }
        steps[..end]
            .iter()
            .rev()
            .take_while(|(thread, earlier)| {
                !(thread == publisher && matches!(earlier, Step::EventLockTaken { .. }))
            })
            .any(|(_, earlier)| began(earlier))
    })
}

fn counts_read_before_last_change(run: &Run) -> bool {
    let final_counts: std::collections::HashMap<_, _> = run
        .accounts
        .iter()
        .map(|account| (&account.name, account.counts.counts))
        .collect();
    outcomes(run).any(|(op, outcome)| match (op, outcome) {
        (Op::ReadCounts { account }, CallOutcome::Counts(read)) => {
            final_counts.get(account).is_some_and(|last| last != read)
        }
        _ => false,
    })
}

fn fired(run: &Run, wanted: impl Fn(Option<Delivery>) -> bool) -> bool {
    outcomes(run)
        .any(|(_, outcome)| matches!(outcome, CallOutcome::Fired(delivery) if wanted(*delivery)))
}
