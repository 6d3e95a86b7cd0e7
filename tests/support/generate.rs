//! Generators of operations and scenarios, shared by the proptest tests, the production stress
//! test and the shuttle models (which include this file by path).
//!
//! Generated operations mostly name existing accounts and clients: client ids come from a small
//! pool per thread, and each thread mostly removes clients it added, so few calls are trivially
//! invalid.

#![allow(dead_code)]

use account_events::spec::{Op, Scenario};
use account_events::{ClientKind, Consumer, GLOBAL_ACCOUNT};
use proptest::prelude::*;

/// Account names used by generated scenarios.
pub const ACCOUNTS: [&str; 4] = ["A", "B", "C", "D"];

fn kind() -> impl Strategy<Value = ClientKind> {
    prop_oneof![
        6 => Just(ClientKind::Client),
        3 => Just(ClientKind::Leafnode),
        1 => Just(ClientKind::System),
        1 => Just(ClientKind::JetStream),
        1 => Just(ClientKind::Account),
    ]
}

/// Generates one operation over `accounts` (plus, rarely, `$G`) and clients `0..clients`.
pub fn op(accounts: Vec<&'static str>, clients: u64) -> impl Strategy<Value = Op> {
    let names = accounts.clone();
    let account = prop_oneof![
        9 => proptest::sample::select(names),
        1 => Just(GLOBAL_ACCOUNT),
    ];
    (account, 0..clients, kind(), 0..100u32).prop_map(|(account, client, kind, roll)| match roll {
        0..=44 => Op::add_kind(account, client, kind),
        45..=79 => Op::remove(account, client),
        80..=87 => Op::fire_heartbeat(account),
        88..=94 => Op::read_counts(account),
        95..=98 => Op::remove_account(account),
        _ => Op::Shutdown,
    })
}

/// Generates a sequential script over 1 to 3 accounts, which the reference-model comparison
/// runs on one thread.
pub fn sequential_script() -> impl Strategy<Value = (Vec<&'static str>, Vec<Op>)> {
    (1..=3usize).prop_flat_map(|count| {
        let accounts: Vec<&'static str> = ACCOUNTS[..count].to_vec();
        let ops = proptest::collection::vec(op(accounts.clone(), 6), 1..40);
        (Just(accounts), ops)
    })
}

/// Generates one thread's script: adds and removes of its own clients, with heartbeat firings, reads, an
/// occasional account removal and, rarely, a shutdown.
fn thread_script(thread: u64, accounts: Vec<&'static str>) -> impl Strategy<Value = Vec<Op>> {
    let step = (
        proptest::sample::select(accounts),
        kind(),
        0..100u32,
        0..2u64,
    );
    proptest::collection::vec(step, 1..=4).prop_map(move |steps| {
        steps
            .into_iter()
            .map(|(account, kind, roll, offset)| {
                let client = thread * 10 + offset;
                match roll {
                    0..=39 => Op::add_kind(account, client, kind),
                    40..=69 => Op::remove(account, client),
                    70..=81 => Op::fire_heartbeat(account),
                    82..=89 => Op::read_counts(account),
                    90..=96 => Op::remove_account(account),
                    _ => Op::Shutdown,
                }
            })
            .collect()
    })
}

/// Generates a concurrent scenario: `threads` threads over `accounts` accounts, every account starting with
/// one connected client so that heartbeats are armed.
pub fn concurrent_scenario(
    threads: std::ops::RangeInclusive<usize>,
    accounts: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Scenario> {
    (threads, accounts).prop_flat_map(|(threads, account_count)| {
        let names: Vec<&'static str> = ACCOUNTS[..account_count].to_vec();
        let scripts: Vec<_> = (0..threads)
            .map(|thread| thread_script(thread as u64 + 1, names.clone()))
            .collect();
        (Just(names), scripts).prop_map(|(names, scripts)| {
            let setup = names.iter().map(|&name| Op::add(name, 0));
            let mut scenario = Scenario::new(&names).setup(setup);
            for script in scripts {
                scenario = scenario.thread(script);
            }
            scenario.consumer = Consumer::Thread;
            scenario
        })
    })
}

/// Draws the `index`-th value of `strategy` from a fixed seed, so that a script can be named by
/// its index and regenerated exactly.
pub fn sample<S: Strategy>(strategy: &S, seed: u64, index: u64) -> S::Value {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&index.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    strategy
        .new_tree(&mut runner)
        .expect("the strategy generates a value")
        .current()
}
