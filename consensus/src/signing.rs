//! Ed25519 signing of votes, proposals, proposal parts and validator proofs.
//!
//! Every signed message starts with a domain tag of its own and names the chain's genesis hash,
//! so a signature is valid for one kind of message on one chain only:
//!
//! | message | bytes signed (SCALE) |
//! |---|---|
//! | votes | [`tracechain_primitives::consensus_message`]: a precommit for a block signs [`commit_message`] |
//! | proposal | `("tracechain/proposal/v1", genesis, height, round: i64, block, pol_round: i64, proposer)` |
//! | proposal parts | [`proposal_parts_message`] |
//! | validator proof | Malachite's proof-of-validator bytes (public key and libp2p peer id) |

use async_trait::async_trait;
use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::{Round, SignedMessage, SigningScheme, ValidatorProof, VoteExtensionScope, VoteType};
use malachitebft_signing::{Error as SigningError, VerificationResult};
use parity_scale_codec::Encode;
use tracechain_primitives::{
    consensus_message::{self, VoteKind},
    keyring::{verify_ed25519, Ed25519Pair},
    H256,
};

use crate::{Height, Proposal, TracechainContext, Vote};

pub use tracechain_primitives::consensus_message::commit_message;

/// What a proposer signs to close the parts of its block `block_hash` for `height`, `round`
/// ([`consensus_message::proposal_parts_message`], which the runtime checks equivocations with).
pub fn proposal_parts_message(
    genesis: H256,
    height: Height,
    round: Round,
    pol_round: Round,
    block_hash: H256,
) -> Vec<u8> {
    consensus_message::proposal_parts_message(genesis, height.0, round.as_i64(), pol_round.as_i64(), block_hash)
}

/// The bytes a vote's signature covers (see [`tracechain_primitives::consensus_message`]).
pub fn vote_message(genesis: H256, vote: &Vote) -> Vec<u8> {
    // A vote always has a defined round; `Nil` (-1) would only come from a malformed vote,
    // which then signs bytes no valid vote signs.
    let round = vote.round.as_u32().unwrap_or(u32::MAX);
    consensus_message::vote_message(genesis, vote_kind(vote.vote_type), vote.height.0, round, vote.block())
}

/// The runtime's name for a Malachite vote type.
pub fn vote_kind(vote_type: VoteType) -> VoteKind {
    match vote_type {
        VoteType::Prevote => VoteKind::Prevote,
        VoteType::Precommit => VoteKind::Precommit,
    }
}

/// The bytes a proposal's signature covers.
pub fn proposal_message(genesis: H256, proposal: &Proposal) -> Vec<u8> {
    (
        b"tracechain/proposal/v1",
        genesis,
        proposal.height.0,
        proposal.round.as_i64(),
        proposal.value.hash(),
        proposal.pol_round.as_i64(),
        proposal.proposer.0,
    )
        .encode()
}

/// An ed25519 signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
pub struct Signature(pub [u8; 64]);

/// An ed25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
pub struct PublicKey(pub [u8; 32]);

/// A key or signature of the wrong length.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} bytes, got {got}")]
pub struct WrongLength {
    /// The length the scheme needs.
    pub expected: usize,
    /// The length given.
    pub got: usize,
}

/// Ed25519, as [`tracechain_primitives::keyring`] implements it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519Scheme;

impl SigningScheme for Ed25519Scheme {
    type DecodingError = WrongLength;
    type Signature = Signature;
    type PublicKey = PublicKey;
    type PrivateKey = Ed25519Pair;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, WrongLength> {
        <[u8; 64]>::try_from(bytes).map(Signature).map_err(|_| WrongLength { expected: 64, got: bytes.len() })
    }

    fn encode_signature(signature: &Signature) -> Vec<u8> {
        signature.0.to_vec()
    }

    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, WrongLength> {
        <[u8; 32]>::try_from(bytes).map(PublicKey).map_err(|_| WrongLength { expected: 32, got: bytes.len() })
    }

    fn encode_public_key(public_key: &PublicKey) -> Vec<u8> {
        public_key.0.to_vec()
    }
}

/// Verifies the signatures of one chain's consensus messages.
#[derive(Clone, Copy, Debug)]
pub struct Verifier {
    genesis: H256,
}

