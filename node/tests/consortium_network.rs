//! The consortium network with real processes: validators on 127.0.0.1 finalizing with
//! Malachite BFT over libp2p. Each test is bounded in time; the tests of this file run one at a
//! time (four or five nodes each on a small machine).
//!
//! - 4 validators finalize; with one crashed, finality continues; the crashed one restarts and
//!   catches up; a transaction sent to any node is included.
//! - With two of four down, finality stops (safety) and resumes when one returns.
//! - A fresh full node syncs from genesis to the same state root.
//! - A validator added by governance votes from the height the change takes effect.
//! - Two processes with one validator key equivocate, and the chain records it.
//! - A validator left out of the spec is admitted over JSON-RPC (`system_addReservedPeer`)
//!   without a restart, and votes.
//! - Validators that the spec lists by peer id alone, each reachable only at a forwarded port it
//!   announces with `--public-addr`, are dialled there by every other validator.
//!
//! After each, every node agrees on every finalized block: never two different blocks final at
//! one height.
//!
//! The whole file takes about 80 s on two cores: `cargo test -p tracechain-node --test
//! consortium_network`.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::network::TestNetwork;
use common::port_forward::PortForward;
use parity_scale_codec::Decode;
use serde_json::json;
use tracechain_client::rpc::RpcClient;
use tracechain_engine::Certificate;
use tracechain_primitives::keyring::{dev_sr25519, Ed25519Pair};
use tracechain_runtime::{RuntimeCall, RuntimeEvent};

static ONE_NETWORK_AT_A_TIME: Mutex<()> = Mutex::new(());

const PATIENCE: Duration = Duration::from_secs(90);

fn remark(network: &TestNetwork, node: usize, signer: &str) -> u32 {
    let mut client = RpcClient::connect(&network.url(node)).expect("connect");
    client.timeout = PATIENCE;
    let call = RuntimeCall::System(pallet_system::Call::remark_with_event {
        remark: format!("sent to node {node}").into_bytes(),
    });
    let inclusions = client.execute("remark", vec![(&dev_sr25519(signer), call)]).expect("included");
    inclusions[0].block
}

#[test]
fn four_validators_finalize_through_a_crash_and_the_crashed_one_catches_up() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 0, &[]);
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3], 3, PATIENCE);
    let health = network.call(0, "system_health", json!([]));
    assert_eq!(health["peers"], json!(3), "{health}");
    let peers = network.call(1, "system_peers", json!([]));
    assert_eq!(peers.as_array().map(Vec::len), Some(3), "{peers}");
    assert!(peers.as_array().expect("peers").iter().all(|peer| peer["roles"] == json!("AUTHORITY")), "{peers}");

    // A transaction sent to any node is included (it reaches every proposer's pool).
    for (node, signer) in [(0, "Alice"), (1, "Bob"), (2, "Charlie"), (3, "Dave")] {
        remark(&network, node, signer);
    }

    // One validator crashes: the other three still finalize.
    network.kill(3);
    let at_crash = network.finalized(0);
    network.wait_finalized(&[0, 1, 2], at_crash + 5, PATIENCE);
    remark(&network, 1, "Eve");

    // It restarts and catches up from its peers.
    network.start(3);
    let target = network.finalized(0) + 2;
    network.wait_finalized(&[3], target, PATIENCE);
    network.wait_finalized(&[0, 1, 2, 3], target + 2, PATIENCE);
    let agreed = network.assert_one_chain(&[0, 1, 2, 3]);
    assert!(agreed >= target);

    // Its sync state tells where it started, and peers report the heights they announced.
    let state = network.call(3, "system_syncState", json!([]));
    let number = |key: &str| state[key].as_u64().expect("number") as u32;
    assert!(number("startingBlock") < at_crash + 5 && number("currentBlock") >= target, "{state}");
    assert!(number("highestBlock") >= number("currentBlock"), "{state}");
    assert_eq!(network.call(3, "system_health", json!([]))["isSyncing"], json!(false));
    network.wait(3, PATIENCE, "peers' heights announced", |network| {
        let peers = network.call(3, "system_peers", json!([]));
        let peers = peers.as_array().cloned().unwrap_or_default();
        peers.len() == 3 && peers.iter().all(|peer| peer["bestNumber"].as_u64() >= Some(u64::from(target)))
    });

    // Every stored certificate has more than two thirds of the validators' signatures.
    for number in [1, agreed / 2, agreed] {
        let hash = network.block_hash(2, number).expect("hash");
        let block = network.call(2, "chain_getBlock", json!([hash]));
        let justification = &block["justifications"][0];
        assert_eq!(justification[0], json!([66, 70, 84, 48]), "engine id BFT0: {justification}");
        let bytes: Vec<u8> =
            justification[1].as_array().expect("bytes").iter().map(|byte| byte.as_u64().expect("u8") as u8).collect();
        let certificate = Certificate::decode(&mut &bytes[..]).expect("certificate");
        assert_eq!(certificate.height, number);
        assert!(certificate.signatures.len() >= 3, "#{number}: {certificate:?}");
    }
}

