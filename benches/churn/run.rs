//! The run: settings, the interleaved cells, the floors and ceilings, and the outputs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use account_events::{Design, NoEvents};

use crate::cell::{self, Sample, Shape, Timing};
use crate::idgen::{self, Generator};
use crate::plot;
use crate::report::{self, CellResult, IdResult, Machine, REFERENCE, Report, StepCost};

const THREADS: [usize; 4] = [1, 2, 4, 8];
const ACCOUNTS: [usize; 3] = [1, 16, 1024];

type Runner = fn(Shape, Timing, u64) -> Sample;

struct Settings {
    smoke: bool,
    threads: Vec<usize>,
    samples: usize,
    timing: Timing,
    step_calls: u64,
}

impl Settings {
    fn from_env() -> Settings {
        let smoke = std::env::var("ACCOUNT_EVENTS_BENCH_SMOKE").is_ok_and(|v| v == "1")
            || std::env::args().any(|arg| arg == "--smoke");
        let threads = match std::env::var("ACCOUNT_EVENTS_BENCH_THREADS") {
            Ok(list) => list
                .split(',')
                .map(|item| match item.trim().parse() {
                    Ok(threads) if threads > 0 => threads,
                    _ => panic!(
                        "invalid ACCOUNT_EVENTS_BENCH_THREADS {list:?}: expected thread counts \
                         separated by commas, such as 1,2"
                    ),
                })
                .collect(),
            Err(_) => THREADS.to_vec(),
        };
        if smoke {
            return Settings {
                smoke,
                threads,
                samples: 1,
                timing: Timing {
                    warm_up: Duration::from_millis(2),
                    measure: Duration::from_millis(5),
                },
                step_calls: 10_000,
            };
        }
        let number = |name: &str, default: u64| {
            std::env::var(name).map_or(default, |value| {
                value.parse().unwrap_or_else(|_| {
                    panic!("invalid {name} {value:?}: expected a positive whole number")
                })
            })
        };
        Settings {
            smoke,
            threads,
            samples: number("ACCOUNT_EVENTS_BENCH_SAMPLES", 5).max(1) as usize,
            timing: Timing {
                warm_up: Duration::from_millis(40),
                measure: Duration::from_millis(number("ACCOUNT_EVENTS_BENCH_MEASURE_MS", 120)),
            },
            step_calls: 1_000_000,
        }
    }
}

