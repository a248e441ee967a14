//! The chain as stored by a node: blocks, the state trie, indices and finality, in one
//! [`Database`], with the runtime that executes it.
//!
//! ## Invariants
//! - Each imported block is written with one atomic batch: header, body, events, new trie nodes,
//!   number and transaction indices, and the new best (and finalized) pointers. After a crash the
//!   node resumes from the last complete block; a half-written block cannot exist.
//! - Finalized blocks are synced to disk before `import` returns.
//! - The database belongs to one chain: its genesis hash is stored at creation and checked at
//!   every start ([`ChainError::WrongGenesis`]).
//! - Archive mode keeps every state the chain has had. Pruning mode ([`Pruning::Last`]) keeps
//!   the states of the last N blocks; blocks, events and certificates are always kept.
//! - The pruning mode is fixed when the database is created ([`ChainError::PruningMismatch`]).
//!
//! ## Pruning
//! Trie nodes are content-addressed and shared between states, so a pruning database counts
//! references ([`Column::StateReferences`]). Each block's update adds its new references at
//! once and journals the references it dropped ([`Column::PruningJournal`]). When block `b` is
//! stored, the journal of block `b - N + 1` is applied: the nodes only the state before it used
//! reach zero references and are deleted, in the same atomic batch as block `b`. Deferring the
//! drops is what keeps the last N states whole: a node reachable from a kept state has at least
//! the references that state holds.
//!
//! ## Failure
//! Database errors, undecodable records and invalid blocks are [`ChainError`]s; an invalid block
//! changes nothing.

use std::sync::Arc;

use parity_scale_codec::{Decode, Encode};
use parking_lot::RwLock;
use tracechain_primitives::{
    header::{Block, Header, OpaqueExtrinsic},
    trie::{NodeStore, TrieError, TrieView, EMPTY_TRIE_ROOT},
    BlockNumber, H256,
};
use tracechain_runtime::{
    executive::ExecutedBlock, genesis::Genesis, BlockError, ChainSpec, GenesisError, Runtime, RuntimeEvent,
};
use tracechain_support::EventRecord;

use crate::db::{Column, Database, DbError, WriteBatch};

const META_GENESIS: &[u8] = b"genesis";
const META_BEST: &[u8] = b"best";
const META_FINALIZED: &[u8] = b"finalized";
const META_PRUNING: &[u8] = b"pruning";
const META_OLDEST_STATE: &[u8] = b"oldest_state";

/// Which states the database keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Pruning {
    /// Every state.
    Archive,
    /// The states of the last N blocks (N ≥ 1).
    Last(u32),
}

impl std::fmt::Display for Pruning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pruning::Archive => f.write_str("archive"),
            Pruning::Last(blocks) => write!(f, "the last {blocks} states"),
        }
    }
}

