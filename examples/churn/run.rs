//! `churn`: a server whose simulated clients connect and disconnect across accounts, with the
//! event stream printed as NATS publishes it.
//!
//! ```sh
//! cargo run --release --example churn -- --design Hybrid --threads 4 --ops 20000
//! ```
//!
//! Each worker thread owns its clients (ids never shared between threads), so every call it makes
//! is valid unless the account was removed. A worker connects clients of every kind (clients,
//! leafnodes and the internal kinds) to the named accounts and now and then to `$G`, disconnects
//! clients it connected, and feeds subscription and traffic counters. Heartbeats fire on the
//! server's timer thread at `--heartbeat-ms`. Halfway through, the main thread removes the last
//! account; at the end it joins the workers and shuts the server down.
//!
//! Stdout gets the `$SYS.ACCOUNT.<acc>.SERVER.CONNS` copy of every event as one JSON line, as a
//! subscriber to `$SYS.ACCOUNT.*.SERVER.CONNS` would see it. With `--progress`, stdout stays
//! empty and stderr shows a live progress line instead. The summary goes to stderr at exit.
//!
//! Every connect, disconnect, removal and the shutdown are recorded with the crate's
//! `spec::Recorder`, and the recorded run is checked against the whole specification.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use account_events::spec::{self, CallOutcome, FinalAccount, Op, Phase, Recorder, Run, Violation};
use account_events::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use account_events::sync::{Arc, Mutex, thread};
use account_events::{
    Account, AccountConnsEvent, AccountName, AccountStats, ClientId, ClientKind, Config, Counts,
    Design, Error, EventSink, GLOBAL_ACCOUNT, Message, MessageSink, Publisher, Server,
    ServerIdentity, Update, for_each_design,
};
use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Churn clients across accounts and print the account-connections events as JSON lines.
#[derive(Parser, Clone, Debug)]
#[command(name = "churn")]
struct Args {
    /// Update design: GlobalLock, ShardedLock, PerAccountLock, Hybrid or HybridCoalescing.
    #[arg(long, default_value = "Hybrid")]
    design: String,
    /// Worker threads simulating clients.
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// Named accounts (at least 2); the last one is removed halfway through.
    #[arg(long, default_value_t = 4)]
    accounts: usize,
    /// Operations of the workers in all, split between them. Ignored with `--seconds`.
    #[arg(long, default_value_t = 20_000)]
    ops: u64,
    /// Run for this many seconds instead of a number of operations.
    #[arg(long)]
    seconds: Option<f64>,
    /// Heartbeat interval of every account with connections, in milliseconds.
    #[arg(long, default_value_t = 100)]
    heartbeat_ms: u64,
    /// Show a live progress line on stderr instead of printing the events on stdout.
    #[arg(long)]
    progress: bool,
    /// Seed of the workers' random choices and of the event ids; random when left out.
    #[arg(long)]
    seed: Option<u64>,
}

/// Outcome of a run, for the summary and the test.
#[derive(Debug)]
struct Summary {
    design: &'static str,
    seed: u64,
    elapsed: Duration,
    /// Calls made by the workers and the main thread, counter updates included.
    operations: u64,
    /// Calls that failed because their account had been removed, as the specification allows.
    failed_on_removed: u64,
    /// Events the consumer delivered.
    events: usize,
    /// Heartbeat firings that ran an update.
    heartbeat_firings: usize,
    /// Messages the publisher sent: two per event.
    messages: u64,
    /// Messages written to the output (one subject copy of each event).
    lines: u64,
    /// Problems the message sink found in the stream: seq order, id pairing, JSON.
    stream_errors: Vec<String>,
    removed_account: AccountName,
    accounts: Vec<AccountSummary>,
    spec: Result<(), Violation>,
}

#[derive(Debug)]
struct AccountSummary {
    final_state: FinalAccount,
    stats: AccountStats,
    /// Counts implied by the clients the workers left connected.
    expected: Counts,
}

pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    let args = Args::parse();
    let output: Box<dyn Write + Send> = if args.progress {
        Box::new(std::io::sink())
    } else {
        Box::new(std::io::stdout())
    };
    match run(&args, output) {
        Ok(summary) => {
            print_summary(&summary);
            if summary.spec.is_ok() && summary.stream_errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("churn: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the churn on the design `args.design` names, writing JSON lines to `output`.
fn run(args: &Args, output: Box<dyn Write + Send>) -> Result<Summary, String> {
    if args.accounts < 2 {
        return Err(format!(
            "--accounts is {}, but at least 2 are needed, because one is removed during the run",
            args.accounts
        ));
    }
    if args.threads == 0 {
        return Err("--threads must be at least 1".to_owned());
    }
    if args.heartbeat_ms == 0 {
        return Err("--heartbeat-ms must be at least 1".to_owned());
    }

    let mut summary = None;
    let mut names = Vec::new();
    let mut output = Some(output);
    for_each_design!(D => {
        names.push(D::NAME);
        if D::NAME == args.design {
            let output = output.take().expect("design names are unique");
            summary = Some(run_design::<D>(args, output));
        }
    });
    summary.ok_or_else(|| {
        format!(
            "unknown design {:?}; expected one of {}",
            args.design,
            names.join(", ")
        )
    })?
}

/// Counters of the message stream, kept by the message sink on the consumer thread.
#[derive(Default)]
struct Tally {
    messages: u64,
    lines: u64,
    last_seq: u64,
    /// Id and timestamp of the older-subject copy waiting for its newer-subject twin.
    pending_pair: Option<(String, std::time::SystemTime)>,
    errors: Vec<String>,
}

impl Tally {
    fn note(&mut self, message: &Message) {
        self.messages += 1;
        let seq = message.payload.server.seq;
        if seq <= self.last_seq {
            self.errors.push(format!(
                "seq {seq} of {message} does not follow seq {}",
                self.last_seq
            ));
        }
        self.last_seq = seq;

        let copy = (message.payload.id.clone(), message.payload.timestamp);
        if message.subject.starts_with("$SYS.SERVER.ACCOUNT.") {
            self.pending_pair = Some(copy);
        } else if self.pending_pair.take() != Some(copy) {
            self.errors.push(format!(
                "{message} does not carry the id and timestamp of the copy before it"
            ));
        }
    }
}

/// Writes the newer-subject copy of each message as a JSON line and tallies the stream.
struct LineSink {
    output: Box<dyn Write + Send>,
    tally: Arc<Mutex<Tally>>,
}

impl MessageSink for LineSink {
    fn send(&mut self, message: Message) {
        let mut tally = self.tally.lock();
        tally.note(&message);
        if !message.subject.starts_with("$SYS.ACCOUNT.") {
            return;
        }
        let line = match message.to_json() {
            Ok(line) => line,
            Err(err) => {
                tally
                    .errors
                    .push(format!("{message} failed to serialize: {err}"));
                return;
            }
        };
        if let Err(err) = writeln!(self.output, "{line}") {
            tracing::error!(%err, subject = %message.subject, "failed to write an event line");
            tally
                .errors
                .push(format!("writing {message} failed: {err}"));
            return;
        }
        tally.lines += 1;
    }
}

/// Hands each event to the recorder, for the specification check, and to the publisher.
struct Tee {
    recorder: Box<dyn EventSink>,
    publisher: Publisher,
}

impl EventSink for Tee {
    fn publish(&mut self, event: AccountConnsEvent) {
        self.recorder.publish(event.clone());
        self.publisher.publish(event);
    }
}

/// State the workers and the main thread share.
struct Shared<D: Design> {
    server: Server<D>,
    recorder: Arc<Recorder>,
    accounts: Vec<Arc<Account<D>>>,
    global: Arc<Account<D>>,
    operations: AtomicU64,
    failed_on_removed: AtomicU64,
    stop: AtomicBool,
}

fn run_design<D: Design>(args: &Args, output: Box<dyn Write + Send>) -> Result<Summary, String> {
    let seed = args.seed.unwrap_or_else(|| StdRng::from_os_rng().random());
    let recorder = Recorder::ordering_removals();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let identity = ServerIdentity::new("churn", &format!("CHURN{seed:016X}"));
    let sink = LineSink {
        output,
        tally: tally.clone(),
    };
    let tee = Tee {
        recorder: recorder.sink(),
        publisher: Publisher::new(identity, Box::new(sink)),
    };
    let config = Config {
        seed: Some(seed),
        probe: Some(recorder.clone()),
        heartbeat_interval: Duration::from_millis(args.heartbeat_ms),
        ..Config::default()
    };
    let server =
        Server::<D>::new(config, Box::new(tee)).map_err(|err| format!("server failed: {err}"))?;

    let mut accounts = Vec::new();
    for index in 0..args.accounts {
        let account = server
            .register_account(&format!("acc-{index}"))
            .map_err(|err| format!("registering an account failed: {err}"))?;
        accounts.push(account);
    }
    let shared = Arc::new(Shared {
        global: server.global_account(),
        server,
        recorder,
        accounts,
        operations: AtomicU64::new(0),
        failed_on_removed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });

    let started = Instant::now();
    let deadline = args
        .seconds
        .map(|seconds| started + Duration::from_secs_f64(seconds));
    let per_thread = args.ops / args.threads as u64;
    let mut workers = Vec::new();
    for index in 0..args.threads {
        let shared = shared.clone();
        let remainder = u64::from((index as u64) < args.ops % args.threads as u64);
        let budget = if deadline.is_some() {
            u64::MAX
        } else {
            per_thread + remainder
        };
        let worker_seed = seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let body = move || Worker::new(index, worker_seed, shared).run(budget, deadline);
        let handle = thread::spawn_named(&format!("churn-{index}"), body)
            .map_err(|err| format!("starting worker {index} failed: {err}"))?;
        workers.push(handle);
    }
    let progress = args
        .progress
        .then(|| spawn_progress(shared.clone(), tally.clone()));

    let removed = remove_halfway(&shared, args, started, deadline);
    let mut left_connected: HashMap<AccountName, Counts> = HashMap::new();
    for worker in workers {
        let counts = worker
            .join()
            .map_err(|_| "a worker thread panicked".to_owned())?;
        for (name, worker_counts) in counts {
            let total = left_connected.entry(name).or_default();
            total.conns += worker_counts.conns;
            total.leafnodes += worker_counts.leafnodes;
            total.total_conns += worker_counts.total_conns;
        }
    }
    // An idle spell of two and a half intervals: every account left with connections sends
    // heartbeats carrying its final counts and counters.
    std::thread::sleep(Duration::from_millis(args.heartbeat_ms) * 5 / 2);
    shared.stop.store(true, Ordering::Relaxed);
    if let Some(progress) = progress {
        let _ = progress.join();
        eprintln!();
    }

    finish(shared, tally, removed, left_connected, started, seed)
}

/// Removes the last account once half the work is done, as a concurrent call of the main thread.
fn remove_halfway<D: Design>(
    shared: &Shared<D>,
    args: &Args,
    started: Instant,
    deadline: Option<Instant>,
) -> AccountName {
    let account = shared.accounts.last().expect("at least 2 accounts").clone();
    match deadline {
        Some(deadline) => {
            let halfway = started + (deadline - started) / 2;
            std::thread::sleep(halfway.saturating_duration_since(Instant::now()));
        }
        None => {
            let half = args.ops / 2;
            while shared.operations.load(Ordering::Relaxed) < half {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    let op = Op::remove_account(account.name());
    let outcome = shared.recorder.call(&op, Phase::Concurrent, || {
        match shared.server.remove_account(account.name()) {
            Ok(()) => CallOutcome::Done,
            Err(err) => CallOutcome::Failed(err),
        }
    });
    shared.operations.fetch_add(1, Ordering::Relaxed);
    tracing::info!(account = %account.name(), ?outcome, "account removed");
    account.name().clone()
}

/// Reads the quiescent state, shuts down, and checks the recorded run.
fn finish<D: Design>(
    shared: Arc<Shared<D>>,
    tally: Arc<Mutex<Tally>>,
    removed: AccountName,
    left_connected: HashMap<AccountName, Counts>,
    started: Instant,
    seed: u64,
) -> Result<Summary, String> {
    let mut handles = shared.accounts.clone();
    handles.push(shared.global.clone());
    let mut finals: Vec<FinalAccount> = handles
        .iter()
        .map(|account| FinalAccount::read(account.as_ref()))
        .collect();
    let armed_at_quiescence = shared.server.armed_heartbeats();

    shared.recorder.call(&Op::Shutdown, Phase::Teardown, || {
        shared.server.shutdown();
        CallOutcome::Done
    });
    let elapsed = started.elapsed();
    let armed_after_shutdown = shared.server.armed_heartbeats();
    let stats = shared.server.stats();
    let nuid_max_seq = shared.server.nuid_max_seq();
    let operations = shared.operations.load(Ordering::Relaxed);
    let failed_on_removed = shared.failed_on_removed.load(Ordering::Relaxed);
    let recorder = shared.recorder.clone();
    let design = shared.server.design_name();
    let shared = Arc::into_inner(shared).ok_or("a thread still holds the server")?;
    drop(shared.server);
    drop(shared.accounts);
    drop(shared.global);
    for (final_state, handle) in finals.iter_mut().zip(&handles) {
        final_state.references = Arc::strong_count(handle);
    }
    finals.sort_by(|a, b| a.name.cmp(&b.name));

    let (entries, delivered) = recorder.take();
    let run = Run {
        design,
        entries,
        delivered,
        accounts: finals.clone(),
        stats,
        nuid_max_seq,
        freshness: D::FRESHNESS,
        armed_at_quiescence,
        armed_after_shutdown,
    };
    let spec = spec::check(&run);
    if let Err(violation) = &spec {
        tracing::error!(%violation, "the recorded run failed the specification");
    }

    let heartbeat_firings = run
        .entries
        .iter()
        .filter(|entry| {
            matches!(
                entry.record,
                spec::Record::Step(account_events::probe::Step::HeartbeatFired { .. })
            )
        })
        .count();
    let accounts = finals
        .into_iter()
        .map(|final_state| {
            let handle = handles
                .iter()
                .find(|handle| handle.name() == &final_state.name)
                .expect("every final state comes from a handle");
            AccountSummary {
                stats: handle.stats(),
                expected: left_connected
                    .get(&final_state.name)
                    .copied()
                    .unwrap_or_default(),
                final_state,
            }
        })
        .collect();
    let tally = std::mem::take(&mut *tally.lock());
    Ok(Summary {
        design,
        seed,
        elapsed,
        operations,
        failed_on_removed,
        events: run.delivered.len(),
        heartbeat_firings,
        messages: tally.messages,
        lines: tally.lines,
        stream_errors: tally.errors,
        removed_account: removed,
        accounts,
        spec,
    })
}

/// One simulated-client thread.
struct Worker<D: Design> {
    index: usize,
    rng: StdRng,
    shared: Arc<Shared<D>>,
    /// Connected clients of this worker, per account index (`accounts.len()` is `$G`).
    connected: Vec<Vec<(ClientId, ClientKind)>>,
    removed: Vec<bool>,
    next_client: u64,
}

impl<D: Design> Worker<D> {
    fn new(index: usize, seed: u64, shared: Arc<Shared<D>>) -> Self {
        let slots = shared.accounts.len() + 1;
        Worker {
            index,
            rng: StdRng::seed_from_u64(seed),
            shared,
            connected: vec![Vec::new(); slots],
            removed: vec![false; slots],
            next_client: 0,
        }
    }

    /// Runs `budget` operations or until `deadline`, and returns the counts of the clients this
    /// worker left connected, per account.
    fn run(mut self, budget: u64, deadline: Option<Instant>) -> Vec<(AccountName, Counts)> {
        for done in 0..budget {
            if deadline.is_some_and(|deadline| done % 64 == 0 && Instant::now() >= deadline) {
                break;
            }
            self.step();
            self.shared.operations.fetch_add(1, Ordering::Relaxed);
        }
        self.left_connected()
    }

    fn account(&self, slot: usize) -> &Arc<Account<D>> {
        self.shared
            .accounts
            .get(slot)
            .unwrap_or(&self.shared.global)
    }

    fn step(&mut self) {
        // One slot in twenty is `$G`, which gets no events but takes the same calls.
        let slot = if self.rng.random_ratio(1, 20) {
            self.shared.accounts.len()
        } else {
            self.rng.random_range(0..self.shared.accounts.len())
        };
        if self.removed[slot] {
            return;
        }

        let roll = self.rng.random_range(0..100u32);
        let result = match roll {
            0..=44 => self.connect(slot),
            45..=84 => self.disconnect(slot),
            _ => self.feed_counters(slot),
        };
        match result {
            Ok(()) => {}
            Err(Error::AccountRemoved { .. }) => {
                self.removed[slot] = true;
                self.shared
                    .failed_on_removed
                    .fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => panic!("worker {}: unexpected error: {err}", self.index),
        }
    }

    fn connect(&mut self, slot: usize) -> Result<(), Error> {
        let kind = match self.rng.random_range(0..12u32) {
            0..=5 => ClientKind::Client,
            6..=8 => ClientKind::Leafnode,
            9 => ClientKind::System,
            10 => ClientKind::JetStream,
            _ => ClientKind::Account,
        };
        // Ids are unique per worker, so no call fails as a duplicate.
        let client = ClientId(((self.index as u64 + 1) << 40) | self.next_client);
        self.next_client += 1;
        let account = self.account(slot).clone();
        let op = Op::add_kind(account.name(), client.0, kind);
        self.call(&op, || {
            self.shared.server.add_client(&account, client, kind)
        })?;
        self.connected[slot].push((client, kind));
        Ok(())
    }

    fn disconnect(&mut self, slot: usize) -> Result<(), Error> {
        if self.connected[slot].is_empty() {
            return Ok(());
        }
        let position = self.rng.random_range(0..self.connected[slot].len());
        let (client, _) = self.connected[slot][position];
        let account = self.account(slot).clone();
        let op = Op::remove(account.name(), client.0);
        let result = self.call(&op, || self.shared.server.remove_client(&account, client));
        // The client stops being tracked either way. On success it left. On `AccountRemoved` it
        // may not have, but the summary no longer compares the removed account's counts.
        self.connected[slot].swap_remove(position);
        result
    }

    fn feed_counters(&mut self, slot: usize) -> Result<(), Error> {
        let account = self.account(slot).clone();
        let subscriptions = account.stats().num_subscriptions;
        let result = match self.rng.random_range(0..5u32) {
            0 => account.add_subscriptions(self.rng.random_range(1..4)),
            // Another worker may remove subscriptions first, so removal may find too few.
            1 => match account.remove_subscriptions(subscriptions.min(2)) {
                Err(Error::CounterOutOfRange { .. }) => return Ok(()),
                other => other,
            },
            2 => account.record_sent(1, self.rng.random_range(0..1024)),
            3 => account.record_received(1, self.rng.random_range(0..1024)),
            _ => {
                if self.rng.random_ratio(1, 10) {
                    account.record_slow_consumer()
                } else {
                    account.record_sent(2, 64)
                }
            }
        };
        result.map(|_| ())
    }

    /// Makes one recorded call and returns its error, if any.
    fn call(&self, op: &Op, body: impl FnOnce() -> Result<Update, Error>) -> Result<(), Error> {
        let outcome = self
            .shared
            .recorder
            .call(op, Phase::Concurrent, || match body() {
                Ok(update) => CallOutcome::Updated(update),
                Err(err) => CallOutcome::Failed(err),
            });
        match outcome {
            CallOutcome::Failed(err) => Err(err),
            _ => Ok(()),
        }
    }

    fn left_connected(&self) -> Vec<(AccountName, Counts)> {
        (0..self.connected.len())
            .map(|slot| {
                let mut counts = Counts::default();
                for &(_, kind) in &self.connected[slot] {
                    match kind {
                        ClientKind::Client => counts.conns += 1,
                        ClientKind::Leafnode => counts.leafnodes += 1,
                        _ => {}
                    }
                }
                counts.total_conns = counts.conns + counts.leafnodes;
                (self.account(slot).name().clone(), counts)
            })
            .collect()
    }
}

/// Starts the thread that redraws the progress line on stderr until the run stops.
fn spawn_progress<D: Design>(
    shared: Arc<Shared<D>>,
    tally: Arc<Mutex<Tally>>,
) -> thread::JoinHandle<()> {
    let body = move || {
        let started = Instant::now();
        while !shared.stop.load(Ordering::Relaxed) {
            let operations = shared.operations.load(Ordering::Relaxed);
            let messages = tally.lock().messages;
            let live: Vec<String> = shared
                .accounts
                .iter()
                .map(|account| format!("{} {}", account.name(), account.live_counts().total_conns))
                .collect();
            eprint!(
                "\r{:>6.1} s  {operations} operations  {} events  total_conns: {}   ",
                started.elapsed().as_secs_f64(),
                messages / 2,
                live.join(", ")
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    thread::spawn_named("churn-progress", body).expect("the progress thread starts")
}

fn print_summary(summary: &Summary) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "churn summary: design {}, seed {}, {:.2} s",
        summary.design,
        summary.seed,
        summary.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        err,
        "  operations: {} ({} failed because their account was removed)",
        summary.operations, summary.failed_on_removed
    );
    let _ = writeln!(
        err,
        "  events: {} ({} heartbeat firings), messages published: {}, JSON lines written: {}",
        summary.events, summary.heartbeat_firings, summary.messages, summary.lines
    );
    let _ = writeln!(
        err,
        "  {:<8} {:>7} {:>6} {:>9} {:>6} {:>8} {:>5} {:>10} {:>10}  state",
        "account",
        "conns",
        "leafs",
        "internal",
        "subs",
        "version",
        "slow",
        "sent msgs",
        "recv msgs"
    );
    for account in &summary.accounts {
        let counts = account.final_state.counts;
        let state = if account.final_state.name == summary.removed_account {
            "removed during the run"
        } else if &*account.final_state.name == GLOBAL_ACCOUNT {
            "no events"
        } else if counts.counts == account.expected {
            "equals the clients left connected"
        } else {
            "DIFFERS from the clients left connected"
        };
        let _ = writeln!(
            err,
            "  {:<8} {:>7} {:>6} {:>9} {:>6} {:>8} {:>5} {:>10} {:>10}  {state}",
            account.final_state.name.to_string(),
            counts.counts.conns,
            counts.counts.leafnodes,
            counts.internal,
            account.stats.num_subscriptions,
            counts.version,
            account.stats.slow_consumers,
            account.stats.sent.msgs,
            account.stats.received.msgs,
        );
    }
    for problem in &summary.stream_errors {
        let _ = writeln!(err, "  stream problem: {problem}");
    }
    match &summary.spec {
        Ok(()) => {
            let _ = writeln!(err, "  specification: passed");
        }
        Err(violation) => {
            let _ = writeln!(err, "  specification: FAILED: {violation}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` into a shared buffer, so the test can read what the run printed.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn short_run(design: &str) -> Args {
        Args {
            design: design.to_owned(),
            threads: 3,
            accounts: 3,
            ops: 1_200,
            seconds: None,
            heartbeat_ms: 5,
            progress: false,
            seed: Some(9),
        }
    }

    #[test]
    fn churn_short_run_every_design() {
        for_each_design!(D => {
            let captured = Captured::default();
            let summary = run(&short_run(D::NAME), Box::new(captured.clone()))
                .expect("the churn runs");

            assert_eq!(summary.spec, Ok(()), "{}", D::NAME);
            assert!(summary.stream_errors.is_empty(), "{}: {:?}", D::NAME, summary.stream_errors);
            // The workers' operations and the main thread's account removal.
            assert_eq!(summary.operations, 1_201, "{}", D::NAME);
            assert!(summary.events > 0, "{}: no events", D::NAME);
            assert!(summary.heartbeat_firings > 0, "{}: no heartbeat in the idle spell", D::NAME);
            assert_eq!(summary.messages, 2 * summary.events as u64, "{}", D::NAME);
            assert_eq!(summary.lines, summary.events as u64, "{}", D::NAME);

            let text = String::from_utf8(captured.0.lock().clone()).expect("UTF-8 output");
            assert_eq!(text.lines().count() as u64, summary.lines, "{}", D::NAME);
            for line in text.lines() {
                let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                assert_ne!(value["acc"], GLOBAL_ACCOUNT, "{}: event for $G", D::NAME);
            }

            for account in &summary.accounts {
                let name = &account.final_state.name;
                if *name == summary.removed_account {
                    assert!(account.final_state.removed, "{}: {name} not removed", D::NAME);
                    continue;
                }
                assert_eq!(
                    account.final_state.counts.counts, account.expected,
                    "{}: final counts of {name}", D::NAME
                );
            }
        });
    }

    #[test]
    fn churn_rejects_unknown_design() {
        let error = run(&short_run("NoSuchDesign"), Box::new(std::io::sink()))
            .expect_err("an unknown design fails");

        assert!(error.contains("NoSuchDesign"), "{error}");
        assert!(error.contains("HybridCoalescing"), "{error}");
    }

    #[test]
    fn churn_rejects_one_account() {
        let args = Args {
            accounts: 1,
            ..short_run("Hybrid")
        };
        let error = run(&args, Box::new(std::io::sink())).expect_err("one account fails");

        assert!(error.contains("--accounts"), "{error}");
    }

    #[test]
    fn churn_seconds_mode() {
        let args = Args {
            seconds: Some(0.05),
            ..short_run("HybridCoalescing")
        };
        let summary = run(&args, Box::new(std::io::sink())).expect("the churn runs");

        assert_eq!(summary.spec, Ok(()));
        assert!(
            summary.heartbeat_firings > 0,
            "no heartbeat at a 5 ms interval"
        );
    }
}
