//! Substrate's state trie: a base-16 Patricia-Merkle trie in layout V1, hashed with blake2-256.
//!
//! What is here:
//! - [`Blake2Hasher`] and [`Layout`], the hasher and node codec of sp-trie's `LayoutV1`
//!   (no extension nodes; values of 33 bytes or more are stored as separate value nodes under
//!   their hash, shorter ones inline).
//! - [`NodeStore`], a content-addressed store of encoded nodes, with the in-memory
//!   [`MemoryNodeStore`].
//! - [`TrieView`], the state at one root over a store: reads, key iteration, read proofs, and
//!   [`TrieView::apply_changes`], which computes a new state as a [`TrieUpdate`] without touching
//!   the store.
//! - [`trie_root`] and [`ordered_trie_root`], roots computed from scratch (genesis, extrinsics
//!   root), and [`verify_read_proof`], which checks a read proof against a root.
//!
//! ## Invariants
//! - Roots and node encodings are sp-trie's `LayoutV1<BlakeTwo256>`, byte for byte; tests pin
//!   roots computed with sp-trie itself.
//! - The empty trie has root [`EMPTY_TRIE_ROOT`] (`blake2_256([0])`); its single node `[0]` is
//!   resolvable without being in any store, and is never reported in a [`TrieUpdate`].
//! - A node is only ever used under its own hash: every node read from a [`NodeStore`] is
//!   re-hashed, and a mismatch is [`TrieError::Corrupt`].
//! - Nothing iterates a hash map: updates, proofs and key lists come out sorted.
//! - The store is content-addressed and not reference-counted, so [`TrieUpdate::removed`] lists
//!   the nodes this update stopped referencing from the old root; other roots (or other parts of
//!   the new state with identical content) may still use them. A pruning store counts references
//!   with [`TrieUpdate::reference_changes`].
//!
//! ## Failure
//! Nothing here panics on bad data. A node missing from the store is
//! [`TrieError::MissingNode`]; a node that does not decode, or whose content does not match its
//! hash, is [`TrieError::Corrupt`]; an error of the store itself is passed through. Proof
//! verification fails with [`ProofError::IncompleteProof`] when a key's lookup needs a node the
//! proof lacks (never a silent `None`), and [`ProofError::BadNode`] when a node does not decode.
//! The node decoder of `reference-trie` (like sp-trie's) can panic on some malformed nodes; such
//! a panic is caught at this module's boundary and reported as corruption (this needs
//! `panic = "unwind"`, the default; the panic message still reaches the panic hook).
//! trie-db 0.32.0 corrupts the trie when asked to remove an absent key that is a strict prefix of
//! present keys (paritytech/trie#217); [`TrieView::apply_changes`] never asks it to.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use hash_db::{AsHashDB, HashDB, HashDBRef, Hasher, Prefix};
use memory_db::{HashKey, MemoryDB};
use trie_db::recorder::Recorder;
use trie_db::{
    CError, Trie, TrieConfiguration, TrieDBBuilder, TrieDBIterator, TrieDBKeyIterator, TrieDBMutBuilder, TrieHash,
    TrieMut,
};

use crate::hashing::blake2_256;
use crate::H256;

/// The blake2-256 hasher of Substrate's state trie (sp-core's `Blake2Hasher`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blake2Hasher;

impl Hasher for Blake2Hasher {
    type Out = [u8; 32];
    type StdHasher = Blake2StdHasher;
    const LENGTH: usize = 32;

    fn hash(data: &[u8]) -> [u8; 32] {
        blake2_256(data)
    }
}

/// The `std::hash::Hasher` that hash maps keyed by [`Blake2Hasher`] outputs use.
///
/// Keys are already blake2 hashes, so this only folds the bytes written into a `u64` (like the
/// `hash256-std-hasher` crate); it is not a general-purpose or DoS-resistant hasher.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blake2StdHasher {
    state: u64,
}

impl std::hash::Hasher for Blake2StdHasher {
    fn finish(&self) -> u64 {
        self.state
    }