/// Runs the benchmark and writes its outputs. Returns the process exit status.
pub fn main() -> i32 {
    let settings = Settings::from_env();
    let started = Instant::now();

    let mut runners: Vec<(&'static str, Runner)> =
        vec![(NoEvents::NAME, cell::run_sample::<NoEvents> as Runner)];
    account_events::for_each_design!(D => {
        runners.push((D::NAME, cell::run_sample::<D> as Runner));
    });
    let designs: Vec<&str> = runners.iter().map(|(name, _)| *name).collect();

    let mut cells = Vec::new();
    for accounts in ACCOUNTS {
        for &threads in &settings.threads {
            let shape = Shape { threads, accounts };
            cells.extend(run_cell(shape, &runners, &settings));
        }
    }
    fill_ratios(&mut cells);

    let id_generation = run_id_generation(&settings);
    let samples = if settings.smoke { 1 } else { 5 };
    let step_costs_ns = idgen::step_costs(settings.step_calls, samples)
        .into_iter()
        .map(|(step, ns)| StepCost { step, ns })
        .collect();

    let mut report = Report {
        mode: if settings.smoke { "smoke" } else { "full" },
        command: if settings.smoke {
            "ACCOUNT_EVENTS_BENCH_SMOKE=1 cargo bench --bench churn".into()
        } else {
            "cargo bench --bench churn".into()
        },
        machine: machine(),
        samples: settings.samples,
        warm_up_ms: settings.timing.warm_up.as_millis() as u64,
        measure_ms: settings.timing.measure.as_millis() as u64,
        seconds_total: 0.0,
        cells,
        id_generation,
        step_costs_ns,
        targets: Vec::new(),
    };
    report.targets = report::evaluate_targets(&report, &settings.threads, &ACCOUNTS);
    report.seconds_total = started.elapsed().as_secs_f64();

    match write_outputs(&report, &designs, &settings.threads) {
        Ok(dir) => eprintln!(
            "wrote churn.md, churn.json and churn.png under {}",
            dir.display()
        ),
        Err(err) => {
            eprintln!("failed to write the benchmark outputs: {err}");
            return 2;
        }
    }
    print_summary(&report);

    if report.failed() {
        eprintln!("at least one cell FAILED its accuracy check; see churn.md");
        return 1;
    }
    0
}

/// Runs every design in one cell, interleaved sample by sample, and summarizes each design.
fn run_cell(
    shape: Shape,
    runners: &[(&'static str, Runner)],
    settings: &Settings,
) -> Vec<CellResult> {
    let mut samples: Vec<Vec<Sample>> = runners.iter().map(|_| Vec::new()).collect();
    for round in 0..settings.samples {
        let seed = 0x5eed_0000 + round as u64;
        // Each round starts with another design, so no design always runs first.
        for offset in 0..runners.len() {
            let index = (offset + round) % runners.len();
            let sample = (runners[index].1)(shape, settings.timing, seed);
            samples[index].push(sample);
        }
    }

    let results: Vec<CellResult> = runners
        .iter()
        .zip(samples)
        .map(|((name, _), samples)| summarize(name, shape, samples))
        .collect();
    let line: Vec<String> = results
        .iter()
        .map(|cell| format!("{} {:.2}M", cell.design, cell.updates_per_second / 1e6))
        .collect();
    eprintln!(
        "{} threads × {} accounts: {}",
        shape.threads,
        shape.accounts,
        line.join(", ")
    );
    results
}

fn summarize(design: &str, shape: Shape, samples: Vec<Sample>) -> CellResult {
    let mut latency = cell::new_histogram();
    let (mut events, mut all_updates) = (0, 0);
    let mut failure = None;
    let mut rates = Vec::new();
    for sample in samples {
        latency
            .add(&sample.latency)
            .expect("histograms share their bounds");
        events += sample.events;
        all_updates += sample.all_updates;
        rates.push(sample.updates as f64 / sample.seconds);
        if let Err(err) = sample.check {
            failure.get_or_insert(err);
        }
    }

    CellResult {
        design: design.to_owned(),
        threads: shape.threads,
        accounts: shape.accounts,
        updates_per_second: median(&rates),
        sample_updates_per_second: rates,
        p50_ns: latency.value_at_quantile(0.5),
        p99_ns: latency.value_at_quantile(0.99),
        max_ns: latency.max(),
        ratio_to_global_lock: f64::NAN,
        time_vs_floor: f64::NAN,
        events_per_update: (design != report::FLOOR)
            .then(|| events as f64 / all_updates.max(1) as f64),
        failure,
    }
}

fn fill_ratios(cells: &mut [CellResult]) {
    let lookup = |cells: &[CellResult], design: &str, c: &CellResult| {
        cells
            .iter()
            .find(|o| o.design == design && o.threads == c.threads && o.accounts == c.accounts)
            .map_or(f64::NAN, |o| o.updates_per_second)
    };
    let ratios: Vec<(f64, f64)> = cells
        .iter()
        .map(|cell| {
            let reference = lookup(cells, REFERENCE, cell);
            let floor = lookup(cells, report::FLOOR, cell);
            (
                cell.updates_per_second / reference,
                floor / cell.updates_per_second,
            )
        })
        .collect();
    for (cell, (to_reference, vs_floor)) in cells.iter_mut().zip(ratios) {
        cell.ratio_to_global_lock = to_reference;
        cell.time_vs_floor = vs_floor;
    }
}

fn run_id_generation(settings: &Settings) -> Vec<IdResult> {
    let mut results = Vec::new();
    for &threads in &settings.threads {
        let mut rates: Vec<Vec<f64>> = Generator::ALL.iter().map(|_| Vec::new()).collect();
        for _ in 0..settings.samples {
            for (index, generator) in Generator::ALL.into_iter().enumerate() {
                rates[index].push(idgen::ids_per_second(
                    generator,
                    threads,
                    settings.timing.measure / 2,
                ));
            }
        }
        for (generator, rates) in Generator::ALL.into_iter().zip(rates) {
            results.push(IdResult {
                generator: generator.label(),
                threads,
                ids_per_second: median(&rates),
            });
        }
    }
    results
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn machine() -> Machine {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|version| !version.is_empty())
        .unwrap_or_else(|| "unknown rustc".into());
    Machine { cores, cpu, rustc }
}

fn write_outputs(
    report: &Report,
    designs: &[&str],
    threads: &[usize],
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let dir = PathBuf::from(target).join("bench");
    std::fs::create_dir_all(&dir)?;

    std::fs::write(
        dir.join("churn.md"),
        report::markdown(report, designs, threads, &ACCOUNTS),
    )?;
    std::fs::write(
        dir.join("churn.json"),
        serde_json::to_string_pretty(report)?,
    )?;

    plot::load_font()?;
    plot::draw(report, designs, threads, &ACCOUNTS, &dir.join("churn.png"))?;
    Ok(dir)
}

fn print_summary(report: &Report) {
    println!(
        "churn benchmark ({} mode, {:.0} s)",
        report.mode, report.seconds_total
    );
    for target in &report.targets {
        let verdict = if target.met { "met" } else { "NOT met" };
        println!("target: {}: {verdict} ({})", target.name, target.detail);
    }
    for cell in report.cells.iter().filter(|cell| cell.failure.is_some()) {
        println!(
            "FAILED: {} at {} threads × {} accounts: {}",
            cell.design,
            cell.threads,
            cell.accounts,
            cell.failure.as_deref().unwrap_or_default()
        );
    }
}
