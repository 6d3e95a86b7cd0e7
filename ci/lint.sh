#!/usr/bin/env bash
# Clippy under every cfg the project builds with (production, loom, shuttle), each in its own
# target directory, then rustdoc with warnings denied.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo clippy --all-targets -- -D warnings
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo clippy --all-targets -- -D warnings
RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo clippy --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