/// Why the chain cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The chain spec is unusable.
    #[error(transparent)]
    Genesis(#[from] GenesisError),
    /// The database holds another chain.
    #[error("the database holds the chain with genesis {stored:?}, but the chain spec gives genesis {spec:?}; use another --base-path or purge-chain")]
    WrongGenesis {
        /// Genesis in the database.
        stored: H256,
        /// Genesis of the spec.
        spec: H256,
    },
    /// A stored record does not decode or is missing.
    #[error("database corruption: {reason}")]
    Corrupt {
        /// What was wrong.
        reason: String,
    },
    /// The block is invalid.
    #[error("invalid block: {0}")]
    InvalidBlock(#[from] BlockError),
    /// The block's parent is not the best block.
    #[error("block #{number} has parent {parent:?}, which is not the best block {best:?}")]
    UnknownParent {
        /// The block's number.
        number: BlockNumber,
        /// Its parent hash.
        parent: H256,
        /// The current best block.
        best: H256,
    },
    /// The trie failed (missing or corrupt node).
    #[error("state trie: {0}")]
    Trie(#[from] TrieError),
    /// The database was created with another pruning mode.
    #[error("the database keeps {stored}, but {requested} was asked for; the pruning mode is fixed when the database is created (purge-chain to change it)")]
    PruningMismatch {
        /// The database's mode.
        stored: Pruning,
        /// The mode asked for.
        requested: Pruning,
    },
    /// The state asked for has been pruned.
    #[error("the state of block #{number} has been pruned: this node keeps the states from block #{oldest} on")]
    StatePruned {
        /// The block whose state was asked for.
        number: BlockNumber,
        /// The oldest block whose state is kept.
        oldest: BlockNumber,
    },
}

/// Reads trie nodes from the database's state column.
#[derive(Clone)]
pub struct DbNodeStore {
    db: Arc<dyn Database>,
}

impl NodeStore for DbNodeStore {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, TrieError> {
        self.db.get(Column::State, hash.as_bytes()).map_err(|error| TrieError::Store { reason: error.to_string() })
    }
}

/// The chain of one node.
pub struct Chain {
    db: Arc<dyn Database>,
    nodes: DbNodeStore,
    runtime: Runtime,
    spec: ChainSpec,
    genesis: Header,
    best: RwLock<Header>,
    finalized: RwLock<Header>,
    pruning: Pruning,
    oldest_state: RwLock<BlockNumber>,
    /// Serialises writers: reference counts are read, changed and written back per block.
    commit_lock: parking_lot::Mutex<()>,
}

impl Chain {
    /// Opens the chain of `spec` in `db`, writing its genesis if the database is new. A new
    /// database keeps the states `pruning` says (archive if `None`); an existing one keeps its
    /// own mode, and refuses a different one.
    pub fn open(db: Arc<dyn Database>, spec: ChainSpec, pruning: Option<Pruning>) -> Result<Self, ChainError> {
        let genesis = spec.genesis()?;
        let genesis_hash = genesis.hash();
        let pruning = match db.get(Column::Meta, META_GENESIS)? {
            None => {
                let pruning = pruning.unwrap_or(Pruning::Archive);
                write_genesis(db.as_ref(), &genesis, pruning)?;
                pruning
            }
            Some(stored) => {
                let stored = decode_hash(&stored)?;
                if stored != genesis_hash {
                    return Err(ChainError::WrongGenesis { stored, spec: genesis_hash });
                }
                let stored: Pruning = match db.get(Column::Meta, META_PRUNING)? {
                    Some(bytes) => decode(&bytes, "pruning mode")?,
                    None => Pruning::Archive,
                };
                match pruning {
                    Some(requested) if requested != stored => {
                        return Err(ChainError::PruningMismatch { stored, requested })
                    }
                    _ => stored,
                }
            }
        };
        let oldest_state = match db.get(Column::Meta, META_OLDEST_STATE)? {
            Some(bytes) => decode(&bytes, "oldest state")?,
            None => 0,
        };
        let nodes = DbNodeStore { db: db.clone() };
        let chain = Self {
            runtime: Runtime::new(genesis_hash),
            genesis: genesis.block.header.clone(),
            best: RwLock::new(genesis.block.header.clone()),
            finalized: RwLock::new(genesis.block.header.clone()),
            db,
            nodes,
            spec,
            pruning,
            oldest_state: RwLock::new(oldest_state),
            commit_lock: parking_lot::Mutex::new(()),
        };
        let best = chain.meta_header(META_BEST)?;
        let finalized = chain.meta_header(META_FINALIZED)?;
        *chain.best.write() = best;
        *chain.finalized.write() = finalized;
        Ok(chain)
    }

    fn meta_header(&self, key: &[u8]) -> Result<Header, ChainError> {
        let hash = self
            .db
            .get(Column::Meta, key)?
            .ok_or_else(|| ChainError::Corrupt { reason: format!("meta {} missing", String::from_utf8_lossy(key)) })?;
        let hash = decode_hash(&hash)?;
        self.header(&hash)?.ok_or_else(|| ChainError::Corrupt { reason: format!("header {hash:?} missing") })
    }

    /// The runtime of this chain.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The chain spec.
    pub fn spec(&self) -> &ChainSpec {
        &self.spec
    }

    /// The genesis header.
    pub fn genesis(&self) -> &Header {
        &self.genesis
    }

    /// The best block's header.
    pub fn best(&self) -> Header {
        self.best.read().clone()
    }

    /// The last finalized block's header.
    pub fn finalized(&self) -> Header {
        self.finalized.read().clone()
    }

    /// The header with hash `hash`.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        self.db.get(Column::Headers, hash.as_bytes())?.map(|bytes| decode(&bytes, "header")).transpose()
    }

    /// The hash of canonical block `number`.
    pub fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ChainError> {
        self.db.get(Column::NumberToHash, &number.to_be_bytes())?.map(|bytes| decode_hash(&bytes)).transpose()
    }

    /// The block with hash `hash`.
    pub fn block(&self, hash: &H256) -> Result<Option<Block>, ChainError> {
        let Some(header) = self.header(hash)? else { return Ok(None) };
        let body = self
            .db
            .get(Column::Bodies, hash.as_bytes())?
            .ok_or_else(|| ChainError::Corrupt { reason: format!("body of {hash:?} missing") })?;
        let extrinsics: Vec<OpaqueExtrinsic> = decode(&body, "body")?;
        Ok(Some(Block { header, extrinsics }))
    }

    /// The finality certificate stored with block `hash`.
    pub fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, ChainError> {
        Ok(self.db.get(Column::Justifications, hash.as_bytes())?)
    }

    /// The events of block `hash`.
    pub fn events(&self, hash: &H256) -> Result<Vec<EventRecord<RuntimeEvent>>, ChainError> {
        match self.db.get(Column::Events, hash.as_bytes())? {
            Some(bytes) => decode(&bytes, "events"),
            None => Ok(Vec::new()),
        }
    }

    /// Where the extrinsic with hash `hash` was included: block hash and index.
    pub fn transaction_location(&self, hash: &H256) -> Result<Option<(H256, u32)>, ChainError> {
        self.db
            .get(Column::TransactionIndex, hash.as_bytes())?
            .map(|bytes| decode(&bytes, "transaction index"))
            .transpose()
    }

    /// The trie node store.
    pub fn node_store(&self) -> &DbNodeStore {
        &self.nodes
    }

    /// The state with root `state_root`.
    pub fn state_at(&self, state_root: H256) -> TrieView<'_, DbNodeStore> {
        TrieView::new(&self.nodes, state_root)
    }

    /// The state after block `header`, or [`ChainError::StatePruned`].
    pub fn state_of(&self, header: &Header) -> Result<TrieView<'_, DbNodeStore>, ChainError> {
        let oldest = *self.oldest_state.read();
        if header.number < oldest {
            return Err(ChainError::StatePruned { number: header.number, oldest });
        }
        Ok(self.state_at(header.state_root))
    }

    /// Which states this database keeps.
    pub fn pruning(&self) -> Pruning {
        self.pruning
    }

    /// The oldest block whose state is kept (0 in archive mode).
    pub fn oldest_state(&self) -> BlockNumber {
        *self.oldest_state.read()
    }

    /// Re-executes `block` on the best block and stores it (with its certificate, if final).
    pub fn import(&self, block: &Block, justification: Option<Vec<u8>>) -> Result<ExecutedBlock, ChainError> {
        let best = self.best();
        if block.header.parent_hash != best.hash() {
            return Err(ChainError::UnknownParent {
                number: block.header.number,
                parent: block.header.parent_hash,
                best: best.hash(),
            });
        }
        let executed = self.runtime.execute_block(&self.state_at(best.state_root), block)?;
        self.commit(&executed, justification)?;
        Ok(executed)
    }

    /// Stores a block this node built (already executed) as the new best block; final when a
    /// `justification` is given.
    pub fn commit(&self, executed: &ExecutedBlock, justification: Option<Vec<u8>>) -> Result<(), ChainError> {
        let _writer = self.commit_lock.lock();
        let header = &executed.block.header;
        let hash = header.hash();
        let mut batch = WriteBatch::new();
        batch.put(Column::Headers, hash.as_bytes().to_vec(), header.encode());
        batch.put(Column::Bodies, hash.as_bytes().to_vec(), executed.block.extrinsics.encode());
        batch.put(Column::Events, hash.as_bytes().to_vec(), executed.events.encode());
        for (node_hash, node) in &executed.trie_update.inserted {
            batch.put(Column::State, node_hash.as_bytes().to_vec(), node.clone());
        }
        batch.put(Column::NumberToHash, header.number.to_be_bytes().to_vec(), hash.encode());
        for (index, extrinsic) in executed.block.extrinsics.iter().enumerate() {
            batch.put(Column::TransactionIndex, extrinsic.hash().as_bytes().to_vec(), (hash, index as u32).encode());
        }
        batch.put(Column::Meta, META_BEST.to_vec(), hash.encode());
        let oldest_state = match self.pruning {
            Pruning::Archive => None,
            Pruning::Last(keep) => {
                self.prune(&mut batch, header.number, keep, &executed.trie_update.reference_changes)?
            }
        };
        let is_final = justification.is_some();
        if let Some(justification) = justification {
            batch.put(Column::Justifications, hash.as_bytes().to_vec(), justification);
            batch.put(Column::Meta, META_FINALIZED.to_vec(), hash.encode());
        }
        self.db.write(batch, is_final)?;
        *self.best.write() = header.clone();
        if is_final {
            *self.finalized.write() = header.clone();
        }
        if let Some(oldest) = oldest_state {
            *self.oldest_state.write() = oldest;
        }
        Ok(())
    }

    /// Adds to `batch` the reference counting of block `number` (with `changes`) and the pruning
    /// of the state that falls out of the last `keep`. Returns the new oldest kept state.
    fn prune(
        &self,
        batch: &mut WriteBatch,
        number: BlockNumber,
        keep: u32,
        changes: &[(H256, i32)],
    ) -> Result<Option<BlockNumber>, ChainError> {
        let mut deltas: std::collections::BTreeMap<H256, i64> = std::collections::BTreeMap::new();
        let mut dropped = Vec::new();
        for (hash, change) in changes {
            if *change > 0 {
                *deltas.entry(*hash).or_default() += i64::from(*change);
            } else {
                dropped.push((*hash, *change));
            }
        }
        // Block `number - keep + 1` becomes the oldest kept state: apply the drops of that block
        // (the references only the state before it held). With `keep` 1 that is this block.
        let oldest = (number + 1).checked_sub(keep).filter(|oldest| *oldest >= 1);
        let journal: Vec<(H256, i32)> = match oldest {
            Some(oldest) if oldest == number => std::mem::take(&mut dropped),
            Some(oldest) => {
                let key = oldest.to_be_bytes().to_vec();
                let journal = match self.db.get(Column::PruningJournal, &key)? {
                    Some(bytes) => decode(&bytes, "pruning journal")?,
                    None => Vec::new(),
                };
                batch.delete(Column::PruningJournal, key);
                journal
            }
            None => Vec::new(),
        };
        for (hash, change) in journal {
            *deltas.entry(hash).or_default() += i64::from(change);
        }
        if !dropped.is_empty() {
            batch.put(Column::PruningJournal, number.to_be_bytes().to_vec(), dropped.encode());
        }
        if let Some(oldest) = oldest {
            batch.put(Column::Meta, META_OLDEST_STATE.to_vec(), oldest.encode());
        }
        for (hash, delta) in deltas {
            let stored = match self.db.get(Column::StateReferences, hash.as_bytes())? {
                Some(bytes) => decode_count(&bytes)?,
                None => 0,
            };
            let count = i64::from(stored) + delta;
            if count <= 0 {
                if count < 0 {
                    return Err(ChainError::Corrupt {
                        reason: format!("trie node {hash:?} would have {count} references after block #{number}"),
                    });
                }
                batch.delete(Column::StateReferences, hash.as_bytes().to_vec());
                batch.delete(Column::State, hash.as_bytes().to_vec());
            } else {
                let count = u32::try_from(count).map_err(|_| ChainError::Corrupt {
                    reason: format!("trie node {hash:?} has more than 2^32 references"),
                })?;
                batch.put(Column::StateReferences, hash.as_bytes().to_vec(), count.to_le_bytes().to_vec());
            }
        }
        Ok(oldest)
    }
}