#[test]
fn with_two_of_four_down_finality_stops_and_resumes_when_one_returns() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 0, &[]);
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3], 3, PATIENCE);
    network.kill(2);
    network.kill(3);
    // A height in flight when they died may still complete; after that, nothing is final.
    std::thread::sleep(Duration::from_secs(3));
    let stalled = network.finalized(0);
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(network.finalized(0), stalled, "two of four validators cannot finalize");
    assert_eq!(network.finalized(1), stalled);

    network.start(2);
    network.wait_finalized(&[0, 1, 2], stalled + 3, PATIENCE);
    network.start(3);
    network.wait_finalized(&[3], stalled + 3, PATIENCE);
    network.assert_one_chain(&[0, 1, 2, 3]);
}

#[test]
fn a_fresh_full_node_syncs_from_genesis_to_the_same_state() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 1, &[]);
    for index in 0..4 {
        network.start(index);
    }
    remark(&network, 0, "Alice");
    network.wait_finalized(&[0, 1, 2, 3], 12, PATIENCE);
    network.start(4);
    let target = network.finalized(0);
    network.wait_finalized(&[4], target, PATIENCE);
    let agreed = network.assert_one_chain(&[0, 4]);
    let hash = network.block_hash(0, agreed).expect("hash");
    let on_validator = network.call(0, "chain_getHeader", json!([hash]));
    let on_full_node = network.call(4, "chain_getHeader", json!([hash]));
    assert_eq!(on_validator["stateRoot"], on_full_node["stateRoot"]);
    // It keeps following.
    network.wait_finalized(&[4], agreed + 3, PATIENCE);
    // Peers are reported as the network last told (every 2 s).
    network.wait(0, PATIENCE, "the full node among the peers", |network| {
        let peers = network.call(0, "system_peers", json!([]));
        peers.as_array().is_some_and(|peers| peers.iter().any(|peer| peer["roles"] == json!("FULL")))
    });
}

#[test]
fn a_validator_added_by_governance_votes_from_the_height_it_takes_effect() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let new_key = Ed25519Pair::from_seed(&[42; 32]);
    let new_key_file = dir.path().join("new-validator.key");
    tracechain_node::secret_file::write_secret(&new_key_file, &format!("0x{}\n", hex::encode([42u8; 32])))
        .expect("key file");
    let mut network = TestNetwork::new(dir.path(), 4, 1, &[(4, &new_key_file)]);
    for index in 0..5 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3, 4], 2, PATIENCE);

    // The consortium's admins decide a fifth validator.
    let mut client = RpcClient::connect(&network.url(1)).expect("connect");
    client.timeout = PATIENCE;
    let stored = client.storage(&pallet_membership::VALIDATORS.key(), None).expect("read").expect("validators");
    let mut validators = Vec::<pallet_membership::types::ValidatorInfo>::decode(&mut &stored[..]).expect("decode");
    assert_eq!(validators.len(), 4);
    validators
        .push(pallet_membership::types::ValidatorInfo { org: validators[0].org, consensus_key: new_key.public() });
    let proposal = client
        .storage(&pallet_membership::NEXT_PROPOSAL_ID.key(), None)
        .expect("read")
        .map(|bytes| u32::decode(&mut &bytes[..]).expect("id"))
        .unwrap_or_default();
    let propose = RuntimeCall::Membership(pallet_membership::Call::propose {
        action: pallet_membership::types::Action::SetValidators { validators },
    });
    let approve = RuntimeCall::Membership(pallet_membership::Call::approve { proposal });
    let inclusions = client
        .execute("validator set change", vec![(&dev_sr25519("Alice"), propose), (&dev_sr25519("Dave"), approve)])
        .expect("decided");
    let at = inclusions
        .iter()
        .flat_map(|inclusion| &inclusion.events)
        .find_map(|event| match event {
            RuntimeEvent::Membership(pallet_membership::Event::ValidatorSetScheduled { at, .. }) => Some(*at),
            _ => None,
        })
        .expect("the change is scheduled");
    network.wait_finalized(&[0, 1, 2, 3, 4], at + 1, PATIENCE);

    // From `at` on, five validators: with one of the original four down, the remaining three
    // reach the four signatures a decision needs only with the new validator's vote.
    network.kill(0);
    let from = network.finalized(1);
    network.wait_finalized(&[1, 2, 3, 4], from + 4, PATIENCE);
    for number in from + 1..=from + 4 {
        let hash = network.block_hash(1, number).expect("hash");
        let block = network.call(1, "chain_getBlock", json!([hash]));
        let bytes: Vec<u8> = block["justifications"][0][1]
            .as_array()
            .expect("bytes")
            .iter()
            .map(|byte| byte.as_u64().expect("u8") as u8)
            .collect();
        let certificate = Certificate::decode(&mut &bytes[..]).expect("certificate");
        assert!(certificate.signatures.iter().any(|(index, _)| *index == 4), "#{number} without the new validator");
    }
    network.assert_one_chain(&[1, 2, 3, 4]);
}

