//! Scenarios: scripts of API calls, run on real threads of the current sync backend.
//!
//! The same scenario runs under loom, under shuttle and on production threads. The main thread
//! registers the accounts and runs the setup calls, starts one thread per script, joins them, runs
//! the calls that follow the join, reads the final state at quiescence and shuts the server down,
//! so that every accepted event is delivered before the run is checked.

use std::collections::HashMap;
use std::fmt;

use crate::account::{Account, GLOBAL_ACCOUNT};
use crate::client::{ClientId, ClientKind};
use crate::design::Design;
use crate::event::AccountName;
use crate::server::{Config, Consumer, Server};
use crate::spec::record::{CallOutcome, FinalAccount, Phase, Recorder, Run};
use crate::sync::Arc;
use crate::sync::thread;

/// One API call of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `Server::add_client`.
    Add {
        /// Account name.
        account: AccountName,
        /// Client id.
        client: u64,
        /// Client kind.
        kind: ClientKind,
    },
    /// `Server::remove_client`.
    Remove {
        /// Account name.
        account: AccountName,
        /// Client id.
        client: u64,
    },
    /// `Server::remove_account`.
    RemoveAccount {
        /// Account name.
        account: AccountName,
    },
    /// `Account::live_counts`, the lock-free read.
    ReadCounts {
        /// Account name.
        account: AccountName,
    },
    /// `Server::fire_heartbeat`: the account's heartbeat timer fires now, if armed.
    FireHeartbeat {
        /// Account name.
        account: AccountName,
    },
    /// `Server::shutdown`.
    Shutdown,
    /// `Server::flush`: waits until no update is in progress.
    Flush,
}

impl Op {
    /// Adds a counted client.
    pub fn add(account: &str, client: u64) -> Op {
        Op::add_kind(account, client, ClientKind::Client)
    }

    /// Adds a client of any kind.
    pub fn add_kind(account: &str, client: u64, kind: ClientKind) -> Op {
        Op::Add {
            account: account.into(),
            client,
            kind,
        }
    }

    /// Removes a client.
    pub fn remove(account: &str, client: u64) -> Op {
        Op::Remove {
            account: account.into(),
            client,
        }
    }

    /// Removes an account.
    pub fn remove_account(account: &str) -> Op {
        Op::RemoveAccount {
            account: account.into(),
        }
    }

    /// Reads an account's counts without a lock.
    pub fn read_counts(account: &str) -> Op {
        Op::ReadCounts {
            account: account.into(),
        }
    }

    /// Fires an account's heartbeat timer, if armed.
    pub fn fire_heartbeat(account: &str) -> Op {
        Op::FireHeartbeat {
            account: account.into(),
        }
    }

    /// Account the call is about, if any.
    pub fn account(&self) -> Option<&AccountName> {
        match self {
            Op::Add { account, .. }
            | Op::Remove { account, .. }
            | Op::RemoveAccount { account }
            | Op::ReadCounts { account }
            | Op::FireHeartbeat { account } => Some(account),
            Op::Shutdown | Op::Flush => None,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add {
                account,
                client,
                kind,
            } => write!(f, "add {kind:?} cid {client} to {account:?}"),
            Op::Remove { account, client } => write!(f, "remove cid {client} from {account:?}"),
            Op::RemoveAccount { account } => write!(f, "remove account {account:?}"),
            Op::ReadCounts { account } => write!(f, "read counts of {account:?}"),
            Op::FireHeartbeat { account } => write!(f, "fire the heartbeat of {account:?}"),
            Op::Shutdown => f.write_str("shutdown"),
            Op::Flush => f.write_str("flush"),
        }
    }
}

/// A script of calls: setup on the main thread, one list per concurrent thread, then calls after
/// the join.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Accounts registered before anything else (`$G` always exists).
    pub accounts: Vec<AccountName>,
    /// Calls on the main thread before the threads start.
    pub setup: Vec<Op>,
    /// One script per concurrent thread.
    pub threads: Vec<Vec<Op>>,
    /// Calls on the main thread after the join.
    pub after_join: Vec<Op>,
    /// NUID key seed.
    pub seed: u64,
    /// Exclusive maximum of the NUID sequence.
    pub nuid_max_seq: u64,
    /// Send-queue lanes.
    pub lanes: usize,
    /// NUID stripes.
    pub id_stripes: usize,
    /// Who drains the send queue.
    pub consumer: Consumer,
    /// Heartbeat interval. Under the checkers it is ignored: heartbeats fire only through
    /// [`Op::FireHeartbeat`].
    pub heartbeat_interval: std::time::Duration,
}

impl Scenario {
    /// Creates a scenario over `accounts` with a manual consumer, two lanes and two id stripes.
    pub fn new(accounts: &[&str]) -> Self {
        Scenario {
            accounts: accounts
                .iter()
                .map(|&name| AccountName::from(name))
                .collect(),
            setup: Vec::new(),
            threads: Vec::new(),
            after_join: Vec::new(),
            seed: 1,
            nuid_max_seq: crate::nuid::MAX_SEQ,
            lanes: 2,
            id_stripes: 2,
            consumer: Consumer::Manual,
            heartbeat_interval: std::time::Duration::from_secs(30),
        }
    }

    /// Adds setup calls.
    pub fn setup(mut self, ops: impl IntoIterator<Item = Op>) -> Self {
        self.setup.extend(ops);
        self
    }

