//! A journey proof fetched for checking, for `tracechain verify <item> --rpc URL
//! --chain-spec FILE`: the node's `trace_getJourneyProof` answer, checked with
//! [`tracechain_verify::verify_journey_proof`] against the chain spec alone.

use serde_json::json;
use tracechain_runtime::ChainSpec;
use tracechain_verify::{verify_journey_proof, JourneyProof, VerifiedJourney, VerifyError};

use super::ToolError;
use crate::rpc::call;

/// `trace_getJourneyProof` of `item` at `rpc`, decoded but not yet checked.
pub fn fetch_proof(rpc: &str, item: &str) -> Result<JourneyProof, ToolError> {
    let answer = call(rpc, "trace_getJourneyProof", json!([item]))?;
    if answer.is_null() {
        return Err(ToolError::UnknownItem { url: rpc.to_string(), item: item.to_string() });
    }
    serde_json::from_value(answer)
        .map_err(|error| ToolError::Malformed { item: item.to_string(), reason: format!("malformed proof: {error}") })
}

/// Fetches the proof of `item` from `rpc` and checks it against `spec`: the verified journey,
/// or why it could not be fetched (outer error) or does not verify (inner error).
pub fn fetch_and_verify(
    spec: &ChainSpec,
    rpc: &str,
    item: &str,
) -> Result<Result<VerifiedJourney, VerifyError>, ToolError> {
    let proof = fetch_proof(rpc, item)?;
    Ok(verify_journey_proof(spec, item, &proof))
}
