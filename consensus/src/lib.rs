//! Tracechain's context for the Malachite BFT engine (Tendermint).
//!
//! Malachite decides one value per height; this crate says what Tracechain's values, votes and
//! validators are, how they are signed and how they travel. The node (`tracechain-node`) answers
//! the engine's requests through its application channel.
//!
//! ## The protocol's rules
//! - **Heights are block numbers.** The value decided at height `h` is block `#h`, named by its
//!   hash ([`BlockId`]); the block itself travels in proposal parts ([`ProposalPart`]). A decided
//!   block is final at once: there are no forks to choose between.
//! - **Validators** are pallet-membership's validator set in the state of block `h - 1`, in its
//!   order; each has voting power 1. A governance change of the set takes effect at the block
//!   the pallet names, so every node hands the engine the same set for every height.
//! - **Proposer**: round-robin over that order, rotating per height and round, as Substrate's Aura
//!   rotates per slot: validator `(h + r) mod n` proposes round `r` of height `h`
//!   ([`TracechainContext::select_proposer`]).
//! - **Votes** are ed25519-signed ([`signing`]). A precommit for a block signs exactly
//!   [`commit_message`], so the precommits of a decision are the block's finality certificate as
//!   the chain stores it and as auditors check it; every other vote signs a message of its own
//!   domain, which no precommit can be mistaken for.
//! - **Proposal parts** are authenticated by the proposer's signature over the assembled block's
//!   hash in the last part ([`ProposalFin`]); a receiver re-executes a block before it votes for
//!   it and votes nil for one that does not execute.
//!
//! ## Failure
//! Everything received is adversarial: [`codec::WireCodec`] rejects malformed bytes with a
//! [`codec::CodecError`], signatures that do not verify are reported as invalid, and nothing
//! here panics on input.

pub mod codec;
mod context;
mod height;
mod proposal;
mod proposal_part;
pub mod signing;
mod validator_set;
mod value;
mod vote;

pub use context::TracechainContext;
pub use height::Height;
pub use malachitebft_core_types as types;
pub use proposal::Proposal;
pub use proposal_part::{ProposalFin, ProposalInit, ProposalPart};
pub use signing::{commit_message, Ed25519Scheme, PublicKey, Signature};
pub use validator_set::{Address, Validator, ValidatorSet};
pub use value::BlockId;
pub use vote::Vote;

#[cfg(test)]
mod tests;
