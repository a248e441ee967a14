//! The proposal message: which block the round's proposer proposes.

use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::Round;

use crate::{Address, BlockId, Height, TracechainContext};

/// A proposer's signed claim that `value` is its block for `height` and `round`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Proposal {
    /// The height.
    pub height: Height,
    /// The round.
    pub round: Round,
    /// The proposed block.
    pub value: BlockId,
    /// The round of the polka this proposal re-proposes, or nil.
    pub pol_round: Round,
    /// The proposer.
    pub proposer: Address,
}

impl malachitebft_core_types::Proposal<TracechainContext> for Proposal {
    fn height(&self) -> Height {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &BlockId {
        &self.value
    }

    fn take_value(self) -> BlockId {
        self.value
    }

    fn pol_round(&self) -> Round {
        self.pol_round
    }

    fn validator_address(&self) -> &Address {
        &self.proposer
    }
}
