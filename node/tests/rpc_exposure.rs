//! The real `tracechain` process exposed as an operator would expose it: `--rpc-external` with
//! Substrate's `--rpc-methods` rules, browser origins and Host names checked, and key files that
//! others can read refused at start. Every connection is made over loopback.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

use common::DevNode;
use serde_json::{json, Value};

/// Calls `method` as a browser page at `origin` would, naming `host`; the HTTP status and body.
fn call_as(node: &DevNode, host: Option<&str>, origin: Option<&str>, method: &str) -> (u16, String) {
    let mut request = ureq::post(&format!("http://127.0.0.1:{}", node.rpc_port)).timeout(Duration::from_secs(10));
    if let Some(host) = host {
        request = request.set("Host", host);
    }
    if let Some(origin) = origin {
        request = request.set("Origin", origin);
    }
    match request.send_json(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": []})) {
        Ok(response) => (response.status(), response.into_string().expect("body")),
        Err(ureq::Error::Status(status, response)) => (status, response.into_string().expect("body")),
        Err(error) => panic!("{method}: {error}"),
    }
}

fn removal(node: &DevNode) -> Value {
    node.try_call("author_removeExtrinsic", json!([[]])).expect("answered")
}

#[test]
fn an_external_listener_serves_the_chain_but_not_the_nodes_controls() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_with(&dir.path().join("auto"), 200, &["--rpc-external"]);
    // `auto` on an external listener: the unsafe method is refused even from this machine,
    // since a reverse proxy on it makes every caller local.
    let refused = removal(&node);
    assert_eq!(refused["error"]["code"], json!(-32601), "{refused}");
    assert_eq!(refused["error"]["message"], json!("RPC call is unsafe to be called externally"), "{refused}");
    assert!(node.call("system_health", json!([])).is_object());
    // A web page elsewhere, and a rebound DNS name, are refused before any method runs.
    let (status, body) = call_as(&node, None, Some("https://evil.example"), "system_health");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--rpc-cors"), "{body}");
    let (status, body) = call_as(&node, Some("evil.example:9944"), None, "system_health");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--rpc-allowed-hosts"), "{body}");
    let (status, body) = call_as(&node, None, Some("http://localhost:3000"), "system_health");
    assert_eq!(status, 200, "{body}");
    node.stop();

    let node = DevNode::start_with(&dir.path().join("unsafe"), 200, &["--rpc-external", "--rpc-methods", "unsafe"]);
    let served = removal(&node);
    assert_eq!(served["result"], json!([]), "{served}");
    let (status, body) = call_as(&node, Some("resolver.example"), None, "system_health");
    assert_eq!(status, 403, "{body}");
    node.stop();

    let node = DevNode::start_with(
        &dir.path().join("configured"),
        200,
        &["--rpc-methods", "safe", "--rpc-cors", "https://erp.example", "--rpc-allowed-hosts", "resolver.example"],
    );
    assert_eq!(removal(&node)["error"]["code"], json!(-32601));
    assert_eq!(call_as(&node, Some("resolver.example"), Some("https://erp.example"), "system_health").0, 200);
    assert_eq!(call_as(&node, None, Some("http://localhost:3000"), "system_health").0, 403);
    node.stop();
}

#[test]
fn a_key_file_others_can_read_stops_the_node_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("validator.key");
    std::fs::write(&key, "//Alice\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tracechain"))
        .args(["--dev", "--no-prometheus", "--rpc-port", &common::free_port().to_string(), "--base-path"])
        .arg(dir.path().join("node"))
        .args(["--validator", "--key-file"])
        .arg(&key)
        .output()
        .expect("run tracechain");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("chmod 600"), "{stderr}");
}
