//! One sample of connect/disconnect churn through a real `Server`: the worker threads, the
//! counting sink and the final-accuracy check.

use std::collections::{HashMap, VecDeque};
use std::thread;
use std::time::{Duration, Instant};

use account_events::sync::atomic::{AtomicU8, Ordering};
use account_events::sync::{Arc, Mutex};
use account_events::{
    Account, AccountConnsEvent, AccountName, ClientId, ClientKind, Config, Consumer, Counts,
    Delivery, Design, EventSink, Freshness, Server,
};
use hdrhistogram::Histogram;

/// Clients each worker keeps connected. Once it has this many, it alternates: disconnect its
/// oldest client, connect a new one. Counts thus stay above zero, as on a busy server, and every
/// update re-arms the heartbeat.
const LIVE_PER_THREAD: usize = 4;

/// Largest latency the histograms hold, in nanoseconds; longer updates are clamped to it.
const MAX_LATENCY_NS: u64 = 10_000_000_000;

const WARM_UP: u8 = 0;
const MEASURE: u8 = 1;
const STOP: u8 = 2;

/// Shape of one cell: worker threads and accounts.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub threads: usize,
    pub accounts: usize,
}

/// How long a sample warms up and measures.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub warm_up: Duration,
    pub measure: Duration,
}

/// Measurements and check result of one sample.
pub struct Sample {
    /// Updates completed in the measured interval.
    pub updates: u64,
    /// Length of the measured interval.
    pub seconds: f64,
    /// Per-update latency in nanoseconds, measured interval only.
    pub latency: Histogram<u64>,
    /// Updates over the whole sample, warm-up included.
    pub all_updates: u64,
    /// Events the sink received over the whole sample.
    pub events: u64,
    /// `Err` with the first broken check, if any.
    pub check: Result<(), String>,
}

/// Per-account tally the sink keeps: events received and the last event's counts and version.
#[derive(Clone, Copy, Debug, Default)]
struct Last {
    events: u64,
    counts: Counts,
    version: u64,
}

type Tally = HashMap<AccountName, Last>;

/// Sink that tallies events per account on the consumer thread and hands the tally over when the
/// consumer drops it, which happens before shutdown joins the consumer.
struct TallySink {
    local: Tally,
    shared: Arc<Mutex<Tally>>,
}

impl EventSink for TallySink {
    fn publish(&mut self, event: AccountConnsEvent) {
        let last = self.local.entry(event.account).or_default();
        last.events += 1;
        last.counts = event.counts;
        last.version = event.version;
    }
}

impl Drop for TallySink {
    fn drop(&mut self) {
        *self.shared.lock() = std::mem::take(&mut self.local);
    }
}

/// Counters one worker returns.
struct Worker {
    latency: Histogram<u64>,
    measured: u64,
    all_updates: u64,
    accepted: u64,
    failures: Vec<String>,
}

/// Runs one sample of churn on design `D` and checks it.
pub fn run_sample<D: Design>(shape: Shape, timing: Timing, seed: u64) -> Sample {
    let shared = Arc::new(Mutex::new(Tally::new()));
    let sink = TallySink {
        local: Tally::new(),
        shared: shared.clone(),
    };
    let config = Config {
        seed: Some(seed),
        consumer: Consumer::Thread,
        ..Config::default()
    };
    let server = Server::<D>::new(config, Box::new(sink)).expect("failed to start the server");
    let accounts: Vec<Arc<Account<D>>> = (0..shape.accounts)
        .map(|index| {
            server
                .register_account(&format!("acc{index}"))
                .expect("failed to register a benchmark account")
        })
        .collect();

    let phase = AtomicU8::new(WARM_UP);
    let (workers, seconds) = thread::scope(|scope| {
        let handles: Vec<_> = (0..shape.threads)
            .map(|worker| {
                let (server, accounts, phase) = (&server, &accounts, &phase);
                scope.spawn(move || churn(server, accounts, phase, worker, seed))
            })
            .collect();

        // Relaxed on the phase word: a worker that observes a change late moves at most one update
        // across a phase boundary, the same for every design.
        thread::sleep(timing.warm_up);
        phase.store(MEASURE, Ordering::Relaxed);
        let start = Instant::now();
        thread::sleep(timing.measure);
        phase.store(STOP, Ordering::Relaxed);
        let seconds = start.elapsed().as_secs_f64();

        let workers: Vec<Worker> = handles
            .into_iter()
            .map(|handle| handle.join().expect("a benchmark worker panicked"))
            .collect();
        (workers, seconds)
    });

    // Coalescing designs cover merged changes only once no update is in flight.
    server.flush();
    let finals: Vec<_> = accounts
        .iter()
        .map(|account| (account.name().clone(), account.counts()))
        .collect();
    server.shutdown();
    let stats = server.stats();
    let tally = std::mem::take(&mut *shared.lock());

    let mut latency = new_histogram();
    let mut failures = Vec::new();
    let (mut updates, mut all_updates, mut accepted) = (0, 0, 0);
    for worker in workers {
        latency
            .add(&worker.latency)
            .expect("histograms share their bounds");
        updates += worker.measured;
        all_updates += worker.all_updates;
        accepted += worker.accepted;
        failures.extend(worker.failures);
    }
    let events: u64 = tally.values().map(|last| last.events).sum();

    let check = if let Some(failure) = failures.into_iter().next() {
        Err(failure)
    } else {
        check_events::<D>(&finals, &tally, (events, accepted, all_updates), stats)
    };

    Sample {
        updates,
        seconds,
        latency,
        all_updates,
        events,
        check,
    }
}

