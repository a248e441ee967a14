//! `transaction_v1_*` and `transactionWatch_v1_*`: submitting transactions as the new JSON-RPC
//! interface defines it.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `transaction_v1_broadcast` | transaction (hex, length-prefixed) | operation id, or `null` at the bound |
//! | `transaction_v1_stop` | operationId | `null`; error -32602 for an id that is not an active broadcast |
//! | `transactionWatch_v1_submitAndWatch` → `transactionWatch_v1_watchEvent` (unsubscribe `transactionWatch_v1_unwatch`) | transaction | subscription id |
//!
//! ## Broadcast
//! The transaction goes into the node's pool, which gossips it and keeps it until it is in a
//! block. The broadcast is active until the transaction is finalized or leaves the pool, or until
//! `transaction_v1_stop`; stopping ends the broadcast's tracking and leaves the transaction in
//! the pool (a transaction already gossiped cannot be called back). A transaction the pool refuses
//! is, as the spec asks, not reported to the caller: its broadcast simply ends. One connection
//! may have at most **16** broadcasts active (the spec asks for at least 4); one more is
//! answered `null`. Operation ids are random, so `transaction_v1_stop` is accepted from any
//! connection (an HTTP client's next request may come on a new one).
//!
//! ## Watch events
//! `{"event": "validated"}` when the pool admits it (ready or waiting for an earlier nonce),
//! `{"event": "bestChainBlockIncluded", "block": {"hash", "index"}}` when it is in a block,
//! `{"event": "finalized", "block": {"hash", "index"}}`, `{"event": "invalid", "error"}`,
//! `{"event": "dropped", "error"}` or `{"event": "error", "error"}`; the last four end the
//! subscription. `index` is the transaction's position in the block body. Bad hex is error -32602;
//! bytes that are not a valid transaction are an `invalid` event, never an error response.
//! `transactionWatch_v1_unwatch` is jsonrpsee's unsubscribe (`true`/`false`, as in Substrate); it
//! stops the events, not the transaction.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use jsonrpsee::{
    core::traits::IdProvider,
    server::RandomStringIdProvider,
    types::{ErrorObjectOwned, SubscriptionId},
    ConnectionId, PendingSubscriptionSink, RpcModule,
};
use serde_json::{json, Value};
use tokio::{sync::mpsc, task::AbortHandle};
use tracechain_primitives::{hashing::blake2_256_h, H256};

use crate::{
    client::{NodeClient, SubmitError, TransactionStatus},
    config::NewApiLimits,
    connection_slots::{ConnectionSlots, Slot},
    error::{invalid_params, RpcError},
    json::{message, Args},
};

/// Why a `transaction_v1_*` call was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransactionV1Error {
    /// `transaction_v1_stop` for an id that is not an active broadcast.
    #[error("{0:?} is not an active transaction_v1_broadcast operation")]
    UnknownOperation(String),
}

impl From<TransactionV1Error> for ErrorObjectOwned {
    fn from(error: TransactionV1Error) -> Self {
        invalid_params(error.to_string())
    }
}

/// The active broadcasts: each holds its connection's slot and its tracking task.
struct Broadcasts {
    slots: Arc<ConnectionSlots>,
    active: Mutex<HashMap<String, (Slot, Option<AbortHandle>)>>,
}

impl Broadcasts {
    fn finish(&self, id: &str) -> Option<(Slot, Option<AbortHandle>)> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).remove(id)
    }
}

/// Registers the `transaction_v1_*` and `transactionWatch_v1_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>, limits: &NewApiLimits) -> Result<(), RpcError> {
    let broadcasts = Arc::new(Broadcasts {
        slots: ConnectionSlots::new(limits.broadcasts_per_connection),
        active: Mutex::new(HashMap::new()),
    });
    let ids = RandomStringIdProvider::new(16);

    let starts = Arc::clone(&broadcasts);
    module.register_method(
        "transaction_v1_broadcast",
        move |params, client, extensions| -> Result<Option<String>, ErrorObjectOwned> {
            let args = Args::parse(&params, "transaction_v1_broadcast", &["transaction"])?;
            let bytes = args.required_bytes(0)?;
            let connection = extensions.get::<ConnectionId>().copied().unwrap_or(ConnectionId(0));
            let Some(slot) = starts.slots.acquire(connection) else { return Ok(None) };
            let id = match ids.next_id() {
                SubscriptionId::Str(text) => text.into_owned(),
                SubscriptionId::Num(number) => number.to_string(),
            };
            starts.active.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), (slot, None));
            match client.submit_and_watch(bytes) {
                Ok((hash, statuses)) => {
                    let tracker = Arc::clone(&starts);
                    let tracked = id.clone();
                    let task = tokio::spawn(async move {
                        track_broadcast(hash, statuses).await;
                        tracker.finish(&tracked);
                    });
                    if let Some(entry) = starts.active.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&id) {
                        entry.1 = Some(task.abort_handle());
                    }
                }
                Err(error) => {
                    // Not reported to the caller (the spec's rule); the broadcast just ends.
                    tracing::debug!(target: "rpc", "transaction_v1_broadcast {id}: refused by the pool: {error}");
                    starts.finish(&id);
                }
            }
            Ok(Some(id))
        },
    )?;

    let stops = Arc::clone(&broadcasts);
    module.register_method("transaction_v1_stop", move |params, _, _| -> Result<(), ErrorObjectOwned> {
        let args = Args::parse(&params, "transaction_v1_stop", &["operationId"])?;
        let id = args.required_str(0)?;
        let (_slot, task) = stops.finish(id).ok_or_else(|| TransactionV1Error::UnknownOperation(id.to_owned()))?;
        if let Some(task) = task {
            task.abort();
        }
        Ok(())
    })?;

    module.register_subscription(
        "transactionWatch_v1_submitAndWatch",
        "transactionWatch_v1_watchEvent",
        "transactionWatch_v1_unwatch",
        |params, pending, client, _| async move {
            let bytes = match Args::parse(&params, "transactionWatch_v1_submitAndWatch", &["transaction"])
                .and_then(|args| args.required_bytes(0))
            {
                Ok(bytes) => bytes,
                Err(error) => return pending.reject(error).await,
            };
            watch(pending, Arc::clone(&client), bytes).await
        },
    )?;
    Ok(())
}

