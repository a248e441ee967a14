#!/usr/bin/env bash
# Builds Tracechain and runs its main job: a development chain, `tracechain --dev`.
#
# Single validator (//Alice) with the acceptance story's members (Alice the winery, Bob the
# carrier, Charlie the importer, Dave Shanghai customs, Eve the CCIG inspector, Ferdie the Tmall
# store); RocksDB under the data directory (default ~/.local/share/tracechain, or --base-path);
# JSON-RPC over HTTP and WebSocket on 127.0.0.1:9944; Prometheus metrics on 127.0.0.1:9615.
# Extra arguments are passed to the node, e.g. `./scripts/dev.sh --base-path /tmp/dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build_debug
exec "$CARGO_TARGET_DIR/debug/tracechain" --dev "$@"
