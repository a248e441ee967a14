//! The `result` payloads of `chainHead_v1_followEvent` notifications, as JSON, in the spec's
//! shapes (and as subxt 0.51's `FollowEvent` parses them).

use serde_json::{json, Map, Value};
use tracechain_primitives::H256;
use tracechain_runtime::VERSION;

use crate::{json::runtime_version_json, storage_query::StorageItem};

/// The runtime of every block, as `finalizedBlockRuntime` / `newRuntime` report it:
/// `{"type": "valid", "spec": {…, "apis": {"0x<id>": version}}}`. The runtime is native and fixed
/// for the life of the node binary, so every block has this one.
pub fn runtime() -> Value {
    let version = runtime_version_json(&VERSION);
    let apis: Map<String, Value> = version.apis.into_iter().map(|(id, api)| (id, Value::from(api))).collect();
    json!({
        "type": "valid",
        "spec": {
            "specName": version.spec_name,
            "implName": version.impl_name,
            "specVersion": version.spec_version,
            "implVersion": version.impl_version,
            "transactionVersion": version.transaction_version,
            "apis": apis,
        }
    })
}

/// `initialized`: the pinned finalized blocks, oldest first; the runtime only `with_runtime`.
pub fn initialized(finalized: &[H256], with_runtime: bool) -> Value {
    let mut event = json!({ "event": "initialized", "finalizedBlockHashes": finalized });
    if with_runtime {
        event["finalizedBlockRuntime"] = runtime();
    }
    event
}

/// `newBlock`; `newRuntime` is `null` (the runtime never changes under a running node) when
/// `with_runtime`, and absent otherwise.
pub fn new_block(hash: H256, parent: H256, with_runtime: bool) -> Value {
    let mut event = json!({ "event": "newBlock", "blockHash": hash, "parentBlockHash": parent });
    if with_runtime {
        event["newRuntime"] = Value::Null;
    }
    event
}

/// `bestBlockChanged`.
pub fn best_block_changed(hash: H256) -> Value {
    json!({ "event": "bestBlockChanged", "bestBlockHash": hash })
}

/// `finalized`; nothing is ever pruned: BFT finality leaves no forks.
pub fn finalized(hashes: &[H256]) -> Value {
    json!({ "event": "finalized", "finalizedBlockHashes": hashes, "prunedBlockHashes": [] })
}

/// `stop`: the subscription is over.
pub fn stop() -> Value {
    json!({ "event": "stop" })
}

/// `operationBodyDone` with the block's extrinsics in hex.
pub fn body_done(operation: &str, extrinsics: Vec<String>) -> Value {
    json!({ "event": "operationBodyDone", "operationId": operation, "value": extrinsics })
}

/// `operationCallDone` with the runtime call's output in hex.
pub fn call_done(operation: &str, output: String) -> Value {
    json!({ "event": "operationCallDone", "operationId": operation, "output": output })
}

/// `operationStorageItems`.
pub fn storage_items(operation: &str, items: &[StorageItem]) -> Value {
    json!({ "event": "operationStorageItems", "operationId": operation, "items": items })
}

/// `operationWaitingForContinue`.
pub fn waiting_for_continue(operation: &str) -> Value {
    json!({ "event": "operationWaitingForContinue", "operationId": operation })
}

/// `operationStorageDone`.
pub fn storage_done(operation: &str) -> Value {
    json!({ "event": "operationStorageDone", "operationId": operation })
}

/// `operationInaccessible`: the data is not available now; trying again may work.
pub fn inaccessible(operation: &str) -> Value {
    json!({ "event": "operationInaccessible", "operationId": operation })
}

/// `operationError`: the operation cannot succeed.
pub fn error(operation: &str, error: String) -> Value {
    json!({ "event": "operationError", "operationId": operation, "error": error })
}