/// Follows a broadcast transaction's statuses until it is final.
async fn track_broadcast(hash: H256, mut statuses: mpsc::Receiver<TransactionStatus>) {
    while let Some(status) = statuses.recv().await {
        tracing::trace!(target: "rpc", "transaction_v1_broadcast: {hash:?} is {status:?}");
        if matches!(status, TransactionStatus::Finalized(_) | TransactionStatus::Invalid | TransactionStatus::Dropped) {
            return;
        }
    }
}

/// The event for a refused submission.
fn refusal_event(error: &SubmitError) -> Value {
    match error {
        SubmitError::Invalid(_) | SubmitError::AlreadyImported(_) | SubmitError::TooLowPriority(_) => {
            json!({ "event": "invalid", "error": error.to_string() })
        }
        SubmitError::PoolFull(_) => json!({ "event": "dropped", "error": error.to_string() }),
        SubmitError::Pool(_) => json!({ "event": "error", "error": error.to_string() }),
    }
}

/// `{"hash", "index"}` of transaction `hash` in block `block`.
async fn block_position(client: &Arc<dyn NodeClient>, block: H256, hash: H256) -> Result<Value, String> {
    let client = Arc::clone(client);
    let found = tokio::task::spawn_blocking(move || client.block(&block))
        .await
        .map_err(|error| format!("reading block {block:?}: {error}"))?
        .map_err(|error| error.to_string())?
        .ok_or_else(|| format!("block {block:?} is not known to this node"))?;
    let index = found
        .0
        .extrinsics
        .iter()
        .position(|extrinsic| blake2_256_h(&extrinsic.encoded()) == hash)
        .ok_or_else(|| format!("block {block:?} does not contain transaction {hash:?}"))?;
    Ok(json!({ "hash": block, "index": index }))
}

/// Submits `bytes` and reports its life until a final event or the subscriber leaving.
async fn watch(pending: PendingSubscriptionSink, client: Arc<dyn NodeClient>, bytes: Vec<u8>) {
    let submitted = client.submit_and_watch(bytes);
    let Ok(sink) = pending.accept().await else { return };
    let (hash, mut statuses) = match submitted {
        Ok(watched) => watched,
        Err(error) => {
            if let Some(event) = message(&refusal_event(&error)) {
                let _ = sink.send(event).await;
            }
            return;
        }
    };
    loop {
        let status = tokio::select! {
            () = sink.closed() => return,
            status = statuses.recv() => status,
        };
        let (event, last) = match status {
            Some(TransactionStatus::Ready | TransactionStatus::Future) => (json!({ "event": "validated" }), false),
            Some(TransactionStatus::InBlock(block)) => match block_position(&client, block, hash).await {
                Ok(position) => (json!({ "event": "bestChainBlockIncluded", "block": position }), false),
                Err(error) => (json!({ "event": "error", "error": error }), true),
            },
            Some(TransactionStatus::Finalized(block)) => match block_position(&client, block, hash).await {
                Ok(position) => (json!({ "event": "finalized", "block": position }), true),
                Err(error) => (json!({ "event": "error", "error": error }), true),
            },
            Some(TransactionStatus::Invalid) => {
                (json!({ "event": "invalid", "error": "the transaction is no longer valid" }), true)
            }
            Some(TransactionStatus::Dropped) => {
                (json!({ "event": "dropped", "error": "the transaction was removed from the pool" }), true)
            }
            None => (json!({ "event": "dropped", "error": "the node stopped tracking the transaction" }), true),
        };
        let Some(notification) = message(&event) else { return };
        if sink.send(notification).await.is_err() || last {
            return;
        }
    }
}
