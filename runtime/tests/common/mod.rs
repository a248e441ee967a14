//! Shared helpers for the runtime's integration tests: specs with many member accounts, signers.

#![allow(dead_code)]

use tracechain_primitives::keyring::{dev_sr25519, Sr25519Pair};
use tracechain_runtime::{in_memory::load_test_spec, ChainSpec, InMemoryChain, RuntimeCall};

/// Block times used by tests: block `n` at `GENESIS_MS + n * 6 s`.
pub const BLOCK_MS: u64 = 6_000;

/// The development spec with extra member organisations; see [`load_test_spec`].
pub fn spec_with_members(orgs: usize, accounts_per_org: usize) -> (ChainSpec, Vec<Sr25519Pair>) {
    load_test_spec(orgs, accounts_per_org).expect("load-test spec")
}

/// A development chain at genesis.
pub fn dev_chain() -> InMemoryChain {
    InMemoryChain::new(&ChainSpec::development().expect("development spec")).expect("genesis")
}

/// A well-known development account.
pub fn dev(name: &str) -> Sr25519Pair {
    dev_sr25519(name)
}

/// `System.remark_with_event(bytes)`.
pub fn remark(bytes: &[u8]) -> RuntimeCall {
    RuntimeCall::System(pallet_system::Call::remark_with_event { remark: bytes.to_vec() })
}

/// The time of block `number`.
pub fn time_of(number: u32) -> u64 {
    1_700_000_000_000 + u64::from(number) * BLOCK_MS
}

/// Builds the next block of `chain` from `extrinsics`, verifying signatures.
pub fn next_block(
    chain: &mut InMemoryChain,
    extrinsics: &[Vec<u8>],
) -> (tracechain_primitives::header::Block, tracechain_runtime::in_memory::ApplyResults) {
    let number = chain.head().number + 1;
    chain.build_block(time_of(number), extrinsics, tracechain_runtime::SignatureCheck::Verify).expect("block builds")
}
