//! The node's libp2p identity: its ed25519 network key as a libp2p key pair and peer id. The
//! node keeps the key in its data directory (a private file); the engine only uses it.

use malachitebft_app_channel::app::types::Keypair;
use tracechain_primitives::keyring::Ed25519Pair;

/// The libp2p key pair of `key`.
pub fn keypair(key: &Ed25519Pair) -> Keypair {
    let mut seed = key.seed();
    // A 32-byte ed25519 seed is always a valid secret key.
    #[allow(clippy::expect_used)]
    Keypair::ed25519_from_bytes(&mut seed).expect("32-byte seed")
}

/// The peer id of `key`.
pub fn peer_id(key: &Ed25519Pair) -> String {
    keypair(key).public().to_peer_id().to_string()
}
