//! Consensus heights: block numbers.

use borsh::{BorshDeserialize, BorshSerialize};
use tracechain_primitives::BlockNumber;

/// A consensus height: the number of the block decided at it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Height(pub BlockNumber);

impl Height {
    /// The block number.
    pub fn number(self) -> BlockNumber {
        self.0
    }
}

impl std::fmt::Display for Height {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl malachitebft_core_types::Height for Height {
    const ZERO: Self = Height(0);
    const INITIAL: Self = Height(1);

    fn increment_by(&self, n: u64) -> Self {
        let n = BlockNumber::try_from(n).unwrap_or(BlockNumber::MAX);
        Height(self.0.saturating_add(n))
    }

    fn decrement_by(&self, n: u64) -> Option<Self> {
        let n = BlockNumber::try_from(n).ok()?;
        self.0.checked_sub(n).map(Height)
    }

    fn as_u64(&self) -> u64 {
        u64::from(self.0)
    }
}