    fn write(&mut self, bytes: &[u8]) {
        match bytes.first_chunk::<8>() {
            Some(word) => self.state ^= u64::from_le_bytes(*word),
            None => {
                for &byte in bytes {
                    self.state = self.state.rotate_left(8) ^ u64::from(byte);
                }
            }
        }
    }
}

/// The trie layout: sp-trie's `LayoutV1` (no extension nodes, values of 33 bytes or more hashed
/// into separate value nodes) over [`Blake2Hasher`].
pub type Layout = reference_trie::SubstrateV1<Blake2Hasher>;

/// The encoding of the empty trie's only node.
const EMPTY_NODE: [u8; 1] = [0];

/// Root of the empty trie: `blake2_256([0])`.
pub const EMPTY_TRIE_ROOT: H256 = H256([
    0x03, 0x17, 0x0a, 0x2e, 0x75, 0x97, 0xb7, 0xb7, 0xe3, 0xd8, 0x4c, 0x05, 0x39, 0x1d, 0x13, 0x9a, 0x62, 0xb1, 0x57,
    0xe7, 0x87, 0x86, 0xd8, 0xc0, 0x82, 0xf2, 0x9d, 0xcf, 0x4c, 0x11, 0x13, 0x14,
]);

/// Why a trie operation over a [`NodeStore`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    /// A node (or hashed value) the operation needs is not in the store.
    #[error("trie node {hash:?} is not in the node store")]
    MissingNode {
        /// Hash of the missing node.
        hash: H256,
    },
    /// A node does not decode, or its content does not match its hash.
    #[error("corrupt trie data: {reason}")]
    Corrupt {
        /// What was wrong, with the node's hash where known.
        reason: String,
    },
    /// The node store itself failed (I/O, database error).
    #[error("node store failed: {reason}")]
    Store {
        /// The store's own description of the failure.
        reason: String,
    },
}

/// Why a read proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// Looking up `key` needs a node (or hashed value) that the proof does not contain.
    #[error("the proof lacks a node needed to look up key 0x{key}")]
    IncompleteProof {
        /// The key, lower-case hex without `0x`.
        key: String,
    },
    /// A node of the proof on a key's path does not decode.
    #[error("the proof holds a malformed node: {reason}")]
    BadNode {
        /// What was wrong.
        reason: String,
    },
}

/// A content-addressed store of encoded trie nodes and hashed values, keyed by their
/// blake2-256 hash (in memory now; RocksDB later).
///
/// Stores are `Send + Sync` because trie-db's mutable database trait requires it.
pub trait NodeStore: Send + Sync {
    /// The encoded node whose hash is `hash`, `Ok(None)` if the store does not have it.
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, TrieError>;
}

/// An in-memory [`NodeStore`]: a `BTreeMap` from hash to encoded node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryNodeStore {
    nodes: BTreeMap<H256, Vec<u8>>,
}

impl MemoryNodeStore {
    /// An empty store (it still resolves the empty trie).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds nodes, e.g. [`TrieUpdate::inserted`]. The caller vouches that each hash is the
    /// blake2-256 of its node; a wrong one is caught as [`TrieError::Corrupt`] when read.
    pub fn insert_nodes(&mut self, nodes: impl IntoIterator<Item = (H256, Vec<u8>)>) {
        self.nodes.extend(nodes);
    }

    /// Drops the node with hash `hash`, if held.
    pub fn remove_node(&mut self, hash: &H256) {
        self.nodes.remove(hash);
    }

    /// Number of nodes held.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the store holds no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl NodeStore for MemoryNodeStore {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, TrieError> {
        Ok(self.nodes.get(hash).cloned())
    }
}

