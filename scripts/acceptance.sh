#!/usr/bin/env bash
# Walks the acceptance story of the brief against a running node over JSON-RPC only (signing
# with the development keys) and prints bottle 17's journey from trace_getJourney.
#
#   ./scripts/dev.sh                 # in one terminal: the development chain
#   ./scripts/acceptance.sh          # in another; --rpc URL for another node, --json for JSON
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
build_debug -q
exec "$CARGO_TARGET_DIR/debug/tracechain-acceptance" "$@"
