//! A read proof of adversarial trie nodes against a root and keys, as an auditor or a browser
//! checks one from an untrusted node: split from the input as (root, keys, nodes). Must never
//! panic; the proof verifies or is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::Decode;
use tracechain_primitives::{trie::verify_read_proof, H256};

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let Ok((root, keys, nodes)) = <([u8; 32], Vec<Vec<u8>>, Vec<Vec<u8>>)>::decode(&mut input) else { return };
    let _ = verify_read_proof(&H256(root), &nodes, &keys);
});
