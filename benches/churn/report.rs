//! The results of a run: the JSON document, the markdown table and the three targets.

use std::fmt::Write as _;

use serde::Serialize;

/// Name of the floor in the results.
pub const FLOOR: &str = "NoEvents";
/// Name of the reference design the ratios divide by.
pub const REFERENCE: &str = "GlobalLock";
/// Name of the design the targets are about.
pub const CANDIDATE: &str = "Hybrid";

/// Everything one run measured.
#[derive(Serialize)]
pub struct Report {
    pub mode: &'static str,
    pub command: String,
    pub machine: Machine,
    pub samples: usize,
    pub warm_up_ms: u64,
    pub measure_ms: u64,
    pub seconds_total: f64,
    pub cells: Vec<CellResult>,
    pub id_generation: Vec<IdResult>,
    pub step_costs_ns: Vec<StepCost>,
    pub targets: Vec<Target>,
}

/// The machine the run used.
#[derive(Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub rustc: String,
}

/// One design in one cell.
#[derive(Serialize)]
pub struct CellResult {
    pub design: String,
    pub threads: usize,
    pub accounts: usize,
    /// Median over the samples of updates per second.
    pub updates_per_second: f64,
    /// Each sample's updates per second, in run order.
    pub sample_updates_per_second: Vec<f64>,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
    /// Throughput divided by `GlobalLock`'s in the same cell.
    pub ratio_to_global_lock: f64,
    /// Time per update divided by the floor's in the same cell (1.0 means no eventing cost).
    pub time_vs_floor: f64,
    /// Events delivered per update; `None` for the floor, which publishes nothing.
    pub events_per_update: Option<f64>,
    /// `None` if every check passed, otherwise the first failure.
    pub failure: Option<String>,
}

/// Ids per second of one generator at one thread count.
#[derive(Serialize)]
pub struct IdResult {
    pub generator: &'static str,
    pub threads: usize,
    pub ids_per_second: f64,
}

/// Single-thread cost of one step of an update.
#[derive(Serialize)]
pub struct StepCost {
    pub step: &'static str,
    pub ns: f64,
}

/// One target with its verdict and the measured figures behind it.
#[derive(Serialize)]
pub struct Target {
    pub name: String,
    pub met: bool,
    pub detail: String,
}

impl Report {
    pub fn cell(&self, design: &str, threads: usize, accounts: usize) -> Option<&CellResult> {
        self.cells
            .iter()
            .find(|c| c.design == design && c.threads == threads && c.accounts == accounts)
    }

    pub fn failed(&self) -> bool {
        self.cells.iter().any(|cell| cell.failure.is_some())
    }
}

/// Evaluates the three targets on the measured cells. The second target uses the largest
/// measured thread count that does not exceed the machine's cores.
pub fn evaluate_targets(report: &Report, threads: &[usize], accounts: &[usize]) -> Vec<Target> {
    let mut targets = Vec::new();

    let mut misses = Vec::new();
    let mut worst = f64::INFINITY;
    for &t in threads {
        for &a in accounts {
            if let Some(cell) = report.cell(CANDIDATE, t, a) {
                worst = worst.min(cell.ratio_to_global_lock);
                if cell.ratio_to_global_lock < 1.0 {
                    misses.push(format!(
                        "{t} threads × {a} accounts: {:.2}×",
                        cell.ratio_to_global_lock
                    ));
                }
            }
        }
    }
    targets.push(Target {
        name: format!("{CANDIDATE} at least as fast as {REFERENCE} in every cell"),
        met: misses.is_empty(),
        detail: if misses.is_empty() {
            format!("lowest ratio {worst:.2}×")
        } else {
            format!("below 1.0× in {}", misses.join("; "))
        },
    });

    let cores = report.machine.cores;
    let at_cores = threads
        .iter()
        .copied()
        .filter(|&t| t <= cores)
        .max()
        .unwrap_or(1);
    let mut figures = Vec::new();
    let mut met = true;
    for &a in accounts.iter().filter(|&&a| a >= 16) {
        if let Some(cell) = report.cell(CANDIDATE, at_cores, a) {
            met &= cell.ratio_to_global_lock >= 1.8;
            figures.push(format!("{a} accounts: {:.2}×", cell.ratio_to_global_lock));
        }
    }
    targets.push(Target {
        name: format!(
            "{CANDIDATE} at least 1.8× {REFERENCE} with 16 or more accounts and {at_cores} threads \
             ({cores} cores)"
        ),
        met: met && !figures.is_empty(),
        detail: figures.join("; "),
    });

    let mut figures = Vec::new();
    let mut met = true;
    for &a in accounts {
        if let Some(cell) = report.cell(CANDIDATE, 1, a) {
            met &= cell.time_vs_floor <= 1.3;
            figures.push(format!("{a} accounts: {:.2}×", cell.time_vs_floor));
        }
    }
    targets.push(Target {
        name: format!(
            "{CANDIDATE}'s time per update at most 1.3× the {FLOOR} floor's on one thread"
        ),
        met: met && !figures.is_empty(),
        detail: figures.join("; "),
    });
    targets
}

