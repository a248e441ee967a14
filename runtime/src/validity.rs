//! Transaction validity: why a transaction is refused, and what the pool needs to order it.
//!
//! [`TransactionError`] names exactly what is wrong, for logs and RPC errors;
//! [`TransactionError::to_substrate`] maps it to `sp_runtime::TransactionValidityError` for
//! `TaggedTransactionQueue_validate_transaction`; the types carry Substrate's paths so the
//! runtime-API metadata describes them as clients know them.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{AccountId32, BlockNumber, Nonce, H256};

/// Where a transaction came from (`sp_runtime::transaction_validity::TransactionSource`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_runtime"), replace_segment("validity", "transaction_validity"))]
pub enum TransactionSource {
    /// Already in a block.
    InBlock,
    /// Submitted to this node (RPC).
    Local,
    /// Received from the network.
    External,
}

/// What the pool learns from a valid transaction (`sp_runtime::ValidTransaction`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_runtime"), replace_segment("validity", "transaction_validity"))]
pub struct ValidTransaction {
    /// Higher goes first.
    pub priority: u64,
    /// Tags that must be provided by other transactions first: `(sender, nonce - 1)`.
    pub requires: Vec<Vec<u8>>,
    /// Tags this transaction provides: `(sender, nonce)`.
    pub provides: Vec<Vec<u8>>,
    /// For how many more blocks it stays valid.
    pub longevity: u64,
    /// Whether to gossip it.
    pub propagate: bool,
}

/// Why a transaction cannot be included.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The bytes are not an extrinsic of this runtime.
    #[error("malformed extrinsic: {reason}")]
    Malformed {
        /// What the decoder found.
        reason: String,
    },
    /// The extrinsic is longer than a block may hold.
    #[error("extrinsic of {length} bytes exceeds the limit of {max} bytes")]
    Oversized {
        /// Its length.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// The sender is not given as an account id.
    #[error("the sender must be a MultiAddress::Id")]
    UnsupportedAddress,
    /// ECDSA signatures are not accepted.
    #[error("only sr25519 and ed25519 signatures are accepted")]
    UnsupportedSignature,
    /// The zero account may not send (`CheckNonZeroSender`).
    #[error("the zero account cannot sign")]
    ZeroSender,
    /// A tip was given; Tracechain has no fees.
    #[error("tip of {tip} given; tips must be 0 on a chain without fees")]
    NonZeroTip {
        /// The tip.
        tip: u128,
    },
    /// The era's birth block is not known: in the future, or older than the kept block hashes.
    #[error("era birth block #{birth} is unknown (current block #{current})")]
    AncientBirthBlock {
        /// The birth block the era points to.
        birth: BlockNumber,
        /// The block the transaction was checked at.
        current: BlockNumber,
    },
    /// The era has ended: the transaction was signed for an earlier window.
    #[error("transaction expired: it was valid from block #{birth} to #{death}, now #{current}")]
    Expired {
        /// Its birth block.
        birth: BlockNumber,
        /// The first block at which it was no longer valid.
        death: u64,
        /// The block it was checked at.
        current: BlockNumber,
    },
    /// The signature does not verify over what this chain expects it to sign.
    #[error(
        "bad signature: it does not verify over the call and extensions with spec version \
         {spec_version}, transaction version {transaction_version}, genesis {genesis_hash:?} and \
         era block {era_block_hash:?} (signed by another key, for another chain or runtime version, or altered)"
    )]
    BadProof {
        /// The spec version it was checked against.
        spec_version: u32,
        /// The transaction version it was checked against.
        transaction_version: u32,
        /// This chain's genesis hash.
        genesis_hash: H256,
        /// The era's birth block hash.
        era_block_hash: H256,
    },
    /// The nonce was already used.
    #[error("stale nonce {nonce}: the account's next nonce is {expected}")]
    Stale {
        /// The transaction's nonce.
        nonce: Nonce,
        /// The account's next nonce.
        expected: Nonce,
    },
    /// The nonce is ahead of the account's next; the pool may keep it until the gap is filled.
    #[error("future nonce {nonce}: the account's next nonce is {expected}")]
    Future {
        /// The transaction's nonce.
        nonce: Nonce,
        /// The account's next nonce.
        expected: Nonce,
    },
    /// The sender is not an account of a member organisation.
    #[error("{account} is not an account of a consortium member")]
    NotMember {
        /// The sender.
        account: AccountId32,
    },
    /// The call does not fit in the block's remaining weight or length.
    #[error("exhausts the block's resources: {reason}")]
    ExhaustsResources {
        /// Which limit.
        reason: String,
    },
    /// An unsigned extrinsic that is not an inherent, or an inherent from outside a block.
    #[error("unsigned extrinsics are accepted only as inherents inside a block")]
    UnsignedNotAllowed,
    /// An inherent was signed.
    #[error("inherents must be unsigned")]
    SignedInherent,
    /// An inherent after a signed extrinsic.
    #[error("inherents must come before every signed extrinsic")]
    InherentOutOfOrder,
    /// A mandatory inherent failed.
    #[error("mandatory inherent failed: {reason}")]
    BadMandatory {
        /// The dispatch error.
        reason: String,
    },
}

