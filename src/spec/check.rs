//! The invariants, evaluated on a recorded [`Run`].

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::account::GLOBAL_ACCOUNT;
use crate::client::ClientKind;
use crate::design::{Delivery, Freshness};
use crate::error::Error;
use crate::event::{AccountName, Counts};
use crate::probe::Step;
use crate::server::Update;
use crate::spec::record::{CallOutcome, Phase, Record, Run};
use crate::spec::scenario::Op;

/// The invariants of the specification; see the table in [`crate::spec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Invariant {
    /// Ids are well formed and unique.
    Ids,
    /// No event for `$G`.
    NoGlobalEvent,
    /// Delivered events are exactly the accepted ones, each account in order.
    NothingLost,
    /// Versions of an account never go backwards in queue order.
    PerAccountOrder,
    /// Every successful change is covered by an event accepted before its call returned, or for
    /// eventual designs, at quiescence.
    Freshness,
    /// An account never gets more pushes than changes plus heartbeat firings: counted per account,
    /// over the whole run.
    OneEventPerUpdate,
    /// Last events and final counts agree at quiescence.
    FinalAccuracy,
    /// Nothing is accepted after shutdown returns.
    Shutdown,
    /// Nothing of a removed account is accepted after its removal returns.
    Removal,
    /// Every event kept from delivery is counted.
    CountedDrops,
    /// A lock-free count read returns a state the account had during the call.
    CountsRead,
    /// Heartbeats are armed exactly while the last event has connections, and never after
    /// removal or shutdown.
    Heartbeat,
}

impl Invariant {
    /// Name used in reports and failure messages.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::Ids => "ids",
            Invariant::NoGlobalEvent => "no-global-event",
            Invariant::NothingLost => "nothing-lost",
            Invariant::PerAccountOrder => "per-account-order",
            Invariant::Freshness => "freshness",
            Invariant::OneEventPerUpdate => "one-event-per-update",
            Invariant::FinalAccuracy => "final-accuracy",
            Invariant::Shutdown => "shutdown",
            Invariant::Removal => "removal",
            Invariant::CountedDrops => "counted-drops",
            Invariant::CountsRead => "counts-read",
            Invariant::Heartbeat => "heartbeat",
        }
    }
}

/// A broken invariant: which one, for which account, and the events or calls involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub invariant: Invariant,
    /// The account concerned, if one is.
    pub account: Option<AccountName>,
    /// What went wrong, naming the events and trace entries involved.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant `{}` violated", self.invariant.name())?;
        if let Some(account) = &self.account {
            write!(f, " for account {account:?}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for Violation {}

/// Checks every invariant on `run`; returns the first violation found.
pub fn check(run: &Run) -> Result<(), Violation> {
    let view = View::new(run);
    check_ids(run)?;
    check_no_global_event(run, &view)?;
    check_nothing_lost(run, &view)?;
    check_per_account_order(run)?;
    check_freshness(&view)?;
    check_one_event_per_update(&view)?;
    check_final_accuracy(run, &view)?;
    check_shutdown(&view)?;
    check_removal(run, &view)?;
    check_counted_drops(run, &view)?;
    check_counts_read(&view)?;
    check_heartbeat(run, &view)
}

fn violation(invariant: Invariant, account: Option<&AccountName>, detail: String) -> Violation {
    Violation {
        invariant,
        account: account.cloned(),
        detail,
    }
}

/// A call with the trace positions of its start and return.
struct Call<'a> {
    op: &'a Op,
    phase: Phase,
    thread: &'a str,
    started: usize,
    returned: usize,
    outcome: &'a CallOutcome,
}

/// Indexes over the trace that several checks share.
pub(crate) struct View<'a> {
    run: &'a Run,
    calls: Vec<Call<'a>>,
}

