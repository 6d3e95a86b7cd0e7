//! Shuttle models: generated scripts of 4 to 8 threads over 2 to 4 accounts, mixing adds and
//! removes of every client kind, account removal, heartbeat firings and shutdown, on every design
//! under the random and the PCT scheduler. The full specification is checked after every
//! execution.
//!
//! Budget, from the environment: `ACCOUNT_EVENTS_SHUTTLE_SCRIPTS` scripts per design (default
//! 200) and `ACCOUNT_EVENTS_SHUTTLE_ITERATIONS` schedules per script and scheduler (default 100).
//! Script `i` is the `i`-th draw from a fixed seed, so it is named by its index alone.
//!
//! NOTE: shuttle runs every atomic access as SeqCst, so these models cannot catch an ordering
//! that is too weak; the loom models do. What shuttle adds is scale: more threads, longer
//! scripts and mixes of operations that no loom model combines.
//!
//! To replay a failure, set `ACCOUNT_EVENTS_SHUTTLE_REPLAY=<design>:<script>:<schedule file>`
//! with the values the failure message prints, and run `ci/shuttle.sh` again.
#![cfg(shuttle)]

#[path = "../tests/support/generate.rs"]
mod generate;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use account_events::spec::{self, Interleaving, Scenario};
use account_events::sync::model::{ShuttleScheduler, explore_shuttle, replay_shuttle};
use account_events::sync::untracked::{Arc, Mutex, lock};
use account_events::{Design, for_each_design};

/// Seed of the script generator.
const SCRIPT_SEED: u64 = 0x5eed_0001;

/// Interleavings the generated scripts must produce on every design, summed over all scripts.
const DECLARED: [Interleaving; 5] = [
    Interleaving::ChangeDuringUpdate,
    Interleaving::ChangeAfterRemoval,
    Interleaving::HeartbeatFiredLive,
    Interleaving::ChangeRejectedByShutdown,
    Interleaving::OtherAccountChangedDuringUpdate,
];

const ALL: [Interleaving; 12] = [
    Interleaving::ChangeDuringUpdate,
    Interleaving::OtherAccountChangedDuringUpdate,
    Interleaving::EventCoveredLaterChange,
    Interleaving::ShutdownBetweenSnapshotAndPush,
    Interleaving::PushRejectedByClose,
    Interleaving::UpdateDroppedByShutdown,
    Interleaving::ChangeRejectedByShutdown,
    Interleaving::PushDuringRemoval,
    Interleaving::ChangeAfterRemoval,
    Interleaving::UpdateCoalesced,
    Interleaving::HeartbeatFiredLive,
    Interleaving::HeartbeatFiringStale,
];

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn script(index: u64) -> Scenario {
    generate::sample(
        &generate::concurrent_scenario(4..=8, 2..=4),
        SCRIPT_SEED,
        index,
    )
}

fn describe(scenario: &Scenario) -> String {
    let mut text = String::new();
    for (thread, ops) in scenario.threads.iter().enumerate() {
        let ops: Vec<String> = ops.iter().map(ToString::to_string).collect();
        text.push_str(&format!("  thread {thread}: {}\n", ops.join("; ")));
    }
    text
}

fn failure_dir() -> PathBuf {
    let dir = std::env::var("ACCOUNT_EVENTS_SHUTTLE_FAILURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target/shuttle-failures"));
    std::fs::create_dir_all(&dir).expect("failure directory can be created");
    dir
}

/// Builds the closure shuttle runs: one execution of `scenario`, checked against the
/// specification, with hits counted into `hits`.
fn execution<D: Design>(
    index: u64,
    scenario: Scenario,
    hits: Arc<Mutex<BTreeMap<Interleaving, u64>>>,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let run = scenario.run::<D>();
        if let Err(violation) = spec::check(&run) {
            panic!(
                "shuttle script {index} on {}: {violation}\nscript:\n{}trace:\n{}\nreplay: \
                 ACCOUNT_EVENTS_SHUTTLE_REPLAY={}:{index}:<the schedule file shuttle printed> \
                 ci/shuttle.sh",
                D::NAME,
                describe(&scenario),
                run.trace_text(),
                D::NAME
            );
        }
        let mut hits = lock(&hits);
        for interleaving in ALL {
            if interleaving.happened_in(&run) {
                *hits.entry(interleaving).or_insert(0) += 1;
            }
        }
    }
}

