//! # tracechain-node
//!
//! The node a consortium member runs (`tracechain`): command line, RocksDB storage of blocks,
//! state and finality certificates, the transaction pool, block production and import through a
//! consensus engine behind one interface, the JSON-RPC server, and Prometheus metrics.
//!
//! - [`db`]: the key-value database (RocksDB and in-memory) with atomic write batches.
//! - [`chain`]: blocks, state and finality in the database; import by full re-execution.
//! - [`pool`]: the transaction pool.
//! - consensus is behind `tracechain_engine::ConsensusEngine`: the development chain's single
//!   authority (`tracechain-engine`) or the consortium's Malachite BFT over libp2p
//!   (`tracechain-bft`); [`network_key`] keeps the node's libp2p key on disk.
//! - [`service`]: the node wiring all of it, and what the RPC server reads.
//! - [`command`]: what each command-line subcommand does, one module per subcommand; the tools
//!   that need only JSON-RPC (`verify`, `qr`, `epcis`) come from `tracechain-client`.
//!
//! ## Invariants
//! - One atomic, synced write per finalized block: a crash at any moment loses no finalized block
//!   and never leaves half a block; on restart the node resumes from its last complete block.
//! - A database holds one chain: its genesis hash is checked at every start.

pub mod blocks_file;
pub mod chain;
pub mod cli;
pub mod command;
pub mod consumer_page;
pub mod db;
pub mod fd_limit;
pub mod metrics;
pub mod network_key;
pub mod pool;
pub mod replay;
pub mod resolver;
pub mod secret_file;
pub mod service;
