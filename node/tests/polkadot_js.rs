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

use common::DevNode;
use serde_json::{json, Value};

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
    let data = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&data.path().join("alice"), 300);
    let url = format!("ws://127.0.0.1:{}", node.rpc_port);
    let output = Command::new("node").arg(dir.join("client.mjs")).arg(&url).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    node.stop();
    assert!(output.status.success(), "@polkadot/api client failed:\n{stdout}\n{stderr}");
    let seen: Value = serde_json::from_str(stdout.trim().lines().last().unwrap_or_default())
        .unwrap_or_else(|error| panic!("client output is JSON ({error}):\n{stdout}\n{stderr}"));

    assert!(seen["number"].as_u64().expect("number") >= 1, "{seen}");
    assert_eq!(seen["freshNonce"], json!(0), "a fresh account reads as FRAME's default AccountInfo");
    let before = seen["nonceBefore"].as_u64().expect("nonce");
    assert_eq!(seen["nonceAfter"].as_u64(), Some(before + 3), "three transactions in a row: {seen}");
    for transaction in seen["transactions"].as_array().expect("transactions") {
        assert_eq!(transaction["error"], Value::Null, "{transaction}");
        let events = transaction["events"].as_array().expect("events");
        assert!(events.contains(&json!("system.Remarked")), "{transaction}");
        assert!(events.contains(&json!("system.ExtrinsicSuccess")), "{transaction}");
    }
    assert_eq!(seen["failed"]["error"], json!("system.RemarkTooLong"), "{seen}");
    assert!(seen["failed"]["events"].as_array().unwrap().contains(&json!("system.ExtrinsicFailed")), "{seen}");
    assert!(seen["blockEvents"].as_array().unwrap().contains(&json!("system.ExtrinsicFailed")), "{seen}");
    assert_eq!(seen["specName"], json!("tracechain"));
    assert_eq!(seen["blockHashCount"], json!(2400));
    assert!(seen["metadataVersion"].as_u64().expect("metadata version") >= 15, "{seen}");
}
