//! Fixtures and properties of the state trie (`tracechain_primitives::trie`).
//!
//! The pinned roots and proof were computed with sp-trie 47.0.0's `LayoutV1<sp_core::Blake2Hasher>`
//! (sp-core 43.0.0): `trie_root`, `TrieDBMut` inserts, `ordered_trie_root`, and a
//! `trie_db::Recorder` read proof collected into a `StorageProof`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use tracechain_primitives::hashing::blake2_256;
use tracechain_primitives::trie::{
    ordered_trie_root, trie_root, verify_read_proof, MemoryNodeStore, NodeStore, ProofError, TrieError, TrieUpdate,
    TrieView, EMPTY_TRIE_ROOT,
};
use tracechain_primitives::H256;

fn h256(hex_str: &str) -> H256 {
    H256::from_slice(&hex::decode(hex_str).unwrap())
}

/// Four entries: a hashed value (40 bytes), an inline one, and the 33/32-byte threshold on two
/// keys sharing the prefix "ali" (so there is a branch).
fn state4() -> Vec<(Vec<u8>, Vec<u8>)> {
    vec![
        (b":code".to_vec(), vec![0xc0; 40]),
        (b":heappages".to_vec(), 1024u64.to_le_bytes().to_vec()),
        (b"alice".to_vec(), vec![0xaa; 33]),
        (b"alicia".to_vec(), vec![0xbb; 32]),
    ]
}

const STATE4_ROOT: &str = "e110c2469cd64bce80ba01f2bea77e1f3123ee57d4c8cb02b5068dd4de5a137b";

