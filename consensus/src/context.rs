//! The engine's context: Tracechain's types, and round-robin proposer selection.

use malachitebft_core_types::{LinearTimeouts, NilOrVal, Round, VoteType};

use crate::{Address, BlockId, Ed25519Scheme, Height, Proposal, ProposalPart, Validator, ValidatorSet, Vote};

/// Tracechain's [`malachitebft_core_types::Context`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TracechainContext;

impl TracechainContext {
    /// The index of the proposer of `round` at `height` among `count` validators:
    /// `(height + round) mod count`. `None` for an empty set or a nil round.
    pub fn proposer_index(count: usize, height: Height, round: Round) -> Option<usize> {
        let round = u64::from(round.as_u32()?);
        let count = u64::try_from(count).ok().filter(|count| *count > 0)?;
        usize::try_from((u64::from(height.0) + round) % count).ok()
    }
}

impl malachitebft_core_types::Context for TracechainContext {
    type Address = Address;
    type Height = Height;
    type ProposalPart = ProposalPart;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = LinearTimeouts;
    type Value = BlockId;
    type Vote = Vote;
    type Extension = ();
    type SigningScheme = Ed25519Scheme;

    fn select_proposer<'a>(&self, validator_set: &'a ValidatorSet, height: Height, round: Round) -> &'a Validator {
        // The engine never asks for a nil round's proposer, and a validator set is never empty
        // (pallet-membership keeps 1 to MAX_VALIDATORS, and the node refuses to start a height
        // without one).
        let index = Self::proposer_index(validator_set.validators.len(), height, round).unwrap_or(0);
        &validator_set.validators[index]
    }

    fn new_proposal(
        &self,
        height: Height,
        round: Round,
        value: BlockId,
        pol_round: Round,
        address: Address,
    ) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(&self, height: Height, round: Round, value_id: NilOrVal<BlockId>, address: Address) -> Vote {
        Vote { vote_type: VoteType::Prevote, height, round, value: value_id, validator: address }
    }

    fn new_precommit(&self, height: Height, round: Round, value_id: NilOrVal<BlockId>, address: Address) -> Vote {
        Vote { vote_type: VoteType::Precommit, height, round, value: value_id, validator: address }
    }
}
