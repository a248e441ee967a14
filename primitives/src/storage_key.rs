//! Storage keys in FRAME's layout: `twox_128(pallet) ++ twox_128(item) ++ hasher(SCALE(key))`.
//!
//! The hashers are FRAME's: `Blake2_128Concat` (`blake2_128(k) ++ k`, for keys an adversary
//! chooses), `Twox64Concat` (`twox_64(k) ++ k`, for keys the runtime chooses) and `Identity`
//! (`k`, for keys that are already hashes). The `Concat` forms keep the key recoverable from the
//! storage key, which is what lets clients iterate a map.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::hashing::{blake2_128, twox_128, twox_64};

/// A FRAME storage hasher (the transparent ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum StorageHasher {
    /// `blake2_128(k) ++ k`.
    Blake2_128Concat,
    /// `twox_64(k) ++ k`.
    Twox64Concat,
    /// `k`.
    Identity,
}

impl StorageHasher {
    /// Appends the hashed form of the already-encoded `key` to `out`.
    pub fn hash_into(self, key: &[u8], out: &mut Vec<u8>) {
        match self {
            StorageHasher::Blake2_128Concat => out.extend_from_slice(&blake2_128(key)),
            StorageHasher::Twox64Concat => out.extend_from_slice(&twox_64(key)),
            StorageHasher::Identity => {}
        }
        out.extend_from_slice(key);
    }

    /// How many bytes the hasher puts in front of the raw key.
    pub fn prefix_len(self) -> usize {
        match self {
            StorageHasher::Blake2_128Concat => 16,
            StorageHasher::Twox64Concat => 8,
            StorageHasher::Identity => 0,
        }
    }
}

/// `twox_128(pallet) ++ twox_128(item)`: the key of a value, and the prefix of every key of a map.
pub fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
    let mut prefix = [0u8; 32];
    prefix[..16].copy_from_slice(&twox_128(pallet.as_bytes()));
    prefix[16..].copy_from_slice(&twox_128(item.as_bytes()));
    prefix
}

/// The key of a map entry whose SCALE-encoded key is `encoded_key`.
pub fn map_key(pallet: &str, item: &str, hasher: StorageHasher, encoded_key: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + hasher.prefix_len() + encoded_key.len());
    key.extend_from_slice(&storage_prefix(pallet, item));
    hasher.hash_into(encoded_key, &mut key);
    key
}

/// The key of a double-map entry.
pub fn double_map_key(
    pallet: &str,
    item: &str,
    (hasher1, key1): (StorageHasher, &[u8]),
    (hasher2, key2): (StorageHasher, &[u8]),
) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + 32 + key1.len() + key2.len());
    key.extend_from_slice(&storage_prefix(pallet, item));
    hasher1.hash_into(key1, &mut key);
    hasher2.hash_into(key2, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_prefixes_match_substrate() {
        let hex = |p: [u8; 32]| hex::encode(p);
        assert_eq!(
            hex(storage_prefix("System", "Account")),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        );
        assert_eq!(
            hex(storage_prefix("System", "Events")),
            "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
        );
        assert_eq!(
            hex(storage_prefix("System", "Number")),
            "26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac"
        );
        assert_eq!(
            hex(storage_prefix("System", "BlockHash")),
            "26aa394eea5630e07c48ae0c9558cef7a44704b568d21667356a5a050c118746"
        );
    }

    #[test]
    fn alice_account_key_matches_substrate() {
        // System.Account(Alice), as printed by polkadot.js for every dev chain.
        let alice = hex::decode("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d").unwrap();
        let key = map_key("System", "Account", StorageHasher::Blake2_128Concat, &alice);
        assert_eq!(
            hex::encode(key),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9\
             de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
    }

    #[test]
    fn twox64concat_and_identity_layouts() {
        let key = map_key("System", "BlockHash", StorageHasher::Twox64Concat, &0u32.encode());
        assert_eq!(key.len(), 32 + 8 + 4);
        assert_eq!(&key[40..], &[0, 0, 0, 0]);
        let key = map_key("P", "I", StorageHasher::Identity, b"abc");
        assert_eq!(&key[32..], b"abc");
    }
}
