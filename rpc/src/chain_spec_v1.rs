//! `chainSpec_v1_*`: the chain specification's name, genesis hash and properties, as the new
//! JSON-RPC interface names them.
//!
//! | method | result |
//! |---|---|
//! | `chainSpec_v1_chainName` | the spec's `name` (as `system_chain`) |
//! | `chainSpec_v1_genesisHash` | the genesis block's hash |
//! | `chainSpec_v1_properties` | the spec's `properties` object (as `system_properties`) |
//!
//! None takes parameters, and none of their values changes while the node runs: the spec is
//! fixed at start-up. Nothing here can fail except the serialization of the properties, which
//! are plain JSON values.

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use tracechain_primitives::H256;

use crate::{client::NodeClient, error::internal_error, error::RpcError};

/// Registers the `chainSpec_v1_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_method("chainSpec_v1_chainName", |_, client, _| client.spec().name.clone())?;
    module.register_method("chainSpec_v1_genesisHash", |_, client, _| -> Result<H256, ErrorObjectOwned> {
        Ok(client.genesis_hash())
    })?;
    module.register_method(
        "chainSpec_v1_properties",
        |_, client, _| -> Result<serde_json::Value, ErrorObjectOwned> {
            serde_json::to_value(&client.spec().properties).map_err(|error| {
                internal_error(crate::client::ClientError::Internal(format!("chain spec properties: {error}")))
            })
        },
    )?;
    Ok(())
}
