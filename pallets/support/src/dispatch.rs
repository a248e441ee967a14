//! Origins, dispatch results and errors, in Substrate's encodings.
//!
//! `DispatchError` encodes as `sp_runtime::DispatchError` (variant indices included), so clients
//! decode `ExtrinsicFailed { dispatch_error }` and look up `Module { index, error }` in the
//! metadata to show the pallet error's name and docs.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use tracechain_primitives::AccountId32;

use crate::weight::Weight;

/// Who is calling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The runtime itself (genesis, governance outcomes).
    Root,
    /// A signed transaction from this account.
    Signed(AccountId32),
    /// An unsigned inherent, put in the block by its author.
    None,
}

impl Origin {
    /// The signer, or `BadOrigin`.
    pub fn ensure_signed(&self) -> Result<AccountId32, DispatchError> {
        match self {
            Origin::Signed(account) => Ok(*account),
            _ => Err(DispatchError::BadOrigin),
        }
    }

    /// `Ok` only for an unsigned inherent.
    pub fn ensure_none(&self) -> Result<(), DispatchError> {
        match self {
            Origin::None => Ok(()),
            _ => Err(DispatchError::BadOrigin),
        }
    }

    /// `Ok` only for the runtime itself.
    pub fn ensure_root(&self) -> Result<(), DispatchError> {
        match self {
            Origin::Root => Ok(()),
            _ => Err(DispatchError::BadOrigin),
        }
    }
}

/// A pallet error as it appears in `DispatchError::Module`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "sp_runtime"))]
pub struct ModuleError {
    /// The pallet's index in the runtime.
    pub index: u8,
    /// The error's variant index, then zero padding (Substrate reserves 4 bytes).
    pub error: [u8; 4],
}

/// Why a dispatched call failed. Variant indices are `sp_runtime::DispatchError`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "sp_runtime"))]
pub enum DispatchError {
    /// Some other error; the message is not encoded.
    #[codec(index = 0)]
    Other(#[codec(skip)] &'static str),
    /// An account could not be looked up.
    #[codec(index = 1)]
    CannotLookup,
    /// The origin may not make this call.
    #[codec(index = 2)]
    BadOrigin,
    /// A pallet's own error.
    #[codec(index = 3)]
    Module(ModuleError),
    /// A resource limit was exhausted.
    #[codec(index = 10)]
    Exhausted,
    /// The state is corrupt.
    #[codec(index = 11)]
    Corruption,
}

impl DispatchError {
    /// A short human-readable description for logs and RPC errors.
    pub fn describe(&self) -> String {
        match self {
            DispatchError::Other(message) => format!("other: {message}"),
            DispatchError::CannotLookup => "cannot look up account".into(),
            DispatchError::BadOrigin => "bad origin".into(),
            DispatchError::Module(error) => format!("module error {} / {}", error.index, error.error[0]),
            DispatchError::Exhausted => "resources exhausted".into(),
            DispatchError::Corruption => "state corruption".into(),
        }
    }
}

/// The result of a dispatched call.
pub type DispatchResult = Result<(), DispatchError>;

/// Whether a call is a normal transaction, operational, or a mandatory inherent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "frame_support"))]
pub enum DispatchClass {
    /// A normal transaction.
    Normal,
    /// An operational transaction.
    Operational,
    /// An inherent that must be included.
    Mandatory,
}

/// Whether the sender pays a fee (never, on Tracechain; kept for the clients' sake).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "frame_support"))]
pub enum Pays {
    /// Fee paid.
    Yes,
    /// No fee.
    No,
}

/// What the `ExtrinsicSuccess` and `ExtrinsicFailed` events report about a dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "frame_support"))]
pub struct DispatchInfo {
    /// The weight charged.
    pub weight: Weight,
    /// The dispatch class.
    pub class: DispatchClass,
    /// Whether a fee was paid.
    pub pays_fee: Pays,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_error_encodings_are_substrates() {
        assert_eq!(DispatchError::BadOrigin.encode(), vec![2]);
        assert_eq!(DispatchError::Other("x").encode(), vec![0]);
        assert_eq!(
            DispatchError::Module(ModuleError { index: 7, error: [3, 0, 0, 0] }).encode(),
            vec![3, 7, 3, 0, 0, 0]
        );
        assert_eq!(DispatchError::Corruption.encode(), vec![11]);
    }

    #[test]
    fn origin_checks() {
        assert_eq!(Origin::None.ensure_signed(), Err(DispatchError::BadOrigin));
        assert_eq!(Origin::Root.ensure_none(), Err(DispatchError::BadOrigin));
        assert!(Origin::Root.ensure_root().is_ok());
    }
}