    /// Adds a concurrent thread running `ops`.
    pub fn thread(mut self, ops: impl IntoIterator<Item = Op>) -> Self {
        self.threads.push(ops.into_iter().collect());
        self
    }

    /// Adds calls after the join.
    pub fn after_join(mut self, ops: impl IntoIterator<Item = Op>) -> Self {
        self.after_join.extend(ops);
        self
    }

    /// Runs the scenario on design `D` and returns the recorded run.
    ///
    /// # Panics
    ///
    /// Panics if the server cannot start or an account cannot be registered: the scenario itself
    /// is then wrong.
    pub fn run<D: Design>(&self) -> Run {
        let removes_accounts = self
            .setup
            .iter()
            .chain(self.threads.iter().flatten())
            .chain(&self.after_join)
            .any(|op| matches!(op, Op::RemoveAccount { .. }));
        let recorder = if removes_accounts {
            Recorder::ordering_removals()
        } else {
            Recorder::new()
        };
        let config = Config {
            seed: Some(self.seed),
            nuid_max_seq: self.nuid_max_seq,
            lanes: self.lanes,
            id_stripes: self.id_stripes,
            consumer: self.consumer,
            probe: Some(recorder.clone()),
            heartbeat_interval: self.heartbeat_interval,
        };
        let server = Arc::new(Server::<D>::new(config, recorder.sink()).expect("server starts"));
        let handles = Arc::new(self.register(&server));

        run_ops(&server, &handles, &recorder, &self.setup, Phase::Setup);
        let workers: Vec<_> = self
            .threads
            .iter()
            .enumerate()
            .map(|(index, ops)| {
                let (server, handles, recorder) =
                    (server.clone(), handles.clone(), recorder.clone());
                let ops = ops.clone();
                let body = move || run_ops(&server, &handles, &recorder, &ops, Phase::Concurrent);
                thread::spawn_named(&format!("scenario-{index}"), body).expect("thread starts")
            })
            .collect();
        for worker in workers {
            worker.join().expect("scenario thread panicked");
        }
        run_ops(
            &server,
            &handles,
            &recorder,
            &self.after_join,
            Phase::AfterJoin,
        );

        let mut accounts = final_accounts(&handles);
        let armed_at_quiescence = server.armed_heartbeats();
        let teardown = [Op::Shutdown];
        run_ops(&server, &handles, &recorder, &teardown, Phase::Teardown);
        let armed_after_shutdown = server.armed_heartbeats();
        let stats = server.stats();
        let nuid_max_seq = server.nuid_max_seq();
        // Counted after shutdown but before the server is dropped: a removed account that the
        // registry, a timer or a design slot still keeps shows up here.
        for account in &mut accounts {
            account.references = Arc::strong_count(&handles[&account.name]);
        }
        drop(server);

        let (entries, delivered) = recorder.take();
        Run {
            design: D::NAME,
            entries,
            delivered,
            accounts,
            stats,
            nuid_max_seq,
            freshness: D::FRESHNESS,
            armed_at_quiescence,
            armed_after_shutdown,
        }
    }

    fn register<D: Design>(&self, server: &Server<D>) -> HashMap<AccountName, Arc<Account<D>>> {
        let mut handles = HashMap::new();
        handles.insert(AccountName::from(GLOBAL_ACCOUNT), server.global_account());
        for name in &self.accounts {
            let account = server
                .register_account(name)
                .expect("scenario account registers");
            handles.insert(name.clone(), account);
        }
        handles
    }
}

fn run_ops<D: Design>(
    server: &Server<D>,
    handles: &HashMap<AccountName, Arc<Account<D>>>,
    recorder: &Recorder,
    ops: &[Op],
    phase: Phase,
) {
    for op in ops {
        recorder.call(op, phase, || run_op(server, handles, op));
    }
}

fn run_op<D: Design>(
    server: &Server<D>,
    handles: &HashMap<AccountName, Arc<Account<D>>>,
    op: &Op,
) -> CallOutcome {
    let handle = |name: &AccountName| {
        handles
            .get(name)
            .unwrap_or_else(|| panic!("scenario names account {name:?}, which it never registered"))
    };
    let result = match op {
        Op::Add {
            account,
            client,
            kind,
        } => server
            .add_client(handle(account), ClientId(*client), *kind)
            .map(CallOutcome::Updated),
        Op::Remove { account, client } => server
            .remove_client(handle(account), ClientId(*client))
            .map(CallOutcome::Updated),
        Op::RemoveAccount { account } => server.remove_account(account).map(|()| CallOutcome::Done),
        Op::ReadCounts { account } => Ok(CallOutcome::Counts(handle(account).live_counts())),
        Op::FireHeartbeat { account } => {
            Ok(CallOutcome::Fired(server.fire_heartbeat(handle(account))))
        }
        Op::Shutdown => {
            server.shutdown();
            Ok(CallOutcome::Done)
        }
        Op::Flush => {
            server.flush();
            Ok(CallOutcome::Done)
        }
    };
    result.unwrap_or_else(CallOutcome::Failed)
}

fn final_accounts<D: Design>(handles: &HashMap<AccountName, Arc<Account<D>>>) -> Vec<FinalAccount> {
    let mut accounts: Vec<_> = handles
        .values()
        .map(|account| FinalAccount::read(account.as_ref()))
        .collect();
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    accounts
}