impl<'a> View<'a> {
    pub(crate) fn new(run: &'a Run) -> Self {
        let mut open = HashMap::new();
        let mut calls = Vec::new();
        for (position, entry) in run.entries.iter().enumerate() {
            match &entry.record {
                Record::CallStarted { call, op, phase } => {
                    open.insert(*call, (op, *phase, entry.thread.as_str(), position));
                }
                Record::CallReturned { call, outcome } => {
                    if let Some((op, phase, thread, started)) = open.remove(call) {
                        calls.push(Call {
                            op,
                            phase,
                            thread,
                            started,
                            returned: position,
                            outcome,
                        });
                    }
                }
                Record::Step(_) => {}
            }
        }
        View { run, calls }
    }

    pub(crate) fn steps(&self) -> impl Iterator<Item = (usize, &'a Step)> + '_ {
        self.run
            .entries
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| match &entry.record {
                Record::Step(step) => Some((position, step)),
                _ => None,
            })
    }

    fn first_step(&self, wanted: impl Fn(&Step) -> bool) -> Option<usize> {
        self.steps()
            .find(|(_, step)| wanted(step))
            .map(|(position, _)| position)
    }

    fn accepted(
        &self,
    ) -> impl Iterator<Item = (usize, &'a AccountName, u64, crate::nuid::EventId)> + '_ {
        self.steps().filter_map(|(position, step)| match step {
            Step::PushAccepted {
                account,
                version,
                id,
            } => Some((position, account, *version, *id)),
            _ => None,
        })
    }
}

fn check_ids(run: &Run) -> Result<(), Violation> {
    let mut seen = HashMap::new();
    for (position, event) in run.delivered.iter().enumerate() {
        if !event.id.is_well_formed(run.nuid_max_seq) {
            let detail = format!(
                "{event} has a malformed id (expected 22 base-62 characters with a sequence below {})",
                run.nuid_max_seq
            );
            return Err(violation(Invariant::Ids, Some(&event.account), detail));
        }
        if let Some(first) = seen.insert(event.id, position) {
            let detail = format!(
                "id {} was delivered twice: {} (delivery {first}) and {event} (delivery {position})",
                event.id, run.delivered[first]
            );
            return Err(violation(Invariant::Ids, Some(&event.account), detail));
        }
    }
    Ok(())
}

fn check_no_global_event(run: &Run, view: &View) -> Result<(), Violation> {
    let delivered = run
        .delivered
        .iter()
        .find(|event| &*event.account == GLOBAL_ACCOUNT);
    if let Some(event) = delivered {
        let detail = format!("{event} was delivered");
        return Err(violation(
            Invariant::NoGlobalEvent,
            Some(&event.account),
            detail,
        ));
    }
    let pushed = view
        .accepted()
        .find(|(_, account, _, _)| &***account == GLOBAL_ACCOUNT);
    if let Some((position, account, version, id)) = pushed {
        let detail = format!("event {id} (version {version}) was pushed at trace entry {position}");
        return Err(violation(Invariant::NoGlobalEvent, Some(account), detail));
    }
    Ok(())
}

fn check_nothing_lost(run: &Run, view: &View) -> Result<(), Violation> {
    let mut accepted: HashMap<&AccountName, Vec<crate::nuid::EventId>> = HashMap::new();
    for (_, account, _, id) in view.accepted() {
        accepted.entry(account).or_default().push(id);
    }
    let mut delivered: HashMap<&AccountName, Vec<crate::nuid::EventId>> = HashMap::new();
    for event in &run.delivered {
        delivered.entry(&event.account).or_default().push(event.id);
    }

    let accounts: HashSet<_> = accepted.keys().chain(delivered.keys()).copied().collect();
    for account in accounts {
        let pushed = accepted.get(account).map(Vec::as_slice).unwrap_or_default();
        let received = delivered
            .get(account)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if pushed != received {
            let detail = format!(
                "the queue accepted {} event(s) {pushed:?} but the consumer delivered {} {received:?}",
                pushed.len(),
                received.len()
            );
            return Err(violation(Invariant::NothingLost, Some(account), detail));
        }
    }
    Ok(())
}

fn check_per_account_order(run: &Run) -> Result<(), Violation> {
    let mut last = HashMap::new();
    for (position, event) in run.delivered.iter().enumerate() {
        if let Some(&(previous, earlier)) = last.get(&event.account) {
            if event.version < previous {
                let detail = format!(
                    "{event} (delivery {position}) came after {} (delivery {earlier})",
                    run.delivered[earlier]
                );
                return Err(violation(
                    Invariant::PerAccountOrder,
                    Some(&event.account),
                    detail,
                ));
            }
        }
        last.insert(event.account.clone(), (event.version, position));
    }
    Ok(())
}

fn check_freshness(view: &View) -> Result<(), Violation> {
    for call in &view.calls {
        let CallOutcome::Updated(update) = call.outcome else {
            continue;
        };
        let account = &update.account;
        match update.delivery {
            Delivery::Accepted { id, version } => {
                let covering = view
                    .accepted()
                    .find(|&(position, pushed, pushed_version, _)| {
                        pushed == account
                            && pushed_version >= update.version
                            && position < call.returned
                    });
                if covering.is_none() {
                    let detail = format!(
                        "`{}` returned version {} at trace entry {} but no event of the account \
                         with that version or later was accepted before it",
                        call.op, update.version, call.returned
                    );
                    return Err(violation(Invariant::Freshness, Some(account), detail));
                }
                let claimed = view.accepted().find(|&(position, _, _, pushed_id)| {
                    pushed_id == id && position < call.returned
                });
                let claim_holds = claimed.is_some_and(|(_, pushed, pushed_version, _)| {
                    pushed == account && pushed_version == version && version >= update.version
                });
                if !claim_holds {
                    let detail = format!(
                        "`{}` claims event {id} with version {version}, which does not match an \
                         event of the account accepted before the call returned",
                        call.op
                    );
                    return Err(violation(Invariant::Freshness, Some(account), detail));
                }
            }
            Delivery::GlobalAccount if &**account != GLOBAL_ACCOUNT => {
                let detail = format!("`{}` sent no event, claiming the account is $G", call.op);
                return Err(violation(Invariant::Freshness, Some(account), detail));
            }
            Delivery::Fenced | Delivery::Stale => {
                let detail = format!(
                    "`{}` succeeded but reports {:?}, which only a failed change or a heartbeat \
                     firing may report",
                    call.op, update.delivery
                );
                return Err(violation(Invariant::Freshness, Some(account), detail));
            }
            Delivery::NotPublished => {
                let detail = format!(
                    "`{}` reports that the design publishes nothing, which only the NoEvents \
                     benchmark floor may report",
                    call.op
                );
                return Err(violation(Invariant::Freshness, Some(account), detail));
            }
            Delivery::Coalesced => check_coalesced(view, call, update)?,
            Delivery::GlobalAccount | Delivery::Dropped | Delivery::Rejected => {}
        }
    }
    check_flushes(view)?;
    Ok(())
}

/// A merged change must be covered by some event of its account once the run is quiescent,
/// unless shutdown dropped a round of that account (counted, and checked by `counted-drops`).
fn check_coalesced(view: &View, call: &Call, update: &Update) -> Result<(), Violation> {
    let account = &update.account;
    if view.run.freshness == Freshness::Synchronous {
        let detail = format!(
            "`{}` reports its change merged into another update, but {} publishes synchronously",
            call.op, view.run.design
        );
        return Err(violation(Invariant::Freshness, Some(account), detail));
    }

    let covered = view
        .accepted()
        .any(|(_, pushed, version, _)| pushed == account && version >= update.version);
    if covered || had_drops(view, account) {
        return Ok(());
    }
    let detail = format!(
        "`{}` merged version {} into another update, but at quiescence no event of the account \
         carries that version or a later one",
        call.op, update.version
    );
    Err(violation(Invariant::Freshness, Some(account), detail))
}

/// `Server::flush` returns only once every change that completed before it is covered by an
/// accepted event of its account, unless shutdown dropped a round of that account.
fn check_flushes(view: &View) -> Result<(), Violation> {
    for flush in view
        .calls
        .iter()
        .filter(|call| matches!(call.op, Op::Flush))
    {
        for call in view
            .calls
            .iter()
            .filter(|call| call.returned < flush.started)
        {
            let CallOutcome::Updated(update) = call.outcome else {
                continue;
            };
            let account = &update.account;
            if &**account == GLOBAL_ACCOUNT || had_drops(view, account) {
                continue;
            }
            let covered = view.accepted().any(|(position, pushed, version, _)| {
                pushed == account && version >= update.version && position < flush.returned
            });
            if !covered {
                let detail = format!(
                    "`{}` returned version {} before the flush at trace entry {}, but no event \
                     of the account with that version or later was accepted before the flush \
                     returned at entry {}",
                    call.op, update.version, flush.started, flush.returned
                );
                return Err(violation(Invariant::Freshness, Some(account), detail));
            }
        }
    }
    Ok(())
}

/// Returns true if shutdown dropped an update or rejected a push of the account.
fn had_drops(view: &View, account: &AccountName) -> bool {
    view.steps().any(|(_, step)| {
        matches!(step, Step::PushRejected { account: dropped, .. } | Step::UpdateDropped { account: dropped }
            if dropped == account)
    })
}

fn check_one_event_per_update(view: &View) -> Result<(), Violation> {
    let mut changes: HashMap<&AccountName, usize> = HashMap::new();
    let mut pushes: HashMap<&AccountName, usize> = HashMap::new();
    for (_, step) in view.steps() {
        match step {
            Step::ChangeApplied { account, .. } | Step::HeartbeatFired { account, .. } => {
                *changes.entry(account).or_default() += 1;
            }
            Step::PushAccepted { account, .. } | Step::PushRejected { account, .. } => {
                *pushes.entry(account).or_default() += 1;
            }
            _ => {}
        }
    }
    for (account, &pushed) in &pushes {
        let changed = changes.get(account).copied().unwrap_or(0);
        if pushed > changed {
            let detail = format!(
                "{pushed} events were pushed for {changed} change(s) and heartbeat firing(s)"
            );
            return Err(violation(
                Invariant::OneEventPerUpdate,
                Some(account),
                detail,
            ));
        }
    }
    Ok(())
}

fn check_final_accuracy(run: &Run, view: &View) -> Result<(), Violation> {
    let implied = implied_counts(view);
    let dropped: HashSet<&AccountName> = view
        .calls
        .iter()
        .filter_map(|call| match call.outcome {
            CallOutcome::Updated(update)
                if matches!(update.delivery, Delivery::Dropped | Delivery::Rejected) =>
            {
                Some(&update.account)
            }
            _ => None,
        })
        .collect();

    for account in run.accounts.iter().filter(|account| !account.removed) {
        if account.live != account.counts.counts {
            let detail = format!(
                "at quiescence the lock-free read returns {} but the account lock holds {}",
                account.live, account.counts.counts
            );
            return Err(violation(
                Invariant::FinalAccuracy,
                Some(&account.name),
                detail,
            ));
        }

        let expected = implied.get(&account.name).copied().unwrap_or_default();
        if account.counts.counts != expected.0 || account.counts.internal != expected.1 {
            let detail = format!(
                "final counts are {} with {} internal, but the successful calls imply {} with {} internal",
                account.counts.counts, account.counts.internal, expected.0, expected.1
            );
            return Err(violation(
                Invariant::FinalAccuracy,
                Some(&account.name),
                detail,
            ));
        }

        let is_global = &*account.name == GLOBAL_ACCOUNT;
        let exempt = dropped.contains(&account.name) || had_drops(view, &account.name);
        if is_global || exempt || account.counts.version == 0 {
            continue;
        }
        let last = run
            .delivered
            .iter()
            .rev()
            .find(|event| event.account == account.name);
        let accurate = last.is_some_and(|event| {
            event.counts == account.counts.counts && event.version == account.counts.version
        });
        if !accurate {
            let last = last.map_or("no event".to_owned(), ToString::to_string);
            let detail = format!(
                "at quiescence the account has version {} with {}, but its last event is {last}",
                account.counts.version, account.counts.counts
            );
            return Err(violation(
                Invariant::FinalAccuracy,
                Some(&account.name),
                detail,
            ));
        }
    }
    Ok(())
}

/// Counts and internal clients implied by the successful adds and removes of each account.
fn implied_counts<'a>(view: &View<'a>) -> HashMap<&'a AccountName, (Counts, u32)> {
    let mut kinds: HashMap<(&AccountName, u64), ClientKind> = HashMap::new();
    let mut implied: HashMap<&AccountName, (Counts, u32)> = HashMap::new();
    let mut successful: Vec<&Call> = view
        .calls
        .iter()
        .filter(|call| matches!(call.outcome, CallOutcome::Updated(_)))
        .collect();
    // Changes of one account are ordered by their versions, whatever order their calls returned.
    successful.sort_by_key(|call| match call.outcome {
        CallOutcome::Updated(update) => update.version,
        _ => 0,
    });

    for call in successful {
        let (account, client, kind, added) = match call.op {
            Op::Add {
                account,
                client,
                kind,
            } => {
                kinds.insert((account, *client), *kind);
                (account, *client, *kind, true)
            }
            Op::Remove { account, client } => {
                let kind = kinds
                    .remove(&(account, *client))
                    .unwrap_or(ClientKind::Client);
                (account, *client, kind, false)
            }
            _ => continue,
        };
        let _ = client;
        tally(implied.entry(account).or_default(), kind, added);
    }
    implied
}

