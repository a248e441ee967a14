//! # tracechain-node
//!
//! The binary a consortium member runs (`tracechain`): command line, RocksDB storage of blocks,
//! state and finality certificates, the transaction pool, block production and import through a
//! consensus engine behind one interface, peer-to-peer networking, and the JSON-RPC service.
//!
//! Not built yet: this crate holds its place in the workspace.