#[test]
fn a_validator_that_signs_twice_is_recorded_on_chain_as_an_equivocator() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    // Node 4 runs validator 3's consensus key beside node 3 (an operator's failover gone wrong):
    // when that key proposes, each twin proposes and prevotes its own block.
    let twin_key = dir.path().join("keys").join("validator-3.key");
    let mut network = TestNetwork::new(dir.path(), 4, 1, &[(4, &twin_key)]);
    for index in 0..5 {
        network.start(index);
    }
    // Both twins follow the chain (each proposes when the key's turn comes).
    network.wait_finalized(&[0, 1, 2, 3, 4], 2, PATIENCE);
    let offender: [u8; 32] = {
        let seed = std::fs::read_to_string(&twin_key).expect("key file");
        let seed: [u8; 32] =
            hex::decode(seed.trim().trim_start_matches("0x")).expect("hex").try_into().expect("32 bytes");
        Ed25519Pair::from_seed(&seed).public()
    };
    let client = RpcClient::connect(&network.url(0)).expect("connect");
    let (block, recorded) = network.wait_for_event(0, 3 * PATIENCE, "equivocation recorded", |event| match event {
        RuntimeEvent::Membership(pallet_membership::Event::EquivocationRecorded {
            org,
            offender,
            height,
            round,
            kind,
        }) => Some((org, offender, height, round, kind)),
        _ => None,
    });
    let (org, key, height, round, kind) = recorded;
    assert_eq!(key, offender, "the twins' key is the offender");
    assert!(height < block, "reported after its height was decided");
    // The proof is in state, where every node (and an auditor's replay) can check it.
    let offence = (key, height, round, kind);
    let stored = client
        .storage(&pallet_membership::EQUIVOCATIONS.key(&offence), None)
        .expect("read")
        .expect("the record is stored");
    let record = pallet_membership::EquivocationRecord::decode(&mut &stored[..]).expect("record");
    assert_eq!((record.org, record.recorded_in), (org, block));
    assert_ne!(record.report.first.block, record.report.second.block);
    // Safety held all along: the honest nodes never finalized two blocks at one height.
    network.wait_finalized(&[0, 1, 2], block, PATIENCE);
    network.assert_one_chain(&[0, 1, 2]);
}

