//! Harness shared by the loom models: explore a scenario on one design, check the specification
//! in every execution, count the interleavings of interest, report, and fail on vacuity.
//!
//! Each model prints one line: model, design, executions explored, preemption bound, seconds and
//! the hits of each interleaving of interest. With `ACCOUNT_EVENTS_SUMMARY` set to a file, it also
//! appends that line there as tab-separated fields, which `ci/loom.sh` turns into its table.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::panic;
use std::time::Instant;

use account_events::Design;
use account_events::spec::catalog::CatalogEntry;
use account_events::spec::{self, Interleaving, Scenario};
use account_events::sync::model::explore;
use account_events::sync::untracked::{Arc, AtomicBool, AtomicU64, Mutex, Ordering, lock};

/// Preemption bound used when `LOOM_MAX_PREEMPTIONS` is unset: the highest at which the whole
/// suite finishes within 10 minutes on 2 cores (see README).
pub const DEFAULT_PREEMPTION_BOUND: usize = 3;

/// Explores a catalog entry on design `D`; see [`run_model`]. With `ACCOUNT_EVENTS_DESIGN` set,
/// only the design of that name runs.
pub fn run_entry<D: Design>(entry: CatalogEntry) {
    let selected = std::env::var("ACCOUNT_EVENTS_DESIGN");
    if selected.is_ok_and(|name| name != D::NAME) {
        return;
    }
    run_model::<D>(entry.name, entry.scenario, &entry.interests);
}

/// Panics if `ACCOUNT_EVENTS_DESIGN` names no design, listing the valid names.
pub fn check_design_filter() {
    let Ok(selected) = std::env::var("ACCOUNT_EVENTS_DESIGN") else {
        return;
    };
    let mut names = Vec::new();
    account_events::for_each_design!(D => {
        names.push(<D as Design>::NAME);
    });
    assert!(
        names.contains(&selected.as_str()),
        "invalid ACCOUNT_EVENTS_DESIGN {selected:?}: expected one of {}",
        names.join(", ")
    );
}

/// Explores one catalog entry on every design, in the order of `for_each_design!`.
macro_rules! check_on_every_design {
    ($($entry:ident)::+) => {
        $crate::common::check_design_filter();
        account_events::for_each_design!(D => {
            $crate::common::run_entry::<D>($($entry)::+::<D>());
        })
    };
}
pub(crate) use check_on_every_design;

/// Explores `scenario` on design `D`, checking the specification in every execution, then fails
/// if one of `interests` never happened.
pub fn run_model<D: Design>(model: &str, scenario: Scenario, interests: &[Interleaving]) {
    let executions = Arc::new(AtomicU64::new(0));
    let hits: Arc<Mutex<BTreeMap<Interleaving, u64>>> =
        Arc::new(Mutex::new(interests.iter().map(|&i| (i, 0)).collect()));
    let mut report = Report::new(model, D::NAME, executions.clone(), interests);
    report.shape = shape_of(&scenario);

    let body = {
        let (executions, hits, model) = (executions.clone(), hits.clone(), model.to_owned());
        move || {
            executions.fetch_add(1, Ordering::Relaxed);
            let run = scenario.run::<D>();
            if let Err(violation) = spec::check(&run) {
                panic!(
                    "model {model} on {}: {violation}\ndelivered events:\n{}\ntrace:\n{}",
                    D::NAME,
                    run.delivered
                        .iter()
                        .map(|event| format!("  {event}\n"))
                        .collect::<String>(),
                    run.trace_text()
                );
            }
            for (interleaving, count) in lock(&hits).iter_mut() {
                if interleaving.happened_in(&run) {
                    *count += 1;
                }
            }
        }
    };
    report.bound = explore_reporting_deadlocks::<D>(model, body);

    report.executions = executions.load(Ordering::Relaxed);
    report.hits = lock(&hits).clone();
    let missed: Vec<_> = report
        .hits
        .iter()
        .filter(|&(_, &n)| n == 0)
        .map(|(i, _)| *i)
        .collect();
    report.result = if missed.is_empty() { "pass" } else { "vacuous" };
    report.finish();

    assert!(
        report.executions > 0,
        "model {model} on {}: loom ran no execution",
        D::NAME
    );
    assert!(
        missed.is_empty(),
        "model {model} on {} is vacuous: in {} executions at preemption bound {} these \
         interleavings never happened: {}",
        D::NAME,
        report.executions,
        report.bound,
        missed
            .iter()
            .map(|i| i.describe())
            .collect::<Vec<_>>()
            .join("; ")
    );
}

