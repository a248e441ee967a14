//! Existing Substrate tooling, unmodified: @polkadot/api (npm, pinned by
//! `node/tests/polkadot-js/package-lock.json`) against a real `tracechain --dev`. It reads
//! `System.Number` and `System.Account` as typed values (FRAME's `ValueQuery`: a fresh account
//! has nonce 0, not `None`), sends three transactions in a row from one account with the nonce it
//! derives itself, sees a failing call's `dispatchError` decode to its pallet and error, and
//! reads the block's events.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use common::client_run::{assert_client_report, run_client};

/// The client's directory, with its npm dependencies installed (`npm ci`) if missing.
fn client_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/polkadot-js");
    if !dir.join("node_modules/@polkadot/api").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (scripts/setup.sh installs node and npm)");
        assert!(status.success(), "npm ci in {}", dir.display());
    }
    dir
}

#[test]
fn polkadot_js_reads_typed_storage_sends_three_transactions_and_decodes_a_dispatch_error() {
    let dir = client_dir();
    let seen = run_client(Path::new("node"), &dir.join("client.mjs"), "@polkadot/api");
    assert_client_report(&seen, "system");
    assert!(seen["metadataVersion"].as_u64().expect("metadata version") >= 15, "{seen}");
}