/// sp-trie's `StorageProof` for keys `alice` (present) and `bob` (absent) in [`state4`].
const STATE4_PROOF_ALICE_BOB: [&str; 4] = [
    "2041d6b859fa98043296897a4a5179ff9c60f289b56bee492dd1c9de95e8e3c9a6",
    "80480080bb42a06c55c27c48d9bac949588ac82e0e2282d5e2a1881bf5404e0d4929783a80a6dfe246bd20cc0599652fddb1ab3753ce56bf56af0ba323d0e35c05c286acce",
    "8816c69636200280523fee0a0d86b93a283d74f50985bc627493b4e458a5e695ffd7341d147a51d680fdd3b1c8bbbe2cc785047ecd15e3bee0bfd0742d4ccda489c2fa3d1b738a5e92",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// 200 entries with keys of 1..=32 bytes (prefixes of hashes) and values of 0..70 bytes.
fn state200() -> Vec<(Vec<u8>, Vec<u8>)> {
    (0u32..200)
        .map(|i| {
            let key = blake2_256(&i.to_le_bytes())[..(i as usize % 32) + 1].to_vec();
            (key, vec![i as u8; (i as usize * 7) % 70])
        })
        .collect()
}

const STATE200_ROOT: &str = "18a7a7492ea2491cf1dcfedffc7f589d1fa90ab47253cb58092b6ed39d1ab04e";

fn changes(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<(&[u8], Option<&[u8]>)> {
    pairs.iter().map(|(k, v)| (k.as_slice(), Some(v.as_slice()))).collect()
}

/// Builds `pairs` from the empty trie with `apply_changes`, returning the store and the update.
fn build(pairs: &[(Vec<u8>, Vec<u8>)]) -> (MemoryNodeStore, TrieUpdate) {
    let mut store = MemoryNodeStore::new();
    let update = TrieView::new(&store, EMPTY_TRIE_ROOT).apply_changes(changes(pairs)).unwrap();
    store.insert_nodes(update.inserted.clone());
    (store, update)
}

#[test]
fn empty_trie_fixture() {
    let expected = h256("03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314");
    assert_eq!(EMPTY_TRIE_ROOT, expected);
    assert_eq!(EMPTY_TRIE_ROOT, H256(blake2_256(&[0])));
    assert_eq!(trie_root(Vec::new()), EMPTY_TRIE_ROOT);
    assert_eq!(ordered_trie_root(&[]), EMPTY_TRIE_ROOT);

    // The empty trie is readable from a store that holds nothing.
    let store = MemoryNodeStore::new();
    let view = TrieView::new(&store, EMPTY_TRIE_ROOT);
    assert_eq!(view.get(b"anything").unwrap(), None);
    assert!(view.pairs().unwrap().is_empty());
    assert!(view.keys_paged(b"", 10, None).unwrap().is_empty());
    let update = view.apply_changes(Vec::new()).unwrap();
    assert_eq!(
        update,
        TrieUpdate { root: EMPTY_TRIE_ROOT, inserted: vec![], removed: vec![], reference_changes: vec![] }
    );
    // An empty proof proves absence in the empty trie.
    assert_eq!(verify_read_proof(&EMPTY_TRIE_ROOT, &[], &[b"k".to_vec()]).unwrap(), vec![(b"k".to_vec(), None)]);
}

#[test]
fn state4_root_matches_sp_trie() {
    let pairs = state4();
    assert_eq!(trie_root(pairs.clone()), h256(STATE4_ROOT));
    let (store, update) = build(&pairs);
    assert_eq!(update.root, h256(STATE4_ROOT));
    assert!(update.removed.is_empty());
    // Every inserted node is stored under its own hash, sorted, without the empty node.
    assert!(update.inserted.windows(2).all(|w| w[0].0 < w[1].0));
    for (hash, node) in &update.inserted {
        assert_eq!(*hash, H256(blake2_256(node)));
        assert_ne!(*hash, EMPTY_TRIE_ROOT);
    }
    // Values of 33 bytes or more live in their own value nodes; 32 bytes stay inline.
    let stored: Vec<&Vec<u8>> = update.inserted.iter().map(|(_, node)| node).collect();
    assert!(stored.contains(&&vec![0xc0; 40]));
    assert!(stored.contains(&&vec![0xaa; 33]));
    assert!(!stored.contains(&&vec![0xbb; 32]));

    let view = TrieView::new(&store, update.root);
    for (key, value) in &pairs {
        assert_eq!(view.get(key).unwrap().as_ref(), Some(value));
    }
    assert_eq!(view.get(b"ali").unwrap(), None);
    assert_eq!(view.get(b"alicex").unwrap(), None);
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(view.pairs().unwrap(), sorted);
}

#[test]
fn state200_root_matches_sp_trie() {
    let pairs = state200();
    assert_eq!(trie_root(pairs.clone()), h256(STATE200_ROOT));
    let (store, update) = build(&pairs);
    assert_eq!(update.root, h256(STATE200_ROOT));
    let view = TrieView::new(&store, update.root);
    let expected: BTreeMap<Vec<u8>, Vec<u8>> = pairs.into_iter().collect();
    assert_eq!(view.pairs().unwrap(), expected.into_iter().collect::<Vec<_>>());
}

#[test]
fn ordered_trie_roots_match_sp_trie() {
    let items = vec![vec![1, 2, 3], vec![0x55; 40], vec![]];
    assert_eq!(ordered_trie_root(&items), h256("23f6f688167cf2bca7cdc9375dc0fb37c3b791c5cdcfbce435fb14eb46576fc8"));
    // Past index 63 the Compact<u32> key takes two bytes.
    let items70: Vec<Vec<u8>> = (0..70u32).map(|i| vec![i as u8; (i % 50) as usize]).collect();
    assert_eq!(ordered_trie_root(&items70), h256("b49561bbf20c316b8efeacc4f1faec2648af6f0aa6104702ea5a7a6ba7a95674"));
    // It is the trie of (Compact(index), item).
    let pairs = items
        .iter()
        .enumerate()
        .map(|(i, item)| (parity_scale_codec::Encode::encode(&parity_scale_codec::Compact(i as u32)), item.clone()));
    assert_eq!(trie_root(pairs), ordered_trie_root(&items));
}

#[test]
fn read_proof_matches_sp_trie_and_verifies() {
    let (store, update) = build(&state4());
    let view = TrieView::new(&store, update.root);
    let keys = vec![b"alice".to_vec(), b"bob".to_vec()];
    let proof = view.read_proof(&keys).unwrap();
    let expected: Vec<Vec<u8>> = STATE4_PROOF_ALICE_BOB.iter().map(|node| hex::decode(node).unwrap()).collect();
    assert_eq!(proof, expected);

    let proven = verify_read_proof(&update.root, &proof, &keys).unwrap();
    assert_eq!(proven, vec![(b"alice".to_vec(), Some(vec![0xaa; 33])), (b"bob".to_vec(), None)]);

    // Every key of the state, together with absent neighbours.
    let mut all_keys: Vec<Vec<u8>> = state4().into_iter().map(|(k, _)| k).collect();
    all_keys.extend([b"".to_vec(), b"ali".to_vec(), b"alicez".to_vec(), b"zzz".to_vec()]);
    let proof = view.read_proof(&all_keys).unwrap();
    let proven = verify_read_proof(&update.root, &proof, &all_keys).unwrap();
    for (key, value) in proven {
        assert_eq!(value, view.get(&key).unwrap(), "key {key:?}");
    }
}

#[test]
fn proof_missing_a_node_is_incomplete() {
    let (store, update) = build(&state4());
    let keys = vec![b"alice".to_vec(), b"bob".to_vec()];
    let proof = TrieView::new(&store, update.root).read_proof(&keys).unwrap();
    for skip in 0..proof.len() {
        let partial: Vec<Vec<u8>> =
            proof.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, n)| n.clone()).collect();
        let error = verify_read_proof(&update.root, &partial, &keys).unwrap_err();
        assert!(matches!(error, ProofError::IncompleteProof { .. }), "skip {skip}: {error:?}");
    }
    // Without the value node, "alice" is incomplete, not absent.
    let without_value: Vec<Vec<u8>> = proof.iter().filter(|n| **n != vec![0xaa; 33]).cloned().collect();
    assert_eq!(
        verify_read_proof(&update.root, &without_value, &[b"alice".to_vec()]),
        Err(ProofError::IncompleteProof { key: hex::encode(b"alice") })
    );
    // An empty proof proves nothing about a non-empty trie.
    assert_eq!(
        verify_read_proof(&update.root, &[], &[b"bob".to_vec()]),
        Err(ProofError::IncompleteProof { key: hex::encode(b"bob") })
    );
    // A proof for one key does not cover a key on another path.
    assert!(matches!(
        verify_read_proof(&update.root, &proof, &[b":code".to_vec()]),
        Err(ProofError::IncompleteProof { .. })
    ));
}