fn explore<D: Design>(scheduler: ShuttleScheduler, scripts: usize, iterations: usize) {
    let hits = Arc::new(Mutex::new(BTreeMap::new()));
    let started = Instant::now();
    for index in 0..scripts as u64 {
        let body = execution::<D>(index, script(index), hits.clone());
        explore_shuttle(
            scheduler,
            SCRIPT_SEED ^ index,
            iterations,
            &failure_dir(),
            body,
        );
    }
    let seconds = started.elapsed().as_secs_f64();

    let hits = lock(&hits).clone();
    let missed: Vec<_> = DECLARED.iter().filter(|i| !hits.contains_key(i)).collect();
    let result = if missed.is_empty() { "pass" } else { "vacuous" };
    report(
        D::NAME,
        scheduler,
        scripts * iterations,
        seconds,
        &hits,
        result,
    );
    assert!(
        missed.is_empty(),
        "shuttle on {} with {scheduler:?} is vacuous: in {} executions these interleavings \
         never happened: {missed:?}",
        D::NAME,
        scripts * iterations
    );
}

fn report(
    design: &str,
    scheduler: ShuttleScheduler,
    executions: usize,
    seconds: f64,
    hits: &BTreeMap<Interleaving, u64>,
    result: &str,
) {
    let hits: Vec<String> = hits.iter().map(|(i, n)| format!("{i:?}={n}")).collect();
    let scheduler = match scheduler {
        ShuttleScheduler::Random => "random".to_owned(),
        ShuttleScheduler::Pct { depth } => format!("pct(depth {depth})"),
    };
    println!(
        "shuttle generated_scripts on {design}: {result}, {scheduler}, {executions} executions, \
         {seconds:.1} s; interleavings of interest: {}",
        hits.join(", ")
    );
    if let Ok(path) = std::env::var("ACCOUNT_EVENTS_SUMMARY") {
        let line = format!(
            "generated_scripts\t{design}\t{scheduler}\t{result}\t{executions}\t{seconds:.1}\t{}\n",
            hits.join(" ")
        );
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path);
        if let Err(err) = file.and_then(|mut file| file.write_all(line.as_bytes())) {
            eprintln!("failed to append to the summary file {path}: {err}");
        }
    }
}

fn replay<D: Design>(index: u64, schedule: &Path) {
    let hits = Arc::new(Mutex::new(BTreeMap::new()));
    replay_shuttle(schedule, execution::<D>(index, script(index), hits));
}

#[test]
fn generated_scripts() {
    if let Ok(request) = std::env::var("ACCOUNT_EVENTS_SHUTTLE_REPLAY") {
        let mut parts = request.splitn(3, ':');
        let (design, index, file) = (parts.next(), parts.next(), parts.next());
        let (Some(design), Some(Ok(index)), Some(file)) = (design, index.map(str::parse), file)
        else {
            panic!(
                "invalid ACCOUNT_EVENTS_SHUTTLE_REPLAY {request:?}: expected <design>:<script>:<schedule file>"
            );
        };
        let mut found = false;
        for_each_design!(D => {
            if D::NAME == design {
                found = true;
                replay::<D>(index, Path::new(file));
            }
        });
        assert!(
            found,
            "invalid design {design:?} in ACCOUNT_EVENTS_SHUTTLE_REPLAY"
        );
        println!("replay of script {index} on {design} passed: the schedule no longer fails");
        return;
    }

    let scripts = env_number("ACCOUNT_EVENTS_SHUTTLE_SCRIPTS", 200);
    let iterations = env_number("ACCOUNT_EVENTS_SHUTTLE_ITERATIONS", 100);
    for_each_design!(D => {
        explore::<D>(ShuttleScheduler::Random, scripts, iterations);
        explore::<D>(ShuttleScheduler::Pct { depth: 3 }, scripts, iterations);
    });
}
