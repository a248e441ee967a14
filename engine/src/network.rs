//! What the network reports to the node and what the node asks of it: connected peers, the
//! node's own addresses, and reserved-peer changes (`system_addReservedPeer`,
//! `system_removeReservedPeer`) with the channel for the network's answer.
//!
//! These types sit here, beside the engine interface, so that the engine, the node and the RPC
//! server share them without any of them depending on another.

use tracechain_primitives::BlockNumber;

/// A change to the node's reserved peers (`system_addReservedPeer`, `system_removeReservedPeer`):
/// the peers it dials, keeps connected and, as a validator, accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReservedPeerChange {
    /// Reserve the peer of this multiaddr (`…/p2p/<peer id>`; `/p2p/<peer id>` alone to accept
    /// it without dialling).
    Add(String),
    /// Stop reserving the peer with this peer id.
    Remove(String),
}

/// The node's answer to a [`ReservedPeerChange`] once its network applied it, or why it did not.
pub type ReservedPeerReply = tokio::sync::oneshot::Receiver<Result<(), String>>;

/// A reserved-peer change with the channel for the network's answer.
pub type ReservedPeerRequest = (ReservedPeerChange, tokio::sync::oneshot::Sender<Result<(), String>>);

/// A connected peer as the network reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerStatus {
    /// Its libp2p peer id.
    pub peer_id: String,
    /// Whether it is a validator (it proved a consensus key).
    pub validator: bool,
    /// The last decided height it announced, if it announced one yet.
    pub tip: Option<BlockNumber>,
}

/// The network as the node reports it (`system_health`, `system_peers`, metrics).
#[derive(Clone, Debug, Default)]
pub struct NetworkStatus {
    /// Connected peers.
    pub peers: Vec<PeerStatus>,
    /// The node's libp2p peer id.
    pub local_peer_id: Option<String>,
    /// Where peers reach the node (public addresses, then the listen address), each ending in
    /// `/p2p/<peer id>`.
    pub local_addresses: Vec<String>,
    /// The peer ids of the reserved peers.
    pub reserved_peers: Vec<String>,
}