#[test]
fn validators_known_by_peer_id_alone_are_dialled_at_the_public_address_they_announce() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 0, &[]);
    // Only validator 0's address is in the spec. Validators 1 to 3 are "behind NAT": each
    // announces a forwarded port, never its own listening port.
    network.list_by_peer_id_only(&[1, 2, 3]);
    let forwards: Vec<PortForward> = (1..4).map(|index| PortForward::start(network.nodes[index].p2p_port)).collect();
    for (index, forward) in (1..4).zip(&forwards) {
        network.nodes[index].extra_args =
            vec!["--public-addr".to_string(), format!("/ip4/127.0.0.1/tcp/{}", forward.port)];
    }
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3], 2, PATIENCE);

    // Each of 1 to 3 dialled only validator 0; the others' records reached it through 0.
    for index in 1..4 {
        network.wait(index, PATIENCE, "connected to every other validator", |network| {
            let peers = network.peers_of(index);
            (0..4).filter(|&other| other != index).all(|other| peers.contains(&network.nodes[other].peer_id))
        });
    }
    for (index, forward) in (1..4).zip(&forwards) {
        assert!(forward.connections() >= 1, "nobody dialled validator {index} at its public address");
        let peer_id = &network.nodes[index].peer_id;
        assert_eq!(network.call(index, "system_localPeerId", json!([])), json!(peer_id));
        let addresses = network.call(index, "system_localListenAddresses", json!([]));
        assert_eq!(
            addresses,
            json!([
                format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", forward.port),
                format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", network.nodes[index].p2p_port),
            ])
        );
    }

    // Without validator 0, the three reach each other only over the links they learned.
    network.kill(0);
    let from = network.finalized(1);
    network.wait_finalized(&[1, 2, 3], from + 3, PATIENCE);

    // Restarted, validator 3 can dial no one (it knows only validator 0's address): 1 and 2
    // redial it at the address it announced, and it catches up and votes again.
    network.kill(3);
    std::thread::sleep(Duration::from_secs(3));
    network.start(3);
    let from = network.finalized(1);
    network.wait_finalized(&[1, 2, 3], from + 3, PATIENCE);
    network.assert_one_chain(&[1, 2, 3]);
}

#[test]
fn an_address_peers_cannot_dial_is_refused_as_a_public_address() {
    // Its processes take ports too: never beside a network whose ports are chosen but not bound.
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let network = TestNetwork::new(dir.path(), 1, 0, &[]);
    for (address, reason) in [
        ("/ip4/0.0.0.0/tcp/30333", "unspecified"),
        ("/ip4/203.0.113.7/udp/30333", "/tcp/<port>"),
        ("not-an-address", "not a libp2p multiaddr"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tracechain"))
            .arg("--chain")
            .arg(&network.spec)
            .arg("--base-path")
            .arg(dir.path().join("refused"))
            .args(["--no-prometheus", "--rpc-port", "0", "--public-addr", address])
            .output()
            .expect("run tracechain");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{address} accepted");
        assert!(stderr.contains("--public-addr") && stderr.contains(reason), "{address}: {stderr}");
    }
}

#[test]
fn a_validator_reserved_over_rpc_is_admitted_without_a_restart() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 0, &[]);
    network.leave_out_of_spec(&[3]);
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2], 2, PATIENCE);
    let newcomer = network.nodes[3].peer_id.clone();
    let reserved = network.call(1, "system_reservedPeers", json!([]));
    assert_eq!(reserved.as_array().expect("list").len(), 2, "{reserved}");

    // Without validator 0, validators 1 and 2 need validator 3's vote, and they refuse it.
    network.kill(0);
    let stalled = network.finalized(1);
    std::thread::sleep(Duration::from_secs(6));
    assert!(network.finalized(1) <= stalled + 1, "finalized without the refused validator");

    let bad = network.try_call(1, "system_addReservedPeer", json!(["/ip4/127.0.0.1/tcp/1"])).expect_err("refused");
    assert!(bad.contains("/p2p/<peer id>"), "{bad}");
    let address = network.nodes[3].address();
    for index in 1..3 {
        assert_eq!(network.call(index, "system_addReservedPeer", json!([address])), json!(null));
    }
    assert!(network.call(1, "system_reservedPeers", json!([])).as_array().expect("list").contains(&json!(newcomer)));
    network.wait_finalized(&[1, 2, 3], stalled + 3, PATIENCE);
    network.assert_one_chain(&[1, 2, 3]);

    assert_eq!(network.call(1, "system_removeReservedPeer", json!([newcomer])), json!(null));
    assert!(!network.call(1, "system_reservedPeers", json!([])).as_array().expect("list").contains(&json!(newcomer)));
    let again = network.try_call(1, "system_removeReservedPeer", json!([newcomer])).expect_err("refused");
    assert!(again.contains("not a reserved peer"), "{again}");
}
