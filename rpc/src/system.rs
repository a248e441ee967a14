//! `system_*`: what the node is, which chain it follows, and its health.
//!
//! | method | result |
//! |---|---|
//! | `system_name` | the implementation's name, `"Tracechain Node"` |
//! | `system_version` | this crate's version |
//! | `system_chain` | the chain spec's name |
//! | `system_chainType` | `"Development"`, `"Local"` or `"Live"` |
//! | `system_properties` | `{"ss58Format", "tokenDecimals", "tokenSymbol"}` from the spec |
//! | `system_health` | `{"peers", "isSyncing", "shouldHavePeers"}`; syncing while a peer announced a height more than 5 blocks ahead |
//! | `system_peers` | `[{"peerId", "roles", "bestHash", "bestNumber"}]`: the connected peers (roles `AUTHORITY` for validators) |
//! | `system_syncState` | `{"startingBlock", "currentBlock", "highestBlock"}`: the best block at start and now, and the highest a peer announced |
//! | `system_localPeerId` | the node's libp2p peer id; an error on a development chain, which has no network |
//! | `system_localListenAddresses` | the addresses peers reach the node at, each ending in `/p2p/<peer id>`: its `--public-addr` ones, then its listen address |
//! | `system_reservedPeers` | the peer ids of the reserved peers (the spec's `bootNodes`, `--bootnodes`, and those added since) |
//! | `system_addReservedPeer` | reserves a peer (`…/p2p/<peer id>`) at once, without a restart: `null` once the network took it. Local callers only |
//! | `system_removeReservedPeer` | stops reserving a peer, by peer id. Local callers only |
//! | `system_accountNextIndex` (alias `account_nextIndex`) | the account's next nonce, counting pooled transactions |
//! | `system_dryRun` | (extrinsic, at?) `BlockBuilder_apply_extrinsic` on the block after `at` (default: best): the SCALE `ApplyExtrinsicResult`, nothing kept. Local callers only (Substrate marks it unsafe) |

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use serde::Serialize;
use serde_json::Value;
use tracechain_engine::ReservedPeerChange;
use tracechain_primitives::{AccountId32, Nonce};
use tracechain_runtime::genesis::ChainType;

use crate::{
    client::{ClientError, NodeClient},
    error::{internal_error, invalid_params, no_network, RpcError},
    json::{decode_hex, Args},
};

/// The implementation name `system_name` reports.
pub const IMPLEMENTATION_NAME: &str = "Tracechain Node";

/// `system_health`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Connected peers.
    pub peers: usize,
    /// Whether the node is catching up with the chain.
    pub is_syncing: bool,
    /// Whether the node is expected to have peers: every chain but a development one.
    pub should_have_peers: bool,
}

/// How long a reserved-peer change may wait for the network.
const RESERVED_PEER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

async fn change_reserved_peers(client: &dyn NodeClient, change: ReservedPeerChange) -> Result<(), ErrorObjectOwned> {
    let reply = client.change_reserved_peers(change).ok_or_else(no_network)?;
    match tokio::time::timeout(RESERVED_PEER_TIMEOUT, reply).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(reason))) => Err(invalid_params(reason)),
        Ok(Err(_)) | Err(_) => Err(internal_error(ClientError::NetworkTimeout)),
    }
}

/// Registers the `system_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_method("system_name", |_, _, _| IMPLEMENTATION_NAME)?;
    module.register_method("system_version", |_, _, _| env!("CARGO_PKG_VERSION"))?;
    module.register_method("system_chain", |_, client, _| client.spec().name.clone())?;
    module.register_method("system_chainType", |_, client, _| chain_type(client.spec().chain_type))?;
    module.register_method("system_properties", |_, client, _| {
        serde_json::to_value(&client.spec().properties)
            .map_err(|error| invalid_params(format!("chain spec properties: {error}")))
    })?;
    module.register_method("system_health", |_, client, _| {
        Ok::<_, ErrorObjectOwned>(Health {
            peers: client.peer_count(),
            is_syncing: client.is_syncing(),
            should_have_peers: client.spec().chain_type != ChainType::Development,
        })
    })?;
    module.register_method("system_peers", |_, client, _| client.peers())?;
    module.register_method("system_syncState", |_, client, _| Ok::<_, ErrorObjectOwned>(client.sync_state()))?;
    module.register_method("system_localPeerId", |_, client, _| client.local_peer_id().ok_or_else(no_network))?;
    module.register_method("system_localListenAddresses", |_, client, _| client.local_listen_addresses())?;
    module.register_method("system_reservedPeers", |_, client, _| client.reserved_peers().ok_or_else(no_network))?;
    module.register_async_method("system_addReservedPeer", |params, client, _| async move {
        let args = Args::parse(&params, "system_addReservedPeer", &["peer"])?;
        change_reserved_peers(&**client, ReservedPeerChange::Add(args.required_str(0)?.to_string())).await
    })?;
    module.register_async_method("system_removeReservedPeer", |params, client, _| async move {
        let args = Args::parse(&params, "system_removeReservedPeer", &["peer_id"])?;
        change_reserved_peers(&**client, ReservedPeerChange::Remove(args.required_str(0)?.to_string())).await
    })?;
    module.register_blocking_method(
        "system_accountNextIndex",
        |params, client, _| -> Result<Nonce, ErrorObjectOwned> {
            let args = Args::parse(&params, "system_accountNextIndex", &["account"])?;
            let text = args.required_str(0)?;
            let account = parse_account(text).map_err(|reason| args.error(0, reason))?;
            client.next_nonce(&account).map_err(internal_error)
        },
    )?;
    module.register_alias("account_nextIndex", "system_accountNextIndex")?;
    module.register_blocking_method("system_dryRun", |params, client, _| -> Result<String, ErrorObjectOwned> {
        let args = Args::parse(&params, "system_dryRun", &["extrinsic", "at"])?;
        let extrinsic = args.required_bytes(0)?;
        let header = crate::state::resolve_at(&**client, args.hash(1)?)?;
        crate::state::runtime_call(&**client, &header, "BlockBuilder_apply_extrinsic", &extrinsic)
            .map(|answer| crate::json::to_hex(&answer))
    })?;
    Ok(())
}

fn chain_type(chain_type: ChainType) -> Value {
    let name = match chain_type {
        ChainType::Development => "Development",
        ChainType::Local => "Local",
        ChainType::Live => "Live",
    };
    Value::from(name)
}

/// An account as SS58 (any prefix) or as 32 bytes of hex.
fn parse_account(text: &str) -> Result<AccountId32, String> {
    if text.starts_with("0x") {
        let bytes = decode_hex(text)?;
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| format!("must be 32 bytes of hex, got {} bytes", bytes.len()))?;
        return Ok(AccountId32(key));
    }
    AccountId32::from_ss58(text)
        .map(|(account, _prefix)| account)
        .map_err(|error| format!("is not an SS58 address: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_as_ss58_or_hex() {
        let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        let account = parse_account(alice).unwrap();
        assert_eq!(parse_account(&format!("0x{}", hex::encode(account.0))).unwrap(), account);
        assert!(parse_account("0x1234").unwrap_err().contains("32 bytes"));
        assert!(parse_account("not-an-address").unwrap_err().contains("SS58"));
    }
}