#[test]
fn proof_with_a_changed_byte_fails() {
    let (store, update) = build(&state4());
    let keys = vec![b"alice".to_vec(), b"bob".to_vec()];
    let proof = TrieView::new(&store, update.root).read_proof(&keys).unwrap();
    for node in 0..proof.len() {
        for byte in [0, proof[node].len() / 2, proof[node].len() - 1] {
            let mut tampered = proof.clone();
            tampered[node][byte] ^= 0x01;
            assert!(verify_read_proof(&update.root, &tampered, &keys).is_err(), "node {node} byte {byte}");
        }
    }
    // The right proof against another root fails too.
    assert!(verify_read_proof(&h256(STATE200_ROOT), &proof, &keys).is_err());
}

#[test]
fn deleting_every_key_returns_the_empty_root() {
    let pairs = state200();
    let (store, built) = build(&pairs);
    let deletions: Vec<(&[u8], Option<&[u8]>)> = pairs.iter().map(|(k, _)| (k.as_slice(), None)).collect();
    let update = TrieView::new(&store, built.root).apply_changes(deletions).unwrap();
    assert_eq!(update.root, EMPTY_TRIE_ROOT);
    assert!(update.inserted.is_empty());
    let built_hashes: Vec<H256> = built.inserted.iter().map(|(h, _)| *h).collect();
    assert_eq!(update.removed, built_hashes);
}

