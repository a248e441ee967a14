//! `author_*`: submitting transactions and watching them.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `author_submitExtrinsic` | extrinsic (hex, length-prefixed) | transaction hash |
//! | `author_submitAndWatchExtrinsic` → `author_extrinsicUpdate` (unsubscribe `author_unwatchExtrinsic`) | extrinsic | statuses |
//! | `author_pendingExtrinsics` | – | pooled extrinsics in hex |
//! | `author_removeExtrinsic` | `[{"hash": h} \| {"extrinsic": bytes}, …]` | hashes removed from the pool; only for callers on the node's machine ([`crate::local_only`]) |
//!
//! Statuses are Substrate's JSON: `"future"`, `"ready"`, `{"inBlock": hash}`,
//! `{"finalized": hash}`, `"invalid"`, `"dropped"`. The subscription ends after a final one
//! (`finalized`, `invalid`, `dropped`). A refused submission is an error response to the call
//! itself, with Substrate's author codes (see [`crate::error`]).

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, PendingSubscriptionSink, RpcModule};
use tracechain_primitives::{hashing::blake2_256_h, H256};

use crate::{
    client::{NodeClient, TransactionStatus},
    error::{submit_error, RpcError},
    json::{decode_hex, message, status_json, to_hex, Args},
};

/// Most entries one `author_removeExtrinsic` takes.
pub const MAX_REMOVE: usize = 1000;

/// Substrate's `ExtrinsicOrHash`: `{"hash": "0x…"}` or `{"extrinsic": "0x…"}`; the hash either way.
fn extrinsic_or_hash(entry: &serde_json::Value) -> Result<H256, String> {
    let decode = |value: &serde_json::Value| {
        value.as_str().ok_or_else(|| "expected a hex string".to_string()).and_then(decode_hex)
    };
    match (entry.get("hash"), entry.get("extrinsic")) {
        (Some(hash), None) => {
            let bytes = decode(hash)?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| "a hash is 32 bytes".to_string())?;
            Ok(H256(bytes))
        }
        (None, Some(extrinsic)) => Ok(blake2_256_h(&decode(extrinsic)?)),
        _ => Err(format!("expected {{\"hash\": …}} or {{\"extrinsic\": …}}, got {entry}")),
    }
}

/// Registers the `author_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_blocking_method(
        "author_submitExtrinsic",
        |params, client, _| -> Result<H256, ErrorObjectOwned> {
            let args = Args::parse(&params, "author_submitExtrinsic", &["extrinsic"])?;
            let bytes = args.required_bytes(0)?;
            let (hash, status) = client.submit(bytes).map_err(submit_error)?;
            tracing::debug!(target: "rpc", "author_submitExtrinsic: {hash:?} is {status:?}");
            Ok(hash)
        },
    )?;
    module.register_method("author_pendingExtrinsics", |_, client, _| {
        client.pending().iter().map(|bytes| to_hex(bytes)).collect::<Vec<_>>()
    })?;
    module.register_method("author_removeExtrinsic", |params, client, _| -> Result<Vec<H256>, ErrorObjectOwned> {
        let args = Args::parse(&params, "author_removeExtrinsic", &["bytesOrHash"])?;
        let entries = args.required(0)?.as_array().ok_or_else(|| args.error(0, "expected a list".into()))?;
        if entries.len() > MAX_REMOVE {
            return Err(args.error(0, format!("at most {MAX_REMOVE} entries per call")));
        }
        let hashes = entries
            .iter()
            .map(|entry| extrinsic_or_hash(entry).map_err(|reason| args.error(0, reason)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(client.remove_pooled(&hashes))
    })?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, client, _| async move {
            let bytes = match Args::parse(&params, "author_submitAndWatchExtrinsic", &["bytes"])
                .and_then(|args| args.required_bytes(0))
            {
                Ok(bytes) => bytes,
                Err(error) => return pending.reject(error).await,
            };
            match client.submit_and_watch(bytes) {
                Ok((hash, statuses)) => watch(pending, hash, statuses).await,
                Err(error) => pending.reject(submit_error(error)).await,
            }
        },
    )?;
    Ok(())
}

/// Forwards `statuses` until a final one, the end of the stream, or the subscriber leaving.
async fn watch(
    pending: PendingSubscriptionSink,
    hash: H256,
    mut statuses: tokio::sync::mpsc::Receiver<TransactionStatus>,
) {
    let Ok(sink) = pending.accept().await else { return };
    loop {
        let status = tokio::select! {
            () = sink.closed() => return,
            status = statuses.recv() => match status {
                Some(status) => status,
                None => return,
            },
        };
        tracing::trace!(target: "rpc", "author_extrinsicUpdate: {hash:?} is {status:?}");
        let Some(notification) = message(&status_json(&status)) else { return };
        if sink.send(notification).await.is_err() || is_final(&status) {
            return;
        }
    }
}

/// Whether nothing can follow `status`.
fn is_final(status: &TransactionStatus) -> bool {
    matches!(status, TransactionStatus::Finalized(_) | TransactionStatus::Invalid | TransactionStatus::Dropped)
}