/// The result of [`TrieView::apply_changes`]: the new state's root and how the store must change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrieUpdate {
    /// Root of the new state.
    pub root: H256,
    /// Nodes (and hashed values) the new state needs that the update created, sorted by hash.
    pub inserted: Vec<(H256, Vec<u8>)>,
    /// Hashes of nodes of the old state that the update dereferenced, sorted. They may still be
    /// used by other states: the store is not reference-counted.
    pub removed: Vec<H256>,
    /// The net change in the number of references to each node this update touched (positive:
    /// new references, negative: dropped ones), sorted by hash. An identical node can sit at
    /// several places of one state, so a store that reference-counts (a pruning node) needs
    /// these counts, not just `inserted` and `removed`.
    pub reference_changes: Vec<(H256, i32)>,
}

/// Key/value pairs in key order.
type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// Keys with their proven values.
type ProvenValues = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// trie-db's error type for [`Layout`].
type DbError = Box<trie_db::TrieError<TrieHash<Layout>, CError<Layout>>>;

/// Reads nodes from a [`NodeStore`] for trie-db, checking each against its hash and keeping the
/// first store failure (trie-db's database traits can only answer "absent").
struct StoreReader<'a, S: NodeStore + ?Sized> {
    store: &'a S,
    failure: Mutex<Option<TrieError>>,
}

impl<'a, S: NodeStore + ?Sized> StoreReader<'a, S> {
    fn new(store: &'a S) -> Self {
        Self { store, failure: Mutex::new(None) }
    }

    fn fail(&self, error: TrieError) {
        let mut slot = self.failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.get_or_insert(error);
    }

    fn fetch(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        if *key == EMPTY_TRIE_ROOT.0 {
            return Some(EMPTY_NODE.to_vec());
        }
        let hash = H256(*key);
        match self.store.node(&hash) {
            Ok(Some(data)) => {
                let actual = blake2_256(&data);
                if actual == *key {
                    Some(data)
                } else {
                    self.fail(TrieError::Corrupt {
                        reason: format!("the store holds under {hash:?} a node whose hash is {:?}", H256(actual)),
                    });
                    None
                }
            }
            Ok(None) => None,
            Err(error) => {
                self.fail(error);
                None
            }
        }
    }

    /// Maps a trie-db error to ours; "missing" becomes the store's own failure if it had one.
    fn map_error(&self, error: trie_db::TrieError<TrieHash<Layout>, CError<Layout>>) -> TrieError {
        let recorded = self.failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        match error {
            trie_db::TrieError::InvalidStateRoot(hash) | trie_db::TrieError::IncompleteDatabase(hash) => {
                recorded.unwrap_or(TrieError::MissingNode { hash: H256(hash) })
            }
            trie_db::TrieError::DecoderError(hash, codec_error) => {
                TrieError::Corrupt { reason: format!("node {:?} does not decode: {codec_error:?}", H256(hash)) }
            }
            trie_db::TrieError::InvalidHash(hash, data) => TrieError::Corrupt {
                reason: format!("node {:?} holds a child reference of {} bytes", H256(hash), data.len()),
            },
            trie_db::TrieError::ValueAtIncompleteKey(bytes, nibble) => TrieError::Corrupt {
                reason: format!("value at a key that is not whole bytes: 0x{} + nibble {nibble:x}", hex::encode(bytes)),
            },
        }
    }
}

impl<S: NodeStore + ?Sized> HashDBRef<Blake2Hasher, Vec<u8>> for StoreReader<'_, S> {
    fn get(&self, key: &[u8; 32], _prefix: Prefix) -> Option<Vec<u8>> {
        self.fetch(key)
    }

    fn contains(&self, key: &[u8; 32], _prefix: Prefix) -> bool {
        self.fetch(key).is_some()
    }
}

/// A writable overlay for trie-db: reads fall through to the store, writes are reference-counted
/// in a `MemoryDB` (keyed by hash alone, like the store) and never reach the store.
struct Overlay<'a, S: NodeStore + ?Sized> {
    reader: StoreReader<'a, S>,
    writes: MemoryDB<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>,
}

