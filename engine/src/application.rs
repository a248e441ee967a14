//! [`Application`]: the node, as a consensus engine sees it, and [`ApplicationError`], which
//! keeps a block's fault apart from the node's own.

use std::time::Instant;

use tracechain_primitives::{header::Block, BlockNumber, H256};
use tracechain_verify::Certificate;

use crate::network::{NetworkStatus, ReservedPeerRequest};

/// Why the application did not do what the engine asked. The two cases call for opposite
/// answers, so the seam keeps them apart: a block that breaks a rule of the chain gets a nil
/// vote (its proposer is at fault), while a failure of this node (its database, a pruned
/// state, a crashed task) says nothing about the block and must never become a vote against it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationError {
    /// The block or value breaks a rule of the chain.
    #[error("invalid: {reason}")]
    Invalid {
        /// The rule it breaks.
        reason: String,
    },
    /// This node could not do or check it.
    #[error("local failure: {cause}")]
    Local {
        /// What failed.
        cause: String,
    },
}

impl ApplicationError {
    /// A rule of the chain broken by the block, the value or the request.
    pub fn invalid(reason: impl std::fmt::Display) -> Self {
        Self::Invalid { reason: reason.to_string() }
    }

    /// A failure of this node.
    pub fn local(cause: impl std::fmt::Display) -> Self {
        Self::Local { cause: cause.to_string() }
    }
}

/// The node, as a consensus engine sees it.
pub trait Application: Send + Sync + 'static {
    /// The genesis hash (part of every commit message).
    fn genesis_hash(&self) -> H256;
    /// The number of the best (and last final) block.
    fn best_number(&self) -> BlockNumber;
    /// The consensus keys of the validators that certify block `number`, in proposer order: the
    /// set in the state of block `number - 1`. `None` if that state is not known (yet, or any
    /// more on a pruning node).
    fn validators_for(&self, number: BlockNumber) -> Option<Vec<[u8; 32]>>;
    /// The timestamp of the best block (ms since the Unix epoch; 0 at genesis).
    fn best_timestamp(&self) -> tracechain_primitives::Moment;
    /// The lowest height this node can serve to a syncing peer, with its certificate: 1, or on a
    /// pruning node the first block whose parent state (its validator set) is still kept.
    fn history_start(&self) -> BlockNumber;
    /// Builds a block on the best block from the pool, without committing it. Transactions are
    /// applied until `deadline`, so that a large pool never makes a proposal late; the rest wait
    /// for the next block.
    fn propose(&self, deadline: Instant) -> Result<Block, ApplicationError>;
    /// Re-executes a received block on the best block without committing it: whether a
    /// validator may vote for it. [`ApplicationError::Invalid`] only when the block itself
    /// breaks a rule; anything that went wrong here is [`ApplicationError::Local`].
    fn verify(&self, block: &Block) -> Result<(), ApplicationError>;
    /// Commits a decided block with its certificate (re-executing it unless this node built or
    /// verified it already).
    fn commit(&self, block: Block, certificate: Certificate) -> Result<(), ApplicationError>;
    /// A final block and its certificate, by number.
    fn decided(&self, number: BlockNumber) -> Result<Option<(Block, Certificate)>, ApplicationError>;
    /// Transactions gossiped by peers: checked and added to the pool (invalid ones are dropped).
    fn receive_transactions(&self, transactions: Vec<Vec<u8>>);
    /// Where the node sends the transactions submitted to it, for gossip to every peer.
    fn set_transaction_gossip(&self, gossip: tokio::sync::mpsc::Sender<Vec<u8>>);
    /// Where the node sends the reserved-peer changes asked of it over JSON-RPC.
    fn set_reserved_peer_control(&self, control: tokio::sync::mpsc::Sender<ReservedPeerRequest>);
    /// What the network reports: connected peers and whether this node is catching up.
    fn set_network_status(&self, status: NetworkStatus);
    /// Height `number` was decided in `round` (0 when the first proposer's block was), `took`
    /// after the height started.
    fn on_decided(&self, number: BlockNumber, round: u32, took: std::time::Duration);
    /// Equivocations the engine saw: kept, and put into the blocks this node proposes until the
    /// chain has recorded them.
    fn report_equivocations(&self, reports: Vec<pallet_membership::EquivocationReport>);
}