fn decode_count(bytes: &[u8]) -> Result<u32, ChainError> {
    let bytes: [u8; 4] = bytes.try_into().map_err(|_| ChainError::Corrupt {
        reason: format!("a reference count of {} bytes (4 expected)", bytes.len()),
    })?;
    Ok(u32::from_le_bytes(bytes))
}

fn write_genesis(db: &dyn Database, genesis: &Genesis, pruning: Pruning) -> Result<(), ChainError> {
    let empty = tracechain_primitives::trie::MemoryNodeStore::new();
    let update = TrieView::new(&empty, EMPTY_TRIE_ROOT)
        .apply_changes(genesis.storage.iter().map(|(key, value)| (key.as_slice(), Some(value.as_slice()))))?;
    let header = &genesis.block.header;
    if update.root != header.state_root {
        return Err(ChainError::Corrupt { reason: "genesis trie root disagrees with the genesis header".into() });
    }
    let hash = header.hash();
    let mut batch = WriteBatch::new();
    for (node_hash, node) in &update.inserted {
        batch.put(Column::State, node_hash.as_bytes().to_vec(), node.clone());
    }
    batch.put(Column::Headers, hash.as_bytes().to_vec(), header.encode());
    batch.put(Column::Bodies, hash.as_bytes().to_vec(), Vec::<OpaqueExtrinsic>::new().encode());
    batch.put(Column::NumberToHash, 0u32.to_be_bytes().to_vec(), hash.encode());
    batch.put(Column::Meta, META_GENESIS.to_vec(), hash.encode());
    batch.put(Column::Meta, META_BEST.to_vec(), hash.encode());
    batch.put(Column::Meta, META_FINALIZED.to_vec(), hash.encode());
    batch.put(Column::Meta, META_PRUNING.to_vec(), pruning.encode());
    if pruning != Pruning::Archive {
        for (node_hash, references) in &update.reference_changes {
            let count = u32::try_from(*references).map_err(|_| ChainError::Corrupt {
                reason: format!("genesis node {node_hash:?}: {references} references"),
            })?;
            batch.put(Column::StateReferences, node_hash.as_bytes().to_vec(), count.to_le_bytes().to_vec());
        }
    }
    db.write(batch, true)?;
    Ok(())
}

