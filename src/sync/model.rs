//! Entry points of the model checkers, for the harnesses in `models/`.
//!
//! Loom explores every interleaving of the closure's threads up to a preemption bound: the number
//! of times a thread may be switched out while it could still run. Its settings come from the
//! environment (`LOOM_MAX_PREEMPTIONS`, `LOOM_MAX_BRANCHES`, `LOOM_CHECKPOINT_FILE`,
//! `LOOM_CHECKPOINT_INTERVAL`, `LOOM_LOG`), as loom documents them.

/// Explores `model` with loom. Uses `default_bound` as the preemption bound unless
/// `LOOM_MAX_PREEMPTIONS` sets one; returns the bound used.
#[cfg(loom)]
pub fn explore<F>(default_bound: usize, model: F) -> usize
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    let bound = *builder.preemption_bound.get_or_insert(default_bound);
    builder.check(model);
    bound
}

/// Scheduler for a shuttle exploration.
#[cfg(shuttle)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShuttleScheduler {
    /// Uniformly random scheduling decisions.
    Random,
    /// Probabilistic concurrency testing: random priorities with `depth` priority changes.
    Pct {
        /// Number of priority change points.
        depth: usize,
    },
}

/// Runs `model` `iterations` times under shuttle, with random choices drawn from `seed`. A
/// failing schedule is written to a file in `failure_dir`, and shuttle prints its path.
#[cfg(shuttle)]
pub fn explore_shuttle<F>(
    scheduler: ShuttleScheduler,
    seed: u64,
    iterations: usize,
    failure_dir: &std::path::Path,
    model: F,
) where
    F: Fn() + Send + Sync + 'static,
{
    let mut config = shuttle::Config::default();
    config.failure_persistence = shuttle::FailurePersistence::File(Some(failure_dir.to_owned()));
    match scheduler {
        ShuttleScheduler::Random => {
            let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(seed, iterations);
            shuttle::Runner::new(scheduler, config).run(model);
        }
        ShuttleScheduler::Pct { depth } => {
            let scheduler =
                shuttle::scheduler::PctScheduler::new_from_seed(seed, depth, iterations);
            shuttle::Runner::new(scheduler, config).run(model);
        }
    }
}

/// Replays the schedule that shuttle wrote to `schedule_file`.
#[cfg(shuttle)]
pub fn replay_shuttle<F>(schedule_file: &std::path::Path, model: F)
where
    F: Fn() + Send + Sync + 'static,
{
    shuttle::replay_from_file(model, schedule_file);
}
