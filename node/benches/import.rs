//! Blocks of signed supply-chain extrinsics imported per second by the node's own import path —
//! full re-execution with every signature verified (both cores, batched), then the atomic,
//! synced RocksDB write of block, state nodes, indices and certificate — printed beside the raw
//! sr25519 verification rate of one core measured in the same run.
//!
//! It also times the auditor's replay (`tracechain_node::replay`) of the same blocks with their
//! certificates, which must keep up with the node's import.
//!
//! `cargo bench -p tracechain-node --bench import` runs it in full (1,000 items: six blocks of
//! 1,000 extrinsics, see `tracechain_runtime::workload`, five rounds on fresh databases);
//! `cargo test --benches` runs one small round as a smoke test.

use std::{sync::Arc, time::Instant};

use parity_scale_codec::Encode;
use tracechain_engine::{commit_message, Certificate};
use tracechain_node::{
    chain::{Chain, Pruning},
    db::{rocks::RocksDatabase, Database},
    replay::{replay, ReplayOptions, ReplaySource},
};
use tracechain_primitives::keyring::{dev_sr25519, verify_sr25519, Ed25519Pair};
use tracechain_runtime::{workload::supply_chain_workload, ChainSpec};

/// Rates in thousands per second with one decimal, from a count and nanoseconds.
fn per_second(count: u128, nanos: u128) -> String {
    let per_second_tenths = count * 10_000_000_000 / nanos.max(1);
    format!("{}.{} k/s", per_second_tenths / 10_000, (per_second_tenths / 1_000) % 10)
}

fn one_core_sr25519(signatures: u32) -> (u128, u128) {
    let pair = dev_sr25519("Alice");
    let message = b"a 100-byte signing payload: call, extensions, spec and transaction version, genesis hash ......";
    let signature = pair.sign(message);
    let public = *pair.public().as_bytes();
    let start = Instant::now();
    for _ in 0..signatures {
        assert!(verify_sr25519(std::hint::black_box(&signature), message, &public));
    }
    (u128::from(signatures), start.elapsed().as_nanos())
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (items, rounds, signatures) = if full { (800, 5, 20_000) } else { (50, 1, 500) };
    let spec = ChainSpec::development().expect("development spec");
    let workload = supply_chain_workload(&spec, items, 1_700_000_000_000).expect("workload");
    let extrinsics = workload.load_extrinsics() as u128;

    let mut best_import = u128::MAX;
    for _ in 0..rounds {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(dir.path()).expect("rocksdb"));
        let chain = Chain::open(db, spec.clone(), Some(Pruning::Archive)).expect("chain");
        chain.import(&workload.phases[0].block, Some(vec![0])).expect("set-up block");
        let start = Instant::now();
        for phase in workload.load_phases() {
            chain.import(&phase.block, Some(vec![0])).expect("the workload's block imports");
        }
        best_import = best_import.min(start.elapsed().as_nanos());
    }
    let (verified, verify_nanos) = one_core_sr25519(signatures);

    // The same blocks with certificates by the development validator, replayed from genesis.
    let validator = Ed25519Pair::from_suri("//Alice").expect("validator key");
    let genesis = spec.genesis().expect("genesis").hash();
    let records: Vec<_> = workload
        .blocks()
        .map(|block| {
            let (number, hash) = (block.header.number, block.hash());
            let signature = validator.sign(&commit_message(genesis, number, 0, hash));
            let certificate =
                Certificate { height: number, round: 0, block_hash: hash, signatures: vec![(0, signature)] };
            (block.clone(), Some(certificate.encode()))
        })
        .collect();
    let mut best_replay = u128::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let report = replay(&spec, ReplaySource::Blocks(records.clone()), ReplayOptions::default(), &mut |_, _| {})
            .expect("replay runs");
        best_replay = best_replay.min(start.elapsed().as_nanos());
        assert!(report.is_clean(), "{:?}", report.mismatch);
    }

    println!("node import (RocksDB, synced, signatures verified on all cores), best of {rounds}:");
    println!(
        "  {} extrinsics in {} blocks in {} ms: {}",
        extrinsics,
        workload.load_phases().len(),
        best_import / 1_000_000,
        per_second(extrinsics, best_import)
    );
    let all = workload.phases.iter().map(|phase| phase.extrinsics.len() as u128).sum::<u128>();
    println!(
        "replay from genesis (certificates, signatures, roots; {} blocks, {all} signed extrinsics) in {} ms: {}",
        records.len(),
        best_replay / 1_000_000,
        per_second(all, best_replay)
    );
    println!("sr25519 verification, one core: {}", per_second(verified, verify_nanos));
    let ratio_percent = extrinsics * verify_nanos * 100 / (best_import.max(1) * verified);
    println!("import rate / one-core verification rate: {ratio_percent}%");
    for phase in workload.load_phases() {
        println!("  phase {:<16} {} extrinsics", phase.name, phase.extrinsics.len());
    }
}