impl<S: NodeStore + ?Sized> HashDB<Blake2Hasher, Vec<u8>> for Overlay<'_, S> {
    fn get(&self, key: &[u8; 32], prefix: Prefix) -> Option<Vec<u8>> {
        HashDB::get(&self.writes, key, prefix).or_else(|| self.reader.fetch(key))
    }

    fn contains(&self, key: &[u8; 32], prefix: Prefix) -> bool {
        HashDB::get(self, key, prefix).is_some()
    }

    fn insert(&mut self, prefix: Prefix, value: &[u8]) -> [u8; 32] {
        HashDB::insert(&mut self.writes, prefix, value)
    }

    fn emplace(&mut self, key: [u8; 32], prefix: Prefix, value: Vec<u8>) {
        HashDB::emplace(&mut self.writes, key, prefix, value)
    }

    fn remove(&mut self, key: &[u8; 32], prefix: Prefix) {
        HashDB::remove(&mut self.writes, key, prefix)
    }
}

impl<S: NodeStore + ?Sized> AsHashDB<Blake2Hasher, Vec<u8>> for Overlay<'_, S> {
    fn as_hash_db(&self) -> &dyn HashDB<Blake2Hasher, Vec<u8>> {
        self
    }

    fn as_hash_db_mut<'b>(&'b mut self) -> &'b mut (dyn HashDB<Blake2Hasher, Vec<u8>> + 'b) {
        self
    }
}

/// Runs trie-db code, turning a panic of its node decoder on malformed data into an error.
fn guarded<T>(operation: impl FnOnce() -> T) -> Result<T, TrieError> {
    catch_unwind(AssertUnwindSafe(operation))
        .map_err(|_| TrieError::Corrupt { reason: "the trie node decoder failed on a malformed node".to_string() })
}

/// A read-only view of the state at `root` over a node store.
pub struct TrieView<'a, S: NodeStore + ?Sized> {
    store: &'a S,
    root: H256,
}

impl<S: NodeStore + ?Sized> Clone for TrieView<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: NodeStore + ?Sized> Copy for TrieView<'_, S> {}

impl<S: NodeStore + ?Sized> std::fmt::Debug for TrieView<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrieView").field("root", &self.root).finish_non_exhaustive()
    }
}

impl<'a, S: NodeStore + ?Sized> TrieView<'a, S> {
    /// The state at `root`. Nothing is read until a query; a root missing from the store makes
    /// every query fail with [`TrieError::MissingNode`].
    pub fn new(store: &'a S, root: H256) -> Self {
        Self { store, root }
    }

    /// The root this view reads.
    pub fn root(&self) -> H256 {
        self.root
    }

