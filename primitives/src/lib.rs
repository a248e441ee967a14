//! # tracechain-primitives
//!
//! The types every Tracechain crate shares, encoded exactly as Substrate encodes them so that
//! existing Substrate tooling (subxt, polkadot.js, py-substrate-interface) reads them unmodified.
//!
//! ## Invariants
//! - Every type's SCALE encoding is Substrate's, byte for byte; fixture tests in each module pin
//!   the encodings to published values, so a format change is always deliberate.
//! - Block hash = `blake2_256(SCALE(header))`; extrinsic hash = `blake2_256(encoded extrinsic)`.
//! - State root: base-16 Patricia-Merkle trie in Substrate's layout V1, hashed with blake2-256.
//! - Nothing here reads a clock, a random source (except key generation) or iterates a hash map.
//!
//! ## Failure
//! Decoding functions return errors (never panic) on any externally supplied bytes; each module
//! has one `thiserror` enum whose fields say what was wrong.

pub mod account;
pub mod calendar;
pub mod cbv;
pub mod consensus_message;
pub mod digital_link;
pub mod era;
pub mod extrinsic;
pub mod gs1;
pub mod hashing;
pub mod header;
pub mod keyring;
pub mod ss58;
pub mod storage_key;
pub mod trie;

pub use account::AccountId32;
pub use primitive_types::H256;

/// A block number. Substrate's default, and what every client assumes.
pub type BlockNumber = u32;

/// An account's transaction counter.
pub type Nonce = u32;

/// Milliseconds since the Unix epoch, as set by the timestamp inherent.
pub type Moment = u64;
