//! The node's key-value database: named columns and atomic write batches, behind one trait with
//! a RocksDB implementation ([`rocks::RocksDatabase`]) and an in-memory one
//! ([`memory::MemoryDatabase`]). One test suite runs against both.
//!
//! ## Invariants
//! - A [`WriteBatch`] is applied whole or not at all, so a crash never leaves half a block.
//! - A batch written with `sync = true` is on disk when `write` returns (finalized blocks).
//!
//! ## Failure
//! Every error of the engine is a [`DbError`] naming the operation and column; the node treats
//! it as fatal for the operation and never as an empty value.

pub mod memory;
pub mod rocks;

/// The columns (RocksDB column families) of the node's database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    /// Block hash → SCALE header.
    Headers,
    /// Block hash → SCALE `Vec<extrinsic>`.
    Bodies,
    /// Trie node hash → encoded node.
    State,
    /// Big-endian block number → block hash (the canonical chain).
    NumberToHash,
    /// Extrinsic hash → (block hash, index).
    TransactionIndex,
    /// Named metadata: best and finalized block, genesis hash.
    Meta,
    /// Block hash → finality certificate.
    Justifications,
    /// Block hash → SCALE events of that block.
    Events,
    /// Pruning mode only: trie node hash → number of references (u32, little endian) from the
    /// kept states and the updates not yet pruned.
    StateReferences,
    /// Pruning mode only: big-endian block number → the references that block dropped
    /// (SCALE `Vec<(H256, i32)>`), applied when the state before it is pruned.
    PruningJournal,
}

impl Column {
    /// Every column, in a fixed order.
    pub const ALL: [Column; 10] = [
        Column::Headers,
        Column::Bodies,
        Column::State,
        Column::NumberToHash,
        Column::TransactionIndex,
        Column::Meta,
        Column::Justifications,
        Column::Events,
        Column::StateReferences,
        Column::PruningJournal,
    ];

    /// The column family's name on disk.
    pub fn name(self) -> &'static str {
        match self {
            Column::Headers => "headers",
            Column::Bodies => "bodies",
            Column::State => "state",
            Column::NumberToHash => "number_to_hash",
            Column::TransactionIndex => "transaction_index",
            Column::Meta => "meta",
            Column::Justifications => "justifications",
            Column::Events => "events",
            Column::StateReferences => "state_references",
            Column::PruningJournal => "pruning_journal",
        }
    }
}

/// One write: column, key, and the value (`None` deletes).
pub type Operation = (Column, Vec<u8>, Option<Vec<u8>>);

/// Key-value pairs read from a column, in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// A set of writes applied atomically.
#[derive(Clone, Debug, Default)]
pub struct WriteBatch {
    operations: Vec<Operation>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `value` at `key` in `column`.
    pub fn put(&mut self, column: Column, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.operations.push((column, key.into(), Some(value.into())));
    }

    /// Deletes `key` from `column`.
    pub fn delete(&mut self, column: Column, key: impl Into<Vec<u8>>) {
        self.operations.push((column, key.into(), None));
    }

    /// How many operations the batch holds.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The operations, in order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }
}

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database could not be opened.
    #[error("cannot open the database at {path}: {reason}")]
    Open {
        /// Where.
        path: String,
        /// The engine's message.
        reason: String,
    },
    /// A read failed.
    #[error("read from column {column} failed: {reason}")]
    Read {
        /// Which column.
        column: &'static str,
        /// The engine's message.
        reason: String,
    },
    /// A batch write failed; nothing of it was applied.
    #[error("atomic write of {operations} operations failed: {reason}")]
    Write {
        /// How many operations the batch had.
        operations: usize,
        /// The engine's message.
        reason: String,
    },
}

/// A key-value store with columns and atomic batches.
pub trait Database: Send + Sync {
    /// The value at `key` in `column`.
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError>;

    /// Applies `batch` atomically; with `sync`, returns only once it is durable.
    fn write(&self, batch: WriteBatch, sync: bool) -> Result<(), DbError>;

    /// Up to `limit` entries of `column` with keys `>= start`, in key order.
    fn iter_from(&self, column: Column, start: &[u8], limit: usize) -> Result<Entries, DbError>;
}

#[cfg(test)]
mod tests {
    //! One suite, run against both implementations.

    use super::*;

    fn suite(db: &dyn Database) {
        assert_eq!(db.get(Column::Headers, b"a").unwrap(), None);
        let mut batch = WriteBatch::new();
        batch.put(Column::Headers, b"a".to_vec(), b"1".to_vec());
        batch.put(Column::Bodies, b"a".to_vec(), b"body".to_vec());
        batch.put(Column::Meta, b"best".to_vec(), b"a".to_vec());
        db.write(batch, true).unwrap();
        assert_eq!(db.get(Column::Headers, b"a").unwrap(), Some(b"1".to_vec()));
        assert_eq!(db.get(Column::Bodies, b"a").unwrap(), Some(b"body".to_vec()));
        // Columns are separate key spaces.
        assert_eq!(db.get(Column::State, b"a").unwrap(), None);

        let mut batch = WriteBatch::new();
        batch.delete(Column::Headers, b"a".to_vec());
        batch.put(Column::Headers, b"b".to_vec(), b"2".to_vec());
        db.write(batch, false).unwrap();
        assert_eq!(db.get(Column::Headers, b"a").unwrap(), None);
        assert_eq!(db.get(Column::Headers, b"b").unwrap(), Some(b"2".to_vec()));

        let mut batch = WriteBatch::new();
        for number in 0u32..10 {
            batch.put(Column::NumberToHash, number.to_be_bytes().to_vec(), vec![number as u8]);
        }
        db.write(batch, false).unwrap();
        let page = db.iter_from(Column::NumberToHash, &3u32.to_be_bytes(), 4).unwrap();
        let numbers: Vec<u8> = page.iter().map(|(_, value)| value[0]).collect();
        assert_eq!(numbers, vec![3, 4, 5, 6]);
    }

    #[test]
    fn memory_database_passes_the_suite() {
        suite(&memory::MemoryDatabase::new());
    }

    #[test]
    fn rocksdb_passes_the_suite_and_keeps_data_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = rocks::RocksDatabase::open(dir.path()).unwrap();
            suite(&db);
        }
        let db = rocks::RocksDatabase::open(dir.path()).unwrap();
        assert_eq!(db.get(Column::Headers, b"b").unwrap(), Some(b"2".to_vec()));
        assert_eq!(db.get(Column::Meta, b"best").unwrap(), Some(b"a".to_vec()));
    }
}
