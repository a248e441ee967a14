//! Reserved peers changed at run time (`system_addReservedPeer`, `system_removeReservedPeer`).
//!
//! A reserved peer is one the engine dials, keeps connected and, on a validator (which accepts
//! no one else), accepts: the spec's `bootNodes` and `--bootnodes` at start, and those added
//! over JSON-RPC since, so that a consortium admits a new member's node without restarting its
//! validators. Changes last until the node stops; an operator also lists the peer in
//! `--bootnodes` (or the spec) for the next start.
//!
//! ## Rules
//! - A peer is added by a multiaddr that ends in `/p2p/<peer id>`: with a TCP address before it
//!   (checked as [`super::peer_records::dialable`]) the node dials it there; `/p2p/<peer id>`
//!   alone makes the node accept it and dial it at the address it announces.
//! - A peer is removed by its peer id: every reserved address of that peer goes.
//! - An added peer's peer records are accepted ([`AddressBook::configure`]); a removed one's are
//!   not any more.

use std::sync::Arc;

use libp2p_core::multiaddr::{Multiaddr, Protocol};
use libp2p_core::PeerId;
use malachitebft_app_channel::NetworkRequest;
use parking_lot::Mutex;
use tokio::sync::mpsc;
use tracechain_engine::ReservedPeerChange;

use super::network_status::StatusReporter;
use super::peer_records::{dialable, AddressBook};
use tracechain_engine::ReservedPeerRequest;

/// The reserved peer `text` names: its peer id, and the address to reserve.
pub fn parse_reserved_peer(text: &str) -> Result<(PeerId, Multiaddr), String> {
    let address: Multiaddr = text
        .parse()
        .map_err(|error: libp2p_core::multiaddr::Error| format!("`{text}` is not a libp2p multiaddr: {error}"))?;
    let Some(Protocol::P2p(peer)) = address.iter().last() else {
        return Err(format!("`{text}` does not end in /p2p/<peer id>: a reserved peer is named by its peer id"));
    };
    if address.iter().count() > 1 {
        dialable(&address, &peer).map_err(|error| error.to_string())?;
    }
    Ok((peer, address))
}

/// Applies the changes asked over JSON-RPC until the node stops.
pub(super) async fn control(
    mut changes: mpsc::Receiver<ReservedPeerRequest>,
    requests: mpsc::Sender<NetworkRequest>,
    book: Arc<Mutex<AddressBook>>,
    status: Arc<StatusReporter>,
) {
    while let Some((change, answer)) = changes.recv().await {
        let outcome = match change {
            ReservedPeerChange::Add(text) => add(&text, &requests, &book).await,
            ReservedPeerChange::Remove(text) => remove(&text, &requests, &book).await,
        };
        // `system_reservedPeers` shows the change as soon as the caller hears of it.
        if outcome.is_ok() {
            status.refresh().await;
        }
        let _ = answer.send(outcome);
    }
}

async fn add(text: &str, requests: &mpsc::Sender<NetworkRequest>, book: &Mutex<AddressBook>) -> Result<(), String> {
    let (peer, address) = parse_reserved_peer(text)?;
    match NetworkRequest::add_persistent_peer(requests, address.clone()).await {
        Ok(Ok(())) => {
            book.lock().configure(peer);
            tracing::info!(target: "consensus", "Reserved peer added: {address}");
            Ok(())
        }
        Ok(Err(error)) => Err(format!("{address}: {error}")),
        Err(_) => Err("the network did not take the request".to_string()),
    }
}

async fn remove(text: &str, requests: &mpsc::Sender<NetworkRequest>, book: &Mutex<AddressBook>) -> Result<(), String> {
    let peer: PeerId = text.parse().map_err(|error| format!("`{text}` is not a peer id: {error}"))?;
    let dump = NetworkRequest::dump_state(requests)
        .await
        .ok()
        .flatten()
        .ok_or_else(|| "the network did not answer".to_string())?;
    let addresses: Vec<Multiaddr> = dump
        .persistent_peer_addrs
        .into_iter()
        .filter(|address| matches!(address.iter().last(), Some(Protocol::P2p(named)) if named == peer))
        .collect();
    if addresses.is_empty() {
        return Err(format!("{peer} is not a reserved peer"));
    }
    book.lock().unconfigure(&peer);
    for address in addresses {
        match NetworkRequest::remove_persistent_peer(requests, address.clone()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(format!("{address}: {error}")),
            Err(_) => return Err("the network did not take the request".to_string()),
        }
    }
    tracing::info!(target: "consensus", "Reserved peer removed: {peer}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserved_peer_is_named_by_its_peer_id_with_or_without_an_address() {
        let peer = malachitebft_app_channel::app::types::Keypair::ed25519_from_bytes([7; 32])
            .expect("key")
            .public()
            .to_peer_id();
        let (named, address) = parse_reserved_peer(&format!("/ip4/203.0.113.7/tcp/30333/p2p/{peer}")).expect("full");
        assert_eq!((named, address.to_string()), (peer, format!("/ip4/203.0.113.7/tcp/30333/p2p/{peer}")));
        assert_eq!(parse_reserved_peer(&format!("/p2p/{peer}")).expect("id only").0, peer);
        for refused in [
            "/ip4/203.0.113.7/tcp/30333".to_string(),
            format!("/ip4/0.0.0.0/tcp/30333/p2p/{peer}"),
            format!("/ip4/203.0.113.7/udp/30333/p2p/{peer}"),
            "12D3KooW".to_string(),
        ] {
            assert!(parse_reserved_peer(&refused).is_err(), "{refused} accepted");
        }
    }
}
