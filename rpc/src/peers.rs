//! What a node reports about its network, in Substrate's shapes: [`PeerInfo`] for
//! `system_peers` and [`SyncState`] for `system_syncState`. The node fills them in
//! ([`crate::client::NodeClient`]); the `system_*` methods serve them.

use serde::Serialize;
use tracechain_primitives::H256;

/// `system_syncState`, in Substrate's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// The best block's number when the node started.
    pub starting_block: u32,
    /// The best block's number now.
    pub current_block: u32,
    /// The highest number known: the best block or the highest a peer announced.
    pub highest_block: u32,
}

/// One entry of `system_peers`, in Substrate's shape.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerInfo {
    /// The peer's id.
    pub peer_id: String,
    /// Its roles (`"FULL"`, `"AUTHORITY"`).
    pub roles: String,
    /// Its best block's hash.
    pub best_hash: H256,
    /// Its best block's number.
    pub best_number: u32,
}
