//! The real `tracechain --dev` binary: block production, submission and inclusion, restart with
//! data kept, and crash recovery under `kill -9` during import.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use parity_scale_codec::Decode;
use serde_json::json;
use tracechain_node::{chain::Chain, db::rocks::RocksDatabase, db::Database};
use tracechain_primitives::{era::Era, keyring::dev_sr25519, H256};
use tracechain_runtime::{ChainSpec, Runtime, RuntimeCall};

fn genesis_of(node: &DevNode) -> H256 {
    let hash = node.call("chain_getBlockHash", json!([0]));
    let bytes = hex::decode(hash.as_str().expect("hash string").trim_start_matches("0x")).expect("hex hash");
    H256::from_slice(&bytes)
}

fn remark(text: &str) -> RuntimeCall {
    RuntimeCall::System(pallet_system::Call::remark_with_event { remark: text.as_bytes().to_vec() })
}

#[test]
fn a_submitted_transaction_is_included_and_finalized() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let genesis = genesis_of(&node);
    assert_eq!(genesis, ChainSpec::development().unwrap().genesis().unwrap().hash());

    let alice = dev_sr25519("Alice");
    let runtime = Runtime::new(genesis);
    let bytes = runtime.sign(&alice, remark("bottle 17 sold"), 0, Era::Immortal, genesis);
    let hash = node.call("author_submitExtrinsic", json!([hex0x(&bytes)]));
    assert_eq!(hash.as_str().unwrap(), hex0x(tracechain_primitives::hashing::blake2_256(&bytes).as_slice()));
    let address = alice.public().to_string();
    node.wait_until(Duration::from_secs(30), |node| node.call("system_accountNextIndex", json!([address])) == json!(1));
    // Included: the pool is empty and the nonce in the finalized state is 1.
    node.wait_until(Duration::from_secs(30), |node| node.call("author_pendingExtrinsics", json!([])) == json!([]));

    // A replay of the same transaction is refused with the stale-nonce reason.
    let replay = node.try_call("author_submitExtrinsic", json!([hex0x(&bytes)])).unwrap();
    assert!(replay.get("error").is_some(), "replay refused: {replay}");
    node.stop();
}

#[test]
fn a_restarted_node_keeps_its_chain() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("alice");
    let node = DevNode::start(&base, 100);
    node.wait_until(Duration::from_secs(30), |node| node.finalized_number() >= 3);
    let genesis = genesis_of(&node);
    let hash_3 = node.call("chain_getBlockHash", json!([3]));
    node.stop();

    let node = DevNode::start(&base, 100);
    assert_eq!(genesis_of(&node), genesis);
    assert_eq!(node.call("chain_getBlockHash", json!([3])), hash_3);
    let before = node.finalized_number();
    assert!(before >= 3);
    node.wait_until(Duration::from_secs(30), |node| node.finalized_number() > before);
    node.stop();
}

/// Kills the node with SIGKILL at seeded moments while it imports blocks full of transactions,
/// then checks the database directly: every block up to the finalized head is complete (header,
/// body, certificate, state), the finalized head never goes back, and the node resumes.
#[test]
fn kill_9_during_import_loses_no_finalized_block() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("alice");
    let spec = ChainSpec::development().unwrap();
    let genesis = spec.genesis().unwrap().hash();
    let runtime = Runtime::new(genesis);
    let alice = dev_sr25519("Alice");
    let mut nonce = 0u32;
    let mut last_finalized = 0u32;
    // A fixed seed for the kill moments: 150..550 ms after the node answers.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..5 {
        let node = DevNode::start(&base, 50);
        for _ in 0..50 {
            let bytes =
                runtime.sign(&alice, remark(&format!("round {round} nonce {nonce}")), nonce, Era::Immortal, genesis);
            if node.try_call("author_submitExtrinsic", json!([hex0x(&bytes)])).is_ok_and(|r| r.get("result").is_some())
            {
                nonce += 1;
            }
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(150 + seed % 400));
        node.kill_9();

        let db_path = base.join("chains").join(&spec.id).join("db");
        let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&db_path).unwrap());
        let chain = Chain::open(db, spec.clone(), None).unwrap();
        let finalized = chain.finalized();
        assert!(finalized.number >= last_finalized, "round {round}: finalized went back");
        assert_eq!(chain.best(), finalized, "every block is final at once on a dev chain");
        for number in 1..=finalized.number {
            let hash = chain.hash_of(number).unwrap().expect("number index");
            let block = chain.block(&hash).unwrap().expect("header and body");
            assert_eq!(block.header.number, number);
            let certificate = chain.justification(&hash).unwrap().expect("certificate");
            let certificate = tracechain_engine::Certificate::decode(&mut &certificate[..]).unwrap();
            assert_eq!(certificate.block_hash, hash);
        }
        // The head's state is complete: System.Number reads back the head's number.
        let number_key = tracechain_primitives::storage_key::storage_prefix("System", "Number");
        let stored = chain.state_at(finalized.state_root).get(&number_key).unwrap().expect("System.Number");
        assert_eq!(u32::decode(&mut &stored[..]).unwrap(), finalized.number);
        // Re-derive the nonce the chain knows, so the next round continues from it.
        nonce = chain.runtime().account_nonce(&chain.state_at(finalized.state_root), &alice.public());
        last_finalized = finalized.number;
    }
    // It resumes after the last crash.
    let node = DevNode::start(&base, 50);
    node.wait_until(Duration::from_secs(30), |node| node.finalized_number() > last_finalized);
    node.stop();
}

#[test]
fn a_database_of_another_chain_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ChainSpec::development().unwrap();
    let db_path = dir.path().join("db");
    {
        let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&db_path).unwrap());
        Chain::open(db, spec.clone(), None).unwrap();
    }
    let mut other = spec;
    other.genesis.timestamp = 1;
    let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&db_path).unwrap());
    let error = Chain::open(db, other, None).err().expect("refused");
    assert!(error.to_string().contains("genesis"), "{error}");
}

/// `--pruning N` on the real node: old states are gone (with an error that says so), recent
/// ones and every block remain, and the mode sticks to the database.
#[test]
fn a_pruning_node_keeps_the_last_states_and_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("alice");
    let node = DevNode::start_with(&base, 50, &["--pruning", "4"]);
    node.wait_until(Duration::from_secs(30), |node| node.finalized_number() >= 12);
    let number_key = hex0x(&tracechain_primitives::storage_key::storage_prefix("System", "Number"));
    let old = node.call("chain_getBlockHash", json!([2]));
    let refused = node.try_call("state_getStorage", json!([number_key, old])).unwrap();
    let message = refused["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("keeps the last 4 states"), "{refused}");
    assert!(node.call("chain_getBlock", json!([old])).get("block").is_some(), "blocks are kept");
    let best = node.call("chain_getFinalizedHead", json!([]));
    assert!(node.call("state_getStorage", json!([number_key, best])).is_string());
    node.stop();

    // Restarted without --pruning, the database keeps its mode; asking for archive is refused.
    let node = DevNode::start(&base, 50);
    let refused = node.try_call("state_getStorage", json!([number_key, old])).unwrap();
    assert!(refused.get("error").is_some(), "{refused}");
    node.stop();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tracechain"))
        .args(["--dev", "--no-prometheus", "--pruning", "archive", "--base-path"])
        .arg(&base)
        .args(["--rpc-port", &common::free_port().to_string()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("the pruning mode is fixed"), "{output:?}");
}
