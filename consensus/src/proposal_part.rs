//! What travels on the proposal-parts topic: proposed blocks in chunks, transaction batches, and
//! peer records.
//!
//! A block proposal is one stream: [`ProposalPart::Init`], one or more [`ProposalPart::Data`]
//! chunks of the SCALE-encoded block, then [`ProposalPart::Fin`] with the proposer's signature
//! over the block's hash. A transaction batch is a stream of one [`ProposalPart::Transactions`]:
//! the same authenticated gossip carries submitted transactions to every validator's pool, so the
//! next proposer has them. A peer record is a stream of one [`ProposalPart::PeerRecord`]: a node
//! telling its peers the addresses it is reachable at.

use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::Round;

use crate::{Address, Height, Signature, TracechainContext};

/// The first part of a block proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProposalInit {
    /// The height.
    pub height: Height,
    /// The round.
    pub round: Round,
    /// The polka round of a re-proposal, or nil.
    pub pol_round: Round,
    /// The proposer.
    pub proposer: Address,
}

/// The last part of a block proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProposalFin {
    /// The proposer's signature of [`crate::signing::proposal_parts_message`].
    pub signature: Signature,
}

/// One part of a stream on the proposal-parts topic.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ProposalPart {
    /// Opens a block proposal.
    Init(ProposalInit),
    /// A chunk of the SCALE-encoded block.
    Data(Vec<u8>),
    /// Closes a block proposal with the proposer's signature.
    Fin(ProposalFin),
    /// Signed transactions (each a SCALE-encoded extrinsic) for the pools of all nodes.
    Transactions(Vec<Vec<u8>>),
    /// A libp2p signed peer record (RFC 0003 envelope, protobuf) of the publishing node's public
    /// addresses, signed by its network key.
    PeerRecord(Vec<u8>),
}

impl ProposalPart {
    /// A short name for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ProposalPart::Init(_) => "init",
            ProposalPart::Data(_) => "data",
            ProposalPart::Fin(_) => "fin",
            ProposalPart::Transactions(_) => "transactions",
            ProposalPart::PeerRecord(_) => "peer record",
        }
    }
}

impl malachitebft_core_types::ProposalPart<TracechainContext> for ProposalPart {
    fn is_first(&self) -> bool {
        matches!(self, ProposalPart::Init(_) | ProposalPart::Transactions(_) | ProposalPart::PeerRecord(_))
    }

    fn is_last(&self) -> bool {
        matches!(self, ProposalPart::Fin(_) | ProposalPart::Transactions(_) | ProposalPart::PeerRecord(_))
    }
}
