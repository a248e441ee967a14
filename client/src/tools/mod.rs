//! The command-line tools that need nothing but a node's JSON-RPC: a label for an item
//! ([`qr`]), a journey as an EPCIS 2.0 document ([`epcis`]), and a journey proof fetched for
//! checking ([`verify`]). `tracechain qr`, `tracechain epcis` and `tracechain verify` print
//! what these return; anyone else may call them as a library.
//!
//! ## Failure
//! Every failure is a [`ToolError`]: the input is not what the tool takes, the node cannot be
//! reached or refused the call, it does not know the item, or its answer does not have the
//! expected shape.

pub mod epcis;
pub mod qr;
pub mod verify;

use crate::{label::LabelError, ClientError};

/// Why a tool could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The input is not what the tool takes.
    #[error("{0}")]
    Usage(String),
    /// The node knows no such item.
    #[error("{url} knows no item {item}")]
    UnknownItem {
        /// The node's URL.
        url: String,
        /// The item, as asked.
        item: String,
    },
    /// The node's answer does not have the expected shape.
    #[error("the node's answer for {item}: {reason}")]
    Malformed {
        /// The item, as asked.
        item: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The JSON-RPC call failed.
    #[error(transparent)]
    Rpc(#[from] ClientError),
    /// The label could not be made.
    #[error(transparent)]
    Label(#[from] LabelError),
}
