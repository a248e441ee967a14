//! Block header and block, encoded as `sp_runtime::generic::Header<u32, BlakeTwo256>` and
//! `sp_runtime::generic::Block`.
//!
//! - Header: `parent_hash ++ Compact(number) ++ state_root ++ extrinsics_root ++ digest`.
//! - Digest items carry Substrate's tags: Other = 0, Consensus = 4, Seal = 5, PreRuntime = 6,
//!   RuntimeEnvironmentUpdated = 8; any other tag is a decode error.
//! - Block hash = `blake2_256(SCALE(header))`; clients recompute it, so it must never differ.
//! - A block body is `Vec<extrinsic>` where each extrinsic carries its own length prefix, so an
//!   [`OpaqueExtrinsic`] (its bytes without the prefix, encoded as `Vec<u8>`) has the same encoding.

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

use crate::{hashing::blake2_256_h, trie::ordered_trie_root, BlockNumber, H256};

/// A consensus engine identifier, e.g. `*b"aura"`.
pub type ConsensusEngineId = [u8; 4];

/// One item of a header's digest.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum DigestItem {
    /// Data for the runtime from the block author (e.g. the proposer's slot).
    #[codec(index = 6)]
    PreRuntime(ConsensusEngineId, Vec<u8>),
    /// A message from the runtime to the consensus engine (e.g. an authority-set change).
    #[codec(index = 4)]
    Consensus(ConsensusEngineId, Vec<u8>),
    /// A seal: the author's signature over the rest of the header.
    #[codec(index = 5)]
    Seal(ConsensusEngineId, Vec<u8>),
    /// Anything else.
    #[codec(index = 0)]
    Other(Vec<u8>),
    /// The runtime's code or heap pages changed in this block.
    #[codec(index = 8)]
    RuntimeEnvironmentUpdated,
}

/// The header digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Digest {
    /// The items, in order.
    pub logs: Vec<DigestItem>,
}

/// A block header.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Header {
    /// Hash of the parent block's header.
    pub parent_hash: H256,
    /// Block number; encoded compactly.
    #[codec(compact)]
    pub number: BlockNumber,
    /// Root of the state trie after executing this block.
    pub state_root: H256,
    /// Ordered trie root of the block's extrinsics.
    pub extrinsics_root: H256,
    /// Consensus and runtime messages.
    pub digest: Digest,
}

impl Header {
    /// `blake2_256(SCALE(header))`.
    pub fn hash(&self) -> H256 {
        blake2_256_h(&self.encode())
    }
}

/// An extrinsic whose format is not interpreted: its SCALE bytes without the length prefix.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
pub struct OpaqueExtrinsic(pub Vec<u8>);

impl OpaqueExtrinsic {
    /// The extrinsic as it travels and is hashed: with its `Compact` length prefix.
    pub fn encoded(&self) -> Vec<u8> {
        self.encode()
    }

    /// `blake2_256` of the length-prefixed encoding, as clients compute transaction hashes.
    pub fn hash(&self) -> H256 {
        blake2_256_h(&self.encode())
    }

    /// Takes an extrinsic as received (length-prefixed) and checks that the prefix covers
    /// exactly the rest of the bytes.
    pub fn from_encoded(bytes: &[u8]) -> Result<Self, parity_scale_codec::Error> {
        let mut input = bytes;
        let length = Compact::<u32>::decode(&mut input)?.0 as usize;
        if input.len() != length {
            return Err("extrinsic length prefix does not match its bytes".into());
        }
        Ok(Self(input.to_vec()))
    }
}

impl std::fmt::Debug for OpaqueExtrinsic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

/// A block: header and opaque body.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The extrinsics, in order.
    pub extrinsics: Vec<OpaqueExtrinsic>,
}

impl Block {
    /// The block's hash, which is its header's hash.
    pub fn hash(&self) -> H256 {
        self.header.hash()
    }
}

/// The extrinsics root of a body: the ordered trie root of each length-prefixed extrinsic.
pub fn extrinsics_root(extrinsics: &[OpaqueExtrinsic]) -> H256 {
    let encoded: Vec<Vec<u8>> = extrinsics.iter().map(OpaqueExtrinsic::encoded).collect();
    ordered_trie_root(&encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(byte: u8) -> H256 {
        H256::repeat_byte(byte)
    }

    #[test]
    fn header_layout_is_substrates() {
        let header = Header {
            parent_hash: h(1),
            number: 2,
            state_root: h(3),
            extrinsics_root: h(4),
            digest: Digest {
                logs: vec![
                    DigestItem::PreRuntime(*b"aura", vec![9]),
                    DigestItem::Seal(*b"aura", vec![]),
                    DigestItem::RuntimeEnvironmentUpdated,
                ],
            },
        };
        let bytes = header.encode();
        let mut expected = vec![1u8; 32];
        expected.push(2 << 2); // Compact(2)
        expected.extend([3u8; 32]);
        expected.extend([4u8; 32]);
        expected.push(3 << 2); // three logs
        expected.extend([6, b'a', b'u', b'r', b'a', 1 << 2, 9]);
        expected.extend([5, b'a', b'u', b'r', b'a', 0]);
        expected.push(8);
        assert_eq!(bytes, expected);
        assert_eq!(header.hash(), blake2_256_h(&bytes));
        assert_eq!(Header::decode(&mut &bytes[..]).unwrap(), header);
    }

    #[test]
    fn unknown_digest_tag_is_rejected() {
        assert!(DigestItem::decode(&mut &[7u8, 0][..]).is_err());
        assert!(DigestItem::decode(&mut &[1u8, 0][..]).is_err());
    }

    #[test]
    fn opaque_extrinsic_checks_its_prefix() {
        assert_eq!(OpaqueExtrinsic::from_encoded(&[8, 1, 2]).unwrap().0, vec![1, 2]);
        assert!(OpaqueExtrinsic::from_encoded(&[8, 1]).is_err());
        assert!(OpaqueExtrinsic::from_encoded(&[8, 1, 2, 3]).is_err());
    }

    proptest! {
        #[test]
        fn header_round_trips(number in any::<u32>(), seed in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let header = Header {
                parent_hash: h(seed),
                number,
                state_root: h(seed.wrapping_add(1)),
                extrinsics_root: h(seed.wrapping_add(2)),
                digest: Digest { logs: vec![DigestItem::Other(data.clone()), DigestItem::Consensus(*b"BFT0", data)] },
            };
            prop_assert_eq!(Header::decode(&mut &header.encode()[..]).unwrap(), header);
        }

        #[test]
        fn block_round_trips(bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..8)) {
            let block = Block {
                header: Header { parent_hash: h(0), number: 7, state_root: h(1), extrinsics_root: h(2), digest: Digest::default() },
                extrinsics: bodies.into_iter().map(OpaqueExtrinsic).collect(),
            };
            prop_assert_eq!(Block::decode(&mut &block.encode()[..]).unwrap(), block);
        }
    }
}