#[test]
fn two_steps_equal_one_step() {
    let pairs = state200();
    let (first, second) = pairs.split_at(120);
    let (mut store, step1) = build(first);
    let store_len = store.len();

    // Second batch: new keys, overwrites of some old ones, deletions of others, and an
    // insert-then-delete of a new key.
    let mut batch: Vec<(Vec<u8>, Option<Vec<u8>>)> = second.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
    batch.extend(first[..30].iter().map(|(k, _)| (k.clone(), Some(vec![0x77; 50]))));
    batch.extend(first[30..60].iter().map(|(k, _)| (k.clone(), None)));
    batch.push((b"transient".to_vec(), Some(vec![1; 40])));
    batch.push((b"transient".to_vec(), None));
    let step2 = TrieView::new(&store, step1.root)
        .apply_changes(batch.iter().map(|(k, v)| (k.as_slice(), v.as_deref())))
        .unwrap();
    assert_eq!(store.len(), store_len, "apply_changes must not touch the store");

    let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = first.iter().cloned().collect();
    for (key, value) in &batch {
        match value {
            Some(value) => expected.insert(key.clone(), value.clone()),
            None => expected.remove(key),
        };
    }
    assert_eq!(step2.root, trie_root(expected.clone()));
    let (_, one_step) = build(&expected.clone().into_iter().collect::<Vec<_>>());
    assert_eq!(step2.root, one_step.root);

    store.insert_nodes(step2.inserted.clone());
    let view = TrieView::new(&store, step2.root);
    assert_eq!(view.pairs().unwrap(), expected.into_iter().collect::<Vec<_>>());
    // The old state is still readable: nothing was removed from the store.
    assert_eq!(TrieView::new(&store, step1.root).pairs().unwrap().len(), first.len());
}

#[test]
fn later_duplicates_win_and_empty_values_are_values() {
    let pairs =
        vec![(b"k".to_vec(), b"first".to_vec()), (b"empty".to_vec(), vec![]), (b"k".to_vec(), b"second".to_vec())];
    let root = trie_root(pairs.clone());
    assert_eq!(root, trie_root(vec![(b"k".to_vec(), b"second".to_vec()), (b"empty".to_vec(), vec![])]));
    let (store, update) = build(&pairs);
    assert_eq!(update.root, root);
    let view = TrieView::new(&store, root);
    assert_eq!(view.get(b"k").unwrap(), Some(b"second".to_vec()));
    assert_eq!(view.get(b"empty").unwrap(), Some(vec![]));
    assert_ne!(root, trie_root(vec![(b"k".to_vec(), b"second".to_vec())]));
}

/// trie-db 0.32.0 (paritytech/trie#217): removing an absent key that is a strict prefix of
/// present keys deletes another key's value (a debug assertion fails first in debug builds).
#[test]
fn removing_an_absent_prefix_key_changes_nothing() {
    let pairs = vec![
        (vec![0xff, 0xff], vec![0x0a]),
        (vec![0xfe, 0xff, 0xe9], vec![0x0b]),
        (vec![0xff, 0xff, 0xff], vec![0x0c]),
    ];
    let (store, built) = build(&pairs);
    let view = TrieView::new(&store, built.root);
    for absent in [&[0xff][..], &[], &[0xfe], &[0xff, 0xff, 0xff, 0xff]] {
        let update = view.apply_changes([(absent, None)]).unwrap();
        assert_eq!(
            update,
            TrieUpdate { root: built.root, inserted: vec![], removed: vec![], reference_changes: vec![] },
            "{absent:?}"
        );
    }
    // Within one batch: a key deleted twice, after the keys below it were added (the case
    // proptest found).
    let (store, first) = build(&[(vec![0x10], vec![])]);
    let batch: Vec<(&[u8], Option<&[u8]>)> = vec![
        (&[0x10, 0x00], Some(&[])),
        (&[0x10, 0x00, 0x00], Some(&[])),
        (&[0x11], Some(&[])),
        (&[0x10], None),
        (&[0x10], None),
    ];
    let update = TrieView::new(&store, first.root).apply_changes(batch).unwrap();
    assert_eq!(
        update.root,
        trie_root(vec![(vec![0x10, 0x00], vec![]), (vec![0x10, 0x00, 0x00], vec![]), (vec![0x11], vec![])])
    );
}

