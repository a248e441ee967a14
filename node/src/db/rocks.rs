//! The RocksDB [`Database`]: one column family per [`Column`], batches as RocksDB write batches.
//!
//! Write-ahead logging stays on, so an unsynced batch survives a process crash (kill -9) whole or
//! not at all; `sync = true` also survives a machine crash.

use std::path::Path;

use rocksdb::{ColumnFamilyDescriptor, Options, WriteOptions, DB};

use super::{Column, Database, DbError, Entries, WriteBatch};

/// A RocksDB database with the node's column families.
pub struct RocksDatabase {
    db: DB,
}

impl RocksDatabase {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        options.set_compression_type(rocksdb::DBCompressionType::Lz4);
        options.increase_parallelism(2);
        options.set_max_open_files(512);
        let families = Column::ALL.iter().map(|column| {
            let mut family = Options::default();
            family.set_compression_type(rocksdb::DBCompressionType::Lz4);
            if *column == Column::State {
                // Trie nodes are read by hash, never scanned: optimise point lookups.
                family.optimize_for_point_lookup(64);
            }
            ColumnFamilyDescriptor::new(column.name(), family)
        });
        let db = DB::open_cf_descriptors(&options, path, families)
            .map_err(|error| DbError::Open { path: path.display().to_string(), reason: error.to_string() })?;
        Ok(Self { db })
    }

    fn family(&self, column: Column) -> Result<&rocksdb::ColumnFamily, DbError> {
        self.db
            .cf_handle(column.name())
            .ok_or(DbError::Read { column: column.name(), reason: "column family missing".into() })
    }
}

impl Database for RocksDatabase {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        self.db
            .get_cf(self.family(column)?, key)
            .map_err(|error| DbError::Read { column: column.name(), reason: error.to_string() })
    }

    fn write(&self, batch: WriteBatch, sync: bool) -> Result<(), DbError> {
        let operations = batch.len();
        let mut rocks_batch = rocksdb::WriteBatch::default();
        for (column, key, value) in batch.operations() {
            let family = self.family(*column)?;
            match value {
                Some(value) => rocks_batch.put_cf(family, key, value),
                None => rocks_batch.delete_cf(family, key),
            }
        }
        let mut options = WriteOptions::default();
        options.set_sync(sync);
        self.db
            .write_opt(rocks_batch, &options)
            .map_err(|error| DbError::Write { operations, reason: error.to_string() })
    }

    fn iter_from(&self, column: Column, start: &[u8], limit: usize) -> Result<Entries, DbError> {
        let iterator =
            self.db.iterator_cf(self.family(column)?, rocksdb::IteratorMode::From(start, rocksdb::Direction::Forward));
        let mut entries = Vec::new();
        for entry in iterator.take(limit) {
            let (key, value) =
                entry.map_err(|error| DbError::Read { column: column.name(), reason: error.to_string() })?;
            entries.push((key.to_vec(), value.to_vec()));
        }
        Ok(entries)
    }
}
