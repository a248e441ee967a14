//! How fast the executive checks and applies signed extrinsics, beside the raw sr25519
//! verification rate measured in the same run.
//!
//! Run with `cargo bench -p tracechain-runtime --bench executive`. Criterion prints each figure as
//! `thrpt: … elem/s`:
//! - `sr25519/verify`: one signature verification (the floor of any per-transaction cost);
//! - `sr25519/verify_batch_64`: batched verification, per signature;
//! - `pool/validate_transaction`: the pool's admission check of one extrinsic (signature included);
//! - `block/author_1000`: applying 1,000 pool-verified extrinsics into a block and finalizing it;
//! - `block/validate_and_apply_1000`: admission check of each plus authoring: the author's whole path;
//! - `block/import_1000`: a received block of 1,000 re-executed, signatures verified in parallel.
//! - `supply_chain/author_mix`, `supply_chain/validate_and_author_mix`, `supply_chain/import_mix`:
//!   the same three paths for the supply-chain workload (`tracechain_runtime::workload`): 1,000
//!   items commissioned, proposed and accepted into the carrier's custody, declared at CNSHA,
//!   attested by the inspector and cleared by customs — six blocks of 1,000 signed extrinsics,
//!   throughput counted over the 6,000.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use tracechain_primitives::keyring::{verify_sr25519, verify_sr25519_batch};
use tracechain_runtime::{
    in_memory::load_test_spec,
    workload::{supply_chain_workload, SupplyChainWorkload},
    ChainSpec, InMemoryChain, RuntimeCall, SignatureCheck,
};

const BLOCK_SIZE: usize = 1000;
/// Items of the supply-chain workload: each of its phases must fit one block's weight, and
/// custody proposals (which now check the per-organisation inbox bound) reach it near 950.
const WORKLOAD_ITEMS: usize = 800;

fn remark(index: usize) -> RuntimeCall {
    RuntimeCall::System(pallet_system::Call::remark { remark: format!("lot 3760001/{index}").into_bytes() })
}

fn signed_batch(chain: &InMemoryChain, pairs: &[tracechain_primitives::keyring::Sr25519Pair]) -> Vec<Vec<u8>> {
    (0..BLOCK_SIZE)
        .map(|index| chain.sign(&pairs[index % pairs.len()], remark(index), (index / pairs.len()) as u32))
        .collect()
}

fn benches(c: &mut Criterion) {
    let (spec, pairs) = load_test_spec(4, 50).expect("spec");
    let chain = InMemoryChain::new(&spec).expect("genesis");
    let extrinsics = signed_batch(&chain, &pairs);

    let mut group = c.benchmark_group("sr25519");
    let message = b"a 100-byte signing payload: call, extensions, spec and transaction version, genesis hash ......";
    let signature = pairs[0].sign(message);
    let public = *pairs[0].public().as_bytes();
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify", |b| b.iter(|| assert!(verify_sr25519(black_box(&signature), message, &public))));
    let batch: Vec<(&[u8], [u8; 64], [u8; 32])> =
        pairs.iter().take(64).map(|pair| (&message[..], pair.sign(message), *pair.public().as_bytes())).collect();
    group.throughput(Throughput::Elements(64));
    group.bench_function("verify_batch_64", |b| b.iter(|| assert!(verify_sr25519_batch(black_box(&batch)))));
    group.finish();

    let mut group = c.benchmark_group("pool");
    group.throughput(Throughput::Elements(1));
    group.bench_function("validate_transaction", |b| {
        let mut index = 0;
        b.iter(|| {
            index = (index + 1) % pairs.len();
            chain.validate(black_box(&extrinsics[index])).expect("valid")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("block");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BLOCK_SIZE as u64));
    group.bench_function("author_1000", |b| {
        b.iter_batched(
            || InMemoryChain::new(&spec).expect("genesis"),
            |mut chain| chain.build_block(1_000, &extrinsics, SignatureCheck::AlreadyVerified).expect("block"),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("validate_and_apply_1000", |b| {
        b.iter_batched(
            || InMemoryChain::new(&spec).expect("genesis"),
            |mut chain| {
                for bytes in &extrinsics {
                    chain.validate(bytes).expect("valid");
                }
                chain.build_block(1_000, &extrinsics, SignatureCheck::AlreadyVerified).expect("block")
            },
            BatchSize::PerIteration,
        )
    });
    let mut author = InMemoryChain::new(&spec).expect("genesis");
    let (block, _) = author.build_block(1_000, &extrinsics, SignatureCheck::Verify).expect("block");
    group.bench_function("import_1000", |b| {
        b.iter(|| chain.re_execute(black_box(&block)).expect("valid block"));
    });
    group.finish();
}

/// The chain after the workload's set-up block, ready for its load phases.
fn after_setup(spec: &ChainSpec, workload: &SupplyChainWorkload) -> InMemoryChain {
    let mut chain = InMemoryChain::new(spec).expect("genesis");
    chain.import_block(&workload.phases[0].block).expect("set-up block");
    chain
}

fn supply_chain_benches(c: &mut Criterion) {
    let spec = ChainSpec::development().expect("development spec");
    let workload = supply_chain_workload(&spec, WORKLOAD_ITEMS, 1_700_000_000_000).expect("workload");
    let mut group = c.benchmark_group("supply_chain");
    group.sample_size(10);
    group.throughput(Throughput::Elements(workload.load_extrinsics() as u64));
    group.bench_function("author_mix", |b| {
        b.iter_batched(
            || after_setup(&spec, &workload),
            |mut chain| {
                for phase in workload.load_phases() {
                    chain.build_block(phase.time, &phase.extrinsics, SignatureCheck::AlreadyVerified).expect("block");
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("validate_and_author_mix", |b| {
        b.iter_batched(
            || after_setup(&spec, &workload),
            |mut chain| {
                for phase in workload.load_phases() {
                    for bytes in &phase.extrinsics {
                        chain.validate(bytes).expect("valid");
                    }
                    chain.build_block(phase.time, &phase.extrinsics, SignatureCheck::AlreadyVerified).expect("block");
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("import_mix", |b| {
        b.iter_batched(
            || after_setup(&spec, &workload),
            |mut chain| {
                for phase in workload.load_phases() {
                    chain.import_block(black_box(&phase.block)).expect("valid block");
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(executive, benches, supply_chain_benches);
criterion_main!(executive);
