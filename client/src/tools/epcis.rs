//! A journey as a GS1 EPCIS 2.0 `EPCISDocument` (JSON-LD) from `trace_getEpcis`, for
//! `tracechain epcis <item> --rpc URL [--out FILE] [--at HASH]`.

use serde_json::{json, Value};

use super::ToolError;
use crate::rpc::call;

/// An exported journey: the document and what a tool reports about it.
#[derive(Clone, Debug)]
pub struct EpcisExport {
    /// The `EPCISDocument`, pretty-printed, ending in a newline.
    pub text: String,
    /// How many events its `eventList` holds.
    pub events: usize,
    /// Its `creationDate`, as the node wrote it.
    pub created: String,
}

/// The EPCIS document of `item`'s journey at `rpc`, as of block `at` (the finalized one if
/// `None`).
pub fn export(rpc: &str, item: &str, at: Option<&str>) -> Result<EpcisExport, ToolError> {
    let params = match at {
        Some(at) => json!([item, at]),
        None => json!([item]),
    };
    let document = call(rpc, "trace_getEpcis", params)?;
    if document.is_null() {
        return Err(ToolError::UnknownItem { url: rpc.to_string(), item: item.to_string() });
    }
    let events = document["epcisBody"]["eventList"].as_array().map_or(0, Vec::len);
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|error| ToolError::Malformed { item: item.to_string(), reason: error.to_string() })?;
    text.push('\n');
    Ok(EpcisExport { text, events, created: created(&document) })
}

fn created(document: &Value) -> String {
    document["creationDate"].as_str().unwrap_or("?").to_string()
}
