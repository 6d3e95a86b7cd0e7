//! Id generation alone: a mutex-guarded sequential NUID against the lock-free striped `Nuid`,
//! and single-thread costs of the other steps of an update, for the cost breakdown.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use account_events::nuid::{Nuid, NuidKey, SequentialNuid};
use account_events::queue::SendQueue;
use account_events::sync::Mutex;
use account_events::sync::atomic::{AtomicBool, Ordering};
use account_events::sync::timer::Timers;
use account_events::{AccountConnsEvent, AccountName, AccountStats, Counts};

/// The id generators compared.
#[derive(Clone, Copy, Debug)]
pub enum Generator {
    /// `Mutex<SequentialNuid>`: one lock around one generator, as `GlobalLock` keeps it.
    Mutex,
    /// The lock-free `Nuid` with every thread on stripe 0, as `PerAccountLock` uses it.
    SharedStripe,
    /// The lock-free `Nuid` with one stripe per thread, as `Hybrid` spreads accounts.
    Striped,
}

impl Generator {
    pub const ALL: [Generator; 3] = [
        Generator::Mutex,
        Generator::SharedStripe,
        Generator::Striped,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Generator::Mutex => "Mutex<SequentialNuid>",
            Generator::SharedStripe => "Nuid, one shared stripe",
            Generator::Striped => "Nuid, a stripe per thread",
        }
    }
}

/// Ids per second that `threads` threads take together from `generator` during `measure`.
pub fn ids_per_second(generator: Generator, threads: usize, measure: Duration) -> f64 {
    let key = NuidKey::from_seed(7);
    let locked = Mutex::new(SequentialNuid::new(key));
    let striped = Nuid::new(key, threads.max(16));
    let stop = AtomicBool::new(false);

    let (taken, seconds) = thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|worker| {
                let (locked, striped, stop) = (&locked, &striped, &stop);
                scope.spawn(move || {
                    let mut taken = 0u64;
                    // Relaxed: a stop flag; a late observation adds a few ids after the end.
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..64 {
                            let id = match generator {
                                Generator::Mutex => locked.lock().next_id().0,
                                Generator::SharedStripe => striped.next_id(0).0,
                                Generator::Striped => striped.next_id(worker).0,
                            };
                            black_box(id);
                        }
                        taken += 64;
                    }
                    taken
                })
            })
            .collect();

        let start = Instant::now();
        thread::sleep(measure);
        stop.store(true, Ordering::Relaxed);
        let taken: u64 = handles
            .into_iter()
            .map(|handle| handle.join().expect("an id worker panicked"))
            .sum();
        (taken, start.elapsed().as_secs_f64())
    });
    taken as f64 / seconds
}

/// One step under measurement, called with the call's index.
type Step<'a> = Box<dyn FnMut(u64) + 'a>;

/// Nanoseconds per call of each step an update adds to the bookkeeping, on one thread and
/// without contention. Each is the median of `samples` runs of `calls` calls.
pub fn step_costs(calls: u64, samples: usize) -> Vec<(&'static str, f64)> {
    let key = NuidKey::from_seed(11);
    let nuid = Nuid::new(key, 16);
    let mut sequential = SequentialNuid::new(key);
    let timers: Timers<AccountName> = Timers::new();
    let names: Vec<AccountName> = (0..16)
        .map(|i| AccountName::from(format!("acc{i}")))
        .collect();
    let queue = SendQueue::new(16, None);
    let (id, _) = nuid.next_id(0);
    let event = AccountConnsEvent {
        id,
        account: names[0].clone(),
        counts: Counts::default(),
        stats: AccountStats::default(),
        version: 1,
        timestamp: SystemTime::UNIX_EPOCH,
    };
    let mut drained = Vec::new();

    let mut steps: Vec<(&'static str, Step<'_>)> = vec![
        (
            "lock-free NUID id (`Nuid::next_id`)",
            Box::new(|_| {
                black_box(nuid.next_id(0));
            }),
        ),
        (
            "sequential NUID id, no lock",
            Box::new(|_| {
                black_box(sequential.next_id());
            }),
        ),
        (
            "event timestamp (`SystemTime::now`)",
            Box::new(|_| {
                black_box(SystemTime::now());
            }),
        ),
        (
            "heartbeat re-arm (`Timers::arm`, 16 keys, no timer thread)",
            Box::new(|i| {
                let name = names[(i % 16) as usize].clone();
                black_box(timers.arm(name, i, Duration::from_secs(30)));
            }),
        ),
        (
            "send-queue push, drained every 64 pushes in the same thread",
            Box::new(|i| {
                black_box(queue.push((i % 16) as usize, event.clone()));
                if i % 64 == 63 {
                    drained.clear();
                    queue.drain_into(&mut drained);
                }
            }),
        ),
    ];

    let mut costs: Vec<(&'static str, f64)> = steps
        .iter_mut()
        .map(|(label, step)| (*label, median_ns(step, calls, samples)))
        .collect();
    costs.push((
        "send-queue push with a consumer thread, pushes back to back",
        push_with_consumer(&event, calls, samples),
    ));
    costs
}

/// Median over `samples` runs of the nanoseconds per call of `step`.
fn median_ns(step: &mut dyn FnMut(u64), calls: u64, samples: usize) -> f64 {
    let mut runs: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for i in 0..calls {
                step(i);
            }
            start.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// Pushes one lane from this thread while a consumer thread drains it as the server's does.
fn push_with_consumer(event: &AccountConnsEvent, calls: u64, samples: usize) -> f64 {
    let queue = SendQueue::new(16, None);
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut batch = Vec::new();
            loop {
                let closed = queue.wait_for_work();
                queue.drain_into(&mut batch);
                batch.clear();
                if closed {
                    break;
                }
            }
        });
        let ns = median_ns(
            &mut |_| {
                black_box(queue.push(0, event.clone()));
            },
            calls,
            samples,
        );
        queue.close();
        ns
    })
}
