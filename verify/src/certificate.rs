//! Finality certificates: what makes a block final, and how anyone checks one.
//!
//! A [`Certificate`] holds the commit signatures (ed25519) of validators over
//! [`commit_message`]`(genesis, height, round, block hash)`. It is stored with the block and
//! returned as its justification under the engine id [`ENGINE_ID`].
//!
//! ## The rule
//! A certificate finalizes block `hash` at `number` when it names exactly that block and more
//! than two thirds of the validator set of that height (the set in the state of block
//! `number - 1`, by index) signed its commit message. Every signature must verify and every
//! signer index must be in the set; a signer counted twice counts once.
//!
//! ## Failure
//! A justification is untrusted bytes: anything that does not decode or does not verify is a
//! [`CertificateError`] naming the first fault found.

use pallet_membership::types::ValidatorInfo;
use parity_scale_codec::{Decode, Encode};
use tracechain_primitives::{keyring::verify_ed25519, BlockNumber, H256};

pub use tracechain_primitives::consensus_message::commit_message;

/// The justification engine id of Tracechain's finality certificates.
pub const ENGINE_ID: [u8; 4] = *b"BFT0";

/// Commit signatures that finalize one block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Certificate {
    /// The block's height.
    pub height: BlockNumber,
    /// The consensus round in which it was decided.
    pub round: u32,
    /// The block's hash.
    pub block_hash: H256,
    /// `(index in the validator set, ed25519 signature over commit_message)`.
    pub signatures: Vec<(u32, [u8; 64])>,
}

/// Why a certificate does not finalize a block.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The bytes are not a certificate.
    #[error("the certificate does not decode: {0}")]
    Malformed(String),
    /// It names another block.
    #[error("certificate is for #{certified_number} {certified_hash:?}, not for #{number} {hash:?}")]
    OtherBlock {
        /// What the certificate names.
        certified_number: BlockNumber,
        /// What the certificate names.
        certified_hash: H256,
        /// The block.
        number: BlockNumber,
        /// The block.
        hash: H256,
    },
    /// A signer index outside the validator set.
    #[error("certificate signer index {index} is not a validator")]
    UnknownSigner {
        /// The index.
        index: u32,
    },
    /// A signature that does not verify.
    #[error("certificate signature of validator {index} does not verify")]
    BadSignature {
        /// The validator's index.
        index: u32,
    },
    /// Two thirds or fewer of the validators signed.
    #[error("certificate has {signers} of {validators} validator signatures; more than two thirds are needed")]
    TooFewSigners {
        /// Distinct valid signers.
        signers: usize,
        /// Validators of the height.
        validators: usize,
    },
}

/// Checks that `certificate` finalizes block `hash` at `number` of chain `genesis`: it names the
/// block, and more than two thirds of `validators` (the set of that height, by index) signed
/// its commit message.
pub fn verify_certificate(
    genesis: H256,
    number: BlockNumber,
    hash: H256,
    certificate: &Certificate,
    validators: &[ValidatorInfo],
) -> Result<(), CertificateError> {
    if certificate.block_hash != hash || certificate.height != number {
        return Err(CertificateError::OtherBlock {
            certified_number: certificate.height,
            certified_hash: certificate.block_hash,
            number,
            hash,
        });
    }
    let message = commit_message(genesis, certificate.height, certificate.round, hash);
    let mut signers = std::collections::BTreeSet::new();
    for (index, signature) in &certificate.signatures {
        let validator = validators.get(*index as usize).ok_or(CertificateError::UnknownSigner { index: *index })?;
        if !verify_ed25519(signature, &message, &validator.consensus_key) {
            return Err(CertificateError::BadSignature { index: *index });
        }
        signers.insert(*index);
    }
    if signers.len() * 3 <= validators.len() * 2 {
        return Err(CertificateError::TooFewSigners { signers: signers.len(), validators: validators.len() });
    }
    Ok(())
}

/// Decodes a stored justification and checks it as [`verify_certificate`] does.
pub fn verify_justification(
    genesis: H256,
    number: BlockNumber,
    hash: H256,
    justification: &[u8],
    validators: &[ValidatorInfo],
) -> Result<Certificate, CertificateError> {
    let certificate =
        Certificate::decode(&mut &justification[..]).map_err(|error| CertificateError::Malformed(error.to_string()))?;
    verify_certificate(genesis, number, hash, &certificate, validators)?;
    Ok(certificate)
}
