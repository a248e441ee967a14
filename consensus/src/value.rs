//! The decided value: a block, named by its hash.

use borsh::{BorshDeserialize, BorshSerialize};
use tracechain_primitives::H256;

/// A block hash, as the engine's value and value id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct BlockId(pub [u8; 32]);

impl BlockId {
    /// The block hash.
    pub fn hash(&self) -> H256 {
        H256(self.0)
    }
}

impl From<H256> for BlockId {
    fn from(hash: H256) -> Self {
        BlockId(hash.0)
    }
}

impl std::fmt::Display for BlockId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}…{}", hex::encode(&self.0[..2]), hex::encode(&self.0[30..]))
    }
}

impl malachitebft_core_types::Value for BlockId {
    type Id = BlockId;

    fn id(&self) -> BlockId {
        *self
    }
}
