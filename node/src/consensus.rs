//! The consensus interface, and the single-authority engine of development chains.
//!
//! An engine decides, height after height, which block is final. It talks to the node only
//! through [`Application`]: ask for a block to propose, have a received block verified by full
//! re-execution, and commit a decided block with its [`Certificate`]. The BFT engine of a
//! consortium network plugs in behind the same interface.
//!
//! A [`Certificate`] is what makes a block final: the commit signatures (ed25519) of validators
//! over [`commit_message`]. It is stored with the block and returned as its justification under
//! the engine id [`ENGINE_ID`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tracechain_primitives::{header::Block, keyring::Ed25519Pair, BlockNumber, H256};

pub use tracechain_verify::certificate::{
    commit_message, verify_certificate, verify_justification, Certificate, CertificateError, ENGINE_ID,
};

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

/// A reserved-peer change with the channel for the network's answer.
pub type ReservedPeerRequest =
    (tracechain_rpc::client::ReservedPeerChange, tokio::sync::oneshot::Sender<Result<(), String>>);

/// A connected peer as the network reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerStatus {
    /// Its libp2p peer id.
    pub peer_id: String,
    /// Whether it is a validator (it proved a consensus key).
    pub validator: bool,
    /// The last decided height it announced, if it announced one yet.
    pub tip: Option<BlockNumber>,
}

/// The network as the node reports it (`system_health`, `system_peers`, metrics).
#[derive(Clone, Debug, Default)]
pub struct NetworkStatus {
    /// Connected peers.
    pub peers: Vec<PeerStatus>,
    /// The node's libp2p peer id.
    pub local_peer_id: Option<String>,
    /// Where peers reach the node (public addresses, then the listen address), each ending in
    /// `/p2p/<peer id>`.
    pub local_addresses: Vec<String>,
    /// The peer ids of the reserved peers.
    pub reserved_peers: Vec<String>,
}

/// A consensus engine.
pub trait ConsensusEngine: Send + 'static {
    /// Runs until `shutdown` turns true.
    fn run(
        self: Box<Self>,
        application: Arc<dyn Application>,
        shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()>;
}

/// One authority that proposes and finalizes a block every block time (development chains).
pub struct SingleAuthority {
    key: Ed25519Pair,
    block_time: Duration,
}

impl SingleAuthority {
    /// An authority signing with `key` every `block_time`.
    pub fn new(key: Ed25519Pair, block_time: Duration) -> Self {
        Self { key, block_time }
    }
}

impl ConsensusEngine for SingleAuthority {
    fn run(
        self: Box<Self>,
        application: Arc<dyn Application>,
        mut shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(self.block_time);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = shutdown.changed() => break,
                }
                if *shutdown.borrow() {
                    break;
                }
                let application = application.clone();
                let key = self.key.clone();
                let build_time = self.block_time / 2;
                // Building and committing a block is CPU and disk work: keep it off the runtime's
                // async workers.
                let outcome = tokio::task::spawn_blocking(move || {
                    // Half the block time for building leaves the rest for storing the block.
                    let block = application.propose(Instant::now() + build_time)?;
                    let hash = block.hash();
                    let height = block.header.number;
                    let signature = key.sign(&commit_message(application.genesis_hash(), height, 0, hash));
                    let certificate =
                        Certificate { height, round: 0, block_hash: hash, signatures: vec![(0, signature)] };
                    application.commit(block, certificate)
                })
                .await;
                match outcome {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => tracing::error!(target: "consensus", "block production failed: {error}"),
                    Err(error) => tracing::error!(target: "consensus", "block production task failed: {error}"),
                }
            }
        })
    }
}