/// Applies one successful change to implied counts. Written out here, apart from the production
/// code's own counting, so that a counting mistake there shows up as a difference. The reference
/// model counts with it too.
pub(crate) fn tally(implied: &mut (Counts, u32), kind: ClientKind, added: bool) {
    let (counts, internal) = implied;
    let field = match kind {
        ClientKind::Client => &mut counts.conns,
        ClientKind::Leafnode => &mut counts.leafnodes,
        ClientKind::System | ClientKind::JetStream | ClientKind::Account => internal,
    };
    if added {
        *field += 1;
    } else {
        *field -= 1;
    }
    counts.total_conns = counts.conns + counts.leafnodes;
}

fn check_shutdown(view: &View) -> Result<(), Violation> {
    let returns: Vec<(usize, &Step)> = view
        .steps()
        .filter(|(_, step)| matches!(step, Step::ShutdownReturned))
        .collect();
    let Some(&(first_return, _)) = returns.first() else {
        return Ok(());
    };

    let exited = view.first_step(|step| matches!(step, Step::ConsumerExited));
    if exited.is_none_or(|position| position > first_return) {
        let detail = format!(
            "shutdown returned at trace entry {first_return} before the send-queue consumer exited"
        );
        return Err(violation(Invariant::Shutdown, None, detail));
    }

    if let Some((position, account, version, id)) = view
        .accepted()
        .find(|(position, ..)| *position > first_return)
    {
        let detail = format!(
            "event {id} (version {version}) was accepted at trace entry {position}, after shutdown \
             returned at entry {first_return}"
        );
        return Err(violation(Invariant::Shutdown, Some(account), detail));
    }

    for call in &view.calls {
        let shutdown_seen = view.calls.iter().any(|other| {
            matches!(other.op, Op::Shutdown)
                && other.returned < call.started
                && (other.thread == call.thread || call.phase == Phase::AfterJoin)
        });
        let is_change = matches!(call.op, Op::Add { .. } | Op::Remove { .. });
        if shutdown_seen && is_change && call.outcome != &CallOutcome::Failed(Error::ShutDown) {
            let detail = format!(
                "`{}` started at trace entry {} after a shutdown it must see, but returned {:?}",
                call.op, call.started, call.outcome
            );
            return Err(violation(Invariant::Shutdown, call.op.account(), detail));
        }
    }
    Ok(())
}