impl Verifier {
    /// The verifier of the chain `genesis`.
    pub fn new(genesis: H256) -> Self {
        Self { genesis }
    }
}

fn verdict(valid: bool) -> Result<VerificationResult, SigningError> {
    Ok(VerificationResult::from_bool(valid))
}

#[async_trait]
impl malachitebft_signing::Verifier<TracechainContext> for Verifier {
    async fn verify_signed_vote(
        &self,
        vote: &Vote,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        verdict(verify_ed25519(&signature.0, &vote_message(self.genesis, vote), &public_key.0))
    }

    async fn verify_signed_proposal(
        &self,
        proposal: &Proposal,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        verdict(verify_ed25519(&signature.0, &proposal_message(self.genesis, proposal), &public_key.0))
    }

    async fn verify_signed_vote_extension(
        &self,
        _scope: &VoteExtensionScope<TracechainContext>,
        _extension: &(),
        _signature: &Signature,
        _public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        // Vote extensions are disabled on every height: none is ever valid.
        verdict(false)
    }

    async fn verify_validator_proof(
        &self,
        proof: &ValidatorProof<TracechainContext>,
    ) -> Result<VerificationResult, SigningError> {
        let Ok(public_key) = <[u8; 32]>::try_from(proof.public_key.as_slice()) else {
            return verdict(false);
        };
        verdict(verify_ed25519(&proof.signature.0, &proof.preimage(), &public_key))
    }
}

/// Signs one validator's consensus messages on one chain.
#[derive(Clone, Debug)]
pub struct Signer {
    genesis: H256,
    key: Ed25519Pair,
}

impl Signer {
    /// The signer with `key` on the chain `genesis`.
    pub fn new(genesis: H256, key: Ed25519Pair) -> Self {
        Self { genesis, key }
    }

    /// The consensus key.
    pub fn public(&self) -> [u8; 32] {
        self.key.public()
    }

    /// Signs the closing part of the proposal of `block_hash`.
    pub fn sign_proposal_parts(&self, height: Height, round: Round, pol_round: Round, block_hash: H256) -> Signature {
        Signature(self.key.sign(&proposal_parts_message(self.genesis, height, round, pol_round, block_hash)))
    }
}

#[async_trait]
impl malachitebft_signing::Signer<TracechainContext> for Signer {
    async fn sign_vote(&self, vote: Vote) -> Result<SignedMessage<TracechainContext, Vote>, SigningError> {
        let signature = Signature(self.key.sign(&vote_message(self.genesis, &vote)));
        Ok(SignedMessage::new(vote, signature))
    }

    async fn sign_proposal(
        &self,
        proposal: Proposal,
    ) -> Result<SignedMessage<TracechainContext, Proposal>, SigningError> {
        let signature = Signature(self.key.sign(&proposal_message(self.genesis, &proposal)));
        Ok(SignedMessage::new(proposal, signature))
    }

    async fn sign_vote_extension(
        &self,
        _scope: VoteExtensionScope<TracechainContext>,
        _extension: (),
    ) -> Result<SignedMessage<TracechainContext, ()>, SigningError> {
        Err(SigningError::from_source(ExtensionsDisabled))
    }

    async fn sign_validator_proof(
        &self,
        public_key: Vec<u8>,
        peer_id: Vec<u8>,
    ) -> Result<ValidatorProof<TracechainContext>, SigningError> {
        let signature =
            Signature(self.key.sign(&ValidatorProof::<TracechainContext>::signing_bytes(&public_key, &peer_id)));
        Ok(ValidatorProof::new(public_key, peer_id, signature))
    }
}

/// Tracechain never signs vote extensions.
#[derive(Debug, thiserror::Error)]
#[error("vote extensions are disabled on Tracechain")]
pub struct ExtensionsDisabled;

/// Whether `signature` closes the proposal parts of `block_hash` by `proposer`.
pub fn verify_proposal_parts(
    genesis: H256,
    height: Height,
    round: Round,
    pol_round: Round,
    block_hash: H256,
    proposer: &crate::Address,
    signature: &Signature,
) -> bool {
    verify_ed25519(&signature.0, &proposal_parts_message(genesis, height, round, pol_round, block_hash), &proposer.0)
}
