//! Running an existing Substrate client (a script in another language) against a real
//! `tracechain --dev`, and checking what it reports it saw: typed reads, three transactions in a
//! row, a failing call decoded to its pallet and error, the block's events and constants.

use std::{path::Path, process::Command};

use serde_json::{json, Value};

use super::DevNode;

/// Runs `program script ws://…` against a fresh dev node and returns the JSON object the script
/// prints last.
pub fn run_client(program: &Path, script: &Path, name: &str) -> Value {
    let data = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&data.path().join("alice"), 300);
    let url = format!("ws://127.0.0.1:{}", node.rpc_port);
    let output = Command::new(program).arg(script).arg(&url).output().expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    node.stop();
    assert!(output.status.success(), "{name} client failed:\n{stdout}\n{stderr}");
    serde_json::from_str(stdout.trim().lines().last().unwrap_or_default())
        .unwrap_or_else(|error| panic!("{name} output is JSON ({error}):\n{stdout}\n{stderr}"))
}

/// Checks a client's report; `system` is how the client spells the System pallet's name in
/// events and errors (`system` in @polkadot/api, `System` in py-substrate-interface).
pub fn assert_client_report(seen: &Value, system: &str) {
    let name = |item: &str| json!(format!("{system}.{item}"));
    assert!(seen["number"].as_u64().expect("number") >= 1, "{seen}");
    assert_eq!(seen["freshNonce"], json!(0), "a fresh account reads as FRAME's default AccountInfo");
    let before = seen["nonceBefore"].as_u64().expect("nonce");
    assert_eq!(seen["nonceAfter"].as_u64(), Some(before + 3), "three transactions in a row: {seen}");
    for transaction in seen["transactions"].as_array().expect("transactions") {
        assert_eq!(transaction["error"], Value::Null, "{transaction}");
        let events = transaction["events"].as_array().expect("events");
        assert!(events.contains(&name("Remarked")), "{transaction}");
        assert!(events.contains(&name("ExtrinsicSuccess")), "{transaction}");
    }
    assert_eq!(seen["failed"]["error"], name("RemarkTooLong"), "{seen}");
    assert!(seen["failed"]["events"].as_array().expect("events").contains(&name("ExtrinsicFailed")), "{seen}");
    assert!(seen["blockEvents"].as_array().expect("events").contains(&name("ExtrinsicFailed")), "{seen}");
    assert_eq!(seen["specName"], json!("tracechain"));
    assert_eq!(seen["blockHashCount"], json!(2400));
}
