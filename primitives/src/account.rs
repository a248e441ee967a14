//! `AccountId32`: an account is its 32-byte sr25519 (or ed25519) public key.
//!
//! Encoded as 32 raw bytes, exactly as `sp_core::crypto::AccountId32`; its type-info path is
//! Substrate's so that metadata decoders recognise it. Displayed as SS58 with the generic prefix 42.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::{build::Fields, Path, Type, TypeInfo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ss58;

/// A 32-byte account identifier (a public key).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen, Default)]
pub struct AccountId32(pub [u8; 32]);

impl AccountId32 {
    /// The raw public key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SS58 text form under `prefix`.
    pub fn to_ss58(&self, prefix: u16) -> String {
        ss58::encode(&self.0, prefix)
    }

    /// Parses an SS58 address of any prefix, returning the account and the prefix it carried.
    pub fn from_ss58(text: &str) -> Result<(Self, u16), ss58::Ss58Error> {
        ss58::decode(text).map(|(key, prefix)| (Self(key), prefix))
    }
}

impl From<[u8; 32]> for AccountId32 {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl AsRef<[u8]> for AccountId32 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Display for AccountId32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_ss58(ss58::DEFAULT_PREFIX))
    }
}

impl std::fmt::Debug for AccountId32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_ss58(ss58::DEFAULT_PREFIX))
    }
}

impl TypeInfo for AccountId32 {
    type Identity = Self;

    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("AccountId32", "sp_core::crypto"))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")))
    }
}

impl Serialize for AccountId32 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_ss58(ss58::DEFAULT_PREFIX))
    }
}

impl<'de> Deserialize<'de> for AccountId32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if let Some(hex_text) = text.strip_prefix("0x") {
            let bytes = hex::decode(hex_text).map_err(serde::de::Error::custom)?;
            let key: [u8; 32] =
                bytes.try_into().map_err(|_| serde::de::Error::custom("an account in hex must be 32 bytes"))?;
            return Ok(Self(key));
        }
        Self::from_ss58(&text).map(|(account, _)| account).map_err(serde::de::Error::custom)
    }
}