/// Describes a scenario's size: threads (and the consumer thread if it has one), operations in
/// the threads, and accounts.
fn shape_of(scenario: &Scenario) -> String {
    let operations: usize = scenario.threads.iter().map(Vec::len).sum();
    let consumer = match scenario.consumer {
        account_events::Consumer::Thread => " + consumer",
        account_events::Consumer::Manual => "",
    };
    let plural =
        |count: usize, noun: &str| format!("{count} {noun}{}", if count == 1 { "" } else { "s" });
    format!(
        "{}{consumer}, {}, {}",
        plural(scenario.threads.len(), "thread"),
        plural(operations, "operation"),
        plural(scenario.accounts.len(), "account")
    )
}

/// Label of the model loom is exploring, for the panic hook that names deadlocks.
static CURRENT_MODEL: Mutex<String> = Mutex::new(String::new());

/// Set once the deadlock-naming panic hook is installed.
static HOOK_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Runs loom on `body` and names the model in loom's own deadlock report.
///
/// A deadlock is the `lock-order` invariant: loom panics in its scheduler, outside the body, when
/// every thread waits on a lock or condition variable that no thread will release, and the
/// unwinding that follows aborts the process. So the model is named by a panic hook, which runs
/// before any unwinding. The hook is installed once and never removed: loom's coroutine library
/// wraps it with a filter for the panics it uses internally to end each execution, and removing
/// ours would remove that filter too.
fn explore_reporting_deadlocks<D: Design>(
    model: &str,
    body: impl Fn() + Send + Sync + 'static,
) -> usize {
    *lock(&CURRENT_MODEL) = format!("model {model} on {}", D::NAME);
    // Relaxed: the tests run on one thread; the flag only keeps the hook from being installed twice.
    if !HOOK_INSTALLED.swap(true, Ordering::Relaxed) {
        install_deadlock_hook();
    }
    explore(DEFAULT_PREEMPTION_BOUND, body)
}

fn install_deadlock_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("deadlock") {
            // `try_lock`: a panic hook must not block, even if the label's lock were held.
            let named = CURRENT_MODEL
                .try_lock()
                .map(|label| label.clone())
                .unwrap_or_else(|_| "a loom model".to_owned());
            eprintln!("{named}: invariant `lock-order` violated: loom found a deadlock: {message}");
        }
        previous(info);
    }));
}

/// One model's summary line; written as "fail" if the model panics before it finishes.
struct Report {
    model: String,
    design: &'static str,
    started: Instant,
    counter: Arc<AtomicU64>,
    declared: Vec<Interleaving>,
    executions: u64,
    bound: usize,
    hits: BTreeMap<Interleaving, u64>,
    result: &'static str,
    written: bool,
    /// Threads, operations and accounts of the scenario: the model's bounds besides loom's own.
    shape: String,
}

impl Report {
    fn new(
        model: &str,
        design: &'static str,
        counter: Arc<AtomicU64>,
        declared: &[Interleaving],
    ) -> Self {
        Report {
            model: model.to_owned(),
            design,
            started: Instant::now(),
            counter,
            declared: declared.to_vec(),
            executions: 0,
            bound: bound_from_env(),
            hits: BTreeMap::new(),
            result: "fail",
            written: false,
            shape: String::new(),
        }
    }

    fn finish(&mut self) {
        let seconds = self.started.elapsed().as_secs_f64();
        let hits: Vec<String> = if self.hits.is_empty() {
            // The model failed before its hits were collected: list what it declared.
            self.executions = self.counter.load(Ordering::Relaxed);
            self.declared.iter().map(|i| format!("{i:?}=?")).collect()
        } else {
            self.hits
                .iter()
                .map(|(i, n)| format!("{i:?}={n}"))
                .collect()
        };
        println!(
            "loom model {} on {}: {}, {} executions, preemption bound {}, {seconds:.1} s; \
             interleavings of interest: {}",
            self.model,
            self.design,
            self.result,
            self.executions,
            self.bound,
            if hits.is_empty() {
                "none declared".to_owned()
            } else {
                hits.join(", ")
            }
        );

        if let Ok(path) = std::env::var("ACCOUNT_EVENTS_SUMMARY") {
            let line = format!(
                "{}\t{}\t{}\t{}\t{}\t{seconds:.1}\t{}\t{}\n",
                self.model,
                self.design,
                self.result,
                self.executions,
                self.bound,
                hits.join(" "),
                self.shape
            );
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path);
            if let Err(err) = file.and_then(|mut file| file.write_all(line.as_bytes())) {
                eprintln!("failed to append to the summary file {path}: {err}");
            }
        }
        self.written = true;
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if !self.written {
            self.finish();
        }
    }
}

fn bound_from_env() -> usize {
    std::env::var("LOOM_MAX_PREEMPTIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_PREEMPTION_BOUND)
}
