//! An in-memory [`Database`], for tests and throwaway nodes.

use std::collections::BTreeMap;

use parking_lot::RwLock;

use super::{Column, Database, DbError, Entries, WriteBatch};

/// The entries of one column.
type ColumnEntries = BTreeMap<Vec<u8>, Vec<u8>>;

/// Columns of ordered maps behind one lock, so a batch is applied atomically.
#[derive(Default)]
pub struct MemoryDatabase {
    columns: RwLock<BTreeMap<Column, ColumnEntries>>,
}

impl MemoryDatabase {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Database for MemoryDatabase {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self.columns.read().get(&column).and_then(|entries| entries.get(key).cloned()))
    }

    fn write(&self, batch: WriteBatch, _sync: bool) -> Result<(), DbError> {
        let mut columns = self.columns.write();
        for (column, key, value) in batch.operations {
            let entries = columns.entry(column).or_default();
            match value {
                Some(value) => entries.insert(key, value),
                None => entries.remove(&key),
            };
        }
        Ok(())
    }

    fn iter_from(&self, column: Column, start: &[u8], limit: usize) -> Result<Entries, DbError> {
        Ok(self
            .columns
            .read()
            .get(&column)
            .map(|entries| {
                entries.range(start.to_vec()..).take(limit).map(|(key, value)| (key.clone(), value.clone())).collect()
            })
            .unwrap_or_default())
    }
}
