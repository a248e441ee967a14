#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, and all tests of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p tracechain-node --features attack --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== adversarial tests: one validator built with the attack feature (never shipped)"
cargo test -p tracechain-node --features attack --test attacks --locked -- --nocapture
echo "== benchmarks compile and run once (test mode)"
cargo test --workspace --benches --locked
echo "all checks passed"
