//! The bytes a validator signs when it votes or proposes, shared by the consensus engine (which
//! signs and verifies them on the wire) and the runtime (which verifies the two signatures of an
//! equivocation report before recording it).
//!
//! Every message starts with a domain tag of its own and names the chain's genesis hash, so a
//! signature is valid for one kind of message on one chain only:
//!
//! | vote | bytes signed (SCALE) |
//! |---|---|
//! | precommit for block `b` | [`commit_message`]: `("tracechain/commit/v1", genesis, height: u32, round: u32, b)` |
//! | any other vote | `("tracechain/vote/v1", genesis, kind: u8, height: u32, round: i64, Option<block>)` |
//! | a proposal of block `b` (its parts' closing signature) | [`proposal_parts_message`]: `("tracechain/proposal-parts/v1", genesis, height: u32, round: i64, pol_round: i64, b)` |
//!
//! The precommits of a decision are therefore exactly the signatures of the block's finality
//! certificate, and a nil precommit can never be mistaken for one.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{BlockNumber, H256};

/// Which of the two votes of a Tendermint round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum VoteKind {
    /// The first vote of a round: for a proposed block, or nil.
    #[codec(index = 0)]
    Prevote,
    /// The second vote: a commitment to a block (or nil) after a polka.
    #[codec(index = 1)]
    Precommit,
    /// Not a vote: the proposer's signature that closes the parts of the block it proposes for
    /// the round. Signing two different blocks for one round is an equivocation as much as two
    /// votes are. Tracechain proposers always sign `pol_round` nil (-1), and that is the message
    /// an equivocation report's signatures are checked against; a proposal is never for nil.
    #[codec(index = 2)]
    Proposal,
}

/// What a validator signs to commit `block_hash` at `height` in `round` of the chain `genesis`:
/// the message of every signature in a finality certificate.
pub fn commit_message(genesis: H256, height: BlockNumber, round: u32, block_hash: H256) -> Vec<u8> {
    (b"tracechain/commit/v1", genesis, height, round, block_hash).encode()
}

/// What a proposer signs to close the parts of its block `block_hash` for `height`, `round`
/// (`pol_round`: the round of the polka it re-proposes, -1 for none).
pub fn proposal_parts_message(
    genesis: H256,
    height: BlockNumber,
    round: i64,
    pol_round: i64,
    block_hash: H256,
) -> Vec<u8> {
    (b"tracechain/proposal-parts/v1", genesis, height, round, pol_round, block_hash).encode()
}

/// What a validator signs to cast a `kind` vote for `block` (`None`: nil) at `height` in `round`
/// of the chain `genesis`, or to propose `block` ([`VoteKind::Proposal`]; see the module docs).
pub fn vote_message(genesis: H256, kind: VoteKind, height: BlockNumber, round: u32, block: Option<H256>) -> Vec<u8> {
    match (kind, block) {
        (VoteKind::Precommit, Some(block_hash)) => commit_message(genesis, height, round, block_hash),
        (VoteKind::Proposal, Some(block_hash)) => {
            proposal_parts_message(genesis, height, i64::from(round), -1, block_hash)
        }
        (kind, block) => {
            // A proposal for nil gets bytes that no proposer ever signs.
            let kind: u8 = match kind {
                VoteKind::Prevote => 0,
                VoteKind::Precommit => 1,
                VoteKind::Proposal => 2,
            };
            (b"tracechain/vote/v1", genesis, kind, height, i64::from(round), block).encode()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_message_is_pinned() {
        let message = commit_message(H256([0; 32]), 1, 0, H256([0xff; 32]));
        // A fixed-size tag (no length prefix), the genesis hash, height and round little-endian.
        let mut expected = b"tracechain/commit/v1".to_vec();
        expected.extend_from_slice(&[0; 32]);
        expected.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[0xff; 32]);
        assert_eq!(message, expected);
    }

    #[test]
    fn a_precommit_for_a_block_is_the_commit_message_and_nothing_else_is() {
        let genesis = H256([7; 32]);
        let block = Some(H256([9; 32]));
        assert_eq!(
            vote_message(genesis, VoteKind::Precommit, 5, 2, block),
            commit_message(genesis, 5, 2, H256([9; 32]))
        );
        let prevote = vote_message(genesis, VoteKind::Prevote, 5, 2, block);
        let nil_precommit = vote_message(genesis, VoteKind::Precommit, 5, 2, None);
        let nil_prevote = vote_message(genesis, VoteKind::Prevote, 5, 2, None);
        assert_ne!(prevote, commit_message(genesis, 5, 2, H256([9; 32])));
        assert_ne!(nil_precommit, nil_prevote);
        assert_ne!(prevote, nil_prevote);
        assert_ne!(vote_message(H256([8; 32]), VoteKind::Prevote, 5, 2, block), prevote);
    }

    #[test]
    fn the_vote_message_is_pinned() {
        let message = vote_message(H256([0; 32]), VoteKind::Prevote, 3, 1, None);
        let mut expected = b"tracechain/vote/v1".to_vec();
        expected.extend_from_slice(&[0; 32]);
        expected.push(0);
        expected.extend_from_slice(&[3, 0, 0, 0]);
        expected.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        expected.push(0);
        assert_eq!(message, expected);
    }

    #[test]
    fn the_proposal_message_is_pinned_and_a_proposal_for_nil_is_never_signed() {
        let message = proposal_parts_message(H256([0; 32]), 3, 1, -1, H256([0xee; 32]));
        let mut expected = b"tracechain/proposal-parts/v1".to_vec();
        expected.extend_from_slice(&[0; 32]);
        expected.extend_from_slice(&[3, 0, 0, 0]);
        expected.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[0xff; 8]);
        expected.extend_from_slice(&[0xee; 32]);
        assert_eq!(message, expected);
        assert_eq!(vote_message(H256([0; 32]), VoteKind::Proposal, 3, 1, Some(H256([0xee; 32]))), expected);
        let nil = vote_message(H256([0; 32]), VoteKind::Proposal, 3, 1, None);
        assert!(nil.starts_with(b"tracechain/vote/v1"));
        assert_ne!(nil, vote_message(H256([0; 32]), VoteKind::Prevote, 3, 1, None));
    }
}