/// Checks that no work was dropped: every accepted event arrived, shutdown dropped nothing, and
/// each changed account's last event carries its final counts and version.
fn check_events<D: Design>(
    finals: &[(AccountName, account_events::AccountCounts)],
    tally: &Tally,
    (events, accepted, updates): (u64, u64, u64),
    stats: account_events::Stats,
) -> Result<(), String> {
    if D::NAME == account_events::NoEvents::NAME {
        return match events {
            0 => Ok(()),
            _ => Err(format!(
                "the floor published {events} events, expected none"
            )),
        };
    }
    if stats.rejected_pushes != 0 || stats.dropped_updates != 0 {
        return Err(format!(
            "shutdown kept events from delivery ({stats:?}), but it began after every update ended"
        ));
    }
    // A coalescing publisher's later rounds push events that no call reports as its own, so
    // there the sink may receive more events than calls reported accepted, but never more than
    // one per update.
    let reported_only = D::FRESHNESS == Freshness::Synchronous;
    if (reported_only && events != accepted) || events < accepted || events > updates {
        return Err(format!(
            "the sink received {events} events for {updates} updates, of which {accepted} \
             reported an accepted event"
        ));
    }
    for (name, expected) in finals {
        if expected.version == 0 {
            continue;
        }
        let Some(last) = tally.get(name) else {
            return Err(format!(
                "account {name} changed {} times but received no event",
                expected.version
            ));
        };
        if last.counts != expected.counts || last.version != expected.version {
            return Err(format!(
                "account {name}: last event has version {} and {}, expected version {} and {}",
                last.version, last.counts, expected.version, expected.counts
            ));
        }
    }
    Ok(())
}

/// Connects and disconnects clients of random accounts until the phase is `STOP`.
fn churn<D: Design>(
    server: &Server<D>,
    accounts: &[Arc<Account<D>>],
    phase: &AtomicU8,
    worker: usize,
    seed: u64,
) -> Worker {
    let mut rng = XorShift::new(seed ^ ((worker as u64 + 1) << 32));
    let mut live: VecDeque<(usize, ClientId)> = VecDeque::with_capacity(LIVE_PER_THREAD);
    let mut next_client = (worker as u64) << 40;
    let mut result = Worker {
        latency: new_histogram(),
        measured: 0,
        all_updates: 0,
        accepted: 0,
        failures: Vec::new(),
    };

    loop {
        // Relaxed: see `run_sample`.
        let current = phase.load(Ordering::Relaxed);
        if current == STOP {
            break;
        }

        let started;
        let outcome = if live.len() == LIVE_PER_THREAD {
            let (account, client) = live.pop_front().expect("the ring is full");
            started = Instant::now();
            server.remove_client(&accounts[account], client)
        } else {
            let account = rng.below(accounts.len());
            let client = ClientId(next_client);
            next_client += 1;
            let kind = rng.kind();
            live.push_back((account, client));
            started = Instant::now();
            server.add_client(&accounts[account], client, kind)
        };
        let elapsed = started.elapsed();

        result.all_updates += 1;
        match outcome {
            Ok(update) => {
                if matches!(update.delivery, Delivery::Accepted { .. }) {
                    result.accepted += 1;
                }
            }
            Err(error) => {
                result.failures.push(format!("a change failed: {error}"));
                break;
            }
        }
        if current == MEASURE {
            result.measured += 1;
            let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(MAX_LATENCY_NS);
            result.latency.saturating_record(nanos.max(1));
        }
    }
    result
}

pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_NS, 3).expect("valid histogram bounds")
}

/// xorshift64*: a fast, seeded generator for account and kind choices.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        XorShift(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Picks a kind from the client mix: 70 % clients, 15 % leafnodes, 5 % each internal kind.
    fn kind(&mut self) -> ClientKind {
        match self.next() % 20 {
            0..=13 => ClientKind::Client,
            14..=16 => ClientKind::Leafnode,
            17 => ClientKind::System,
            18 => ClientKind::JetStream,
            _ => ClientKind::Account,
        }
    }
}
