#!/usr/bin/env bash
# Measures what a consumer-page flood costs consensus: starts the 4-validator devnet (each node
# serving its pages on --pages-addr), walks the acceptance story so that bottle 17 has a page,
# then samples node 0's block production and finality for a quiet period and again while `wrk`
# floods node 0's page of bottle 17, and prints both side by side with their ratio.
#
#   scripts/page-flood-bench.sh [--seconds S] [--connections C] [--lifted]
#
# --lifted runs the flood with the per-IP rate and connection limits lifted, so that only the
# page workers' isolation from consensus stands between the flood and the blocks. The debug build
# is used; TRACECHAIN_BIN=path runs that `tracechain` (and the `tracechain-acceptance` beside it)
# without building.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

seconds=30
connections=500
lifted=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --lifted) lifted=1; shift ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
  esac
done

export DEVNET_DIR="${DEVNET_DIR:-/tmp/tracechain-page-flood}"
if [ "$lifted" = 1 ]; then
  export DEVNET_NODE_ARGS="--pages-rate-per-ip 1000000 --pages-burst-per-ip 1000000 --pages-max-connections 4096 --pages-max-connections-per-ip 4096"
fi
if [ -n "${TRACECHAIN_BIN:-}" ]; then
  bin_dir=$(dirname "$TRACECHAIN_BIN")
else
  build_debug -q
  bin_dir="$CARGO_TARGET_DIR/debug"
fi
trap 'scripts/devnet.sh down >/dev/null 2>&1 || true' EXIT
scripts/devnet.sh up >/dev/null

rpc() {
  curl -s -m 5 -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":${2:-[]}}" "http://127.0.0.1:9944"
}
finalized() {
  local hash
  hash=$(rpc chain_getFinalizedHead | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')
  rpc chain_getHeader "[\"$hash\"]" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))'
}
best() {
  rpc chain_getHeader | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))'
}

for _ in $(seq 1 120); do
  [ "$(finalized 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 1
done
story=$("$bin_dir/tracechain-acceptance" --rpc http://127.0.0.1:9944 2>/dev/null)
link=$(echo "$story" | sed -n 's/^The consumer scans \(.*\):$/\1/p')
path="/${link#https://*/}"
page="http://127.0.0.1:8080$path"
status=$(curl -s -o /dev/null -w '%{http_code}' "$page")
[ "$status" = 200 ] || { echo "page-flood-bench: $page answered $status" >&2; exit 1; }

# Samples node 0 for $seconds: finalized blocks per second, the mean interval between them, and
# the largest lag of the finalized head behind the best block.
sample() {
  local start end first last lag max_lag=0 started
  first=$(finalized); started=$(date +%s.%N)
  end=$(( $(date +%s) + seconds ))
  while [ "$(date +%s)" -lt "$end" ]; do
    lag=$(( $(best) - $(finalized) ))
    [ "$lag" -gt "$max_lag" ] && max_lag=$lag
    sleep 0.5
  done
  last=$(finalized)
  python3 - "$first" "$last" "$started" "$(date +%s.%N)" "$max_lag" <<'PY'
import sys
first, last, started, ended, lag = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
blocks = last - first
interval = (ended - started) / blocks * 1000 if blocks else float("inf")
print(f"{blocks} {interval:.0f} {lag}")
PY
}

read -r quiet_blocks quiet_interval quiet_lag <<<"$(sample)"
wrk_out=$(mktemp)
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$page" >"$wrk_out" 2>&1 &
wrk_pid=$!
sleep 1
read -r flood_blocks flood_interval flood_lag <<<"$(sample)"
wait "$wrk_pid" || true

limits="default page limits"; [ "$lifted" = 1 ] && limits="per-IP limits lifted"
echo "page flood: wrk -c$connections for ${seconds}s on node 0's page of bottle 17 ($limits), debug build"
printf '%-34s %12s %12s %8s\n' "" "quiet" "flooded" "ratio"
printf '%-34s %12s %12s %8s\n' "finalized blocks in ${seconds}s" "$quiet_blocks" "$flood_blocks" \
  "$(python3 -c "print(f'{$quiet_blocks/max($flood_blocks,1):.2f}x')")"
printf '%-34s %12s %12s %8s\n' "mean finalized block interval (ms)" "$quiet_interval" "$flood_interval" \
  "$(python3 -c "print(f'{$flood_interval/$quiet_interval:.2f}x')")"
printf '%-34s %12s %12s\n' "largest best-finalized lag" "$quiet_lag" "$flood_lag"
echo "wrk:"
grep -E "Requests/sec|requests in|Non-2xx|Socket errors|Latency " "$wrk_out" | sed 's/^/  /'
rm -f "$wrk_out"
