//! The hash functions of Substrate's formats, under the names the rest of the code uses.
//!
//! All are thin wrappers over `sp-crypto-hashing`, so their output is byte-identical to Substrate's.

use crate::H256;

/// BLAKE2b with a 256-bit output: block hashes, extrinsic hashes, item ids, long signing payloads.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(data)
}

/// [`blake2_256`] as an [`H256`].
pub fn blake2_256_h(data: &[u8]) -> H256 {
    H256(blake2_256(data))
}

/// BLAKE2b with a 128-bit output: the `Blake2_128Concat` storage hasher.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    sp_crypto_hashing::blake2_128(data)
}

/// BLAKE2b with a 64-bit output: runtime API identifiers.
pub fn blake2_64(data: &[u8]) -> [u8; 8] {
    sp_crypto_hashing::blake2_64(data)
}

/// xxHash64 with seeds 0 and 1, little-endian: pallet and item prefixes of storage keys.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    sp_crypto_hashing::twox_128(data)
}

/// xxHash64 with seed 0, little-endian: the `Twox64Concat` storage hasher.
pub fn twox_64(data: &[u8]) -> [u8; 8] {
    sp_crypto_hashing::twox_64(data)
}

/// A hash as logs show it: `0x` and the first and last two bytes in hex (`0x1a2b…9f0e`).
pub fn short_display(hash: &H256) -> String {
    let hex = hex::encode(hash.as_bytes());
    format!("0x{}…{}", &hex[..4], &hex[60..])
}