#[test]
fn keys_paged_orders_and_paginates() {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = (0u8..40).map(|i| ([b"pre".as_slice(), &[i]].concat(), vec![i])).collect();
    pairs.extend([
        (b"pr".to_vec(), vec![1]),
        (b"pre".to_vec(), vec![2]),
        (b"prf".to_vec(), vec![3]),
        (b"a".to_vec(), vec![4]),
        (b"zz".to_vec(), vec![5]),
    ]);
    let (store, update) = build(&pairs);
    let view = TrieView::new(&store, update.root);

    let mut expected: Vec<Vec<u8>> = pairs.iter().map(|(k, _)| k.clone()).filter(|k| k.starts_with(b"pre")).collect();
    expected.sort();
    assert_eq!(expected.len(), 41);
    assert_eq!(view.keys_paged(b"pre", 100, None).unwrap(), expected);
    assert_eq!(view.keys_paged(b"pre", 5, None).unwrap(), expected[..5]);
    assert!(view.keys_paged(b"pre", 0, None).unwrap().is_empty());
    assert!(view.keys_paged(b"nope", 10, None).unwrap().is_empty());

    // Paging through in steps of 7 gives every key once, in order.
    let mut paged = Vec::new();
    let mut cursor: Option<Vec<u8>> = None;
    loop {
        let page = view.keys_paged(b"pre", 7, cursor.as_deref()).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        cursor = page.last().cloned();
        paged.extend(page);
    }
    assert_eq!(paged, expected);

    // start_after is exclusive, need not be a key, and may lie outside the prefix.
    assert_eq!(view.keys_paged(b"pre", 2, Some(b"pre")).unwrap(), expected[1..3]);
    assert_eq!(view.keys_paged(b"pre", 2, Some(b"pre\x05\x00")).unwrap(), expected[7..9]);
    assert_eq!(view.keys_paged(b"pre", 2, Some(b"a")).unwrap(), expected[..2]);
    assert!(view.keys_paged(b"pre", 2, Some(b"prf")).unwrap().is_empty());

    // The empty prefix lists the whole state.
    let mut all: Vec<Vec<u8>> = pairs.iter().map(|(k, _)| k.clone()).collect();
    all.sort();
    assert_eq!(view.keys_paged(b"", usize::MAX, None).unwrap(), all);
    assert_eq!(view.keys_paged(b"", 2, Some(b"prf")).unwrap(), vec![b"zz".to_vec()]);
}

/// A store that fails, or lies about a hash.
struct BadStore {
    inner: MemoryNodeStore,
    fail: bool,
    swap: Option<(H256, Vec<u8>)>,
}

impl NodeStore for BadStore {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, TrieError> {
        if self.fail {
            return Err(TrieError::Store { reason: "disk on fire".into() });
        }
        match &self.swap {
            Some((swapped, node)) if swapped == hash => Ok(Some(node.clone())),
            _ => self.inner.node(hash),
        }
    }
}

