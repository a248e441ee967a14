//! [`CommandError`]: every way a command fails, said plainly for the operator.

use std::path::Path;

use crate::blocks_file;

/// A failure of a command, said plainly for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad command-line input.
    #[error("{0}")]
    Usage(String),
    /// The consensus engine stopped while the node ran.
    #[error("the consensus engine stopped (its error is logged above); stopping the node")]
    ConsensusStopped,
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The chain failed.
    #[error(transparent)]
    Chain(#[from] crate::chain::ChainError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// The chain spec is unusable.
    #[error(transparent)]
    Genesis(#[from] tracechain_runtime::GenesisError),
    /// A blocks file is unusable.
    #[error(transparent)]
    BlocksFile(#[from] blocks_file::BlocksFileError),
    /// The RPC server could not start.
    #[error("JSON-RPC server: {0}")]
    Rpc(String),
    /// A key could not be derived.
    #[error("key: {0}")]
    Key(String),
    /// A tool that works over JSON-RPC (`verify`, `qr`, `epcis`) failed.
    #[error(transparent)]
    Tool(#[from] tracechain_client::tools::ToolError),
    /// A label could not be made.
    #[error(transparent)]
    Label(#[from] tracechain_client::label::LabelError),
    /// A check (replay, verify) ran and found a problem, already reported.
    #[error("{0}")]
    CheckFailed(String),
}

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CommandError + '_ {
    move |source| CommandError::Io { path: path.display().to_string(), source }
}