fn check_removal(run: &Run, view: &View) -> Result<(), Violation> {
    for call in &view.calls {
        let Op::RemoveAccount { account } = call.op else {
            continue;
        };
        if call.outcome != &CallOutcome::Done {
            continue;
        }

        let late_push = view
            .accepted()
            .find(|(position, pushed, ..)| *pushed == account && *position > call.returned);
        if let Some((position, _, version, id)) = late_push {
            let detail = format!(
                "event {id} (version {version}) was accepted at trace entry {position}, after the \
                 removal returned at entry {}",
                call.returned
            );
            return Err(violation(Invariant::Removal, Some(account), detail));
        }

        let late_call = view.calls.iter().find(|later| {
            later.started > call.returned
                && matches!(later.op, Op::Add { .. } | Op::Remove { .. })
                && later.op.account() == Some(account)
                && !matches!(
                    later.outcome,
                    CallOutcome::Failed(Error::AccountRemoved { .. } | Error::ShutDown)
                )
        });
        if let Some(later) = late_call {
            let detail = format!(
                "`{}` started at trace entry {} after the removal returned, but returned {:?}",
                later.op, later.started, later.outcome
            );
            return Err(violation(Invariant::Removal, Some(account), detail));
        }

        let kept = run
            .accounts
            .iter()
            .find(|final_account| &final_account.name == account);
        if let Some(kept) = kept.filter(|kept| kept.references > 1 || !kept.removed) {
            let detail = format!(
                "after removal the account is {} and has {} strong reference(s); only the \
                 scenario's own handle should remain",
                if kept.removed { "fenced" } else { "not fenced" },
                kept.references
            );
            return Err(violation(Invariant::Removal, Some(account), detail));
        }
    }
    Ok(())
}