/// `sp_runtime::transaction_validity::InvalidTransaction`: why a transaction can never be valid
/// as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_runtime"), replace_segment("validity", "transaction_validity"))]
pub enum InvalidTransaction {
    /// The call is not allowed or does not decode.
    Call,
    /// The fee or tip cannot be paid.
    Payment,
    /// A future nonce.
    Future,
    /// A used nonce.
    Stale,
    /// The signature does not verify.
    BadProof,
    /// The mortal era's birth block is unknown or too old.
    AncientBirthBlock,
    /// Larger or heavier than a block allows.
    ExhaustsResources,
    /// A runtime-specific reason.
    Custom(u8),
    /// A mandatory inherent failed.
    BadMandatory,
    /// A mandatory extrinsic was signed or out of place.
    MandatoryValidation,
    /// The signer cannot sign (zero sender, unsupported address or scheme).
    BadSigner,
    /// The implicit part of an extension could not be computed.
    IndeterminateImplicit,
    /// The origin is not known.
    UnknownOrigin,
}

/// `sp_runtime::transaction_validity::UnknownTransaction`: validity could not be determined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_runtime"), replace_segment("validity", "transaction_validity"))]
pub enum UnknownTransaction {
    /// A lookup failed.
    CannotLookup,
    /// No validator for an unsigned transaction.
    NoUnsignedValidator,
    /// A runtime-specific reason.
    Custom(u8),
}

/// `sp_runtime::transaction_validity::TransactionValidityError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_runtime"), replace_segment("validity", "transaction_validity"))]
pub enum TransactionValidityError {
    /// Never valid as it is.
    Invalid(InvalidTransaction),
    /// Validity unknown.
    Unknown(UnknownTransaction),
}

/// `sp_runtime::transaction_validity::TransactionValidity`: what
/// `TaggedTransactionQueue_validate_transaction` answers.
pub type TransactionValidity = Result<ValidTransaction, TransactionValidityError>;

impl TransactionError {
    /// The error as Substrate's `TransactionValidityError`.
    pub fn validity_error(&self) -> TransactionValidityError {
        use InvalidTransaction as Invalid;
        let invalid = TransactionValidityError::Invalid;
        match self {
            TransactionError::Malformed { .. } => invalid(Invalid::Call),
            TransactionError::NonZeroTip { .. } => invalid(Invalid::Payment),
            TransactionError::Future { .. } => invalid(Invalid::Future),
            TransactionError::Stale { .. } => invalid(Invalid::Stale),
            TransactionError::BadProof { .. } => invalid(Invalid::BadProof),
            TransactionError::AncientBirthBlock { .. } | TransactionError::Expired { .. } => {
                invalid(Invalid::AncientBirthBlock)
            }
            TransactionError::ExhaustsResources { .. } | TransactionError::Oversized { .. } => {
                invalid(Invalid::ExhaustsResources)
            }
            TransactionError::NotMember { .. } => invalid(Invalid::Custom(CUSTOM_NOT_MEMBER)),
            TransactionError::BadMandatory { .. } => invalid(Invalid::BadMandatory),
            TransactionError::SignedInherent | TransactionError::InherentOutOfOrder => {
                invalid(Invalid::MandatoryValidation)
            }
            TransactionError::ZeroSender
            | TransactionError::UnsupportedAddress
            | TransactionError::UnsupportedSignature => invalid(Invalid::BadSigner),
            TransactionError::UnsignedNotAllowed => {
                TransactionValidityError::Unknown(UnknownTransaction::NoUnsignedValidator)
            }
        }
    }

    /// The error in `sp_runtime::TransactionValidityError`'s encoding.
    pub fn to_substrate(&self) -> Vec<u8> {
        self.validity_error().encode()
    }
}

/// `InvalidTransaction::Custom` code for a sender outside the consortium.
pub const CUSTOM_NOT_MEMBER: u8 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrate_encodings() {
        assert_eq!(TransactionError::Stale { nonce: 0, expected: 1 }.to_substrate(), vec![0, 3]);
        assert_eq!(TransactionError::UnsignedNotAllowed.to_substrate(), vec![1, 1]);
        assert_eq!(TransactionError::NotMember { account: AccountId32([1; 32]) }.to_substrate(), vec![0, 7, 1]);
        assert_eq!(TransactionError::ZeroSender.to_substrate(), vec![0, 10]);
        let valid =
            ValidTransaction { priority: 1, requires: vec![], provides: vec![vec![1]], longevity: 2, propagate: true };
        assert_eq!(valid.encode(), vec![1, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    }
}
