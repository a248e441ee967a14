//! The wire and WAL codec: Borsh, for every message the engine sends, stores or receives.
//!
//! Borsh is canonical (one encoding per value; trailing bytes are an error) and Malachite's
//! types implement it. Decoding is bounded by the network's message size limits and never
//! panics; malformed bytes are a [`CodecError`].

use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use malachitebft_codec::{Codec, HasEncodedLen};
use malachitebft_core_consensus::{LivenessMsg, ProposedValue, SignedConsensusMsg};
use malachitebft_core_types::{
    ExtendedCommitCertificate, ExtendedCommitSignature, PolkaCertificate, Round, ValidatorProof,
};
use malachitebft_engine::util::streaming::StreamMessage;
use malachitebft_sync::{RawDecidedValue, Request, Response, Status, ValueResponse};

use crate::{Address, BlockId, Height, ProposalPart, Signature, TracechainContext};

/// Bytes that are not the message they should be.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// Decoding failed.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// The message type expected.
        what: &'static str,
        /// Why it does not decode.
        reason: String,
    },
    /// Encoding failed (an I/O error of the in-memory writer: does not happen in practice).
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// The message type.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// Tracechain's codec for consensus, sync and the write-ahead log.
#[derive(Clone, Copy, Debug, Default)]
pub struct WireCodec;

fn encode<T: BorshSerialize>(what: &'static str, message: &T) -> Result<Bytes, CodecError> {
    borsh::to_vec(message).map(Bytes::from).map_err(|error| CodecError::Encode { what, reason: error.to_string() })
}

fn decode<T: BorshDeserialize>(what: &'static str, bytes: &[u8]) -> Result<T, CodecError> {
    T::try_from_slice(bytes).map_err(|error| CodecError::Malformed { what, reason: error.to_string() })
}

macro_rules! borsh_codec {
    ($($what:literal => $type:ty),* $(,)?) => {$(
        impl Codec<$type> for WireCodec {
            type Error = CodecError;

            fn decode(&self, bytes: Bytes) -> Result<$type, CodecError> {
                decode($what, &bytes)
            }

            fn encode(&self, message: &$type) -> Result<Bytes, CodecError> {
                encode($what, message)
            }
        }
    )*};
}

borsh_codec! {
    "proposal part" => ProposalPart,
    "consensus message" => SignedConsensusMsg<TracechainContext>,
    "liveness message" => LivenessMsg<TracechainContext>,
    "proposal part stream message" => StreamMessage<ProposalPart>,
    "sync status" => Status<TracechainContext>,
    "sync request" => Request<TracechainContext>,
    "proposed value" => ProposedValue<TracechainContext>,
    "polka certificate" => PolkaCertificate<TracechainContext>,
}

/// A sync response: decided blocks with their commit certificates. Malachite's certificate
/// type has no Borsh encoding of its own, and Tracechain uses no vote extensions, so a
/// certificate travels as its height, round, block and `(validator, signature)` pairs.
#[derive(BorshSerialize, BorshDeserialize)]
struct ResponseWire {
    start_height: Height,
    values: Vec<DecidedValueWire>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct DecidedValueWire {
    value_bytes: Vec<u8>,
    height: Height,
    round: Round,
    value_id: BlockId,
    signatures: Vec<(Address, Signature)>,
}

fn response_wire(response: &Response<TracechainContext>) -> ResponseWire {
    let Response::ValueResponse(response) = response;
    ResponseWire {
        start_height: response.start_height,
        values: response
            .values
            .iter()
            .map(|value| DecidedValueWire {
                value_bytes: value.value_bytes.to_vec(),
                height: value.certificate.height,
                round: value.certificate.round,
                value_id: value.certificate.value_id,
                signatures: value
                    .certificate
                    .commit_signatures
                    .iter()
                    .map(|signature| (signature.address, signature.signature))
                    .collect(),
            })
            .collect(),
    }
}

impl Codec<Response<TracechainContext>> for WireCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<Response<TracechainContext>, CodecError> {
        let wire: ResponseWire = decode("sync response", &bytes)?;
        let values = wire
            .values
            .into_iter()
            .map(|value| {
                let certificate = ExtendedCommitCertificate {
                    height: value.height,
                    round: value.round,
                    value_id: value.value_id,
                    commit_signatures: value
                        .signatures
                        .into_iter()
                        .map(|(address, signature)| ExtendedCommitSignature::new(address, signature, None))
                        .collect(),
                };
                RawDecidedValue::new(Bytes::from(value.value_bytes), certificate)
            })
            .collect();
        Ok(Response::ValueResponse(ValueResponse::new(wire.start_height, values)))
    }

    fn encode(&self, response: &Response<TracechainContext>) -> Result<Bytes, CodecError> {
        encode("sync response", &response_wire(response))
    }
}

impl HasEncodedLen<Response<TracechainContext>> for WireCodec {
    fn encoded_len(&self, response: &Response<TracechainContext>) -> Result<usize, CodecError> {
        borsh::object_length(&response_wire(response))
            .map_err(|error| CodecError::Encode { what: "sync response", reason: error.to_string() })
    }
}

/// Malachite's validator proof has no Borsh encoding of its own: its three fields, in order.
#[derive(BorshSerialize, BorshDeserialize)]
struct ValidatorProofWire {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: Signature,
}

impl Codec<ValidatorProof<TracechainContext>> for WireCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<TracechainContext>, CodecError> {
        let wire: ValidatorProofWire = decode("validator proof", &bytes)?;
        Ok(ValidatorProof::new(wire.public_key, wire.peer_id, wire.signature))
    }

    fn encode(&self, proof: &ValidatorProof<TracechainContext>) -> Result<Bytes, CodecError> {
        let wire = ValidatorProofWire {
            public_key: proof.public_key.clone(),
            peer_id: proof.peer_id.clone(),
            signature: proof.signature,
        };
        encode("validator proof", &wire)
    }
}
