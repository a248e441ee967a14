//! What the RPC server needs from a node, as one trait the node implements.
//!
//! Keeping this boundary lets the server be tested against any implementation and keeps the
//! node's storage, pool and consensus out of this crate.

use tokio::sync::{broadcast, mpsc};
use tracechain_engine::{ReservedPeerChange, ReservedPeerReply};
use tracechain_primitives::{
    header::{Block, Header},
    AccountId32, BlockNumber, Nonce, H256,
};
use tracechain_runtime::{ChainSpec, RuntimeEvent, TransactionError};
use tracechain_support::EventRecord;

/// A transaction's life as reported to `author_submitAndWatchExtrinsic` subscribers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransactionStatus {
    /// In the pool, ready for a block.
    Ready,
    /// In the pool, waiting for an earlier nonce.
    Future,
    /// Included in a block.
    InBlock(H256),
    /// Included in a finalized block.
    Finalized(H256),
    /// No longer valid.
    Invalid,
    /// Removed from the pool.
    Dropped,
}

/// Why a submission was refused. Each variant maps to its own Substrate author error code, so
/// the node should use the most specific one (`Pool` is the fallback).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// The runtime refuses the transaction (codes 1001, 1010 or 1011).
    #[error("{0}")]
    Invalid(TransactionError),
    /// The same transaction is already in the pool (code 1013).
    #[error("transaction {0:?} is already in the pool")]
    AlreadyImported(H256),
    /// Another pooled transaction of the same sender has the same nonce and is not replaced
    /// (code 1014); the text says which.
    #[error("{0}")]
    TooLowPriority(String),
    /// The pool has no room (code 1016); the text says which limit.
    #[error("{0}")]
    PoolFull(String),
    /// Any other refusal by the pool (code 1040).
    #[error("{0}")]
    Pool(String),
}

/// A block and its finality certificate, if the node has one.
pub type BlockWithJustification = (Block, Option<Vec<u8>>);

/// Why the node could not answer a read. The causes call for different answers from a caller,
/// so the seam keeps them apart: a pruned state is gone from this node for good (ask an archive
/// node), a database failure is this node's own and may pass, a request the node serves
/// another way needs another method, and a network that did not answer may answer a retry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The block's state is no longer kept by this pruning node.
    #[error(
        "state unavailable (trie node {missing:?} missing): this node keeps {kept}, from block #{oldest} on; ask an archive node"
    )]
    StatePruned {
        /// The trie node that is gone.
        missing: H256,
        /// What the node keeps (its pruning setting, as the operator gave it).
        kept: String,
        /// The oldest block whose state it keeps.
        oldest: BlockNumber,
    },
    /// The node's database or stored state failed (a missing node on an archive node, a value
    /// that does not decode, an I/O error).
    #[error("{0}")]
    Database(String),
    /// The node answers this request another way.
    #[error("{0}")]
    Unsupported(String),
    /// The peer-to-peer network did not answer in time.
    #[error("the network did not answer")]
    NetworkTimeout,
    /// The answer could not be put together (a value that does not serialise).
    #[error("{0}")]
    Internal(String),
}

/// The node, as the RPC server sees it. All reads are consistent with one block's state, named
/// by that block's state root.
pub trait NodeClient: Send + Sync + 'static {
    /// The chain spec (`system_chain`, `system_chainType`, `system_properties`).
    fn spec(&self) -> &ChainSpec;
    /// The node's name (`system_name` is the implementation; this is `--name`).
    fn node_name(&self) -> String;
    /// Connected peers.
    fn peer_count(&self) -> usize;
    /// Whether the node is syncing.
    fn is_syncing(&self) -> bool;
    /// The connected peers (`system_peers`).
    fn peers(&self) -> Vec<crate::peers::PeerInfo> {
        Vec::new()
    }
    /// The node's libp2p peer id (`system_localPeerId`), if it runs a network.
    fn local_peer_id(&self) -> Option<String> {
        None
    }
    /// The addresses peers reach the node at, with its peer id (`system_localListenAddresses`).
    fn local_listen_addresses(&self) -> Vec<String> {
        Vec::new()
    }
    /// How far the node has synced (`system_syncState`).
    fn sync_state(&self) -> crate::peers::SyncState {
        let current = self.best_header().number;
        crate::peers::SyncState { starting_block: current, current_block: current, highest_block: current }
    }
    /// The peer ids of the reserved peers (`system_reservedPeers`), if the node runs a network.
    fn reserved_peers(&self) -> Option<Vec<String>> {
        None
    }
    /// Hands `change` to the node's network, if it runs one.
    fn change_reserved_peers(&self, change: ReservedPeerChange) -> Option<ReservedPeerReply> {
        let _ = change;
        None
    }
    /// The genesis hash.
    fn genesis_hash(&self) -> H256;
    /// The best block's header.
    fn best_header(&self) -> Header;
    /// The last finalized block's header.
    fn finalized_header(&self) -> Header;
    /// The header with hash `hash`.
    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError>;
    /// The canonical block hash at `number`.
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError>;
    /// The block with hash `hash` and its finality certificate.
    fn block(&self, hash: &H256) -> Result<Option<BlockWithJustification>, ClientError>;
    /// The events of block `hash`.
    fn events(&self, hash: &H256) -> Result<Vec<EventRecord<RuntimeEvent>>, ClientError>;
    /// The value at `key` in the state with root `state_root`.
    fn storage(&self, state_root: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ClientError>;
    /// Up to `count` keys with `prefix` after `start_after`, in the state with root `state_root`.
    fn storage_keys(
        &self,
        state_root: H256,
        prefix: &[u8],
        count: usize,
        start_after: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, ClientError>;
    /// The trie nodes proving `keys` in the state with root `state_root`.
    fn read_proof(&self, state_root: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ClientError>;
    /// The next nonce of `account` counting pooled transactions (`system_accountNextIndex`).
    fn next_nonce(&self, account: &AccountId32) -> Result<Nonce, ClientError>;
    /// The account's nonce in the state with root `state_root` (`AccountNonceApi_account_nonce`).
    fn account_nonce(&self, state_root: H256, account: &AccountId32) -> Result<Nonce, ClientError>;
    /// The runtime's verdict on a transaction (`TaggedTransactionQueue_validate_transaction`).
    fn validate_transaction(&self, bytes: &[u8]) -> Result<Result<Vec<u8>, Vec<u8>>, ClientError>;
    /// Submits a length-prefixed extrinsic to the pool.
    fn submit(&self, bytes: Vec<u8>) -> Result<(H256, TransactionStatus), SubmitError>;
    /// Submits and returns a stream of the transaction's statuses. The stream starts with the
    /// status the pool gave on admission (`Ready` or `Future`); the server forwards every status
    /// and ends the subscription after `Finalized`, `Invalid` or `Dropped`, or when the stream ends.
    fn submit_and_watch(&self, bytes: Vec<u8>) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError>;
    /// Every pooled extrinsic.
    fn pending(&self) -> Vec<Vec<u8>>;
    /// Removes the pooled transactions with these hashes (their watchers hear `dropped`);
    /// returns the hashes that were in the pool.
    fn remove_pooled(&self, hashes: &[H256]) -> Vec<H256>;
    /// New best blocks.
    fn subscribe_best(&self) -> broadcast::Receiver<Header>;
    /// New finalized blocks.
    fn subscribe_finalized(&self) -> broadcast::Receiver<Header>;
}
