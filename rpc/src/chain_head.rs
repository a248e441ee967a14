//! `chainHead_v1_*`: following the head of the chain, as the new JSON-RPC interface
//! (paritytech/json-rpc-interface-spec) defines it.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `chainHead_v1_follow` → `chainHead_v1_followEvent` (unsubscribe `chainHead_v1_unfollow`) | withRuntime | subscription id |
//! | `chainHead_v1_header` | followSubscription, hash | SCALE header in hex; `null` for an unknown subscription |
//! | `chainHead_v1_body` | followSubscription, hash | `{"result": "started", "operationId"}` or `{"result": "limitReached"}` |
//! | `chainHead_v1_call` | followSubscription, hash, function, callParameters | the same |
//! | `chainHead_v1_storage` | followSubscription, hash, items, childTrie? | the same, with `discardedItems` |
//! | `chainHead_v1_continue` | followSubscription, operationId | `null` |
//! | `chainHead_v1_stopOperation` | followSubscription, operationId | `null` |
//! | `chainHead_v1_unpin` | followSubscription, hashOrHashes | `null` |
//!
//! ## Events
//! A follow first sends `initialized` with the recent finalized blocks (oldest first, the
//! current finalized block last; `finalizedBlockRuntime` when `withRuntime`), then a `newBlock`
//! per block above it and `bestBlockChanged`. Then, per imported block: `newBlock` (with
//! `newRuntime: null` when `withRuntime`: the native runtime never changes under a running
//! node), `bestBlockChanged` and `finalized` (`prunedBlockHashes` is always empty: BFT finality
//! leaves no forks). Operations report `operationBodyDone`, `operationCallDone`,
//! `operationStorageItems` / `operationWaitingForContinue` / `operationStorageDone`,
//! `operationInaccessible` or `operationError` on the same subscription. `stop` ends it.
//!
//! ## Pinning and bounds (defaults of [`crate::NewApiLimits`])
//! - Every reported block is pinned for its subscription until `chainHead_v1_unpin`. A
//!   subscription holds at most **512** pinned blocks; the block that would pass that sends
//!   `stop` (a client that never unpins is stopped, never grows memory without bound). A gap in
//!   the node's notifications wider than that bound also ends in `stop`.
//! - `initialized` reports (and pins) the last **16** finalized blocks.
//! - At most **4** follow subscriptions per connection (the spec asks for at least 2); one more
//!   is refused with error -32800.
//! - At most **32** operations in progress per subscription (the spec asks for at least 16),
//!   each storage item counting as one: a storage call gets the free slots and reports the rest
//!   as `discardedItems`, and a call finding none free gets `limitReached`.
//! - A descendants storage query sends at most **64** entries, then
//!   `operationWaitingForContinue`, and resumes on `chainHead_v1_continue`.
//!
//! ## Errors (the spec's codes)
//! - -32602: a parameter of the wrong type, bad hex, a malformed storage item `type`.
//! - -32800: too many follow subscriptions on this connection.
//! - -32801: a block hash the subscription has not reported or has unpinned.
//! - -32802: `chainHead_v1_call` on a subscription without `withRuntime`.
//! - -32803: `chainHead_v1_continue` for an operation not waiting for it.
//! - -32804: the same hash twice in one `chainHead_v1_unpin`.
//!
//! An unknown or stale `followSubscription` is not an error: `header` answers `null`, the
//! operations `limitReached`, and `continue`, `stopOperation` and `unpin` do nothing. `unfollow`
//! is jsonrpsee's unsubscribe, which answers `true` or `false` (as Substrate's does). Storage is
//! read raw from the node (as `state_getStorage` reads it): an absent key yields no item.

mod events;
mod follow;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
};

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned, SubscriptionId},
    RpcModule,
};
use parity_scale_codec::Encode;
use serde_json::{json, Value};
use tracechain_primitives::{header::Header, H256};

use crate::{
    client::NodeClient,
    config::NewApiLimits,
    connection_slots::ConnectionSlots,
    error::RpcError,
    json::{to_hex, Args},
    storage_query::{self, StorageQuery},
};
pub use follow::{Follow, OperationHandle};

/// The spec's error codes for `chainHead_v1_*`.
pub mod codes {
    /// Too many follow subscriptions on the connection.
    pub const TOO_MANY_FOLLOWS: i32 = -32800;
    /// A block not reported by the subscription, or unpinned.
    pub const INVALID_BLOCK_HASH: i32 = -32801;
    /// A call on a subscription without `withRuntime`.
    pub const NO_RUNTIME: i32 = -32802;
    /// A `continue` for an operation not waiting for one.
    pub const NOT_WAITING_FOR_CONTINUE: i32 = -32803;
    /// A hash given twice to `unpin`.
    pub const DUPLICATE_HASHES: i32 = -32804;
}

