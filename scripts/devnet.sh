#!/usr/bin/env bash
# A local consortium network: 4 validators (and optionally a full node) on 127.0.0.1, each
# with its own base path, ports, consensus key and network key, finalizing with Malachite BFT.
#
#   ./scripts/devnet.sh up [--full-node]   # new chain spec and keys, start every node
#   ./scripts/devnet.sh status             # height, finalized head and peers of each node
#   ./scripts/devnet.sh logs [N]           # follow node N's log (default: all, last lines)
#   ./scripts/devnet.sh stop N | start N   # stop or restart one node (crash tests by hand)
#   ./scripts/devnet.sh down               # stop every node (data stays in $DEVNET_DIR)
#
# Node i listens for peers on 30333+i, JSON-RPC on 9944+i, consumer pages on 8080+i, metrics on
# 9615+i. The network's directory is $DEVNET_DIR (default /tmp/tracechain-devnet); `up` starts
# from a clean one. $DEVNET_NODE_ARGS are added to every node's command line.
# The nodes run the debug build unless TRACECHAIN_PROFILE=release; TRACECHAIN_BIN=path runs that
# binary instead, without building.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

DIR="${DEVNET_DIR:-/tmp/tracechain-devnet}"
PROFILE="${TRACECHAIN_PROFILE:-debug}"
BIN="${TRACECHAIN_BIN:-$CARGO_TARGET_DIR/$PROFILE/tracechain}"
VALIDATORS=4

build() {
  [ -n "${TRACECHAIN_BIN:-}" ] && return 0
  if [ "$PROFILE" = release ]; then
    cargo build --locked --release -q -p tracechain-node
  else
    build_debug -q
  fi
}

node_args() {
  local i=$1
  local args=(--chain "$DIR/spec.json" --base-path "$DIR/node$i" --name "node-$i"
    --node-key-file "$DIR/node$i/node.key" --listen-ip 127.0.0.1 --port $((30333 + i))
    --rpc-port $((9944 + i)) --pages-addr "127.0.0.1:$((8080 + i))" --prometheus-port $((9615 + i)))
  # shellcheck disable=SC2206
  args+=(${DEVNET_NODE_ARGS:-})
  if [ "$i" -lt "$VALIDATORS" ]; then
    args+=(--validator --key-file "$DIR/keys/validator-$i.key")
  fi
  echo "${args[@]}"
}

start_node() {
  local i=$1
  # shellcheck disable=SC2046
  nohup "$BIN" $(node_args "$i") >>"$DIR/node$i/node.log" 2>&1 &
  echo $! >"$DIR/node$i/pid"
}

stop_node() {
  local i=$1
  if [ -f "$DIR/node$i/pid" ]; then
    kill "$(cat "$DIR/node$i/pid")" 2>/dev/null || true
    rm -f "$DIR/node$i/pid"
  fi
}

nodes() {
  ls -d "$DIR"/node* 2>/dev/null | sed 's/.*node//' | sort -n
}

rpc() {
  curl -s -m 2 -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":[]}" "http://127.0.0.1:$((9944 + $1))"
}

case "${1:-}" in
  up)
    build
    "$0" down >/dev/null 2>&1 || true
    rm -rf "$DIR"
    mkdir -p "$DIR/keys"
    count=$VALIDATORS
    [ "${2:-}" = "--full-node" ] && count=$((VALIDATORS + 1))
    "$BIN" build-spec --validators "$VALIDATORS" --keys-dir "$DIR/keys" >"$DIR/spec-validators.json" 2>/dev/null
    bootnodes=()
    for i in $(seq 0 $((count - 1))); do
      mkdir -p "$DIR/node$i"
      peer=$("$BIN" key generate-node-key --file "$DIR/node$i/node.key")
      bootnodes+=("/ip4/127.0.0.1/tcp/$((30333 + i))/p2p/$peer")
    done
    python3 - "$DIR/spec-validators.json" "$DIR/spec.json" "${bootnodes[@]}" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["bootNodes"] = sys.argv[3:]
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
    for i in $(seq 0 $((count - 1))); do start_node "$i"; done
    echo "devnet: $count nodes in $DIR"
    for i in $(seq 0 $((count - 1))); do
      role=validator; [ "$i" -ge "$VALIDATORS" ] && role="full node"
      echo "  node $i ($role): RPC http://127.0.0.1:$((9944 + i))  ws://127.0.0.1:$((9944 + i))  pages http://127.0.0.1:$((8080 + i))  p2p ${bootnodes[$i]}"
    done
    ;;
  down)
    for i in $(nodes); do stop_node "$i"; done
    echo "devnet: stopped"
    ;;
  stop)
    stop_node "${2:?node number}"
    ;;
  start)
    build
    start_node "${2:?node number}"
    ;;
  status)
    for i in $(nodes); do
      pid="-"; [ -f "$DIR/node$i/pid" ] && pid=$(cat "$DIR/node$i/pid")
      header=$(rpc "$i" chain_getHeader | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))' 2>/dev/null || echo "down")
      health=$(rpc "$i" system_health | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r["peers"], "peers" + (", syncing" if r["isSyncing"] else ""))' 2>/dev/null || echo "-")
      echo "node $i (pid $pid): best #$header, $health"
    done
    ;;
  logs)
    if [ -n "${2:-}" ]; then
      tail -f "$DIR/node$2/node.log"
    else
      for i in $(nodes); do echo "== node $i"; tail -n 5 "$DIR/node$i/node.log"; done
    fi
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac
