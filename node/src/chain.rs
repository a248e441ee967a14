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
//! - Every state the chain has had stays readable (archive mode).
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
}

impl Chain {
    /// Opens the chain of `spec` in `db`, writing its genesis if the database is new.
    pub fn open(db: Arc<dyn Database>, spec: ChainSpec) -> Result<Self, ChainError> {
        let genesis = spec.genesis()?;
        let genesis_hash = genesis.hash();
        match db.get(Column::Meta, META_GENESIS)? {
            None => write_genesis(db.as_ref(), &genesis)?,
            Some(stored) => {
                let stored = decode_hash(&stored)?;
                if stored != genesis_hash {
                    return Err(ChainError::WrongGenesis { stored, spec: genesis_hash });
                }
            }
        }
        let nodes = DbNodeStore { db: db.clone() };
        let chain = Self {
            runtime: Runtime::new(genesis_hash),
            genesis: genesis.block.header.clone(),
            best: RwLock::new(genesis.block.header.clone()),
            finalized: RwLock::new(genesis.block.header.clone()),
            db,
            nodes,
            spec,
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
        Ok(())
    }
}

fn write_genesis(db: &dyn Database, genesis: &Genesis) -> Result<(), ChainError> {
    let empty = tracechain_primitives::trie::MemoryNodeStore::new();
    let update = TrieView::new(&empty, EMPTY_TRIE_ROOT)
        .apply_changes(genesis.storage.iter().map(|(key, value)| (key.as_slice(), Some(value.as_slice()))))?;
    let header = &genesis.block.header;
    if update.root != header.state_root {
        return Err(ChainError::Corrupt { reason: "genesis trie root disagrees with the genesis header".into() });
    }
    let hash = header.hash();
    let mut batch = WriteBatch::new();
    for (node_hash, node) in update.inserted {
        batch.put(Column::State, node_hash.as_bytes().to_vec(), node);
    }
    batch.put(Column::Headers, hash.as_bytes().to_vec(), header.encode());
    batch.put(Column::Bodies, hash.as_bytes().to_vec(), Vec::<OpaqueExtrinsic>::new().encode());
    batch.put(Column::NumberToHash, 0u32.to_be_bytes().to_vec(), hash.encode());
    batch.put(Column::Meta, META_GENESIS.to_vec(), hash.encode());
    batch.put(Column::Meta, META_BEST.to_vec(), hash.encode());
    batch.put(Column::Meta, META_FINALIZED.to_vec(), hash.encode());
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
