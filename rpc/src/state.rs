//! `state_*`: storage reads, proofs, the runtime version, runtime API calls, and storage
//! subscriptions.
//!
//! Every read names its block by hash (`at`, optional: the best block when missing or `null`);
//! a hash this node does not have is an invalid-params error that says so, never a read of some
//! other state.
//!
//! | method | parameters | result |
//! |---|---|---|
//! | `state_getStorage` (alias `state_getStorageAt`) | key, at? | value or `null` |
//! | `state_getStorageHash` (alias `state_getStorageHashAt`) | key, at? | blake2-256 of the value or `null` |
//! | `state_getStorageSize` (alias `state_getStorageSizeAt`) | key, at? | length of the value or `null` |
//! | `state_getKeysPaged` (alias `state_getKeysPagedAt`) | prefix?, count ≤ 1000, startKey?, at? | keys after `startKey` |
//! | `state_queryStorageAt` | keys (at most `keys_per_call`), at? | `[{"block", "changes": [[key, value or null]]}]` |
//! | `state_getReadProof` | keys (at most `keys_per_call`), at? | `{"at", "proof": ["0x<trie node>"]}` |
//! | `state_getRuntimeVersion` (alias `chain_getRuntimeVersion`) | at? | runtime version JSON |
//! | `state_getMetadata` | at? | the runtime metadata (V14, magic `meta`), SCALE in hex |
//! | `state_call` (alias `state_callAt`) | method, data, at? | SCALE result in hex |
//! | `state_subscribeRuntimeVersion` → `state_runtimeVersion` | – | the version, once |
//! | `state_subscribeStorage` → `state_storage` | keys (1 to `keys_per_subscription`) | current values, then changes per new best block |
//!
//! ## Cost limits ([`CostLimits`], each a flag of the node)
//! A key list costs a read (and for a subscription, a read at every new block) per key, so key
//! lists are bounded per call (`--rpc-max-keys-per-call`, default 1,000: more is -32602 naming
//! the limit), per subscription (`--rpc-max-keys-per-subscription`, default 1,000: -32602) and
//! over all storage subscriptions of one connection (`--rpc-max-subscribed-keys-per-connection`,
//! default 4,096: more is -32006, jsonrpsee's and Substrate's "too many subscriptions").
//!
//! `state_call` serves exactly the methods of `tracechain_runtime::runtime_api::RUNTIME_APIS`:
//! `Core_version`, `Metadata_metadata` (`OpaqueMetadata`: the V14 metadata as `Vec<u8>`),
//! `Metadata_metadata_versions` (`Vec<u32>`: `[14, 15, 16]`), `Metadata_metadata_at_version`
//! (`u32` → `Option<OpaqueMetadata>`), `AccountNonceApi_account_nonce`,
//! `TaggedTransactionQueue_validate_transaction` (version 3 input: source, extrinsic, block hash;
//! output `Result<ValidTransaction, TransactionValidityError>`), `TransactionPaymentApi_query_info`
//! and `_query_fee_details` (uxt, len), and `TransactionPaymentCallApi_query_call_info`,
//! `_query_call_fee_details` (call, len), `_query_weight_to_fee` and `_query_length_to_fee`: the
//! real weight and class, zero fees. Validation runs against the best
//! block's state, as the pool does; the block hash must be one the node has.
//! `BlockBuilder_apply_extrinsic` is a dry run: the extrinsic is applied, signature checked, in a
//! block built on the named one and discarded (`ApplyExtrinsicResult`); `_inherent_extrinsics`
//! gives the timestamp inherent of the data's `timstap0`, and `_check_inherents` checks a block's
//! time against the named (parent) block's and the data's. `GenesisBuilder_preset_names`,
//! `_get_preset` (the `development` configuration as JSON) and `_build_state` (whether a full
//! configuration builds; the state built is discarded) serve chain-spec tools.

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, PendingSubscriptionSink, RpcModule};
use parity_scale_codec::{Decode, Encode};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tracechain_primitives::{hashing::blake2_256_h, header::Header, AccountId32, H256};
use tracechain_runtime::{runtime_api, Runtime, VERSION};

