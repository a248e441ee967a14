//! A journey proof from an untrusted node for a block that really is final: the header is
//! certified by the development chain's validator (`//Alice`), and everything else is the
//! fuzzer's: the proof nodes (the state root is the hash of the first one, so its inline children
//! are the fuzzer's too), the keys, the item, the validator-set changes, the past block times and
//! the journey JSON. `verify_journey_proof` must accept or refuse, never panic.
//!
//! Decoding a trie node may panic inside trie-db; `tracechain_primitives::trie` catches that and
//! reports `TrieError::Corrupt` (see `read_proof.rs`), so the panic hook is silenced here and only
//! a panic that escapes is a crash.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::{Decode, Encode};
use tracechain_primitives::{
    consensus_message::commit_message,
    hashing::blake2_256,
    header::{Digest, Header},
    keyring::Ed25519Pair,
    trie::EMPTY_TRIE_ROOT,
    H256,
};
use tracechain_runtime::ChainSpec;
use tracechain_verify::{
    verify_journey_proof, BlockTimeProof, Certificate, JourneyProof, ValidatorSetChangeProof,
};

static SPEC: LazyLock<(ChainSpec, H256)> = LazyLock::new(|| {
    let spec = ChainSpec::development().expect("the development spec");
    let genesis = spec.genesis().expect("its genesis").hash();
    (spec, genesis)
});
static VALIDATOR: LazyLock<Ed25519Pair> = LazyLock::new(|| Ed25519Pair::from_suri("//Alice").expect("dev key"));
static QUIET_PANICS: std::sync::Once = std::sync::Once::new();

/// What the fuzzer chooses: the certified block's number and round, the item, the keys and
/// nodes, the set changes (header, justification, nodes), the block times (header, nodes) and
/// the journey's JSON text.
type Input = (
    u32,
    u32,
    [u8; 32],
    Vec<Vec<u8>>,
    Vec<Vec<u8>>,
    Vec<(Vec<u8>, Vec<u8>, Vec<Vec<u8>>)>,
    Vec<(Vec<u8>, Vec<Vec<u8>>)>,
    Vec<u8>,
);

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn hex_all(items: &[Vec<u8>]) -> Vec<String> {
    items.iter().map(|item| hex0x(item)).collect()
}

fuzz_target!(|data: &[u8]| {
    QUIET_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Ok((number, round, item, keys, nodes, changes, times, journey)) = Input::decode(&mut &data[..]) else {
        return;
    };
    let (spec, genesis) = &*SPEC;
    let state_root = nodes.first().map_or(EMPTY_TRIE_ROOT, |root| H256(blake2_256(root)));
    let header =
        Header { parent_hash: H256::zero(), number, state_root, extrinsics_root: EMPTY_TRIE_ROOT, digest: Digest::default() };
    let hash = header.hash();
    let signature = VALIDATOR.sign(&commit_message(*genesis, number, round, hash));
    let certificate = Certificate { height: number, round, block_hash: hash, signatures: vec![(0, signature)] };
    let proof = JourneyProof {
        item: hex0x(&item),
        header: hex0x(&header.encode()),
        justification: hex0x(&certificate.encode()),
        keys: hex_all(&keys),
        proof: hex_all(&nodes),
        journey: serde_json::from_slice(&journey).unwrap_or_default(),
        validator_set_changes: changes
            .iter()
            .map(|(header, justification, nodes)| ValidatorSetChangeProof {
                header: hex0x(header),
                justification: hex0x(justification),
                proof: hex_all(nodes),
            })
            .collect(),
        block_times: times
            .iter()
            .map(|(header, nodes)| BlockTimeProof { header: hex0x(header), proof: hex_all(nodes) })
            .collect(),
    };
    let _ = verify_journey_proof(spec, &hex0x(&item), &proof);
});
