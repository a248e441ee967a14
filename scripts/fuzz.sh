#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo-fuzz, nightly) for a bounded time each and prints the
# executions per target. A crash leaves its input in fuzz/artifacts/<target>/; copy it to
# fuzz/regressions/<target>/ once fixed, where the normal test suite replays it.
#
#   scripts/fuzz.sh [--seconds N] [target ...]      (default: 60 s per target, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.1
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi
# The fuzz build has its own target directory, beside the main one.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/tracechain-fuzz-target}"
mkdir -p fuzz/corpus
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    log=$(mktemp)
    (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1) \
        >"$log" 2>&1 || { echo "$target: CRASH (see fuzz/artifacts/$target)"; tail -30 "$log"; }
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "$target: $runs executions in ${seconds} s"
    rm -f "$log"
done
