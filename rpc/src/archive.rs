//! `archive_v1_*`: any block's header, body, storage and runtime calls, as the new JSON-RPC
//! interface defines them.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `archive_v1_finalizedHeight` | – | the finalized block's number |
//! | `archive_v1_genesisHash` | – | the genesis hash |
//! | `archive_v1_hashByHeight` | height | `[hash]`, or `[]` above the best block |
//! | `archive_v1_header` | hash | SCALE header in hex, or `null` |
//! | `archive_v1_body` | hash | the extrinsics in hex, or `null` |
//! | `archive_v1_call` | hash, function, callParameters | `{"success": true, "value"}`, `{"success": false, "error"}`, or `null` for an unknown block |
//! | `archive_v1_storage` → `archive_v1_storageEvent` (unsubscribe `archive_v1_stopStorage`) | hash, items, childTrie? | `storage` events, then `storageDone` (or `storageError`) |
//! | `archive_v1_storageDiff` → `archive_v1_storageDiffEvent` (unsubscribe `archive_v1_stopStorageDiff`) | hash, items?, previousHash? | `storageDiff` events, then `storageDiffDone` (or `storageDiffError`) |
//!
//! Tracechain's chain is linear and every block is final once imported, so each height up to the
//! best block has exactly one hash.
//!
//! ## Storage
//! `archive_v1_storage` items are those of [`crate::storage_query`], plus `paginationStartKey`
//! (exclusive) for the descendants types. Each result is one `storage` event
//! `{"event": "storage", "key", "value" | "hash" | "closestDescendantMerkleValue"}`; the
//! descendants are read page by page and sent one by one, so a subscriber that stops reading
//! holds the read, not memory. An unknown block is a `storageError` event.
//!
//! `archive_v1_storageDiff` compares the block's state with `previousHash`'s (default: its
//! parent; it must be an ancestor) for each item `{"key"?: prefix, "returnType": "value" | "hash",
//! "childTrieKey"?}` (no items: the whole trie), walking both states' keys in order: each
//! difference is `{"event": "storageDiff", "key", "value" | "hash", "type": "added" | "modified" |
//! "deleted"}` (a deleted entry carries its former value or hash).
//!
//! ## Bounds and errors
//! At most **64** items per call, more is error -32602; at most **4** storage or diff streams at
//! once per connection, one more is error -32800. Bad parameters (hex, a malformed `type` or
//! `returnType`, a height that is not a non-negative integer) are -32602.

use std::sync::Arc;

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned},
    PendingSubscriptionSink, RpcModule, SubscriptionSink,
};
use parity_scale_codec::Encode;
use serde_json::{json, Value};
use tracechain_primitives::{hashing::blake2_256_h, header::Header, H256};

use crate::{
    chain_head::describe,
    client::{ClientError, NodeClient},
    config::NewApiLimits,
    connection_slots::{ConnectionSlots, Slot},
    error::{chain_client_error, invalid_params, RpcError},
    json::{decode_hex, message, to_hex, Args},
    storage_query::{self, StorageItem, StorageQuery},
};

/// Keys read per page while walking descendants or diffs.
const PAGE: usize = 256;
/// The error code for a connection over its stream bound (the chain-head "limit" code).
const TOO_MANY_STREAMS: i32 = -32800;

/// Why an `archive_v1_*` call was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// The connection runs its bound of streams.
    #[error(
        "this connection already runs {max} archive_v1_storage / archive_v1_storageDiff streams, the most allowed"
    )]
    TooManyStreams {
        /// The bound.
        max: usize,
    },
    /// A diff item is malformed.
    #[error("item {index}: {reason}")]
    BadDiffItem {
        /// The item's position.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// `height` is not a block number.
    #[error("`height` must be a non-negative integer")]
    BadHeight,
}

impl From<ArchiveError> for ErrorObjectOwned {
    fn from(error: ArchiveError) -> Self {
        match error {
            ArchiveError::TooManyStreams { .. } => ErrorObject::owned(TOO_MANY_STREAMS, error.to_string(), None::<()>),
            _ => invalid_params(error.to_string()),
        }
    }
}

