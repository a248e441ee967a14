//! Inputs that the fuzz targets once found trouble with (`fuzz/regressions/<target>/`), replayed
//! in the normal test suite: each must now be refused with an error, never a panic.

use std::path::PathBuf;

use parity_scale_codec::Decode;
use tracechain_primitives::{trie::verify_read_proof, H256};

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions").join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("read a regression input");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn malformed_read_proofs_are_refused_without_a_panic_escaping() {
    let inputs = regressions("read_proof");
    assert!(!inputs.is_empty(), "the read_proof regressions are in fuzz/regressions/read_proof");
    for (path, data) in inputs {
        let mut input = &data[..];
        let (root, keys, nodes) = <([u8; 32], Vec<Vec<u8>>, Vec<Vec<u8>>)>::decode(&mut input).expect("a proof input");
        let outcome = std::panic::catch_unwind(|| verify_read_proof(&H256(root), &nodes, &keys));
        let verdict = outcome.unwrap_or_else(|_| panic!("{}: a panic escaped verify_read_proof", path.display()));
        assert!(verdict.is_err(), "{}: a malformed proof verified", path.display());
    }
}