    /// The value stored under `key`, `None` if there is none.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, TrieError> {
        let reader = StoreReader::new(self.store);
        let root = self.root.0;
        guarded(|| TrieDBBuilder::<Layout>::new(&reader, &root).build().get(key))?
            .map_err(|error| reader.map_error(*error))
    }

    /// Applies (key, Some(value)) writes and (key, None) deletions to produce a new state without
    /// touching the store: returns the new root, the nodes that must be added to the store for it,
    /// and the hashes no longer referenced from it (see [`TrieUpdate::removed`]).
    ///
    /// A later change to the same key wins. Changes are collapsed per key and applied in key
    /// order, and deletions of keys absent from this state are dropped before trie-db sees them:
    /// trie-db 0.32.0 removes *another* key's value when asked to remove an absent key that is a
    /// strict prefix of present keys (paritytech/trie#217). Overwriting or deleting a hashed
    /// value does not read the old value node.
    pub fn apply_changes<'k>(
        &self,
        changes: impl IntoIterator<Item = (&'k [u8], Option<&'k [u8]>)>,
    ) -> Result<TrieUpdate, TrieError> {
        let mut batch: BTreeMap<&'k [u8], Option<&'k [u8]>> = changes.into_iter().collect();
        let mut overlay = Overlay { reader: StoreReader::new(self.store), writes: MemoryDB::default() };
        let mut root = self.root.0;

        let absent = guarded(|| -> Result<BTreeSet<&'k [u8]>, DbError> {
            let trie = TrieDBBuilder::<Layout>::new(&overlay.reader, &root).build();
            let mut absent = BTreeSet::new();
            for (key, _) in batch.iter().filter(|(_, value)| value.is_none()) {
                if trie.get_hash(key)?.is_none() {
                    absent.insert(*key);
                }
            }
            Ok(absent)
        })?
        .map_err(|error| overlay.reader.map_error(*error))?;
        batch.retain(|key, value| value.is_some() || !absent.contains(key));

        let outcome = guarded(|| -> Result<(), DbError> {
            let mut trie =
                TrieDBMutBuilder::<Layout>::from_existing(&mut overlay, &mut root).disable_commit_on_drop().build();
            for (key, value) in batch {
                match value {
                    Some(value) => trie.insert(key, value)?,
                    None => trie.remove(key)?,
                };
            }
            trie.commit();
            Ok(())
        })?;
        outcome.map_err(|error| overlay.reader.map_error(*error))?;

        let mut inserted = BTreeMap::new();
        let mut removed = BTreeSet::new();
        let mut reference_changes = BTreeMap::new();
        for (hash, (node, references)) in overlay.writes.drain() {
            if hash == EMPTY_TRIE_ROOT.0 {
                continue;
            }
            if references != 0 {
                reference_changes.insert(H256(hash), references);
            }
            match references.cmp(&0) {
                std::cmp::Ordering::Greater => {
                    inserted.insert(H256(hash), node);
                }
                std::cmp::Ordering::Less => {
                    removed.insert(H256(hash));
                }
                std::cmp::Ordering::Equal => {}
            }
        }
        Ok(TrieUpdate {
            root: H256(root),
            inserted: inserted.into_iter().collect(),
            removed: removed.into_iter().collect(),
            reference_changes: reference_changes.into_iter().collect(),
        })
    }

    /// Substrate's read proof: the unordered set of encoded nodes (and hashed values) visited when
    /// looking up `keys` (like sp-state-machine's `StorageProof`), sorted and deduplicated.
    pub fn read_proof(&self, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, TrieError> {
        let reader = StoreReader::new(self.store);
        let root = self.root.0;
        let mut recorder = Recorder::<Layout>::new();
        guarded(|| -> Result<(), DbError> {
            let trie = TrieDBBuilder::<Layout>::new(&reader, &root).with_recorder(&mut recorder).build();
            for key in keys {
                trie.get(key)?;
            }
            Ok(())
        })?
        .map_err(|error| reader.map_error(*error))?;
        let mut nodes: Vec<Vec<u8>> = recorder.drain().into_iter().map(|record| record.data).collect();
        nodes.sort();
        nodes.dedup();
        Ok(nodes)
    }

    /// Up to `count` keys that start with `prefix`, in order, strictly after `start_after` if
    /// given (for `state_getKeysPaged`).
    pub fn keys_paged(
        &self,
        prefix: &[u8],
        count: usize,
        start_after: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, TrieError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let reader = StoreReader::new(self.store);
        let root = self.root.0;
        guarded(|| -> Result<Vec<Vec<u8>>, DbError> {
            let trie = TrieDBBuilder::<Layout>::new(&reader, &root).build();
            let seek = start_after.unwrap_or_default();
            let mut keys = Vec::new();
            for key in TrieDBKeyIterator::new_prefixed_then_seek(&trie, prefix, seek)? {
                let key = key?;
                if !key.starts_with(prefix) {
                    break;
                }
                if start_after.is_some_and(|after| key.as_slice() <= after) {
                    continue;
                }
                keys.push(key);
                if keys.len() == count {
                    break;
                }
            }
            Ok(keys)
        })?
        .map_err(|error| reader.map_error(*error))
    }

    /// Every (key, value) pair in key order (for export and genesis checks).
    pub fn pairs(&self) -> Result<KeyValues, TrieError> {
        let reader = StoreReader::new(self.store);
        let root = self.root.0;
        guarded(|| -> Result<KeyValues, DbError> {
            let trie = TrieDBBuilder::<Layout>::new(&reader, &root).build();
            TrieDBIterator::new(&trie)?.collect()
        })?
        .map_err(|error| reader.map_error(*error))
    }
}