/// Why a `chainHead_v1_*` call was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainHeadError {
    /// The connection already holds its follow subscriptions.
    #[error("this connection already holds {max} chainHead_v1_follow subscriptions, the most allowed")]
    TooManyFollows {
        /// The bound.
        max: usize,
    },
    /// The hash is not a block pinned by this subscription.
    #[error("Invalid block hash: {0:?} is not pinned by this subscription (never reported, or unpinned)")]
    InvalidBlockHash(H256),
    /// `withRuntime` was false.
    #[error("this chainHead_v1_follow subscription was started with withRuntime false, so it cannot call the runtime")]
    NoRuntime,
    /// The operation is not waiting for `chainHead_v1_continue`.
    #[error("the operation is not waiting for chainHead_v1_continue")]
    NotWaitingForContinue,
    /// A hash listed twice.
    #[error("hash {0:?} is listed more than once")]
    DuplicateHashes(H256),
}

impl From<ChainHeadError> for ErrorObjectOwned {
    fn from(error: ChainHeadError) -> Self {
        let code = match error {
            ChainHeadError::TooManyFollows { .. } => codes::TOO_MANY_FOLLOWS,
            ChainHeadError::InvalidBlockHash(_) => codes::INVALID_BLOCK_HASH,
            ChainHeadError::NoRuntime => codes::NO_RUNTIME,
            ChainHeadError::NotWaitingForContinue => codes::NOT_WAITING_FOR_CONTINUE,
            ChainHeadError::DuplicateHashes(_) => codes::DUPLICATE_HASHES,
        };
        ErrorObject::owned(code, error.to_string(), None::<()>)
    }
}

/// The live follow subscriptions, by subscription id.
pub struct Registry {
    limits: NewApiLimits,
    follow_slots: Arc<ConnectionSlots>,
    follows: Mutex<HashMap<String, Arc<Follow>>>,
}

impl Registry {
    fn get(&self, id: &str) -> Option<Arc<Follow>> {
        self.follows.lock().unwrap_or_else(PoisonError::into_inner).get(id).cloned()
    }

    fn insert(&self, id: String, follow: Arc<Follow>) {
        self.follows.lock().unwrap_or_else(PoisonError::into_inner).insert(id, follow);
    }

    fn remove(&self, id: &str) {
        self.follows.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

/// A subscription id as the client sees it.
fn subscription_id(id: &SubscriptionId<'_>) -> String {
    match id {
        SubscriptionId::Num(number) => number.to_string(),
        SubscriptionId::Str(text) => text.to_string(),
    }
}

fn limit_reached() -> Value {
    json!({ "result": "limitReached" })
}

fn started(operation: &str) -> Value {
    json!({ "result": "started", "operationId": operation })
}

/// Registers the `chainHead_v1_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>, limits: &NewApiLimits) -> Result<(), RpcError> {
    let registry = Arc::new(Registry {
        limits: limits.clone(),
        follow_slots: ConnectionSlots::new(limits.follows_per_connection),
        follows: Mutex::new(HashMap::new()),
    });

    let follows = Arc::clone(&registry);
    module.register_subscription(
        "chainHead_v1_follow",
        "chainHead_v1_followEvent",
        "chainHead_v1_unfollow",
        move |params, pending, client, _| {
            let registry = Arc::clone(&follows);
            async move {
                let with_runtime =
                    match Args::parse(&params, "chainHead_v1_follow", &["withRuntime"]).and_then(|args| {
                        args.required(0)?.as_bool().ok_or_else(|| args.error(0, "must be a boolean".into()))
                    }) {
                        Ok(with_runtime) => with_runtime,
                        Err(error) => return pending.reject(error).await,
                    };
                follow::run(pending, Arc::clone(&client), registry, with_runtime).await
            }
        },
    )?;

    let headers = Arc::clone(&registry);
    module.register_method("chainHead_v1_header", move |params, _, _| -> Result<Option<String>, ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_header", &["followSubscription", "hash"])?;
        let (id, hash) = (args.required_str(0)?, required_hash(&args, 1)?);
        let Some(follow) = headers.get(id) else { return Ok(None) };
        Ok(Some(to_hex(&follow.pinned_header(&hash)?.encode())))
    })?;