/// Renders the report as markdown.
pub fn markdown(
    report: &Report,
    designs: &[&str],
    threads: &[usize],
    accounts: &[usize],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Churn benchmark results\n");
    let _ = writeln!(
        out,
        "Mode {}: {} sample(s) per cell of {} ms after {} ms of warm-up, designs interleaved; \
         {:.0} s in all.\n\nMachine: {} cores, {}, {}.\n",
        report.mode,
        report.samples,
        report.measure_ms,
        report.warm_up_ms,
        report.seconds_total,
        report.machine.cores,
        report.machine.cpu,
        report.machine.rustc
    );

    let _ = writeln!(out, "## Targets\n");
    for target in &report.targets {
        let verdict = if target.met { "met" } else { "NOT met" };
        let _ = writeln!(out, "- {}: **{verdict}** ({})", target.name, target.detail);
    }

    let _ = writeln!(
        out,
        "\n## Throughput (million updates/s) and ratio to {REFERENCE}\n"
    );
    for &a in accounts {
        let _ = writeln!(out, "### {a} account(s)\n");
        let _ = write!(out, "| design |");
        for &t in threads {
            let _ = write!(out, " {t} thread(s) |");
        }
        let _ = write!(out, "\n|---|");
        for _ in threads {
            let _ = write!(out, "---:|");
        }
        let _ = writeln!(out);
        for &design in designs {
            let _ = write!(out, "| {design} |");
            for &t in threads {
                match report.cell(design, t, a) {
                    Some(cell) => {
                        let _ = write!(
                            out,
                            " {:.2} ({:.2}×) |",
                            cell.updates_per_second / 1e6,
                            cell.ratio_to_global_lock
                        );
                    }
                    None => out.push_str(" – |"),
                }
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## Every cell\n");
    let _ = writeln!(
        out,
        "Latencies are per update, in microseconds, over every sample of the cell. `× floor` is \
         the time per update divided by the {FLOOR} floor's.\n"
    );
    let _ = writeln!(
        out,
        "| accounts | threads | design | updates/s | p50 µs | p99 µs | max µs | × {REFERENCE} | \
         × floor | events/update | accuracy |"
    );
    let _ = writeln!(
        out,
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for &a in accounts {
        for &t in threads {
            for &design in designs {
                let Some(cell) = report.cell(design, t, a) else {
                    continue;
                };
                let events = cell
                    .events_per_update
                    .map_or("–".to_owned(), |e| format!("{e:.3}"));
                let accuracy = match (&cell.failure, cell.design == FLOOR) {
                    (Some(failure), _) => format!("FAILED: {failure}"),
                    (None, true) => "n/a".to_owned(),
                    (None, false) => "ok".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "| {a} | {t} | {design} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | \
                     {events} | {accuracy} |",
                    cell.updates_per_second,
                    cell.p50_ns as f64 / 1e3,
                    cell.p99_ns as f64 / 1e3,
                    cell.max_ns as f64 / 1e3,
                    cell.ratio_to_global_lock,
                    cell.time_vs_floor,
                );
            }
        }
    }

    let _ = writeln!(out, "\n## Id generation alone (million ids/s)\n");
    let mut generators: Vec<&str> = Vec::new();
    for row in &report.id_generation {
        if !generators.contains(&row.generator) {
            generators.push(row.generator);
        }
    }
    let _ = write!(out, "| generator |");
    for &t in threads {
        let _ = write!(out, " {t} thread(s) |");
    }
    let _ = write!(out, "\n|---|");
    for _ in threads {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out);
    for generator in generators {
        let _ = write!(out, "| {generator} |");
        for &t in threads {
            let value = report
                .id_generation
                .iter()
                .find(|row| row.generator == generator && row.threads == t)
                .map_or("–".to_owned(), |row| {
                    format!("{:.1}", row.ids_per_second / 1e6)
                });
            let _ = write!(out, " {value} |");
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(
        out,
        "\n## Single-thread cost of the steps an update adds to the bookkeeping\n"
    );
    let _ = writeln!(out, "| step | ns per call |\n|---|---:|");
    for step in &report.step_costs_ns {
        let _ = writeln!(out, "| {} | {:.1} |", step.step, step.ns);
    }
    for &a in accounts {
        if let (Some(floor), Some(candidate)) =
            (report.cell(FLOOR, 1, a), report.cell(CANDIDATE, 1, a))
        {
            let _ = writeln!(
                out,
                "| whole update on one thread, {a} account(s): {FLOOR} / {CANDIDATE} | {:.1} / {:.1} |",
                1e9 / floor.updates_per_second,
                1e9 / candidate.updates_per_second
            );
        }
    }
    out
}
