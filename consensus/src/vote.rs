//! Prevotes and precommits.

use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::{NilOrVal, Round, SignedExtension, VoteType};

use crate::{Address, BlockId, Height, TracechainContext};

/// A prevote or precommit of one validator, for a block or for nil.
///
/// Tracechain uses no vote extensions: a vote never carries one, and one attached by the engine
/// is dropped (the height's policy disables them, so the engine never asks for one).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Vote {
    /// Prevote or precommit.
    pub vote_type: VoteType,
    /// The height.
    pub height: Height,
    /// The round.
    pub round: Round,
    /// The block voted for, or nil.
    pub value: NilOrVal<BlockId>,
    /// Who votes.
    pub validator: Address,
}

impl Vote {
    /// The hash of the block voted for; `None` for a nil vote.
    pub fn block(&self) -> Option<tracechain_primitives::H256> {
        match &self.value {
            NilOrVal::Nil => None,
            NilOrVal::Val(block) => Some(block.hash()),
        }
    }
}

impl malachitebft_core_types::Vote<TracechainContext> for Vote {
    fn height(&self) -> Height {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &NilOrVal<BlockId> {
        &self.value
    }

    fn take_value(self) -> NilOrVal<BlockId> {
        self.value
    }

    fn vote_type(&self) -> VoteType {
        self.vote_type
    }

    fn validator_address(&self) -> &Address {
        &self.validator
    }

    fn extension(&self) -> Option<&SignedExtension<TracechainContext>> {
        None
    }

    fn take_extension(&mut self) -> Option<SignedExtension<TracechainContext>> {
        None
    }

    fn extend(self, _extension: SignedExtension<TracechainContext>) -> Self {
        self
    }
}
