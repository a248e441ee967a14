//! One JSON-RPC call over HTTP from a command-line tool (`verify`, `qr`, `epcis`) to any node.

use std::time::Duration;

use serde_json::{json, Value};

use crate::command::CommandError;

/// How long a call may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Calls `method` with `params` at `url`; its `result`, or what went wrong (the transport, or
/// the node's JSON-RPC error).
pub fn call(url: &str, method: &str, params: Value) -> Result<Value, CommandError> {
    let failed = |reason: String| CommandError::Remote { url: url.to_string(), method: method.to_string(), reason };
    let response: Value = ureq::post(url)
        .timeout(TIMEOUT)
        .send_json(json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
        .map_err(|error| failed(error.to_string()))?
        .into_json()
        .map_err(|error| failed(error.to_string()))?;
    if let Some(error) = response.get("error") {
        return Err(failed(error.to_string()));
    }
    response.get("result").cloned().ok_or_else(|| failed("no result".into()))
}