use crate::{
    client::NodeClient,
    error::{codes, invalid_params, state_client_error, state_error, unknown_block, RpcError},
    json::{message, runtime_version_json, to_hex, Args, RuntimeVersionJson, StorageChangeSetJson},
    trace::ClientState,
};

/// Most keys `state_getKeysPaged` returns per call (Substrate's limit).
pub const MAX_KEYS_PAGED: u32 = 1000;
/// Bounds on what key lists may cost (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostLimits {
    /// Keys in one `state_queryStorageAt` or `state_getReadProof`.
    pub keys_per_call: usize,
    /// Keys one `state_subscribeStorage` may watch: each is read again at every new block.
    pub keys_per_subscription: usize,
    /// Keys all storage subscriptions of one connection may watch together.
    pub subscribed_keys_per_connection: usize,
}

impl Default for CostLimits {
    fn default() -> Self {
        Self { keys_per_call: 1_000, keys_per_subscription: 1_000, subscribed_keys_per_connection: 4_096 }
    }
}

/// The code of a subscription refused for the connection's cost: jsonrpsee's (and Substrate's)
/// "too many subscriptions".
pub const TOO_MANY_SUBSCRIPTIONS: i32 = jsonrpsee::types::error::TOO_MANY_SUBSCRIPTIONS_CODE;

/// `state_getReadProof`'s result.
#[derive(Clone, Debug, Serialize)]
pub struct ReadProofJson {
    /// The block whose state the proof is against.
    pub at: H256,
    /// The trie nodes, in hex.
    pub proof: Vec<String>,
}

