//! Entry point of the loom checker, for the model harness in `models/`.
//!
//! Loom explores every interleaving of the closure's threads up to a preemption bound: the number
//! of times a thread may be switched out while it could still run. Its settings come from the
//! environment (`LOOM_MAX_PREEMPTIONS`, `LOOM_MAX_BRANCHES`, `LOOM_CHECKPOINT_FILE`,
//! `LOOM_CHECKPOINT_INTERVAL`, `LOOM_LOG`), as loom documents them.

/// Explores `model` with loom. Uses `default_bound` as the preemption bound unless
/// `LOOM_MAX_PREEMPTIONS` sets one; returns the bound used.
pub fn explore<F>(default_bound: usize, model: F) -> usize
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    let bound = *builder.preemption_bound.get_or_insert(default_bound);
    builder.check(model);
    bound
}