fn check_counted_drops(run: &Run, view: &View) -> Result<(), Violation> {
    let rejected = view
        .steps()
        .filter(|(_, step)| matches!(step, Step::PushRejected { .. }))
        .count() as u64;
    let dropped = view
        .steps()
        .filter(|(_, step)| matches!(step, Step::UpdateDropped { .. }))
        .count() as u64;
    if run.stats.rejected_pushes != rejected || run.stats.dropped_updates != dropped {
        let detail = format!(
            "the trace shows {rejected} rejected push(es) and {dropped} dropped update(s), but the \
             server counted {} and {}",
            run.stats.rejected_pushes, run.stats.dropped_updates
        );
        return Err(violation(Invariant::CountedDrops, None, detail));
    }

    // The calls' own return values, apart from the server's steps: each call that reports a
    // dropped update is one the server must have counted. Coalesced changes may be dropped by
    // another thread's round, so the server may count more than the calls report.
    let reported = view
        .calls
        .iter()
        .filter(|call| delivery_of(call.outcome) == Some(Delivery::Dropped))
        .count() as u64;
    if run.stats.dropped_updates < reported {
        let detail = format!(
            "{reported} call(s) returned a dropped update, but the server counted {}",
            run.stats.dropped_updates
        );
        return Err(violation(Invariant::CountedDrops, None, detail));
    }

    let began = view.first_step(|step| matches!(step, Step::ShutdownBegan));
    for (position, step) in view.steps() {
        let account = match step {
            Step::PushRejected { account, .. } | Step::UpdateDropped { account } => account,
            _ => continue,
        };
        if began.is_none_or(|began| began > position) {
            let detail =
                format!("{step:?} at trace entry {position} happened before any shutdown began");
            return Err(violation(Invariant::CountedDrops, Some(account), detail));
        }
    }
    Ok(())
}