fn decode<T: Decode>(bytes: &[u8], what: &str) -> Result<T, ChainError> {
    T::decode(&mut &bytes[..])
        .map_err(|error| ChainError::Corrupt { reason: format!("stored {what} does not decode: {error}") })
}

fn decode_hash(bytes: &[u8]) -> Result<H256, ChainError> {
    decode(bytes, "hash")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tracechain_runtime::workload::supply_chain_workload;

    use super::*;
    use crate::db::memory::MemoryDatabase;

    /// The nodes (and hashed values) reachable from `root`: a read proof of every key visits all.
    fn reachable(chain: &Chain, root: H256) -> BTreeSet<Vec<u8>> {
        let view = chain.state_at(root);
        let keys: Vec<Vec<u8>> = view.pairs().expect("state readable").into_iter().map(|(key, _)| key).collect();
        view.read_proof(&keys).expect("proof").into_iter().collect()
    }

    fn stored_nodes(db: &dyn Database) -> usize {
        db.iter_from(Column::State, &[], usize::MAX).expect("scan").len()
    }

    fn import_workload(pruning: Option<Pruning>) -> (Arc<MemoryDatabase>, Chain, Vec<Header>) {
        let spec = ChainSpec::development().expect("development spec");
        let db = Arc::new(MemoryDatabase::new());
        let chain = Chain::open(db.clone(), spec.clone(), pruning).expect("open");
        let workload = supply_chain_workload(&spec, 30, 1_700_000_000_000).expect("workload");
        let mut headers = vec![chain.genesis().clone()];
        for block in workload.blocks() {
            chain.import(block, Some(vec![1])).expect("import");
            headers.push(block.header.clone());
        }
        (db, chain, headers)
    }

    #[test]
    fn pruning_keeps_exactly_the_last_n_states() {
        for keep in [1u32, 2, 3] {
            let (db, chain, headers) = import_workload(Some(Pruning::Last(keep)));
            let best = headers.len() as u32 - 1;
            assert_eq!(chain.oldest_state(), best + 1 - keep);
            let mut live = BTreeSet::new();
            for header in &headers[(best + 1 - keep) as usize..] {
                live.extend(reachable(&chain, header.state_root));
                assert!(chain.state_of(header).is_ok());
            }
            // Nothing else is stored: every node of a pruned state that no kept state uses is gone.
            assert_eq!(stored_nodes(db.as_ref()), live.len(), "keep {keep}");
            let pruned = &headers[(best - keep) as usize];
            assert!(matches!(chain.state_of(pruned), Err(ChainError::StatePruned { .. })));
            assert!(chain.state_at(pruned.state_root).pairs().is_err(), "the pruned state's nodes are gone");
            // Blocks are kept whatever the pruning.
            assert!(chain.block(&headers[1].hash()).expect("read").is_some());
        }
    }

    #[test]
    fn archive_keeps_every_state_and_the_mode_is_fixed_at_creation() {
        let (db, chain, headers) = import_workload(None);
        assert_eq!(chain.pruning(), Pruning::Archive);
        for header in &headers {
            assert!(chain.state_of(header).expect("kept").pairs().is_ok());
        }
        drop(chain);
        let spec = ChainSpec::development().expect("spec");
        let refused = Chain::open(db.clone(), spec.clone(), Some(Pruning::Last(5)));
        assert!(matches!(
            refused,
            Err(ChainError::PruningMismatch { stored: Pruning::Archive, requested: Pruning::Last(5) })
        ));
        assert_eq!(Chain::open(db, spec, None).expect("reopen").pruning(), Pruning::Archive);
    }

    #[test]
    fn a_pruning_database_reopens_with_its_mode_and_oldest_state() {
        let (db, chain, headers) = import_workload(Some(Pruning::Last(2)));
        let oldest = chain.oldest_state();
        drop(chain);
        let spec = ChainSpec::development().expect("spec");
        let chain = Chain::open(db, spec, None).expect("reopen");
        assert_eq!((chain.pruning(), chain.oldest_state()), (Pruning::Last(2), oldest));
        assert!(chain.state_of(headers.last().expect("best")).expect("best state").pairs().is_ok());
    }
}