/// Registers the `state_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>, limits: &CostLimits) -> Result<(), RpcError> {
    let keys_per_call = limits.keys_per_call;
    module.register_blocking_method(
        "state_getStorage",
        |params, client, _| -> Result<Option<String>, ErrorObjectOwned> {
            let (key, header) = key_at(&params, "state_getStorage", &**client)?;
            Ok(client.storage(header.state_root, &key).map_err(state_client_error)?.map(|value| to_hex(&value)))
        },
    )?;
    module.register_alias("state_getStorageAt", "state_getStorage")?;
    module.register_blocking_method(
        "state_getStorageHash",
        |params, client, _| -> Result<Option<H256>, ErrorObjectOwned> {
            let (key, header) = key_at(&params, "state_getStorageHash", &**client)?;
            Ok(client.storage(header.state_root, &key).map_err(state_client_error)?.map(|value| blake2_256_h(&value)))
        },
    )?;
    module.register_alias("state_getStorageHashAt", "state_getStorageHash")?;
    module.register_blocking_method(
        "state_getStorageSize",
        |params, client, _| -> Result<Option<u64>, ErrorObjectOwned> {
            let (key, header) = key_at(&params, "state_getStorageSize", &**client)?;
            Ok(client.storage(header.state_root, &key).map_err(state_client_error)?.map(|value| value.len() as u64))
        },
    )?;
    module.register_alias("state_getStorageSizeAt", "state_getStorageSize")?;
    module.register_blocking_method("state_getKeysPaged", |params, client, _| keys_paged(&params, &**client))?;
    module.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    module.register_blocking_method(
        "state_queryStorageAt",
        move |params, client, _| -> Result<Vec<StorageChangeSetJson>, ErrorObjectOwned> {
            let args = Args::parse(&params, "state_queryStorageAt", &["keys", "at"])?;
            let keys = required_keys(&args, keys_per_call)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            let changes = read_values(&**client, header.state_root, &keys)?;
            Ok(vec![change_set(header.hash(), &keys, &changes)])
        },
    )?;
    module.register_blocking_method(
        "state_getReadProof",
        move |params, client, _| -> Result<ReadProofJson, ErrorObjectOwned> {
            let args = Args::parse(&params, "state_getReadProof", &["keys", "hash"])?;
            let keys = required_keys(&args, keys_per_call)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            let proof = client.read_proof(header.state_root, &keys).map_err(state_client_error)?;
            Ok(ReadProofJson { at: header.hash(), proof: proof.iter().map(|node| to_hex(node)).collect() })
        },
    )?;
    module.register_blocking_method(
        "state_getRuntimeVersion",
        |params, client, _| -> Result<RuntimeVersionJson, ErrorObjectOwned> {
            let args = Args::parse(&params, "state_getRuntimeVersion", &["hash"])?;
            resolve_at(&**client, args.hash(0)?)?;
            Ok(runtime_version_json(&VERSION))
        },
    )?;
    module.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    module.register_blocking_method("state_getMetadata", |params, client, _| -> Result<String, ErrorObjectOwned> {
        let args = Args::parse(&params, "state_getMetadata", &["hash"])?;
        resolve_at(&**client, args.hash(0)?)?;
        Ok(to_hex(tracechain_runtime::metadata::encoded_metadata()))
    })?;
    module.register_blocking_method("state_call", |params, client, _| -> Result<String, ErrorObjectOwned> {
        let args = Args::parse(&params, "state_call", &["name", "bytes", "hash"])?;
        let method = args.required_str(0)?.to_owned();
        let input = args.required_bytes(1)?;
        let header = resolve_at(&**client, args.hash(2)?)?;
        runtime_call(&**client, &header, &method, &input).map(|output| to_hex(&output))
    })?;
    module.register_alias("state_callAt", "state_call")?;

    module.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, _, _| async move {
            let Ok(sink) = pending.accept().await else { return };
            let Some(version) = message(&runtime_version_json(&VERSION)) else { return };
            if sink.send(version).await.is_ok() {
                // The version changes only with a new node binary, so there is nothing more to
                // send; the subscription stays open until the client leaves.
                sink.closed().await;
            }
        },
    )?;
    module.register_alias("chain_subscribeRuntimeVersion", "state_subscribeRuntimeVersion")?;
    module.register_alias("chain_unsubscribeRuntimeVersion", "state_unsubscribeRuntimeVersion")?;
    let keys_per_subscription = limits.keys_per_subscription;
    let subscribed_keys = crate::connection_slots::ConnectionSlots::new(limits.subscribed_keys_per_connection);
    module.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        move |params, pending, client, _| {
            let budget = Arc::clone(&subscribed_keys);
            async move {
                let keys = match subscription_keys(&params, keys_per_subscription) {
                    Ok(keys) => keys,
                    Err(error) => return pending.reject(error).await,
                };
                let connection = pending.connection_id();
                let Some(slot) = budget.acquire_many(connection, keys.len()) else {
                    let message = format!(
                        "this connection's storage subscriptions watch {} keys; {} more would pass the {} allowed \
                         (--rpc-max-subscribed-keys-per-connection)",
                        budget.held_by(connection),
                        keys.len(),
                        budget.max()
                    );
                    let error = jsonrpsee::types::ErrorObject::owned(TOO_MANY_SUBSCRIPTIONS, message, None::<()>);
                    return pending.reject(error).await;
                };
                follow_storage(pending, Arc::clone(&client), keys).await;
                drop(slot);
            }
        },
    )?;
    Ok(())
}

/// The header named by `at`, or the best header when it is not given.
pub(crate) fn resolve_at(client: &dyn NodeClient, at: Option<H256>) -> Result<Header, ErrorObjectOwned> {
    match at {
        None => Ok(client.best_header()),
        Some(hash) => client.header(&hash).map_err(state_client_error)?.ok_or_else(|| unknown_block(&hash)),
    }
}

/// The `(key, at?)` parameters of the single-key reads.
fn key_at(
    params: &jsonrpsee::types::Params<'_>,
    method: &'static str,
    client: &dyn NodeClient,
) -> Result<(Vec<u8>, Header), ErrorObjectOwned> {
    let args = Args::parse(params, method, &["key", "hash"])?;
    let key = args.required_bytes(0)?;
    let header = resolve_at(client, args.hash(1)?)?;
    Ok((key, header))
}

fn required_keys(args: &Args, limit: usize) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let keys = args.bytes_list(0)?.ok_or_else(|| args.error(0, "is required: a list of hex storage keys".into()))?;
    if keys.len() > limit {
        return Err(
            args.error(0, format!("lists {} keys; at most {limit} per call (--rpc-max-keys-per-call)", keys.len()))
        );
    }
    Ok(keys)
}