/// Returns the delivery that a change or a heartbeat firing reports.
fn delivery_of(outcome: &CallOutcome) -> Option<Delivery> {
    match outcome {
        CallOutcome::Updated(update) => Some(update.delivery),
        CallOutcome::Fired(delivery) => *delivery,
        _ => None,
    }
}

/// Returns the account's count states in change order, each with the trace position where it began.
/// The first state is the empty account, at position 0.
pub(crate) fn count_states<'a>(view: &View<'a>, account: &AccountName) -> Vec<(usize, Counts)> {
    let mut states = vec![(0, Counts::default())];
    for (position, step) in view.steps() {
        if let Step::ChangeApplied {
            account: changed,
            counts,
            ..
        } = step
        {
            if changed == account {
                states.push((position, *counts));
            }
        }
    }
    states
}

/// Checks, per account in delivery order, that no event repeats the snapshot of an earlier event that
/// reported zero connections, on the coalescing designs. A synchronous design may repeat it: two
/// updates whose changes both precede one snapshot each push that snapshot, one event per update
/// as in NATS. A coalescing design owes no event to such an update, so a repeat can only come from
/// a heartbeat firing or a round with nothing new to report.
fn check_nothing_repeats_zero(run: &Run) -> Result<(), Violation> {
    if run.freshness == Freshness::Synchronous {
        return Ok(());
    }
    let mut last_zero: HashMap<&AccountName, u64> = HashMap::new();
    for event in &run.delivered {
        if last_zero.get(&event.account) == Some(&event.version) {
            let detail = format!(
                "{event} repeats version {} after the event that reported zero connections",
                event.version
            );
            return Err(violation(
                Invariant::Heartbeat,
                Some(&event.account),
                detail,
            ));
        }
        if event.counts.total_conns == 0 {
            last_zero.insert(&event.account, event.version);
        }
    }
    Ok(())
}