    let bodies = Arc::clone(&registry);
    module.register_method("chainHead_v1_body", move |params, client, _| -> Result<Value, ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_body", &["followSubscription", "hash"])?;
        let (id, hash) = (args.required_str(0)?, required_hash(&args, 1)?);
        let Some(follow) = bodies.get(id) else { return Ok(limit_reached()) };
        follow.pinned_header(&hash)?;
        let Some(operation) = follow.start_operation(1) else { return Ok(limit_reached()) };
        let reply = started(operation.id());
        spawn_operation(operation, body_operation(Arc::clone(client), hash));
        Ok(reply)
    })?;

    let calls = Arc::clone(&registry);
    module.register_method("chainHead_v1_call", move |params, client, _| -> Result<Value, ErrorObjectOwned> {
        let args =
            Args::parse(&params, "chainHead_v1_call", &["followSubscription", "hash", "function", "callParameters"])?;
        let (id, hash) = (args.required_str(0)?, required_hash(&args, 1)?);
        let function = args.required_str(2)?.to_owned();
        let input = args.required_bytes(3)?;
        let Some(follow) = calls.get(id) else { return Ok(limit_reached()) };
        let header = follow.pinned_header(&hash)?;
        if !follow.with_runtime {
            return Err(ChainHeadError::NoRuntime.into());
        }
        let Some(operation) = follow.start_operation(1) else { return Ok(limit_reached()) };
        let reply = started(operation.id());
        spawn_operation(operation, call_operation(Arc::clone(client), header, function, input));
        Ok(reply)
    })?;

    let storages = Arc::clone(&registry);
    module.register_method("chainHead_v1_storage", move |params, client, _| -> Result<Value, ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_storage", &["followSubscription", "hash", "items", "childTrie"])?;
        let (id, hash) = (args.required_str(0)?, required_hash(&args, 1)?);
        let mut items = storage_query::parse_items(args.value(2), None)?;
        let child_trie = storage_query::parse_child_trie(args.value(3))?;
        let Some(follow) = storages.get(id) else { return Ok(limit_reached()) };
        let header = follow.pinned_header(&hash)?;
        let accepted = items.len().min(follow.free_slots());
        if accepted == 0 && !items.is_empty() {
            return Ok(limit_reached());
        }
        let discarded = items.len() - accepted;
        items.truncate(accepted);
        let Some(operation) = follow.start_operation(accepted) else { return Ok(limit_reached()) };
        let reply = json!({ "result": "started", "operationId": operation.id(), "discardedItems": discarded });
        if child_trie {
            // No child trie exists, so every item of one is absent.
            items.clear();
        }
        let per_continue = storages.limits.storage_items_per_continue;
        spawn_operation(operation, storage_operation(Arc::clone(client), header.state_root, items, per_continue));
        Ok(reply)
    })?;

    let continues = Arc::clone(&registry);
    module.register_method("chainHead_v1_continue", move |params, _, _| -> Result<(), ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_continue", &["followSubscription", "operationId"])?;
        let (id, operation) = (args.required_str(0)?, args.required_str(1)?);
        match continues.get(id) {
            Some(follow) => Ok(follow.resume(operation)?),
            None => Ok(()),
        }
    })?;

    let stops = Arc::clone(&registry);
    module.register_method("chainHead_v1_stopOperation", move |params, _, _| -> Result<(), ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_stopOperation", &["followSubscription", "operationId"])?;
        let (id, operation) = (args.required_str(0)?, args.required_str(1)?);
        if let Some(follow) = stops.get(id) {
            follow.stop_operation(operation);
        }
        Ok(())
    })?;

    let unpins = Arc::clone(&registry);
    module.register_method("chainHead_v1_unpin", move |params, _, _| -> Result<(), ErrorObjectOwned> {
        let args = Args::parse(&params, "chainHead_v1_unpin", &["followSubscription", "hashOrHashes"])?;
        let id = args.required_str(0)?;
        let hashes = hash_or_hashes(&args, 1)?;
        let Some(follow) = unpins.get(id) else { return Ok(()) };
        let mut seen = HashSet::new();
        if let Some(duplicate) = hashes.iter().find(|hash| !seen.insert(**hash)) {
            return Err(ChainHeadError::DuplicateHashes(*duplicate).into());
        }
        Ok(follow.unpin(&hashes)?)
    })?;
    Ok(())
}

fn required_hash(args: &Args, index: usize) -> Result<H256, ErrorObjectOwned> {
    args.hash(index)?.ok_or_else(|| args.error(index, "is required: a 0x-prefixed 32-byte block hash".into()))
}

