//! `tracechain replay` on a real node's database and on an exported blocks file: a clean chain
//! checks out, and one tampered stored value, one tampered extrinsic and one tampered
//! certificate (each in its own copy of the database) are each named precisely.

mod common;

use std::{path::Path, process::Command, sync::Arc};

use common::DevNode;
use parity_scale_codec::{Decode, Encode};
use serde_json::Value;
use tracechain_client::{rpc::RpcClient, story};
use tracechain_node::{
    chain::Chain,
    db::{rocks::RocksDatabase, Column, Database, WriteBatch},
};
use tracechain_primitives::{header::OpaqueExtrinsic, storage_key, H256};
use tracechain_runtime::ChainSpec;

/// Runs `tracechain replay --json` with `args`; the exit success and the report.
fn replay(base_path: &Path, args: &[&str]) -> (bool, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_tracechain"))
        .args(["replay", "--dev", "--json", "--base-path"])
        .arg(base_path)
        .args(args)
        .output()
        .expect("run tracechain replay");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("report: {error}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.success(), report)
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp").arg("-r").arg(from).arg(to).status().expect("cp");
    assert!(status.success());
}

/// Opens the database of the development chain under `base_path`.
fn open(base_path: &Path) -> (Arc<dyn Database>, Chain) {
    let spec = ChainSpec::development().expect("spec");
    let path = base_path.join("chains").join(&spec.id).join("db");
    assert!(path.join("CURRENT").exists(), "no database at {}", path.display());
    let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&path).expect("open the copy"));
    let chain = Chain::open(db.clone(), spec, None).expect("chain");
    (db, chain)
}

fn flip_last_byte(bytes: &mut [u8]) {
    if let Some(last) = bytes.last_mut() {
        *last ^= 0x01;
    }
}

#[test]
fn replay_checks_a_clean_chain_and_names_each_tampering() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let original = dir.path().join("original");
    let node = DevNode::start(&original, 200);
    let client = RpcClient::connect(&format!("http://127.0.0.1:{}", node.rpc_port)).expect("connect");
    story::run(&client, &mut |_| {}).expect("the story runs");
    let exported = dir.path().join("blocks.bin");
    node.stop();

    let (clean, report) = replay(&original, &[]);
    assert!(clean, "{report}");
    assert_eq!(report["mismatch"], Value::Null);
    let blocks = report["blocks"].as_u64().expect("blocks");
    assert!(blocks >= 20, "{report}");
    assert_eq!(report["certificates"].as_u64(), Some(blocks));

    // The same chain from an exported blocks file.
    let status = Command::new(env!("CARGO_BIN_EXE_tracechain"))
        .args(["export-blocks", "--dev", "--base-path"])
        .arg(&original)
        .arg("--output")
        .arg(&exported)
        .status()
        .expect("export");
    assert!(status.success());
    let (clean, from_file) = replay(&original, &["--blocks", exported.to_str().expect("path")]);
    assert!(clean, "{from_file}");
    assert_eq!(from_file["blocks"], report["blocks"]);
    assert_eq!(from_file["stateRoot"], report["stateRoot"]);

    // 1. A stored state value: the nonce record of Alice in the final state, altered on disk.
    let value_copy = dir.path().join("value");
    copy_dir(&original, &value_copy);
    let alice_key = {
        let (db, chain) = open(&value_copy);
        let alice = tracechain_primitives::keyring::dev_sr25519("Alice").public();
        let key =
            storage_key::map_key("System", "Account", storage_key::StorageHasher::Blake2_128Concat, alice.as_bytes());
        let state = chain.state_at(chain.finalized().state_root);
        let value = state.get(&key).expect("read").expect("Alice has an account record");
        // The trie node holding the value: the proof node that contains its bytes.
        let proof = state.read_proof(std::slice::from_ref(&key)).expect("proof");
        let node =
            proof.into_iter().find(|node| node.windows(value.len()).any(|window| window == value)).expect("node");
        let hash = tracechain_primitives::hashing::blake2_256_h(&node);
        let mut tampered = node.clone();
        let at = tampered.windows(value.len()).position(|window| window == value).expect("value in node");
        tampered[at] ^= 0x01;
        let mut batch = WriteBatch::new();
        batch.put(Column::State, hash.as_bytes().to_vec(), tampered);
        db.write(batch, true).expect("write");
        key
    };
    let (clean, tampered) = replay(&value_copy, &[]);
    assert!(!clean);
    assert_eq!(tampered["mismatch"]["check"], "stored_state", "{tampered}");
    assert_eq!(tampered["mismatch"]["key"], format!("0x{}", hex::encode(&alice_key)), "{tampered}");
    assert_eq!(tampered["blocks"], report["blocks"], "every block itself still checks out");

    // 2. One extrinsic of block 5, altered in its stored body.
    let extrinsic_copy = dir.path().join("extrinsic");
    copy_dir(&original, &extrinsic_copy);
    {
        let (db, chain) = open(&extrinsic_copy);
        let hash = chain.hash_of(5).expect("read").expect("block 5");
        let mut body: Vec<OpaqueExtrinsic> =
            Decode::decode(&mut &db.get(Column::Bodies, hash.as_bytes()).expect("read").expect("body")[..])
                .expect("body");
        let signed = body.len() - 1;
        flip_last_byte(&mut body[signed].0);
        let mut batch = WriteBatch::new();
        batch.put(Column::Bodies, hash.as_bytes().to_vec(), body.encode());
        db.write(batch, true).expect("write");
    }
    let (clean, tampered) = replay(&extrinsic_copy, &[]);
    assert!(!clean);
    assert_eq!(tampered["mismatch"]["block"], 5, "{tampered}");
    let check = tampered["mismatch"]["check"].as_str().unwrap_or_default();
    assert!(["extrinsic", "extrinsics_root"].contains(&check), "{tampered}");
    assert_eq!(tampered["blocks"], 4);

    // 3. The finality certificate of block 7.
    let certificate_copy = dir.path().join("certificate");
    copy_dir(&original, &certificate_copy);
    {
        let (db, chain) = open(&certificate_copy);
        let hash: H256 = chain.hash_of(7).expect("read").expect("block 7");
        let mut certificate = chain.justification(&hash).expect("read").expect("certificate");
        flip_last_byte(&mut certificate);
        let mut batch = WriteBatch::new();
        batch.put(Column::Justifications, hash.as_bytes().to_vec(), certificate);
        db.write(batch, true).expect("write");
    }
    let (clean, tampered) = replay(&certificate_copy, &[]);
    assert!(!clean);
    assert_eq!(tampered["mismatch"]["block"], 7, "{tampered}");
    assert_eq!(tampered["mismatch"]["check"], "certificate", "{tampered}");
    assert!(tampered["mismatch"]["detail"].as_str().unwrap_or_default().contains("does not verify"), "{tampered}");
}
