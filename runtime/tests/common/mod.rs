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

/// GTIN-14 of "Château X 2019, 750 ml": indicator 0, company prefix 3760001, item 00001.
pub const GTIN: &str = tracechain_runtime::story::GTIN;

/// `with_check_digit(body)`: `body` followed by its GS1 check digit; `sscc(serial)`: the SSCC of
/// the brand's pallet `serial` (company prefix 3760001), check digit included. Every test binary
/// compiles this module; those that use neither would warn (the `dead_code` allowance above does
/// not cover imports).
#[allow(unused_imports)]
pub use tracechain_pallet_testing::gs1::{sscc, with_check_digit};
