#!/usr/bin/env bash
# Measures what one dishonest validator costs the three honest ones: for each attack mode of
# `bft/src/attack.rs` (or the modes given), runs the adversarial test once and prints the
# honest block interval without and with the attacker, and the honest validators' resident
# memory under attack.
#
#   scripts/attack-bench.sh [mode ...]     modes: proposals streams equivocate transactions all
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
modes=("$@")
if [ ${#modes[@]} -eq 0 ]; then
    modes=(equivocate proposals streams,equivocate "proposals,equivocate,transactions" all)
fi
cargo test -q --profile dev -p tracechain-node --features attack --test attacks --no-run --locked
for mode in "${modes[@]}"; do
    # Every run needs an equivocation on chain; modes without one fail that check by design.
    ATTACK_MODES="$mode" cargo test -q --profile dev -p tracechain-node --features attack --test attacks --locked -- --nocapture 2>&1 \
        | grep -E "^attack |panicked" || true
done
