#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, and all tests of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Every step builds with the dev profile, the one `./scripts/dev.sh` builds the node with: cargo
# keys build-script outputs by profile name, so `cargo test`'s default `test` profile would
# compile RocksDB's C++ a second time (about 18 minutes on two cores) for the same code.
profile=(--profile dev)

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets "${profile[@]}" --locked -- -D warnings
cargo clippy -p tracechain-node --features attack --all-targets "${profile[@]}" --locked -- -D warnings
echo "== cargo test"
cargo test --workspace "${profile[@]}" --locked
echo "== adversarial tests: one validator built with the attack feature (never shipped)"
cargo test -p tracechain-node --features attack --test attacks "${profile[@]}" --locked -- --nocapture
echo "== benchmarks compile and run once (test mode)"
cargo test --workspace --benches "${profile[@]}" --locked
echo "all checks passed"
