//! # tracechain-rpc
//!
//! The JSON-RPC server of a Tracechain node, HTTP and WebSocket on one port: Substrate legacy
//! method names and JSON shapes, plus the `trace_*` domain API.
//!
//! Not built yet: this crate holds its place in the workspace.
