//! A read proof of adversarial trie nodes against a root and keys, as an auditor or a browser
//! checks one from an untrusted node: split from the input as (root, keys, nodes). Must never
//! panic out of `verify_read_proof`; the proof verifies or is refused.
//!
//! trie-db's node decoder panics on some malformed nodes (an index past the node's end);
//! `tracechain_primitives::trie` runs it under `catch_unwind` and turns that into
//! `TrieError::Corrupt`, by design. libFuzzer's panic hook would abort on that caught panic, so
//! the hook is made silent here: a panic that escapes is still a crash (libfuzzer-sys aborts on
//! it), one that the guard catches is not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::Decode;
use tracechain_primitives::{trie::verify_read_proof, H256};

static QUIET_PANICS: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let mut input = data;
    let Ok((root, keys, nodes)) = <([u8; 32], Vec<Vec<u8>>, Vec<Vec<u8>>)>::decode(&mut input) else { return };
    let _ = verify_read_proof(&H256(root), &nodes, &keys);
});