/// Checks that each arming of an account's heartbeat uses a new, higher generation, which is
/// what lets a firing tell its own timer from a replaced one.
fn check_generations_increase(view: &View) -> Result<(), Violation> {
    let mut last: HashMap<&AccountName, u64> = HashMap::new();
    for (position, step) in view.steps() {
        let Step::HeartbeatArmed {
            account,
            generation,
        } = step
        else {
            continue;
        };
        if let Some(previous) = last.insert(account, *generation) {
            if *generation <= previous {
                let detail = format!(
                    "the heartbeat was armed with generation {generation} at trace entry \
                     {position}, after generation {previous}"
                );
                return Err(violation(Invariant::Heartbeat, Some(account), detail));
            }
        }
    }
    Ok(())
}

/// Checks that a heartbeat firing publishes only if, when it took its snapshot, its timer was
/// still the account's current one: the account's last heartbeat decision before that snapshot
/// armed the generation the firing carries. Otherwise a cancelled or replaced timer, a duplicate,
/// has sent an event.
fn check_firings_current(view: &View) -> Result<(), Violation> {
    for call in &view.calls {
        let (Op::FireHeartbeat { account }, CallOutcome::Fired(Some(Delivery::Accepted { .. }))) =
            (call.op, call.outcome)
        else {
            continue;
        };
        let own_steps = || {
            view.steps().filter(|(position, _)| {
                *position > call.started
                    && *position < call.returned
                    && view.run.entries[*position].thread == call.thread
            })
        };
        let fired = own_steps().find_map(|(_, step)| match step {
            Step::HeartbeatFired {
                account: fired,
                generation,
            } if fired == account => Some(*generation),
            _ => None,
        });
        let snapshot = own_steps().find_map(|(position, step)| match step {
            Step::SnapshotTaken { account: taken, .. } if taken == account => Some(position),
            _ => None,
        });
        let (Some(generation), Some(snapshot)) = (fired, snapshot) else {
            continue;
        };

        let last_decision = view
            .steps()
            .take_while(|(position, _)| *position < snapshot)
            .filter_map(|(_, step)| match step {
                Step::HeartbeatArmed {
                    account: armed,
                    generation,
                } if armed == account => Some(Some(*generation)),
                Step::HeartbeatCancelled { account: cancelled } if cancelled == account => {
                    Some(None)
                }
                _ => None,
            })
            .last()
            .flatten();
        if last_decision != Some(generation) {
            let detail = format!(
                "a heartbeat firing of generation {generation} published at trace entry \
                 {snapshot}, but the account's timer was then {}",
                last_decision.map_or("cancelled".to_owned(), |current| format!(
                    "generation {current}"
                ))
            );
            return Err(violation(Invariant::Heartbeat, Some(account), detail));
        }
    }
    Ok(())
}

