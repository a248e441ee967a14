//! Errors: [`RpcError`] for a server that cannot start, and the JSON-RPC error objects that
//! requests receive.
//!
//! Request errors use Substrate's codes wherever Substrate has one, so that clients which branch
//! on codes (polkadot.js prints `code: message: data`) behave as against a Substrate node:
//!
//! | code | meaning |
//! |---|---|
//! | -32602 | invalid parameters: bad hex, wrong length, unknown block, missing parameter |
//! | 1001 | the extrinsic bytes do not decode |
//! | 1010 | the runtime refuses the transaction; `data` says why |
//! | 1011 | the transaction's validity cannot be determined (an unsigned non-inherent) |
//! | 1013 | already in the pool |
//! | 1014 | nonce taken by another pooled transaction |
//! | 1016 | pool full |
//! | 1040 | any other pool refusal |
//! | 3002 | the node failed while reading a block (`chain_*`) |
//! | 4002 | `state_getKeysPaged` count over the maximum |
//! | 4003 | the node failed while reading state, or an unsupported runtime call (`state_*`) |
//! | 5001 | `trace_getJourney`: the journey has more steps than it answers whole; the message names the count and says to use `trace_getJourneyPage` |
//!
//! Invalid parameters carry the generic message `Invalid params` (as jsonrpsee and Substrate
//! send it) and the specific reason in `data`.

use std::net::SocketAddr;

use jsonrpsee::types::{error::INVALID_PARAMS_MSG, ErrorObject, ErrorObjectOwned};
use tracechain_primitives::H256;
use tracechain_runtime::TransactionError;