#[test]
fn store_errors_are_reported() {
    let (store, update) = build(&state4());

    // A missing root, and a missing inner node.
    let empty = MemoryNodeStore::new();
    assert_eq!(
        TrieView::new(&empty, update.root).get(b"alice").unwrap_err(),
        TrieError::MissingNode { hash: update.root }
    );
    let value_hash = H256(blake2_256(&[0xaa; 33]));
    let mut without_value = MemoryNodeStore::new();
    without_value.insert_nodes(update.inserted.iter().filter(|(h, _)| *h != value_hash).cloned());
    let view = TrieView::new(&without_value, update.root);
    assert_eq!(view.get(b"alice").unwrap_err(), TrieError::MissingNode { hash: value_hash });
    assert_eq!(view.get(b"alicia").unwrap(), Some(vec![0xbb; 32]));
    assert!(matches!(view.pairs(), Err(TrieError::MissingNode { .. })));
    assert!(matches!(view.read_proof(&[b"alice".to_vec()]), Err(TrieError::MissingNode { .. })));
    // Overwriting a hashed value only dereferences it: the old value is not needed.
    let overwrite = view.apply_changes([(b"alice".as_slice(), Some(b"x".as_slice()))]).unwrap();
    assert!(overwrite.removed.contains(&value_hash));
    assert_eq!(
        TrieView::new(&empty, update.root).apply_changes([(b"alice".as_slice(), None)]).unwrap_err(),
        TrieError::MissingNode { hash: update.root }
    );

    // The store's own failure comes through.
    let failing = BadStore { inner: store.clone(), fail: true, swap: None };
    let view = TrieView::new(&failing, update.root);
    let disk = TrieError::Store { reason: "disk on fire".into() };
    assert_eq!(view.get(b"alice").unwrap_err(), disk);
    assert_eq!(view.keys_paged(b"", 10, None).unwrap_err(), disk);
    assert_eq!(view.apply_changes([(b"a".as_slice(), None)]).unwrap_err(), disk);

    // A node served under the wrong hash is corruption, not data.
    let lying = BadStore { inner: store, fail: false, swap: Some((value_hash, vec![0xab; 33])) };
    let view = TrieView::new(&lying, update.root);
    assert!(matches!(view.get(b"alice"), Err(TrieError::Corrupt { .. })));
    assert_eq!(view.get(b":code").unwrap(), Some(vec![0xc0; 40]));
}

#[test]
fn malformed_nodes_are_errors_not_panics() {
    // A leaf header announcing one nibble with no bytes after it: reference-trie's decoder
    // indexes past the end on it.
    for node in [vec![0x41], vec![0x80], vec![0xff, 0x00], vec![0x50, 0x01], vec![0x01]] {
        let root = H256(blake2_256(&node));
        let mut store = MemoryNodeStore::new();
        store.insert_nodes([(root, node.clone())]);
        let view = TrieView::new(&store, root);
        assert!(matches!(view.get(b"\x10"), Err(TrieError::Corrupt { .. })), "{node:?}");
        assert!(view.pairs().is_err(), "{node:?}");
        assert!(matches!(
            verify_read_proof(&root, std::slice::from_ref(&node), &[b"\x10".to_vec()]),
            Err(ProofError::BadNode { .. })
        ));
    }
}

/// Short keys over a small alphabet, so that keys share prefixes and are prefixes of each other.
fn arb_key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(vec![0u8, 1, 0x10, 0x11, 0xff]), 0..5)
}