/// Root of a trie built from scratch from key/value pairs (any order; later duplicates win).
pub fn trie_root(pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> H256 {
    let pairs: BTreeMap<Vec<u8>, Vec<u8>> = pairs.into_iter().collect();
    H256(Layout::trie_root(pairs))
}

/// Substrate's ordered trie root: keys are SCALE `Compact<u32>(index)`, values the items (the
/// extrinsics root of a block).
pub fn ordered_trie_root(items: &[Vec<u8>]) -> H256 {
    H256(Layout::ordered_trie_root(items))
}

/// Verifies a read proof against `root` and returns each key's proven value (`None` = proven
/// absent), in the order of `keys`.
///
/// Any key whose lookup needs a node missing from the proof is [`ProofError::IncompleteProof`],
/// never a silent `None`. Nodes of the proof that no lookup visits are ignored, as Substrate does.
pub fn verify_read_proof(root: &H256, proof: &[Vec<u8>], keys: &[Vec<u8>]) -> Result<ProvenValues, ProofError> {
    let mut store = MemoryNodeStore::new();
    store.insert_nodes(proof.iter().map(|node| (H256(blake2_256(node)), node.clone())));
    let view = TrieView::new(&store, *root);
    keys.iter()
        .map(|key| match view.get(key) {
            Ok(value) => Ok((key.clone(), value)),
            Err(TrieError::MissingNode { .. }) => Err(ProofError::IncompleteProof { key: hex::encode(key) }),
            Err(TrieError::Corrupt { reason } | TrieError::Store { reason }) => Err(ProofError::BadNode { reason }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::hash::{BuildHasher, BuildHasherDefault};
    use trie_db::TrieLayout;

    #[test]
    fn hasher_is_blake2_256_and_layout_is_v1() {
        assert_eq!(Blake2Hasher::hash(b"abc"), blake2_256(b"abc"));
        assert_eq!(Blake2Hasher::hash(&EMPTY_NODE), EMPTY_TRIE_ROOT.0);
        assert_eq!(<Layout as TrieLayout>::MAX_INLINE_VALUE, Some(33));
        const { assert!(!<Layout as TrieLayout>::USE_EXTENSION) };
        const { assert!(<Layout as TrieLayout>::ALLOW_EMPTY) };
    }

    #[test]
    fn std_hasher_spreads_hash_keys() {
        let build = BuildHasherDefault::<Blake2StdHasher>::default();
        let a = build.hash_one(blake2_256(b"a"));
        let b = build.hash_one(blake2_256(b"b"));
        assert_ne!(a, b);
        assert_eq!(a, build.hash_one(blake2_256(b"a")));
    }

    #[test]
    fn panics_of_trie_code_become_corruption() {
        let outcome = guarded(|| -> u8 { panic!("decoder bug") });
        assert!(matches!(outcome, Err(TrieError::Corrupt { .. })));
        assert_eq!(guarded(|| 7).unwrap(), 7);
    }

    #[test]
    fn overlay_never_reports_the_empty_node() {
        let store = MemoryNodeStore::new();
        let view = TrieView::new(&store, EMPTY_TRIE_ROOT);
        let update = view.apply_changes([(b"k".as_slice(), Some(b"v".as_slice()))]).unwrap();
        assert_eq!(update.inserted.len(), 1);
        assert!(update.removed.is_empty());
        let mut store = store;
        store.insert_nodes(update.inserted);
        let back = TrieView::new(&store, update.root).apply_changes([(b"k".as_slice(), None)]).unwrap();
        assert_eq!(back.root, EMPTY_TRIE_ROOT);
        assert!(back.inserted.is_empty());
        assert_eq!(back.removed, vec![update.root]);
    }
}