use crate::client::{ClientError, SubmitError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// The listening socket could not be bound.
    #[error("cannot listen for {listener} on {addr}: {source}")]
    Bind {
        /// Which listener: "JSON-RPC" or "pages".
        listener: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The bound socket's address could not be read back.
    #[error("cannot read the listener's address: {0}")]
    LocalAddr(std::io::Error),
    /// A limit in the configuration cannot work.
    #[error("invalid RPC configuration: {0}")]
    Config(String),
    /// Two methods were registered under one name (a bug in this crate).
    #[error("registering JSON-RPC methods: {0}")]
    Register(#[from] jsonrpsee::server::RegisterMethodError),
}

/// JSON-RPC error codes, Substrate's where it has one.
pub mod codes {
    /// JSON-RPC 2.0: invalid method parameters.
    pub const INVALID_PARAMS: i32 = jsonrpsee::types::error::INVALID_PARAMS_CODE;
    /// JSON-RPC 2.0 "method not found": an unsafe method the server does not expose (as
    /// Substrate answers it: "RPC call is unsafe to be called externally").
    pub const UNSAFE_METHOD: i32 = jsonrpsee::types::error::METHOD_NOT_FOUND_CODE;
    /// JSON-RPC 2.0: internal error.
    pub const INTERNAL_ERROR: i32 = jsonrpsee::types::error::INTERNAL_ERROR_CODE;
    /// `author`: the extrinsic does not decode.
    pub const AUTHOR_BAD_FORMAT: i32 = 1001;
    /// `author`: the runtime refuses the transaction.
    pub const POOL_INVALID_TX: i32 = 1010;
    /// `author`: the transaction's validity cannot be determined.
    pub const POOL_UNKNOWN_VALIDITY: i32 = 1011;
    /// `author`: the transaction is already in the pool.
    pub const POOL_ALREADY_IMPORTED: i32 = 1013;
    /// `author`: another transaction holds the slot (same sender and nonce).
    pub const POOL_TOO_LOW_PRIORITY: i32 = 1014;
    /// `author`: the pool is full.
    pub const POOL_IMMEDIATELY_DROPPED: i32 = 1016;
    /// `author`: any other refusal.
    pub const AUTHOR_OTHER: i32 = 1040;
    /// `chain`: the node failed.
    pub const CHAIN_CLIENT: i32 = 3002;
    /// `state`: a count over the maximum.
    pub const STATE_INVALID_COUNT: i32 = 4002;
    /// `state`: the node failed, or the runtime cannot answer.
    pub const STATE_CLIENT: i32 = 4003;
    /// `trace`: the journey is too long to answer whole; it is read page by page.
    pub const TRACE_JOURNEY_TOO_LONG: i32 = 5001;
}

/// Invalid parameters, with the specific reason in `data`.
pub fn invalid_params(reason: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(codes::INVALID_PARAMS, INVALID_PARAMS_MSG, Some(reason.into()))
}

/// A block hash given as `at` (or to a method that needs the block) that this node does not have.
pub fn unknown_block(hash: &H256) -> ErrorObjectOwned {
    invalid_params(format!("unknown block {hash:?}: this node has no block with that hash"))
}

/// The node failed while answering a `chain_*` call.
pub fn chain_client_error(error: ClientError) -> ErrorObjectOwned {
    ErrorObject::owned(codes::CHAIN_CLIENT, format!("Client error: {error}"), None::<()>)
}

/// The node failed while answering a `state_*` call, or the runtime cannot answer it.
pub fn state_error(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(codes::STATE_CLIENT, message.into(), None::<()>)
}

/// The node failed while answering a `state_*` call.
pub fn state_client_error(error: ClientError) -> ErrorObjectOwned {
    state_error(format!("Client error: {error}"))
}

/// A network question asked of a node that runs no peer-to-peer network (a development chain).
pub fn no_network() -> ErrorObjectOwned {
    ErrorObject::owned(
        codes::INTERNAL_ERROR,
        "this node runs no peer-to-peer network (a development chain)",
        None::<()>,
    )
}

/// The node failed while answering another call.
pub fn internal_error(error: ClientError) -> ErrorObjectOwned {
    ErrorObject::owned(codes::INTERNAL_ERROR, format!("Internal error: {error}"), None::<()>)
}

/// A refused submission, with Substrate's author codes.
pub fn submit_error(error: SubmitError) -> ErrorObjectOwned {
    match error {
        SubmitError::Invalid(error) => transaction_error(&error),
        SubmitError::AlreadyImported(hash) => {
            ErrorObject::owned(codes::POOL_ALREADY_IMPORTED, "Transaction Already Imported", Some(format!("{hash:?}")))
        }
        SubmitError::TooLowPriority(reason) => {
            ErrorObject::owned(codes::POOL_TOO_LOW_PRIORITY, "Priority is too low", Some(reason))
        }
        SubmitError::PoolFull(reason) => {
            ErrorObject::owned(codes::POOL_IMMEDIATELY_DROPPED, "Immediately Dropped", Some(reason))
        }
        SubmitError::Pool(reason) => ErrorObject::owned(codes::AUTHOR_OTHER, reason, None::<()>),
    }
}

/// The runtime's refusal of a transaction: undecodable bytes are a format error (as in
/// Substrate, where decoding precedes validation), an unsigned call is "unknown validity", and
/// everything else is an invalid transaction whose `data` is our specific reason.
pub fn transaction_error(error: &TransactionError) -> ErrorObjectOwned {
    match error {
        TransactionError::Malformed { .. } => {
            ErrorObject::owned(codes::AUTHOR_BAD_FORMAT, format!("Extrinsic has invalid format: {error}"), None::<()>)
        }
        TransactionError::UnsignedNotAllowed => {
            ErrorObject::owned(codes::POOL_UNKNOWN_VALIDITY, "Unknown Transaction Validity", Some(error.to_string()))
        }
        _ => ErrorObject::owned(codes::POOL_INVALID_TX, "Invalid Transaction", Some(error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_params_carry_the_reason() {
        let error = invalid_params("`key`: odd number of hex digits");
        assert_eq!(error.code(), -32602);
        assert_eq!(error.message(), "Invalid params");
        assert_eq!(error.data().map(|data| data.get()), Some("\"`key`: odd number of hex digits\""));
    }

    #[test]
    fn transaction_errors_use_substrate_codes() {
        let stale = TransactionError::Stale { nonce: 0, expected: 1 };
        let error = transaction_error(&stale);
        assert_eq!(error.code(), 1010);
        assert_eq!(error.message(), "Invalid Transaction");
        assert!(error.data().is_some_and(|data| data.get().contains("stale nonce 0")));
        assert_eq!(transaction_error(&TransactionError::Malformed { reason: "x".into() }).code(), 1001);
        assert_eq!(transaction_error(&TransactionError::UnsignedNotAllowed).code(), 1011);
        assert_eq!(submit_error(SubmitError::AlreadyImported(H256::zero())).code(), 1013);
        assert_eq!(submit_error(SubmitError::TooLowPriority("nonce 3 taken".into())).code(), 1014);
        assert_eq!(submit_error(SubmitError::PoolFull("1000 transactions".into())).code(), 1016);
        assert_eq!(submit_error(SubmitError::Pool("other".into())).code(), 1040);
    }
}