/// Maps whose values straddle the 33-byte threshold of hashed values (and include empty ones).
fn arb_map() -> impl Strategy<Value = BTreeMap<Vec<u8>, Vec<u8>>> {
    prop::collection::btree_map(arb_key(), prop::collection::vec(any::<u8>(), 0..70), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn incremental_root_equals_from_scratch(
        first in arb_map(),
        second in arb_map(),
        deletions in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        arbitrary_deletions in prop::collection::vec(arb_key(), 0..6),
    ) {
        let first_pairs: Vec<(Vec<u8>, Vec<u8>)> = first.clone().into_iter().collect();
        let (mut store, step1) = build(&first_pairs);
        prop_assert_eq!(step1.root, trie_root(first_pairs.clone()));

        let mut expected = first.clone();
        let mut batch: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        for (key, value) in &second {
            batch.push((key.clone(), Some(value.clone())));
            expected.insert(key.clone(), value.clone());
        }
        if !first_pairs.is_empty() {
            for index in &deletions {
                let key = first_pairs[index.index(first_pairs.len())].0.clone();
                batch.push((key.clone(), None));
                expected.remove(&key);
            }
        }
        // Deletions of keys that may be absent (often prefixes of present keys).
        for key in &arbitrary_deletions {
            batch.push((key.clone(), None));
            expected.remove(key);
        }
        let step2 = TrieView::new(&store, step1.root)
            .apply_changes(batch.iter().map(|(k, v)| (k.as_slice(), v.as_deref())))
            .unwrap();
        prop_assert_eq!(step2.root, trie_root(expected.clone()));

        store.insert_nodes(step2.inserted.clone());
        let view = TrieView::new(&store, step2.root);
        prop_assert_eq!(view.pairs().unwrap(), expected.clone().into_iter().collect::<Vec<_>>());

        // Proofs of every key plus some absent ones verify to the view's values.
        let mut keys: Vec<Vec<u8>> = expected.keys().cloned().collect();
        keys.extend(second.keys().map(|k| [k.as_slice(), &[7]].concat()));
        let proof = view.read_proof(&keys).unwrap();
        let proven = verify_read_proof(&step2.root, &proof, &keys).unwrap();
        for (key, value) in proven {
            prop_assert_eq!(value, expected.get(&key).cloned());
        }
    }

    /// A store that counts references with `reference_changes` and drops a node at zero holds,
    /// after any sequence of updates, exactly the nodes of the latest state, and that state reads
    /// back whole. Values repeat on purpose so that identical nodes sit at several places.
    #[test]
    fn reference_counting_keeps_exactly_the_live_nodes(
        steps in prop::collection::vec(
            prop::collection::btree_map(arb_key(), prop::option::of(prop::sample::select(vec![
                vec![1u8; 40], vec![2u8; 40], vec![3u8; 3], Vec::new(),
            ])), 0..12),
            1..8,
        ),
    ) {
        let mut store = MemoryNodeStore::new();
        let mut counts: BTreeMap<H256, i64> = BTreeMap::new();
        let mut root = EMPTY_TRIE_ROOT;
        let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for step in &steps {
            let update = TrieView::new(&store, root)
                .apply_changes(step.iter().map(|(key, value)| (key.as_slice(), value.as_deref())))
                .unwrap();
            store.insert_nodes(update.inserted.clone());
            for (hash, change) in &update.reference_changes {
                let count = counts.entry(*hash).or_insert(0);
                *count += i64::from(*change);
                prop_assert!(*count >= 0, "negative count for {:?}", hash);
                if *count == 0 {
                    counts.remove(hash);
                    store.remove_node(hash);
                }
            }
            for (key, value) in step {
                match value {
                    Some(value) => expected.insert(key.clone(), value.clone()),
                    None => expected.remove(key),
                };
            }
            root = update.root;
            let view = TrieView::new(&store, root);
            prop_assert_eq!(view.pairs().unwrap(), expected.clone().into_iter().collect::<Vec<_>>());
        }
        let (fresh, _) = build(&expected.clone().into_iter().collect::<Vec<_>>());
        prop_assert_eq!(store.len(), fresh.len());
    }

    #[test]
    fn arbitrary_root_nodes_never_panic(node in prop::collection::vec(any::<u8>(), 0..80)) {
        let root = H256(blake2_256(&node));
        let mut store = MemoryNodeStore::new();
        store.insert_nodes([(root, node.clone())]);
        let view = TrieView::new(&store, root);
        let _ = view.get(b"\x12\x34");
        let _ = view.pairs();
        let _ = view.keys_paged(b"\x12", 3, None);
        let _ = view.apply_changes([(b"\x12".as_slice(), Some(b"v".as_slice()))]);
        let _ = verify_read_proof(&root, &[node], &[b"\x12\x34".to_vec()]);
    }
}
