//! # tracechain-runtime
//!
//! The state transition function of Tracechain: given a state and a block, the next state.
//! Native Rust (no Wasm), and strictly deterministic: no floats, no hash-map iteration, no clock,
//! no randomness. Time comes from the block's timestamp inherent; the same blocks give the same
//! state roots on every machine.
//!
//! - [`pallets`]: the runtime's pallets, one line each with its stable index (System 0,
//!   Timestamp 1, Membership 2, Products 10, Custody 11, Customs 12, Inspection 13, Identity 14;
//!   `docs/pallets.md`), from which [`RuntimeCall`] / [`RuntimeEvent`], their dispatch and the
//!   metadata's pallets are generated. The first byte of a call or event is the pallet index,
//!   the second the call or event index within the pallet.
//! - [`executive`]: `validate_transaction` for the pool, [`executive::BlockBuilder`] to author a
//!   block (initialize, apply extrinsics, finalize), and `execute_block` to import one by full
//!   re-execution, checking the state and extrinsics roots.
//! - [`genesis`]: the JSON chain spec and the genesis state and header.
//! - [`journey`]: an item's journey read from state; [`epcis`]: the journey as an EPCIS 2.0 document.
//! - [`version::VERSION`]: spec name `tracechain`, spec and transaction versions.
//!
//! ## Transaction rules (checked in this order, each with its own [`validity::TransactionError`])
//! 1. The bytes decode as an extrinsic of format 4 and are not longer than a block may hold.
//! 2. A signed extrinsic's sender is an `AccountId32` other than zero; its tip is 0 (no fees).
//! 3. Its era is alive and its birth block is known; the signature verifies over the call, the
//!    extensions, this chain's spec and transaction versions, its genesis hash and the era's birth
//!    block hash.
//! 4. Its nonce is the account's next (older: stale; newer: future, kept by the pool).
//! 5. The sender is an account of a member organisation.
//! 6. The call fits in the block's remaining weight and length.
//!
//! A transaction that passes is included; its call may still fail (a role it lacks, a rule of a
//! pallet), in which case its writes are rolled back but its nonce is used and `ExtrinsicFailed`
//! records the error, as in Substrate.

pub mod call;
pub mod epcis;
pub mod event;
pub mod executive;
pub mod genesis;
pub mod in_memory;
pub mod journey;
pub mod metadata;
pub mod pallets;
pub mod runtime_api;
pub mod story;
pub mod validity;
pub mod version;
pub mod workload;

pub use call::RuntimeCall;
pub use event::RuntimeEvent;
pub use executive::{ApplyExtrinsicResult, BlockBuilder, BlockError, ExecutedBlock, Runtime, SignatureCheck};
pub use genesis::{ChainSpec, GenesisError};
pub use in_memory::InMemoryChain;
pub use validity::{TransactionError, TransactionSource, ValidTransaction};
pub use version::{RuntimeVersion, VERSION};

/// An extrinsic of this runtime.
pub type UncheckedExtrinsic = tracechain_primitives::extrinsic::UncheckedExtrinsic<RuntimeCall>;