/// Registers the `archive_v1_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>, limits: &NewApiLimits) -> Result<(), RpcError> {
    let streams = ConnectionSlots::new(limits.archive_streams_per_connection);
    let max_items = limits.archive_items_per_call;

    module.register_method("archive_v1_finalizedHeight", |_, client, _| client.finalized_header().number)?;
    module.register_method("archive_v1_genesisHash", |_, client, _| -> Result<H256, ErrorObjectOwned> {
        Ok(client.genesis_hash())
    })?;
    module.register_blocking_method(
        "archive_v1_hashByHeight",
        |params, client, _| -> Result<Vec<H256>, ErrorObjectOwned> {
            let args = Args::parse(&params, "archive_v1_hashByHeight", &["height"])?;
            let height = args
                .required(0)?
                .as_u64()
                .ok_or(ArchiveError::BadHeight)?
                .try_into()
                .map_err(|_| ArchiveError::BadHeight)?;
            Ok(client.hash_of(height).map_err(chain_client_error)?.into_iter().collect())
        },
    )?;
    module.register_blocking_method(
        "archive_v1_header",
        |params, client, _| -> Result<Option<String>, ErrorObjectOwned> {
            let args = Args::parse(&params, "archive_v1_header", &["hash"])?;
            let hash = required_hash(&args, 0)?;
            Ok(client.header(&hash).map_err(chain_client_error)?.map(|header| to_hex(&header.encode())))
        },
    )?;
    module.register_blocking_method(
        "archive_v1_body",
        |params, client, _| -> Result<Option<Vec<String>>, ErrorObjectOwned> {
            let args = Args::parse(&params, "archive_v1_body", &["hash"])?;
            let hash = required_hash(&args, 0)?;
            let block = client.block(&hash).map_err(chain_client_error)?;
            Ok(block.map(|(block, _)| block.extrinsics.iter().map(|extrinsic| to_hex(&extrinsic.encoded())).collect()))
        },
    )?;
    module.register_blocking_method("archive_v1_call", |params, client, _| -> Result<Value, ErrorObjectOwned> {
        let args = Args::parse(&params, "archive_v1_call", &["hash", "function", "callParameters"])?;
        let hash = required_hash(&args, 0)?;
        let function = args.required_str(1)?;
        let input = args.required_bytes(2)?;
        let Some(header) = client.header(&hash).map_err(chain_client_error)? else { return Ok(Value::Null) };
        Ok(match crate::state::runtime_call(&**client, &header, function, &input) {
            Ok(output) => json!({ "success": true, "value": to_hex(&output) }),
            Err(error) => json!({ "success": false, "error": describe(&error) }),
        })
    })?;

    let storage_streams = Arc::clone(&streams);
    module.register_subscription(
        "archive_v1_storage",
        "archive_v1_storageEvent",
        "archive_v1_stopStorage",
        move |params, pending, client, _| {
            let streams = Arc::clone(&storage_streams);
            async move {
                let parsed =
                    Args::parse(&params, "archive_v1_storage", &["hash", "items", "childTrie"]).and_then(|args| {
                        let hash = required_hash(&args, 0)?;
                        let items = storage_query::parse_items(args.value(1), Some(max_items))?;
                        let child_trie = storage_query::parse_child_trie(args.value(2))?;
                        Ok((hash, items, child_trie))
                    });
                let (hash, mut items, child_trie) = match parsed {
                    Ok(parsed) => parsed,
                    Err(error) => return pending.reject(error).await,
                };
                let Some((slot, sink)) = accept_stream(pending, &streams).await else { return };
                if child_trie {
                    items.clear();
                }
                stream_storage(sink, Arc::clone(&client), hash, items, slot).await
            }
        },
    )?;

    let diff_streams = Arc::clone(&streams);
    module.register_subscription(
        "archive_v1_storageDiff",
        "archive_v1_storageDiffEvent",
        "archive_v1_stopStorageDiff",
        move |params, pending, client, _| {
            let streams = Arc::clone(&diff_streams);
            async move {
                let parsed = Args::parse(&params, "archive_v1_storageDiff", &["hash", "items", "previousHash"])
                    .and_then(|args| {
                        let hash = required_hash(&args, 0)?;
                        let items = parse_diff_items(args.value(1), max_items)?;
                        Ok((hash, items, args.hash(2)?))
                    });
                let (hash, items, previous) = match parsed {
                    Ok(parsed) => parsed,
                    Err(error) => return pending.reject(error).await,
                };
                let Some((slot, sink)) = accept_stream(pending, &streams).await else { return };
                stream_diff(sink, Arc::clone(&client), hash, previous, items, slot).await
            }
        },
    )?;
    Ok(())
}

fn required_hash(args: &Args, index: usize) -> Result<H256, ErrorObjectOwned> {
    args.hash(index)?.ok_or_else(|| args.error(index, "is required: a 0x-prefixed 32-byte block hash".into()))
}

/// Takes a stream slot for the caller's connection and accepts, or refuses with -32800.
async fn accept_stream(
    pending: PendingSubscriptionSink,
    streams: &Arc<ConnectionSlots>,
) -> Option<(Slot, SubscriptionSink)> {
    let Some(slot) = streams.acquire(pending.connection_id()) else {
        pending.reject(ArchiveError::TooManyStreams { max: streams.max() }).await;
        return None;
    };
    let sink = pending.accept().await.ok()?;
    Some((slot, sink))
}

