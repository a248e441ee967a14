#!/usr/bin/env bash
# Builds Tracechain and runs its main job.
#
# The node (`tracechain --dev`) is not built yet. Until it is, this script builds the workspace
# and runs the runtime demo: a development chain from its genesis spec, blocks of signed
# supply-chain transactions built, executed and re-executed to the same roots, printed as it goes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --workspace --release --locked
echo "The node is not built yet: running the runtime demo instead (tracechain-runtime/tests/demo.rs)."
cargo test --release --locked -p tracechain-runtime --test demo -- --nocapture
