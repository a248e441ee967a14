//! The runtime's version, encoded as `sp_version::RuntimeVersion` so that clients decode the
//! SCALE reply of `state_call("Core_version")`.
//!
//! Runtime upgrades are not Wasm blobs here: a new `spec_version` ships in a new binary and takes
//! effect at an agreed height. Transactions sign `spec_version` and `transaction_version`, so a
//! transaction signed for another runtime version does not verify.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::hashing::blake2_64;

use crate::runtime_api::RUNTIME_APIS;

/// A runtime API and the version of it the runtime implements.
pub type ApiEntry = ([u8; 8], u32);

/// `sp_version::RuntimeVersion` (also the `System.Version` constant).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct RuntimeVersion {
    /// The chain's runtime family: `tracechain`.
    pub spec_name: String,
    /// The implementation's name.
    pub impl_name: String,
    /// Version of the block authoring logic.
    pub authoring_version: u32,
    /// Version of the state transition function; bumped on every change of behaviour.
    pub spec_version: u32,
    /// Version of the implementation, for changes without behavioural effect.
    pub impl_version: u32,
    /// Runtime APIs: `blake2_64(name)` and version.
    pub apis: Vec<ApiEntry>,
    /// Version of the extrinsic interface (call indices and arguments).
    pub transaction_version: u32,
    /// The state trie version: 1 (values of 33 bytes or more hashed).
    pub system_version: u8,
}

/// This runtime's spec version.
pub const SPEC_VERSION: u32 = 1;
/// This runtime's transaction version.
pub const TRANSACTION_VERSION: u32 = 1;

/// This runtime's version.
pub static VERSION: std::sync::LazyLock<RuntimeVersion> = std::sync::LazyLock::new(|| RuntimeVersion {
    spec_name: "tracechain".into(),
    impl_name: "tracechain-node".into(),
    authoring_version: 1,
    spec_version: SPEC_VERSION,
    impl_version: 1,
    apis: RUNTIME_APIS.iter().map(|api| (blake2_64(api.name.as_bytes()), api.version)).collect(),
    transaction_version: TRANSACTION_VERSION,
    system_version: 1,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_ids_are_substrates() {
        let ids: Vec<String> = VERSION.apis.iter().map(|(id, _)| hex::encode(id)).collect();
        assert_eq!(
            ids,
            [
                "df6acb689907609b",
                "37e397fc7c91f5e4",
                "40fe3ad401f8959a",
                "d2bc9897eed08f15",
                "bc9d89904f5b923f",
                "37c8bb1350a9a2a8",
                "f3ff14d5ab527059",
                "fbc577b9d747efd6"
            ]
        );
    }

    #[test]
    fn version_encoding_starts_with_spec_name() {
        let bytes = VERSION.encode();
        assert_eq!(&bytes[..11], b"\x28tracechain");
        assert_eq!(RuntimeVersion::decode(&mut &bytes[..]).unwrap(), *VERSION);
    }
}
