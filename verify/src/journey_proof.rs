//! Verifying a journey proof ([`JourneyProof`]) while trusting nothing
//! but the chain spec.
//!
//! ## The rules, in the order they are checked
//! 1. The validator set starts as the chain spec's genesis set. For each proven validator-set
//!    change (oldest first, strictly increasing heights, each *before* the certified block): its
//!    header decodes, its certificate is signed by more than two thirds of the current set, and
//!    the proof against its state root gives the new set. Block N is certified by the set in
//!    the state of block N − 1, so a change at block C certifies blocks from C + 1 on; a change
//!    at or after the certified block has no place in its proof.
//! 2. The certified header decodes, and its certificate — for this header's hash and number —
//!    is signed by more than two thirds of the set in force (the set of the last change strictly
//!    before the block, or the genesis set).
//! 3. The storage proof checks against the header's state root for every listed key.
//! 4. Each proven past block time: its header's hash is the one the proven state records for
//!    its number (`System.BlockHash`), and `Timestamp.Now` is proven against its state root.
//! 5. The journey is recomputed from the proven values alone (past blocks' times from rule 4);
//!    reading any key the proof does not cover is a failure (the server left data out).
//! 6. The recomputed journey equals the one the server sent (otherwise the server altered it).
//!
//! ## Failure
//! The first rule broken is a [`VerifyError`] that says exactly what failed.

use std::collections::BTreeMap;

use parity_scale_codec::Decode;
use serde_json::Value;
use tracechain_primitives::{
    header::Header,
    storage_key,
    trie::{verify_read_proof, ProofError},
    BlockNumber, Moment, H256,
};
use tracechain_runtime::{
    journey::{journey, Journey},
    ChainSpec,
};
use tracechain_support::{overlay::StateReader, Overlay};

use pallet_membership::types::ValidatorInfo;

use crate::{
    certificate::{verify_justification, CertificateError},
    proof::JourneyProof,
};

/// Why a journey proof does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain spec is unusable.
    #[error("chain spec: {0}")]
    Spec(String),
    /// A field is not what it must be (hex, SCALE).
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// A validator-set change does not verify.
    #[error("validator-set change at block #{block}: {reason}")]
    ValidatorSetChange {
        /// The change block.
        block: BlockNumber,
        /// What failed.
        reason: String,
    },
    /// The certificate does not finalize the header.
    #[error("the certificate of block #{block} {hash:?} does not verify: {error}")]
    Certificate {
        /// The certified block.
        block: BlockNumber,
        /// Its hash.
        hash: H256,
        /// Why.
        error: CertificateError,
    },
    /// The storage proof does not check against the state root.
    #[error("the storage proof does not match the state root of block #{block}: {error}")]
    Proof {
        /// The block.
        block: BlockNumber,
        /// Why.
        error: ProofError,
    },
    /// The journey needs a value the proof does not cover.
    #[error("the proof leaves out storage the journey needs: {reason}")]
    Unproven {
        /// Which key.
        reason: String,
    },
    /// A past block's time does not verify.
    #[error("the time of block #{block}: {reason}")]
    BlockTime {
        /// The past block.
        block: BlockNumber,
        /// What failed.
        reason: String,
    },
    /// The item is not in the proven state.
    #[error("the proven state of block #{block} has no such item")]
    NoItem {
        /// The block.
        block: BlockNumber,
    },
    /// The server's journey is not the proven one.
    #[error("the journey the server sent differs from the proven one at {path}")]
    JourneyDiffers {
        /// Where (a JSON path).
        path: String,
    },
}

/// A journey proven against a finalized block.
#[derive(Clone, Debug)]
pub struct VerifiedJourney {
    /// The certified block's number.
    pub block: BlockNumber,
    /// Its hash.
    pub hash: H256,
    /// The journey, recomputed from proven storage.
    pub journey: Journey,
    /// Validator-set changes followed since genesis.
    pub validator_set_changes: usize,
}

fn unhex(what: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    hex::decode(text.trim_start_matches("0x")).map_err(|error| VerifyError::Malformed(format!("{what}: {error}")))
}

fn decode<T: Decode>(what: &str, bytes: &[u8]) -> Result<T, VerifyError> {
    T::decode(&mut &bytes[..]).map_err(|error| VerifyError::Malformed(format!("{what}: {error}")))
}

/// Proven values, and nothing else.
struct ProvenState(BTreeMap<Vec<u8>, Option<Vec<u8>>>);

impl StateReader for ProvenState {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.0.get(key).cloned().ok_or_else(|| format!("key 0x{} is not proven", hex::encode(key)))
    }
}

/// The genesis validator set of `spec`.
fn genesis_validators(spec: &ChainSpec) -> Result<(H256, Vec<ValidatorInfo>), VerifyError> {
    let genesis = spec.genesis().map_err(|error| VerifyError::Spec(error.to_string()))?;
    let overlay = Overlay::new(&genesis.storage);
    Ok((genesis.hash(), pallet_membership::validators(&overlay)))
}