/// A read may return any state current during the call, or the next one: the store that a
/// reader can see happens just before the change is recorded, under the same account lock.
fn check_counts_read(view: &View) -> Result<(), Violation> {
    for call in &view.calls {
        let (Op::ReadCounts { account }, CallOutcome::Counts(read)) = (call.op, call.outcome)
        else {
            continue;
        };
        let states = count_states(view, account);
        let first = states
            .iter()
            .rposition(|(position, _)| *position < call.started)
            .unwrap_or(0);
        let last = states
            .iter()
            .rposition(|(position, _)| *position < call.returned)
            .unwrap_or(0);
        let window = &states[first..=(last + 1).min(states.len() - 1)];
        if !window.iter().any(|(_, counts)| counts == read) {
            let seen: Vec<String> = window
                .iter()
                .map(|(_, counts)| counts.to_string())
                .collect();
            let detail = format!(
                "`{}` returned {read}, but during the call the account was only in these states: {}",
                call.op,
                seen.join("; ")
            );
            return Err(violation(Invariant::CountsRead, Some(account), detail));
        }
    }
    Ok(())
}

/// At quiescence an account has an armed heartbeat exactly when it is live and its last event
/// reports connections; after shutdown no heartbeat is armed and the timers stopped first. An
/// event that reports zero connections is the account's last until its next change: nothing
/// repeats it, as a heartbeat would.
fn check_heartbeat(run: &Run, view: &View) -> Result<(), Violation> {
    check_nothing_repeats_zero(run)?;
    check_generations_increase(view)?;
    check_firings_current(view)?;
    // A shutdown inside the scenario stops every timer before quiescence.
    let shut_down = view
        .calls
        .iter()
        .any(|call| matches!(call.op, Op::Shutdown) && call.phase != Phase::Teardown);
    for account in &run.accounts {
        let armed = run.armed_at_quiescence.contains(&account.name);
        let last = run
            .delivered
            .iter()
            .rev()
            .find(|event| event.account == account.name);
        let has_conns = last.is_some_and(|event| event.counts.total_conns > 0);
        let expected = !account.removed && !shut_down && has_conns;
        if armed != expected {
            let last = last.map_or("no event".to_owned(), ToString::to_string);
            let detail = format!(
                "at quiescence the heartbeat is {}, but the account is {} and its last event is {last}",
                if armed { "armed" } else { "not armed" },
                if account.removed { "removed" } else { "live" },
            );
            return Err(violation(Invariant::Heartbeat, Some(&account.name), detail));
        }
    }

    if let Some(name) = run.armed_after_shutdown.first() {
        let detail = "a heartbeat is still armed after shutdown returned".to_owned();
        return Err(violation(Invariant::Heartbeat, Some(name), detail));
    }
    let stopped = view.first_step(|step| matches!(step, Step::TimersStopped));
    let returned = view.first_step(|step| matches!(step, Step::ShutdownReturned));
    if let Some(returned) = returned {
        if stopped.is_none_or(|stopped| stopped > returned) {
            let detail = format!(
                "shutdown returned at trace entry {returned} before the timers were stopped"
            );
            return Err(violation(Invariant::Heartbeat, None, detail));
        }
    }
    Ok(())
}
