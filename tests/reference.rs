//! Every design against the sequential reference model, on generated operations: every return
//! value, every event (ids and timestamps aside), the final counts and the armed heartbeats.
#![cfg(not(any(loom, shuttle)))]

#[path = "support/generate.rs"]
mod generate;

use account_events::spec::reference::{Expected, ExpectedEvent, ReferenceServer};
use account_events::spec::{self, Record, Scenario};
use account_events::{AccountName, Design, for_each_design};
use proptest::prelude::*;

fn compare<D: Design>(
    accounts: &[&'static str],
    ops: &[account_events::spec::Op],
) -> Result<(), TestCaseError> {
    let run = Scenario::new(accounts)
        .setup(ops.iter().cloned())
        .run::<D>();
    spec::check(&run)
        .map_err(|violation| TestCaseError::fail(format!("{}: {violation}", D::NAME)))?;

    let names: Vec<AccountName> = accounts
        .iter()
        .map(|&name| AccountName::from(name))
        .collect();
    let mut model = ReferenceServer::new(&names);
    let outcomes = run.entries.iter().filter_map(|entry| match &entry.record {
        Record::CallReturned { outcome, .. } => Some(outcome),
        _ => None,
    });
    for (index, (op, outcome)) in ops.iter().zip(outcomes).enumerate() {
        let expected = model.apply(op);
        let actual = Expected::from_outcome(outcome);
        prop_assert_eq!(
            actual.as_ref(),
            Some(&expected),
            "{}: call {} `{}` returned {:?}",
            D::NAME,
            index,
            op,
            outcome
        );
    }

    // The send queue keeps each account's events in order; accounts on different lanes may
    // interleave differently, so the sequences are compared account by account.
    for name in &names {
        let of_account = |event: &&ExpectedEvent| &event.account == name;
        let events: Vec<ExpectedEvent> = run.delivered.iter().map(ExpectedEvent::from).collect();
        let actual: Vec<&ExpectedEvent> = events.iter().filter(of_account).collect();
        let expected: Vec<&ExpectedEvent> = model.events().iter().filter(of_account).collect();
        prop_assert_eq!(actual, expected, "{}: events of {:?} differ", D::NAME, name);
    }
    prop_assert_eq!(run.delivered.len(), model.events().len(), "{}", D::NAME);
    for account in &run.accounts {
        prop_assert_eq!(
            Some(account.counts.counts),
            model.counts(&account.name),
            "{}",
            D::NAME
        );
    }
    let shut_down = ops
        .iter()
        .any(|op| matches!(op, account_events::spec::Op::Shutdown));
    if !shut_down {
        prop_assert_eq!(
            &run.armed_at_quiescence,
            &model.armed_heartbeats(),
            "{}",
            D::NAME
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn designs_match_reference((accounts, ops) in generate::sequential_script()) {
        for_each_design!(D => {
            compare::<D>(&accounts, &ops)?;
        });
    }
}
