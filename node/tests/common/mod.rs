//! Starting the real `tracechain` binary and talking to it over JSON-RPC.

#![allow(dead_code)]

pub mod qr;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod client_run;
pub mod netns;
pub mod network;
pub mod port_forward;

/// A free local TCP port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A running `tracechain --dev` process.
pub struct DevNode {
    pub child: Child,
    pub rpc_port: u16,
}

impl DevNode {
    /// Starts `tracechain --dev` on `base_path` with a fast block time, and waits for its RPC.
    pub fn start(base_path: &Path, block_time_ms: u64) -> Self {
        Self::start_with(base_path, block_time_ms, &[])
    }

    /// Starts `tracechain --dev` with `extra` arguments, and waits for its RPC.
    pub fn start_with(base_path: &Path, block_time_ms: u64, extra: &[&str]) -> Self {
        let rpc_port = free_port();
        let log = std::fs::File::create(base_path.with_extension(format!("{rpc_port}.log"))).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_tracechain"))
            .args(["--dev", "--no-prometheus", "--base-path"])
            .arg(base_path)
            .args(["--rpc-port", &rpc_port.to_string(), "--block-time-ms", &block_time_ms.to_string()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start tracechain");
        let node = Self { child, rpc_port };
        node.wait_until(Duration::from_secs(60), |node| node.try_call("system_health", json!([])).is_ok());
        node
    }

    /// Calls `method` and returns the JSON-RPC response object.
    pub fn try_call(&self, method: &str, params: Value) -> Result<Value, String> {
        ureq::post(&format!("http://127.0.0.1:{}", self.rpc_port))
            .timeout(Duration::from_secs(10))
            .send_json(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .map_err(|error| error.to_string())?
            .into_json::<Value>()
            .map_err(|error| error.to_string())
    }

    /// Calls `method` and returns its `result`, panicking on an error.
    pub fn call(&self, method: &str, params: Value) -> Value {
        let response = self.try_call(method, params.clone()).unwrap_or_else(|error| panic!("{method}: {error}"));
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!("{method}({params}) failed: {response}"),
        }
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes (then panics).
    pub fn wait_until(&self, timeout: Duration, condition: impl Fn(&Self) -> bool) {
        let started = Instant::now();
        while !condition(self) {
            assert!(started.elapsed() < timeout, "condition not met within {timeout:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The number of the finalized head.
    pub fn finalized_number(&self) -> u32 {
        let hash = self.call("chain_getFinalizedHead", json!([]));
        let header = self.call("chain_getHeader", json!([hash]));
        u32::from_str_radix(header["number"].as_str().expect("number").trim_start_matches("0x"), 16).expect("hex")
    }

    /// Stops the node gracefully (SIGTERM) and waits for it.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }

    /// Kills the node with SIGKILL, as a crash would.
    pub fn kill_9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `0x`-hex of bytes.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}