/// Runs a blocking node read off the async threads.
async fn blocking<T: Send + 'static>(
    read: impl FnOnce() -> Result<T, ClientError> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(read).await {
        Ok(result) => result.map_err(|error| error.to_string()),
        Err(error) => Err(format!("the read failed: {error}")),
    }
}

async fn send(sink: &SubscriptionSink, event: &Value) -> bool {
    match message(event) {
        Some(notification) => sink.send(notification).await.is_ok(),
        None => false,
    }
}

fn storage_event(item: &StorageItem) -> Value {
    let mut event = serde_json::to_value(item).unwrap_or_else(|_| json!({}));
    event["event"] = json!("storage");
    event
}

/// The header of `hash`, or why not.
async fn header_of(client: &Arc<dyn NodeClient>, hash: H256) -> Result<Header, String> {
    let reader = Arc::clone(client);
    blocking(move || reader.header(&hash))
        .await?
        .ok_or_else(|| format!("unknown block {hash:?}: this node has no block with that hash"))
}

async fn stream_storage(
    sink: SubscriptionSink,
    client: Arc<dyn NodeClient>,
    hash: H256,
    items: Vec<StorageQuery>,
    _slot: Slot,
) {
    let outcome = async {
        let state_root = header_of(&client, hash).await?.state_root;
        for query in items {
            let query = Arc::new(query);
            if !query.query_type.is_descendants() {
                let (reader, single) = (Arc::clone(&client), Arc::clone(&query));
                if let Some(item) = blocking(move || storage_query::read_one(&*reader, state_root, &single)).await? {
                    if !send(&sink, &storage_event(&item)).await {
                        return Ok(false);
                    }
                }
                continue;
            }
            let mut after = query.pagination_start_key.clone();
            loop {
                let (reader, page_query, start) = (Arc::clone(&client), Arc::clone(&query), after.clone());
                let (items, more) = blocking(move || {
                    storage_query::descendants_page(&*reader, state_root, &page_query, start.as_deref(), PAGE)
                })
                .await?;
                for item in &items {
                    if !send(&sink, &storage_event(item)).await {
                        return Ok(false);
                    }
                }
                after = storage_query::resume_key(&items);
                if !more || after.is_none() {
                    break;
                }
            }
        }
        Ok::<bool, String>(true)
    }
    .await;
    match outcome {
        Ok(true) => {
            send(&sink, &json!({ "event": "storageDone" })).await;
        }
        Ok(false) => {}
        Err(error) => {
            send(&sink, &json!({ "event": "storageError", "error": error })).await;
        }
    }
}

/// One `archive_v1_storageDiff` item.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DiffItem {
    prefix: Vec<u8>,
    as_hash: bool,
    child_trie: bool,
}

fn parse_diff_items(items: Option<&Value>, max: usize) -> Result<Vec<DiffItem>, ErrorObjectOwned> {
    let items = match items {
        None | Some(Value::Null) => {
            return Ok(vec![DiffItem { prefix: Vec::new(), as_hash: false, child_trie: false }]);
        }
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid_params("`items` must be an array of {\"key\"?, \"returnType\"} objects")),
    };
    if items.len() > max {
        return Err(storage_query::QueryError::TooMany { count: items.len(), max }.into());
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let bad = |reason| ErrorObjectOwned::from(ArchiveError::BadDiffItem { index, reason });
            let Value::Object(fields) = item else { return Err(bad("must be an object")) };
            let hex_field = |name: &str| match fields.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value.as_str().and_then(|text| decode_hex(text).ok()).map(Some).ok_or(()),
            };
            let prefix = hex_field("key").map_err(|()| bad("`key` must be a 0x-prefixed hex string"))?;
            let child_trie = hex_field("childTrieKey").map_err(|()| bad("`childTrieKey` must be hex"))?.is_some();
            let as_hash = match fields.get("returnType").and_then(Value::as_str) {
                Some("value") => false,
                Some("hash") => true,
                _ => return Err(bad("`returnType` must be \"value\" or \"hash\"")),
            };
            Ok(DiffItem { prefix: prefix.unwrap_or_default(), as_hash, child_trie })
        })
        .collect()
}

