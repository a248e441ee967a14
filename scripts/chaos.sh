#!/usr/bin/env bash
# A seeded, bounded chaos run on a 4-validator devnet, each validator in its own network
# namespace (needs root): random partitions (2|2 and 1|3), pauses (SIGSTOP/SIGCONT) and kills
# (SIGKILL, then a restart), one after the other, each healed before the next. Prints the faults
# injected, the heights finalized and the conflicting finalizations found (always 0).
#
#   scripts/chaos.sh [--seed S] [--minutes M]      (defaults: seed 1, 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=1
minutes=5
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        --minutes) minutes="$2"; shift 2 ;;
        *) echo "usage: $0 [--seed S] [--minutes M]" >&2; exit 2 ;;
    esac
done
source scripts/setup.sh
CHAOS_SEED="$seed" CHAOS_MINUTES="$minutes" \
    cargo test -q --profile dev --workspace --test network_faults --locked -- --ignored chaos --nocapture 2>&1 \
    | grep -E "^chaos |panicked|test result"
