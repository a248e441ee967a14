//! `chain_*`: headers, blocks, hashes by number, and head subscriptions.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `chain_getBlockHash` (alias `chain_getHead`) | none, a number (JSON or hex), or a list of them | hash, `null` when unknown, or a list |
//! | `chain_getHeader` | hash? (best) | header or `null` |
//! | `chain_getBlock` | hash? (best) | signed block or `null` |
//! | `chain_getFinalizedHead` (alias `chain_getFinalisedHead`) | – | hash |
//! | `chain_subscribeNewHeads` → `chain_newHead` | – | best headers |
//! | `chain_subscribeFinalizedHeads` → `chain_finalizedHead` | – | finalized headers |
//! | `chain_subscribeAllHeads` → `chain_allHead` | – | imported headers |
//!
//! Each head subscription first sends the current head, then every new one. With BFT finality
//! every imported block is best and final at once, so "all heads" follows the best chain.
//! A subscriber that falls behind the node's broadcast buffer skips the headers it missed (the
//! next one it gets is newer) rather than holding the node back.

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, PendingSubscriptionSink, RpcModule};
use serde_json::Value;
use tokio::sync::broadcast::{self, error::RecvError};
use tracechain_primitives::{header::Header, H256};

use crate::{
    client::NodeClient,
    error::{chain_client_error, RpcError},
    json::{block_json, header_json, message, parse_block_number, Args, HeaderJson, SignedBlockJson},
};

/// Most block numbers one `chain_getBlockHash` call may ask for.
pub const MAX_BLOCK_HASH_LIST: usize = 1000;

/// Registers the `chain_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_blocking_method("chain_getBlockHash", |params, client, _| block_hash(&params, &**client))?;
    module.register_alias("chain_getHead", "chain_getBlockHash")?;
    module.register_blocking_method(
        "chain_getHeader",
        |params, client, _| -> Result<Option<HeaderJson>, ErrorObjectOwned> {
            let args = Args::parse(&params, "chain_getHeader", &["hash"])?;
            match args.hash(0)? {
                None => Ok(Some(header_json(&client.best_header()))),
                Some(hash) => Ok(client.header(&hash).map_err(chain_client_error)?.as_ref().map(header_json)),
            }
        },
    )?;
    module.register_blocking_method(
        "chain_getBlock",
        |params, client, _| -> Result<Option<SignedBlockJson>, ErrorObjectOwned> {
            let args = Args::parse(&params, "chain_getBlock", &["hash"])?;
            let hash = args.hash(0)?.unwrap_or_else(|| client.best_header().hash());
            let block = client.block(&hash).map_err(chain_client_error)?;
            Ok(block.map(|(block, justification)| block_json(&block, justification)))
        },
    )?;
    module.register_method("chain_getFinalizedHead", |_, client, _| {
        Ok::<_, ErrorObjectOwned>(client.finalized_header().hash())
    })?;
    module.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;

    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, client, _| async move {
            let heads = client.subscribe_best();
            follow_heads(pending, client.best_header(), heads).await
        },
    )?;
    module.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    module.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    module.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    module.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;

    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, client, _| async move {
            let heads = client.subscribe_finalized();
            follow_heads(pending, client.finalized_header(), heads).await
        },
    )?;
    module.register_alias("chain_subscribeFinalisedHeads", "chain_subscribeFinalizedHeads")?;
    module.register_alias("chain_unsubscribeFinalisedHeads", "chain_unsubscribeFinalizedHeads")?;

    module.register_subscription(
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        |_, pending, client, _| async move {
            let heads = client.subscribe_best();
            follow_heads(pending, client.best_header(), heads).await
        },
    )?;
    Ok(())
}

/// `chain_getBlockHash`: the best hash, one hash, or a list of hashes (each `null` if unknown).
fn block_hash(params: &jsonrpsee::types::Params<'_>, client: &dyn NodeClient) -> Result<Value, ErrorObjectOwned> {
    let args = Args::parse(params, "chain_getBlockHash", &["hash"])?;
    let hash_of = |value: &Value| -> Result<Option<H256>, ErrorObjectOwned> {
        let number = parse_block_number(value).map_err(|reason| args.error(0, reason))?;
        client.hash_of(number).map_err(chain_client_error)
    };
    match args.value(0) {
        None => Ok(serde_json::json!(client.best_header().hash())),
        Some(Value::Array(numbers)) => {
            if numbers.len() > MAX_BLOCK_HASH_LIST {
                return Err(args.error(
                    0,
                    format!("lists {} block numbers; at most {MAX_BLOCK_HASH_LIST} per call", numbers.len()),
                ));
            }
            let hashes = numbers.iter().map(hash_of).collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::json!(hashes))
        }
        Some(value) => Ok(serde_json::json!(hash_of(value)?)),
    }
}

/// Sends `current`, then every header from `heads` newer than it, until the subscriber leaves
/// or the node stops broadcasting.
async fn follow_heads(pending: PendingSubscriptionSink, current: Header, mut heads: broadcast::Receiver<Header>) {
    let Ok(sink) = pending.accept().await else { return };
    let Some(first) = message(&header_json(&current)) else { return };
    if sink.send(first).await.is_err() {
        return;
    }
    // The receiver was created before `current` was read, so it may repeat blocks up to it.
    let mut skip_up_to = Some(current.number);
    loop {
        let header = tokio::select! {
            () = sink.closed() => return,
            received = heads.recv() => match received {
                Ok(header) => header,
                Err(RecvError::Lagged(skipped)) => {
                    tracing::debug!(target: "rpc", "{}: subscriber skipped {skipped} headers", sink.method_name());
                    continue;
                }
                Err(RecvError::Closed) => return,
            },
        };
        if let Some(number) = skip_up_to {
            if header.number <= number {
                continue;
            }
            skip_up_to = None;
        }
        let Some(notification) = message(&header_json(&header)) else { return };
        if sink.send(notification).await.is_err() {
            return;
        }
    }
}