fn keys_paged(params: &jsonrpsee::types::Params<'_>, client: &dyn NodeClient) -> Result<Vec<String>, ErrorObjectOwned> {
    let args = Args::parse(params, "state_getKeysPaged", &["prefix", "count", "start_key", "hash"])?;
    let prefix = args.bytes(0)?.unwrap_or_default();
    let count = args.required_u32(1)?;
    if count > MAX_KEYS_PAGED {
        // Substrate's `InvalidCount` error, code and text.
        return Err(jsonrpsee::types::ErrorObject::owned(
            codes::STATE_INVALID_COUNT,
            format!("count exceeds maximum value. value: {count}, max: {MAX_KEYS_PAGED}"),
            None::<()>,
        ));
    }
    let start_key = args.bytes(2)?;
    let header = resolve_at(client, args.hash(3)?)?;
    let keys = client
        .storage_keys(header.state_root, &prefix, count as usize, start_key.as_deref())
        .map_err(state_client_error)?;
    Ok(keys.iter().map(|key| to_hex(key)).collect())
}

fn read_values(
    client: &dyn NodeClient,
    state_root: H256,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>, ErrorObjectOwned> {
    keys.iter().map(|key| client.storage(state_root, key).map_err(state_client_error)).collect()
}

fn change_set(block: H256, keys: &[Vec<u8>], values: &[Option<Vec<u8>>]) -> StorageChangeSetJson {
    StorageChangeSetJson {
        block,
        changes: keys.iter().zip(values).map(|(key, value)| (to_hex(key), value.as_deref().map(to_hex))).collect(),
    }
}

fn no_arguments(method: &str, input: &[u8]) -> Result<(), ErrorObjectOwned> {
    if input.is_empty() {
        Ok(())
    } else {
        Err(invalid_params(format!("{method} takes no arguments, got {} bytes", input.len())))
    }
}

/// Answers one runtime API call of `state_call` at `header`'s state.
pub(crate) fn runtime_call(
    client: &dyn NodeClient,
    header: &Header,
    method: &str,
    input: &[u8],
) -> Result<Vec<u8>, ErrorObjectOwned> {
    match method {
        "Core_version" => {
            no_arguments(method, input)?;
            Ok(VERSION.encode())
        }
        "AccountNonceApi_account_nonce" => {
            let key: [u8; 32] = input.try_into().map_err(|_| {
                invalid_params(format!(
                    "AccountNonceApi_account_nonce takes a 32-byte AccountId32, got {} bytes",
                    input.len()
                ))
            })?;
            let nonce = client.account_nonce(header.state_root, &AccountId32(key)).map_err(state_client_error)?;
            Ok(nonce.encode())
        }
        "TaggedTransactionQueue_validate_transaction" => {
            let (extrinsic, block_hash) = validate_transaction_input(input)
                .map_err(|reason| invalid_params(format!("TaggedTransactionQueue_validate_transaction: {reason}")))?;
            if client.header(&block_hash).map_err(state_client_error)?.is_none() {
                return Err(unknown_block(&block_hash));
            }
            let verdict = client.validate_transaction(extrinsic).map_err(state_client_error)?;
            // `Result<ValidTransaction, TransactionValidityError>`: Ok = 0, Err = 1.
            let mut output = Vec::new();
            match verdict {
                Ok(valid) => {
                    output.push(0);
                    output.extend(valid);
                }
                Err(invalid) => {
                    output.push(1);
                    output.extend(invalid);
                }
            }
            Ok(output)
        }
        "Metadata_metadata" => {
            no_arguments(method, input)?;
            Ok(tracechain_runtime::metadata::encoded_metadata().to_vec().encode())
        }
        "Metadata_metadata_versions" => {
            no_arguments(method, input)?;
            Ok(tracechain_runtime::metadata::METADATA_VERSIONS.to_vec().encode())
        }
        "Metadata_metadata_at_version" => {
            let version = u32::decode(&mut &input[..])
                .ok()
                .filter(|_| input.len() == 4)
                .ok_or_else(|| invalid_params(format!("{method} takes a u32 version, got {} bytes", input.len())))?;
            Ok(tracechain_runtime::metadata::encoded_metadata_at(version).map(<[u8]>::to_vec).encode())
        }
        "BlockBuilder_apply_extrinsic" => with_runtime_state(client, header, |runtime, state| {
            runtime_api::apply_extrinsic(runtime, state, header, input)
        }),
        "BlockBuilder_inherent_extrinsics" => answered(runtime_api::inherent_extrinsics(input)),
        "BlockBuilder_check_inherents" => {
            with_runtime_state(client, header, |_, state| runtime_api::check_inherents(state, input))
        }
        "GenesisBuilder_build_state" => answered(runtime_api::build_state(input)),
        "GenesisBuilder_get_preset" => answered(runtime_api::get_preset(input)),
        "GenesisBuilder_preset_names" => {
            no_arguments(method, input)?;
            Ok(runtime_api::preset_names())
        }
        "TransactionPaymentApi_query_info" => {
            with_runtime_state(client, header, |runtime, state| runtime_api::query_info(runtime, state, input))
        }
        "TransactionPaymentApi_query_fee_details" => answered(runtime_api::query_fee_details(input)),
        "TransactionPaymentCallApi_query_call_info" => {
            with_runtime_state(client, header, |runtime, state| runtime_api::query_call_info(runtime, state, input))
        }
        "TransactionPaymentCallApi_query_call_fee_details" => answered(runtime_api::query_call_fee_details(input)),
        "TransactionPaymentCallApi_query_weight_to_fee" => answered(runtime_api::query_weight_to_fee(input)),
        "TransactionPaymentCallApi_query_length_to_fee" => answered(runtime_api::query_length_to_fee(input)),
        _ => {
            let served: Vec<String> = runtime_api::RUNTIME_APIS
                .iter()
                .flat_map(|api| (api.methods)().iter().map(|method| api.call_name(method)).collect::<Vec<_>>())
                .collect();
            Err(state_error(format!(
                "runtime API method {method:?} is not provided by this runtime; state_call serves {}",
                served.join(", ")
            )))
        }
    }
}

fn answered(result: Result<Vec<u8>, runtime_api::RuntimeApiError>) -> Result<Vec<u8>, ErrorObjectOwned> {
    result.map_err(|error| match error {
        runtime_api::RuntimeApiError::BadArguments { .. } => invalid_params(error.to_string()),
        runtime_api::RuntimeApiError::State { .. } => state_error(error.to_string()),
    })
}

/// Answers a runtime API call that reads `header`'s state.
fn with_runtime_state(
    client: &dyn NodeClient,
    header: &Header,
    query: impl FnOnce(&Runtime, &ClientState<'_>) -> Result<Vec<u8>, runtime_api::RuntimeApiError>,
) -> Result<Vec<u8>, ErrorObjectOwned> {
    let runtime = Runtime::new(client.genesis_hash());
    let state = ClientState { client, state_root: header.state_root };
    answered(query(&runtime, &state))
}

/// Splits `(TransactionSource, extrinsic, block_hash)`: the extrinsic keeps its length prefix,
/// as the pool takes it, and nothing may follow the hash.
fn validate_transaction_input(input: &[u8]) -> Result<(&[u8], H256), String> {
    let (&source, rest) = input
        .split_first()
        .ok_or_else(|| "the input is empty; expected (source, extrinsic, block hash)".to_string())?;
    if source > 2 {
        return Err(format!("transaction source must be 0 (InBlock), 1 (Local) or 2 (External), got {source}"));
    }
    let (extrinsic, hash) = runtime_api::split_prefixed_extrinsic(rest)?;
    if hash.len() != 32 {
        return Err(format!(
            "after the {}-byte extrinsic a 32-byte block hash must end the input; {} bytes follow it",
            extrinsic.len(),
            hash.len()
        ));
    }
    let hash: [u8; 32] = hash.try_into().map_err(|_| "the block hash must be 32 bytes".to_string())?;
    Ok((extrinsic, H256(hash)))
}

fn subscription_keys(params: &jsonrpsee::types::Params<'_>, limit: usize) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let args = Args::parse(params, "state_subscribeStorage", &["keys"])?;
    let keys = args.bytes_list(0)?.unwrap_or_default();
    if keys.is_empty() {
        return Err(args.error(
            0,
            "must list the storage keys to watch: subscribing to every storage change is not supported, as it is \
             unbounded"
                .into(),
        ));
    }
    if keys.len() > limit {
        return Err(args.error(
            0,
            format!("lists {} keys; at most {limit} per subscription (--rpc-max-keys-per-subscription)", keys.len()),
        ));
    }
    Ok(keys)
}

/// Reads `keys` at `state_root` off the async runtime, since the node may read them from disk.
async fn read_values_blocking(
    client: Arc<Arc<dyn NodeClient>>,
    state_root: H256,
    keys: Arc<Vec<Vec<u8>>>,
) -> Result<Vec<Option<Vec<u8>>>, ErrorObjectOwned> {
    tokio::task::spawn_blocking(move || read_values(&**client, state_root, &keys))
        .await
        .unwrap_or_else(|error| Err(state_error(format!("storage read task failed: {error}"))))
}

/// Sends the current values of `keys`, then, for each new best block, the keys whose values
/// changed (nothing when none did).
async fn follow_storage(pending: PendingSubscriptionSink, client: Arc<Arc<dyn NodeClient>>, keys: Vec<Vec<u8>>) {
    let keys = Arc::new(keys);
    // Subscribe before reading so that no block between the read and the subscription is missed.
    let mut heads = client.subscribe_best();
    let current = client.best_header();
    let mut values = match read_values_blocking(Arc::clone(&client), current.state_root, Arc::clone(&keys)).await {
        Ok(values) => values,
        Err(error) => return pending.reject(error).await,
    };
    let Ok(sink) = pending.accept().await else { return };
    let Some(first) = message(&change_set(current.hash(), &keys, &values)) else { return };
    if sink.send(first).await.is_err() {
        return;
    }
    let mut last_number = current.number;
    loop {
        let header = tokio::select! {
            () = sink.closed() => return,
            received = heads.recv() => match received {
                Ok(header) => header,
                // Values are compared, not blocks replayed, so skipping blocks loses no change
                // to the latest state.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
        };
        if header.number <= last_number {
            continue;
        }
        last_number = header.number;
        let new_values = match read_values_blocking(Arc::clone(&client), header.state_root, Arc::clone(&keys)).await {
            Ok(new_values) => new_values,
            Err(error) => {
                tracing::warn!(target: "rpc", "state_subscribeStorage: reading block #{}: {}", header.number, error.message());
                return;
            }
        };
        let changed: Vec<usize> = (0..keys.len()).filter(|&index| values.get(index) != new_values.get(index)).collect();
        values = new_values;
        if changed.is_empty() {
            continue;
        }
        let changes = StorageChangeSetJson {
            block: header.hash(),
            changes: changed
                .iter()
                .filter_map(|&index| Some((to_hex(keys.get(index)?), values.get(index)?.as_deref().map(to_hex))))
                .collect(),
        };
        let Some(notification) = message(&changes) else { return };
        if sink.send(notification).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(source: u8, extrinsic: &[u8], hash: &[u8]) -> Vec<u8> {
        let mut bytes = vec![source];
        bytes.extend(extrinsic);
        bytes.extend(hash);
        bytes
    }

    #[test]
    fn validate_input_splits_exactly() {
        let extrinsic = [3 << 2, 4, 0, 0];
        let bytes = input(2, &extrinsic, &[7; 32]);
        assert_eq!(validate_transaction_input(&bytes), Ok((&extrinsic[..], H256([7; 32]))));
    }

    #[test]
    fn validate_input_refuses_anything_else() {
        let extrinsic = [3 << 2, 4, 0, 0];
        assert!(validate_transaction_input(&[]).unwrap_err().contains("empty"));
        assert!(validate_transaction_input(&input(3, &extrinsic, &[7; 32])).unwrap_err().contains("source"));
        assert!(validate_transaction_input(&input(2, &extrinsic, &[7; 31]))
            .unwrap_err()
            .contains("32-byte block hash"));
        assert!(validate_transaction_input(&input(2, &extrinsic, &[7; 33]))
            .unwrap_err()
            .contains("32-byte block hash"));
        // A length prefix claiming far more than there is.
        assert!(validate_transaction_input(&[2, 0xfe, 0xff, 0xff, 0xff]).is_err());
        assert!(validate_transaction_input(&[2]).unwrap_err().contains("length prefix"));
    }
}
