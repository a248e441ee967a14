//! # tracechain-client
//!
//! A client of a Tracechain node that speaks JSON-RPC only, as an integrator's would: it learns
//! the genesis hash and runtime version from the node, signs calls with sr25519 keys in
//! Substrate's extrinsic format, submits them, follows finalized blocks until each is included,
//! and reads the outcome from the block's `System.Events`. It trusts the node (for trust-free
//! reading, see the proofs of `state_getReadProof`).
//!
//! - [`rpc::RpcClient`]: JSON-RPC over HTTP with the node's error messages kept.
//! - [`rpc::RpcClient::submit_and_wait`]: submit a batch of extrinsics and wait until every one
//!   is in a finalized block; a call that failed on chain is [`ClientError::Dispatch`].
//! - [`tools`]: the command-line tools that need only JSON-RPC (`tracechain qr`, `epcis`,
//!   `verify`), with [`label`] drawing QR-code labels.
//! - [`story`]: the acceptance story of the brief, from the winery to the consumer's scan.
//! - [`load`]: a load generator (`tracechain-load`): signed commissions at a target rate through
//!   every endpoint, open loop, with the sustained throughput and submission-to-finality latency.
//!
//! ## Failure
//! Every failure is a [`ClientError`]: transport, a JSON-RPC error (with its code and message),
//! an answer that does not have the expected shape, a transaction that the pool refused or whose
//! call failed, or a wait that timed out.

pub mod label;
pub mod load;
pub mod rpc;
pub mod story;
pub mod tools;

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The node could not be reached or answered garbage.
    #[error("transport to {url}: {reason}")]
    Transport {
        /// The node's URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The node answered with a JSON-RPC error.
    #[error("{method} failed: {code} {message}{}", data.as_deref().map(|data| format!(": {data}")).unwrap_or_default())]
    Rpc {
        /// The method.
        method: String,
        /// The JSON-RPC error code.
        code: i64,
        /// The error message.
        message: String,
        /// The error's data, if any.
        data: Option<String>,
    },
    /// An answer did not have the expected shape.
    #[error("unexpected answer to {method}: {reason}")]
    Unexpected {
        /// The method.
        method: String,
        /// What was wrong.
        reason: String,
    },
    /// The call was included but failed on chain.
    #[error("{what} failed on chain in block #{block}: {error}")]
    Dispatch {
        /// The step.
        what: String,
        /// The block that included it.
        block: u32,
        /// The dispatch error, decoded.
        error: String,
    },
    /// A transaction was not included in time.
    #[error("timed out after {seconds} s waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        seconds: u64,
    },
    /// A story step's outcome was not what the story expects.
    #[error("story: {0}")]
    Story(String),
    /// A load run cannot be set up: a bad configuration or a chain without what it needs.
    #[error("load: {0}")]
    Load(String),
}
