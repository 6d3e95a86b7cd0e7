//! The churn server: see `run.rs` for what it does and prints.
//!
//! It runs on the production backend only. Under `--cfg loom` or `--cfg shuttle` the crate's
//! locks and `Arc` belong to a model checker, which cannot run a real server, so `main` only
//! reports that.

#[cfg(not(any(loom, shuttle)))]
mod run;

#[cfg(not(any(loom, shuttle)))]
fn main() -> std::process::ExitCode {
    run::main()
}

#[cfg(any(loom, shuttle))]
fn main() {
    eprintln!("churn runs on the production backend; build it without --cfg loom or --cfg shuttle");
}
