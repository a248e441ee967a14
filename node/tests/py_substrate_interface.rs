//! Existing Substrate tooling, unmodified: py-substrate-interface (PyPI, pinned by
//! `node/tests/py-substrate-interface/requirements.txt`, in a venv that `scripts/setup.sh`
//! makes) against a real `tracechain --dev`. It reads `System.Account` of a fresh account as
//! FRAME's default `AccountInfo` (nonce 0, not `None`), sends three transactions in a row from
//! one account, decodes a failing call's error to its pallet and name, and reads the block's
//! events and `System`'s constants.
//!
//! Where Python is missing the test says so and passes without running: the other client tests
//! still cover the same wire contract.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use common::DevNode;
use serde_json::{json, Value};

/// The venv's interpreter, the venv made from the pinned requirements if missing; `None` when
/// the machine has no Python 3.
fn client_python() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py-substrate-interface");
    let python = dir.join(".venv/bin/python");
    if !python.exists() {
        if Command::new("python3").arg("--version").output().is_err() {
            return None;
        }
        let venv = Command::new("python3").args(["-m", "venv"]).arg(dir.join(".venv")).status().expect("venv");
        assert!(venv.success(), "python3 -m venv in {}", dir.display());
        let install = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--requirement"])
            .arg(dir.join("requirements.txt"))
            .status()
            .expect("pip runs");
        assert!(install.success(), "pip install -r requirements.txt in {}", dir.display());
    }
    Some(python)
}

#[test]
fn py_substrate_interface_reads_typed_storage_sends_three_transactions_and_decodes_a_dispatch_error() {
    let Some(python) = client_python() else {
        eprintln!("SKIPPED: python3 is not installed, so py-substrate-interface cannot run here");
        return;
    };
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py-substrate-interface/client.py");
    let data = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&data.path().join("alice"), 300);
    let url = format!("ws://127.0.0.1:{}", node.rpc_port);
    let output = Command::new(python).arg(client).arg(&url).output().expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    node.stop();
    assert!(output.status.success(), "py-substrate-interface client failed:\n{stdout}\n{stderr}");
    let seen: Value = serde_json::from_str(stdout.trim().lines().last().unwrap_or_default())
        .unwrap_or_else(|error| panic!("client output is JSON ({error}):\n{stdout}\n{stderr}"));

    assert!(seen["number"].as_u64().expect("number") >= 1, "{seen}");
    assert_eq!(seen["freshNonce"], json!(0), "a fresh account reads as FRAME's default AccountInfo");
    let before = seen["nonceBefore"].as_u64().expect("nonce");
    assert_eq!(seen["nonceAfter"].as_u64(), Some(before + 3), "three transactions in a row: {seen}");
    for transaction in seen["transactions"].as_array().expect("transactions") {
        assert_eq!(transaction["error"], Value::Null, "{transaction}");
        let events = transaction["events"].as_array().expect("events");
        assert!(events.contains(&json!("System.Remarked")), "{transaction}");
        assert!(events.contains(&json!("System.ExtrinsicSuccess")), "{transaction}");
    }
    assert_eq!(seen["failed"]["error"], json!("System.RemarkTooLong"), "{seen}");
    assert!(seen["failed"]["events"].as_array().unwrap().contains(&json!("System.ExtrinsicFailed")), "{seen}");
    assert!(seen["blockEvents"].as_array().unwrap().contains(&json!("System.ExtrinsicFailed")), "{seen}");
    assert_eq!(seen["specName"], json!("tracechain"));
    assert_eq!(seen["blockHashCount"], json!(2400));
}
