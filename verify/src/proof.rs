//! What `trace_getJourneyProof` answers: an item's journey with everything needed to check it
//! without trusting the node that sent it.
//!
//! The certified block's header and finality certificate, the proof of every storage value the
//! journey reads against that header's state root, the validator-set changes since genesis (each
//! with its own certificate and the proof of the new set), and the proven times of past blocks
//! whose steps need them. All bytes travel as `0x` hex; [`crate::verify_journey_proof`] checks
//! every one of them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One block where the validator set changed: its header and certificate (signed by the set
/// before it), and the proof of the new set in its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatorSetChangeProof {
    /// SCALE header, `0x` hex.
    pub header: String,
    /// SCALE finality certificate, `0x` hex.
    pub justification: String,
    /// Trie nodes proving `Membership.Validators` in the block's state.
    pub proof: Vec<String>,
}

/// The time of a past block, proven: its header (whose hash the certified state records in
/// `System.BlockHash`) and the proof of `Timestamp.Now` in its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockTimeProof {
    /// SCALE header, `0x` hex.
    pub header: String,
    /// Trie nodes proving `Timestamp.Now` in its state.
    pub proof: Vec<String>,
}

/// What `trace_getJourneyProof` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyProof {
    /// The item's id (`0x` hex).
    pub item: String,
    /// The certified block's SCALE header (`0x` hex).
    pub header: String,
    /// Its SCALE finality certificate (`0x` hex).
    pub justification: String,
    /// Every storage key the journey reads (`0x` hex), sorted.
    pub keys: Vec<String>,
    /// The trie nodes proving those keys (`0x` hex).
    pub proof: Vec<String>,
    /// The journey as this node computes it; a verifier recomputes it from the proof.
    pub journey: Value,
    /// The validator-set changes since genesis, oldest first, before the certified block.
    pub validator_set_changes: Vec<ValidatorSetChangeProof>,
    /// The times of past blocks that journey steps need (those the state does not record with
    /// the step), each proven through a recent block hash of the certified state.
    pub block_times: Vec<BlockTimeProof>,
}