/// `hashOrHashes`: one hash or an array of them.
fn hash_or_hashes(args: &Args, index: usize) -> Result<Vec<H256>, ErrorObjectOwned> {
    match args.required(index)? {
        Value::Array(_) => {
            let list = args.bytes_list(index)?.unwrap_or_default();
            list.into_iter()
                .map(|bytes| {
                    <[u8; 32]>::try_from(bytes.as_slice())
                        .map(H256)
                        .map_err(|_| args.error(index, format!("each hash must be 32 bytes, got {}", bytes.len())))
                })
                .collect()
        }
        _ => Ok(vec![required_hash(args, index)?]),
    }
}

/// Runs `work` for `operation` on its own task, stoppable by `chainHead_v1_stopOperation`.
fn spawn_operation<F>(operation: OperationHandle, work: impl FnOnce(Arc<OperationHandle>) -> F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let operation = Arc::new(operation);
    let follow = Arc::clone(operation.follow());
    let id = operation.id().to_owned();
    let task = tokio::spawn(work(operation));
    follow.set_task(&id, task.abort_handle());
}

/// Runs a blocking node read off the async threads.
async fn blocking<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(read).await.ok()
}

fn body_operation(
    client: Arc<dyn NodeClient>,
    hash: H256,
) -> impl FnOnce(Arc<OperationHandle>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    move |operation| {
        Box::pin(async move {
            let id = operation.id().to_owned();
            let event = match blocking(move || client.block(&hash)).await {
                Some(Ok(Some((block, _)))) => events::body_done(
                    &id,
                    block.extrinsics.iter().map(|extrinsic| to_hex(&extrinsic.encoded())).collect(),
                ),
                Some(Ok(None)) | None => events::inaccessible(&id),
                Some(Err(error)) => events::error(&id, error.to_string()),
            };
            operation.send(event).await;
        })
    }
}

fn call_operation(
    client: Arc<dyn NodeClient>,
    header: Header,
    function: String,
    input: Vec<u8>,
) -> impl FnOnce(Arc<OperationHandle>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    move |operation| {
        Box::pin(async move {
            let id = operation.id().to_owned();
            let output = blocking(move || crate::state::runtime_call(&*client, &header, &function, &input)).await;
            let event = match output {
                Some(Ok(output)) => events::call_done(&id, to_hex(&output)),
                Some(Err(error)) => events::error(&id, describe(&error)),
                None => events::inaccessible(&id),
            };
            operation.send(event).await;
        })
    }
}

/// An error object as one line of text: message and data.
pub(crate) fn describe(error: &ErrorObjectOwned) -> String {
    match error.data() {
        Some(data) => format!("{}: {}", error.message(), data.get().trim_matches('"')),
        None => error.message().to_string(),
    }
}

fn storage_operation(
    client: Arc<dyn NodeClient>,
    state_root: H256,
    items: Vec<StorageQuery>,
    per_continue: usize,
) -> impl FnOnce(Arc<OperationHandle>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    move |operation| {
        Box::pin(async move {
            let id = operation.id().to_owned();
            let (descendants, single): (Vec<_>, Vec<_>) =
                items.into_iter().partition(|query| query.query_type.is_descendants());
            let reader = Arc::clone(&client);
            let found = blocking(move || {
                single
                    .iter()
                    .filter_map(|query| storage_query::read_one(&*reader, state_root, query).transpose())
                    .collect::<Result<Vec<_>, _>>()
            })
            .await;
            match found {
                Some(Ok(found)) if found.is_empty() => {}
                Some(Ok(found)) => {
                    if !operation.send(events::storage_items(&id, &found)).await {
                        return;
                    }
                }
                Some(Err(error)) => {
                    operation.send(events::error(&id, error.to_string())).await;
                    return;
                }
                None => {
                    operation.send(events::inaccessible(&id)).await;
                    return;
                }
            }
            for query in descendants {
                let query = Arc::new(query);
                let mut after: Option<Vec<u8>> = None;
                loop {
                    let (reader, page_query, start) = (Arc::clone(&client), Arc::clone(&query), after.clone());
                    let page = blocking(move || {
                        storage_query::descendants_page(
                            &*reader,
                            state_root,
                            &page_query,
                            start.as_deref(),
                            per_continue,
                        )
                    })
                    .await;
                    let (items, more) = match page {
                        Some(Ok(page)) => page,
                        Some(Err(error)) => {
                            operation.send(events::error(&id, error.to_string())).await;
                            return;
                        }
                        None => {
                            operation.send(events::inaccessible(&id)).await;
                            return;
                        }
                    };
                    if !items.is_empty() && !operation.send(events::storage_items(&id, &items)).await {
                        return;
                    }
                    if !more {
                        break;
                    }
                    after = storage_query::resume_key(&items);
                    if after.is_none() || !operation.wait_for_continue().await {
                        return;
                    }
                }
            }
            operation.send(events::storage_done(&id)).await;
        })
    }
}
