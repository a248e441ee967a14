//! # tracechain-verify
//!
//! Checks what a Tracechain node claims while trusting nothing but the chain spec: the genesis
//! validator set, the validator-set changes proven since, finality certificates, and storage
//! proofs against a certified header's state root. The node's RPC builds its journey proofs
//! with these types; `tracechain verify`, the consumer page, replay and outside auditors check
//! with these functions.
//!
//! - [`certificate`]: finality certificates and the more-than-two-thirds rule.
//! - [`proof`]: the journey proof as `trace_getJourneyProof` sends it.
//! - [`journey_proof`]: the journey proof's rules, checked in order, and the journey recomputed
//!   from proven values alone.
//!
//! ## Invariants
//! - Pure: no database, no network, no consensus engine, no clock. The same proof and chain spec
//!   give the same verdict on every machine (`cargo tree -p tracechain-verify` shows no RocksDB,
//!   libp2p or Malachite).
//! - A fact reaches the caller only if it was recomputed from proven storage.
//!
//! ## Failure
//! Every input is untrusted: the first rule broken is returned as a typed error
//! ([`CertificateError`], [`VerifyError`]) that says exactly what failed; nothing here panics on
//! input.

pub mod certificate;
pub mod journey_proof;
pub mod proof;

pub use certificate::{verify_certificate, verify_justification, Certificate, CertificateError, ENGINE_ID};
pub use journey_proof::{verify_journey_proof, VerifiedJourney, VerifyError};
pub use proof::{BlockTimeProof, JourneyProof, ValidatorSetChangeProof};