/// Verifies `proof` of the journey of `item` (an id or Digital Link, as asked) against `spec`.
pub fn verify_journey_proof(
    spec: &ChainSpec,
    item: &str,
    proof: &JourneyProof,
) -> Result<VerifiedJourney, VerifyError> {
    let (genesis, mut validators) = genesis_validators(spec)?;
    let header: Header = decode("header", &unhex("header", &proof.header)?)?;
    let hash = header.hash();

    // 1. Follow the validator set from genesis.
    let validators_key = storage_key::storage_prefix(pallet_membership::PALLET_NAME, "Validators").to_vec();
    let mut last_change = 0;
    for change in &proof.validator_set_changes {
        let change_header: Header = decode("validator-set change header", &unhex("header", &change.header)?)?;
        let block = change_header.number;
        let failed = |reason: String| VerifyError::ValidatorSetChange { block, reason };
        if block <= last_change || block >= header.number {
            return Err(failed(format!(
                "out of order (after #{last_change}, before the certified block #{})",
                header.number
            )));
        }
        let justification = unhex("justification", &change.justification)?;
        verify_justification(genesis, block, change_header.hash(), &justification, &validators)
            .map_err(|error| failed(error.to_string()))?;
        let nodes = change.proof.iter().map(|node| unhex("proof node", node)).collect::<Result<Vec<_>, _>>()?;
        let proven = verify_read_proof(&change_header.state_root, &nodes, std::slice::from_ref(&validators_key))
            .map_err(|error| failed(error.to_string()))?;
        let value =
            proven.into_iter().next().and_then(|(_, value)| value).ok_or_else(|| failed("no validator set".into()))?;
        validators = decode("validator set", &value)?;
        last_change = block;
    }

    // 2. The certificate of the block.
    let justification = unhex("justification", &proof.justification)?;
    verify_justification(genesis, header.number, hash, &justification, &validators)
        .map_err(|error| VerifyError::Certificate { block: header.number, hash, error })?;

    // 3. The storage proof.
    let keys = proof.keys.iter().map(|key| unhex("key", key)).collect::<Result<Vec<_>, _>>()?;
    let nodes = proof.proof.iter().map(|node| unhex("proof node", node)).collect::<Result<Vec<_>, _>>()?;
    let proven = verify_read_proof(&header.state_root, &nodes, &keys)
        .map_err(|error| VerifyError::Proof { block: header.number, error })?;
    let state = ProvenState(proven.into_iter().collect());

    // 4. Recompute from proven values only.
    let overlay = Overlay::new(&state);
    let id = if item.starts_with("0x") {
        let bytes: [u8; 32] =
            unhex("item id", item)?.try_into().map_err(|_| VerifyError::Malformed("an item id is 32 bytes".into()))?;
        Some(H256(bytes))
    } else {
        pallet_identity::item_for_uri(&overlay, item)
    };
    let times = proven_block_times(proof, &overlay)?;
    let recomputed = id.and_then(|id| journey(&overlay, &id, &|number| times.get(&number).copied()));
    if let Some(reason) = overlay.corruption() {
        return Err(VerifyError::Unproven { reason });
    }
    let recomputed = recomputed.ok_or(VerifyError::NoItem { block: header.number })?;

    // 5. The server's journey must be the proven one.
    let proven_json = serde_json::to_value(&recomputed).map_err(|error| VerifyError::Malformed(error.to_string()))?;
    if let Some(path) = first_difference(&proven_json, &proof.journey, "journey") {
        return Err(VerifyError::JourneyDiffers { path });
    }
    Ok(VerifiedJourney {
        block: header.number,
        hash,
        journey: recomputed,
        validator_set_changes: proof.validator_set_changes.len(),
    })
}

/// The times of past blocks: each header must be the one the proven state records for its
/// number, and its `Timestamp.Now` proven against its state root.
fn proven_block_times(proof: &JourneyProof, state: &Overlay<'_>) -> Result<BTreeMap<BlockNumber, Moment>, VerifyError> {
    let now_key = pallet_timestamp::NOW.key();
    let mut times = BTreeMap::new();
    for entry in &proof.block_times {
        let header: Header = decode("block time header", &unhex("header", &entry.header)?)?;
        let block = header.number;
        let failed = |reason: String| VerifyError::BlockTime { block, reason };
        let recorded = pallet_system::block_hash(state, block);
        if let Some(reason) = state.corruption() {
            return Err(VerifyError::Unproven { reason });
        }
        if recorded != Some(header.hash()) {
            return Err(failed(format!("its header hashes to {:?}, the chain records {recorded:?}", header.hash())));
        }
        let nodes = entry.proof.iter().map(|node| unhex("proof node", node)).collect::<Result<Vec<_>, _>>()?;
        let proven = verify_read_proof(&header.state_root, &nodes, std::slice::from_ref(&now_key))
            .map_err(|error| failed(error.to_string()))?;
        let value = proven.into_iter().next().and_then(|(_, value)| value).ok_or_else(|| failed("no time".into()))?;
        times.insert(block, decode::<Moment>("Timestamp.Now", &value)?);
    }
    Ok(times)
}

/// The JSON path of the first difference between `expected` and `actual`.
fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let inner = format!("{path}.{key}");
                match actual.get(key) {
                    Some(other) => {
                        if let Some(found) = first_difference(value, other, &inner) {
                            return Some(found);
                        }
                    }
                    None => return Some(inner),
                }
            }
            actual.keys().find(|key| !expected.contains_key(*key)).map(|key| format!("{path}.{key}"))
        }
        (Value::Array(expected), Value::Array(actual)) => {
            for (index, value) in expected.iter().enumerate() {
                let inner = format!("{path}[{index}]");
                match actual.get(index) {
                    Some(other) => {
                        if let Some(found) = first_difference(value, other, &inner) {
                            return Some(found);
                        }
                    }
                    None => return Some(inner),
                }
            }
            (actual.len() > expected.len()).then(|| format!("{path}[{}]", expected.len()))
        }
        _ => (expected != actual).then(|| path.to_string()),
    }
}
