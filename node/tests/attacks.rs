//! One dishonest validator among four, with real processes: validator 3 runs the `attack`
//! feature's dishonest mode (`TRACECHAIN_ATTACK=all`, see `bft/src/attack.rs`). Every round
//! it signs proposals for many rounds and future heights, streams oversized junk under fresh
//! stream ids, equivocates whenever it proposes, and gossips undecodable and non-member
//! transactions. The three honest validators must keep finalizing one chain, keep their
//! resident memory bounded, include honest transactions, and put the attacker's proposal
//! equivocation on chain.
//!
//! The test prints the honest block interval with and without the attacker (one run):
//! `cargo test -p tracechain-node --features attack --test attacks -- --nocapture`.

#![cfg(feature = "attack")]

mod common;

use std::time::{Duration, Instant};

use common::network::TestNetwork;
use tracechain_client::rpc::RpcClient;
use tracechain_primitives::{
    consensus_message::VoteKind,
    keyring::{dev_sr25519, Ed25519Pair},
};
use tracechain_runtime::{RuntimeCall, RuntimeEvent};

const PATIENCE: Duration = Duration::from_secs(120);
/// Blocks over which the block interval is measured.
const MEASURED_BLOCKS: u32 = 16;
/// The honest validators' resident memory stays below this under attack.
const MEMORY_BOUND: u64 = 1024 * 1024 * 1024;

/// The time node 0 takes to finalize [`MEASURED_BLOCKS`] more blocks, per block.
fn block_interval(network: &TestNetwork) -> Duration {
    let start = network.finalized(0);
    let started = Instant::now();
    network.wait_finalized(&[0], start + MEASURED_BLOCKS, PATIENCE);
    started.elapsed() / MEASURED_BLOCKS
}

#[test]
fn three_honest_validators_outlast_a_dishonest_one() {
    let dir = tempfile::tempdir().expect("dir");
    let mut network = TestNetwork::new(dir.path(), 4, 0, &[]);
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3], 2, PATIENCE);
    let honest = block_interval(&network);

    // Validator 3 turns dishonest.
    network.kill(3);
    // `ATTACK_MODES` picks some of the attacks, to measure them one by one (default: all).
    let modes = std::env::var("ATTACK_MODES").unwrap_or_else(|_| "all".into());
    network.nodes[3].extra_env = vec![("TRACECHAIN_ATTACK".into(), modes.clone())];
    network.start(3);
    let before: Vec<u64> = (0..3).map(|index| network.resident_bytes(index).expect("rss")).collect();
    let attacked = block_interval(&network);
    let offender = {
        let seed = std::fs::read_to_string(dir.path().join("keys").join("validator-3.key")).expect("key file");
        let seed: [u8; 32] =
            hex::decode(seed.trim().trim_start_matches("0x")).expect("hex").try_into().expect("32 bytes");
        Ed25519Pair::from_seed(&seed).public()
    };

    // An honest transaction still gets in.
    let mut client = RpcClient::connect(&network.url(0)).expect("connect");
    client.timeout = PATIENCE;
    let call = RuntimeCall::System(pallet_system::Call::remark_with_event { remark: b"honest".to_vec() });
    client.execute("remark", vec![(&dev_sr25519("Alice"), call)]).expect("an honest transaction is included");

    // The attacker's two blocks for one round are recorded against it.
    let (_, recorded) = network.wait_for_event(0, 2 * PATIENCE, "proposal equivocation", |event| match event {
        RuntimeEvent::Membership(pallet_membership::Event::EquivocationRecorded {
            offender,
            kind: VoteKind::Proposal,
            height,
            ..
        }) => Some((offender, height)),
        _ => None,
    });
    assert_eq!(recorded.0, offender, "the dishonest validator is the offender");

    let after: Vec<u64> = (0..3).map(|index| network.resident_bytes(index).expect("rss")).collect();
    let mib = |bytes: &[u64]| bytes.iter().map(|bytes| format!("{} MiB", bytes / (1024 * 1024))).collect::<Vec<_>>();
    eprintln!(
        "attack {modes}: honest block interval {honest:?} without the attacker, {attacked:?} with it ({:.2}x); \
         honest validators' resident memory under attack: {:?} at the start, {:?} at the end",
        attacked.as_secs_f64() / honest.as_secs_f64(),
        mib(&before),
        mib(&after)
    );
    for (index, bytes) in after.iter().enumerate() {
        assert!(*bytes < MEMORY_BOUND, "validator {index} holds {} MiB", bytes / (1024 * 1024));
    }
    let lowest = network.assert_one_chain(&[0, 1, 2]);
    assert!(lowest >= 2 + 2 * MEASURED_BLOCKS);
}