async fn stream_diff(
    sink: SubscriptionSink,
    client: Arc<dyn NodeClient>,
    hash: H256,
    previous: Option<H256>,
    items: Vec<DiffItem>,
    _slot: Slot,
) {
    let outcome = async {
        let header = header_of(&client, hash).await?;
        let previous = match previous {
            Some(previous) => previous,
            None if header.number == 0 => return Err("the genesis block has no parent to compare with".to_string()),
            None => header.parent_hash,
        };
        let before = header_of(&client, previous).await?;
        // The chain is linear: an ancestor is the canonical block at a lower height.
        let reader = Arc::clone(&client);
        let number = before.number;
        let canonical = blocking(move || reader.hash_of(number)).await?;
        if before.number >= header.number || canonical != Some(previous) {
            return Err(format!("previousHash {previous:?} is not an ancestor of {hash:?}"));
        }
        for item in items.iter().filter(|item| !item.child_trie) {
            if !diff_prefix(&sink, &client, before.state_root, header.state_root, item).await? {
                return Ok(false);
            }
        }
        Ok::<bool, String>(true)
    }
    .await;
    match outcome {
        Ok(true) => {
            send(&sink, &json!({ "event": "storageDiffDone" })).await;
        }
        Ok(false) => {}
        Err(error) => {
            send(&sink, &json!({ "event": "storageDiffError", "error": error })).await;
        }
    }
}

/// The keys under `prefix` in `state_root` after `after`, one page.
async fn key_page(
    client: &Arc<dyn NodeClient>,
    state_root: H256,
    prefix: &[u8],
    after: Option<Vec<u8>>,
) -> Result<std::collections::VecDeque<Vec<u8>>, String> {
    let (reader, prefix) = (Arc::clone(client), prefix.to_vec());
    blocking(move || reader.storage_keys(state_root, &prefix, PAGE, after.as_deref())).await.map(Into::into)
}

async fn value_at(client: &Arc<dyn NodeClient>, state_root: H256, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let (reader, key) = (Arc::clone(client), key.to_vec());
    blocking(move || reader.storage(state_root, &key)).await
}

/// Walks the keys under the item's prefix in both states in order and sends each difference;
/// `false` when the subscriber left.
async fn diff_prefix(
    sink: &SubscriptionSink,
    client: &Arc<dyn NodeClient>,
    old_root: H256,
    new_root: H256,
    item: &DiffItem,
) -> Result<bool, String> {
    let prefix = &item.prefix;
    let (mut old_keys, mut new_keys) =
        (key_page(client, old_root, prefix, None).await?, key_page(client, new_root, prefix, None).await?);
    let (mut old_last, mut new_last): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
    loop {
        // Refill a side that ran dry and may have more.
        if old_keys.is_empty() && old_last.is_some() {
            old_keys = key_page(client, old_root, prefix, old_last.take()).await?;
        }
        if new_keys.is_empty() && new_last.is_some() {
            new_keys = key_page(client, new_root, prefix, new_last.take()).await?;
        }
        let (key, in_old, in_new) = match (old_keys.front(), new_keys.front()) {
            (None, None) => return Ok(true),
            (Some(old), None) => (old.clone(), true, false),
            (None, Some(new)) => (new.clone(), false, true),
            (Some(old), Some(new)) => match old.cmp(new) {
                std::cmp::Ordering::Less => (old.clone(), true, false),
                std::cmp::Ordering::Greater => (new.clone(), false, true),
                std::cmp::Ordering::Equal => (old.clone(), true, true),
            },
        };
        if in_old {
            old_keys.pop_front();
            if old_keys.is_empty() {
                old_last = Some(key.clone());
            }
        }
        if in_new {
            new_keys.pop_front();
            if new_keys.is_empty() {
                new_last = Some(key.clone());
            }
        }
        let old_value = if in_old { value_at(client, old_root, &key).await? } else { None };
        let new_value = if in_new { value_at(client, new_root, &key).await? } else { None };
        let (kind, shown) = match (&old_value, &new_value) {
            (None, Some(new)) => ("added", new),
            (Some(old), None) => ("deleted", old),
            (Some(old), Some(new)) if old != new => ("modified", new),
            _ => continue,
        };
        let mut event = json!({ "event": "storageDiff", "key": to_hex(&key), "type": kind });
        if item.as_hash {
            event["hash"] = json!(blake2_256_h(shown));
        } else {
            event["value"] = json!(to_hex(shown));
        }
        if !send(sink, &event).await {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_items_parse() {
        assert_eq!(
            parse_diff_items(None, 4).unwrap(),
            vec![DiffItem { prefix: vec![], as_hash: false, child_trie: false }]
        );
        let items = json!([{"key": "0x01", "returnType": "hash"}, {"returnType": "value", "childTrieKey": "0x02"}]);
        let parsed = parse_diff_items(Some(&items), 4).unwrap();
        assert_eq!(parsed[0], DiffItem { prefix: vec![1], as_hash: true, child_trie: false });
        assert!(parsed[1].child_trie);
        assert_eq!(parse_diff_items(Some(&json!([{"returnType": "values"}])), 4).unwrap_err().code(), -32602);
        assert_eq!(parse_diff_items(Some(&items), 1).unwrap_err().code(), -32602);
    }
}
