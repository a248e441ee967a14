//! Pending storage changes over a read-only state, with nested transactional layers.
//!
//! Reads look through the open layers (innermost first), then the committed block changes,
//! then the backend. Writes go to the innermost layer. Committing a layer merges it into the
//! one below; rolling it back drops it. `None` in a change set is a deletion.
//!
//! Backend reads are remembered for the overlay's life (one block): the state under an overlay
//! never changes, and a block reads the same records (its senders' organisations, roles, the
//! counters) many times, each of which would otherwise walk and hash-check trie nodes again.

use std::{cell::RefCell, collections::BTreeMap};

/// A change set: `Some(value)` writes, `None` deletes.
pub type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Read access to a committed state (a trie at a state root, in memory or on disk).
pub trait StateReader {
    /// The value at `key`, or an error if the state cannot be read (a missing trie node).
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String>;
}

impl StateReader for BTreeMap<Vec<u8>, Vec<u8>> {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        Ok(self.get(key).cloned())
    }
}

impl<S: tracechain_primitives::trie::NodeStore + ?Sized> StateReader for tracechain_primitives::trie::TrieView<'_, S> {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.get(key).map_err(|error| error.to_string())
    }
}

/// The storage a block's execution sees and changes.
pub struct Overlay<'a> {
    backend: &'a dyn StateReader,
    committed: Changes,
    layers: Vec<Changes>,
    backend_reads: RefCell<Changes>,
    corruption: RefCell<Option<String>>,
}

impl<'a> Overlay<'a> {
    /// An overlay with no changes over `backend`.
    pub fn new(backend: &'a dyn StateReader) -> Self {
        Self {
            backend,
            committed: Changes::new(),
            layers: Vec::new(),
            backend_reads: RefCell::new(Changes::new()),
            corruption: RefCell::new(None),
        }
    }

    /// The current value at `key`. A backend failure is recorded as corruption and reads as `None`.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self.layers.iter().rev().chain(std::iter::once(&self.committed)) {
            if let Some(change) = layer.get(key) {
                return change.clone();
            }
        }
        if let Some(value) = self.backend_reads.borrow().get(key) {
            return value.clone();
        }
        match self.backend.read(key) {
            Ok(value) => {
                self.backend_reads.borrow_mut().insert(key.to_vec(), value.clone());
                value
            }
            Err(reason) => {
                self.note_corruption(format!("state read of 0x{} failed: {reason}", hex_key(key)));
                None
            }
        }
    }

    /// Whether a value exists at `key`.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Writes `value` at `key`.
    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.top_mut().insert(key, Some(value));
    }

    /// Deletes `key`.
    pub fn remove(&mut self, key: Vec<u8>) {
        self.top_mut().insert(key, None);
    }

    fn top_mut(&mut self) -> &mut Changes {
        match self.layers.last_mut() {
            Some(layer) => layer,
            None => &mut self.committed,
        }
    }

    /// Opens a nested transactional layer.
    pub fn start_transaction(&mut self) {
        self.layers.push(Changes::new());
    }

    /// Merges the innermost layer into the one below. Without an open layer, does nothing.
    pub fn commit_transaction(&mut self) {
        if let Some(layer) = self.layers.pop() {
            self.top_mut().extend(layer);
        }
    }

    /// Drops the innermost layer's changes. Without an open layer, does nothing.
    pub fn rollback_transaction(&mut self) {
        self.layers.pop();
    }

    /// How many transactional layers are open.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Records that the state is corrupt (an undecodable value or an unreadable backend).
    /// Only the first record is kept.
    pub fn note_corruption(&self, reason: String) {
        let mut corruption = self.corruption.borrow_mut();
        if corruption.is_none() {
            *corruption = Some(reason);
        }
    }

    /// The first corruption seen, if any.
    pub fn corruption(&self) -> Option<String> {
        self.corruption.borrow().clone()
    }

    /// The committed changes of the block so far (open layers are not included).
    pub fn committed_changes(&self) -> &Changes {
        &self.committed
    }

    /// Consumes the overlay, returning its committed changes.
    pub fn into_changes(self) -> Changes {
        self.committed
    }
}

/// Hex of a key for error messages.
pub fn hex_key(key: &[u8]) -> String {
    key.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend() -> BTreeMap<Vec<u8>, Vec<u8>> {
        BTreeMap::from([(b"a".to_vec(), b"1".to_vec()), (b"b".to_vec(), b"2".to_vec())])
    }

    #[test]
    fn nested_layers_commit_and_roll_back() {
        let state = backend();
        let mut overlay = Overlay::new(&state);
        overlay.set(b"a".to_vec(), b"block".to_vec());
        overlay.start_transaction();
        overlay.set(b"a".to_vec(), b"outer".to_vec());
        overlay.start_transaction();
        overlay.remove(b"b".to_vec());
        overlay.set(b"c".to_vec(), b"3".to_vec());
        assert_eq!(overlay.get(b"b"), None);
        overlay.rollback_transaction();
        assert_eq!(overlay.get(b"b"), Some(b"2".to_vec()));
        assert_eq!(overlay.get(b"c"), None);
        assert_eq!(overlay.get(b"a"), Some(b"outer".to_vec()));
        overlay.rollback_transaction();
        assert_eq!(overlay.get(b"a"), Some(b"block".to_vec()));
        overlay.start_transaction();
        overlay.remove(b"a".to_vec());
        overlay.commit_transaction();
        assert_eq!(overlay.depth(), 0);
        assert_eq!(overlay.into_changes(), Changes::from([(b"a".to_vec(), None)]));
    }

    struct Broken;
    impl StateReader for Broken {
        fn read(&self, _key: &[u8]) -> Result<Option<Vec<u8>>, String> {
            Err("missing trie node".into())
        }
    }

    #[test]
    fn backend_failure_is_recorded_as_corruption() {
        let overlay = Overlay::new(&Broken);
        assert_eq!(overlay.get(b"k"), None);
        assert!(overlay.corruption().is_some_and(|reason| reason.contains("missing trie node")));
    }
}
