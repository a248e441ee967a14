//! Peer records: how a node tells its peers the addresses it is reachable at (`--public-addr`).
//!
//! A node's listen address is often not the address others reach it at: a member behind NAT
//! forwards a public port to `--port`, a member whose IP changes keeps its peer id. Such a node
//! is started with `--public-addr` and is listed in the other members' chain specs by its peer id
//! alone (`/p2p/<peer id>`) or at an old address. It publishes a libp2p signed peer record
//! (RFC 0003, the interoperable envelope, signed by its network key) of its public addresses on
//! the proposal-parts topic whenever a peer connects that was not connected at its last
//! announcement, and every [`ANNOUNCE_INTERVAL`]. Gossip carries the record on from the peers
//! that receive it, so the node needs to reach one member for all of them to reach it.
//!
//! ## Rules for a received record
//! - It is at most [`MAX_RECORD_BYTES`] and its envelope's signature verifies: the peer id it
//!   names is the signer's.
//! - It is of a *configured* peer: one whose peer id is in this node's `bootNodes` or
//!   `--bootnodes`, or was reserved since (`system_addReservedPeer`). A record only says where a
//!   peer the operator already trusts can be found, so no stranger's gossip can make a node dial
//!   anywhere.
//! - Its sequence number is higher than that of the last record accepted from that peer: records
//!   replayed or reordered by gossip change nothing.
//! - It holds at most [`MAX_ADDRESSES`] addresses, each a TCP address (`/ip4`, `/ip6`, `/dns`,
//!   `/dns4` or `/dns6`, then `/tcp/<port>`, at most followed by the same `/p2p/<peer id>`) that
//!   is not unspecified (`0.0.0.0`, `::`).
//!
//! The addresses of an accepted record become persistent peers of the engine (dialled at once
//! and redialled when the connection drops); those of the peer's previous record that the new
//! one no longer has are removed. The configured addresses stay whatever a record says.
//! Learned addresses live in memory: after a restart a node learns them again from the next
//! announcement.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use libp2p_core::multiaddr::{Multiaddr, Protocol};
use libp2p_core::{PeerId, PeerRecord, SignedEnvelope};
use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_app_channel::app::types::Keypair;
use malachitebft_app_channel::{NetworkMsg, NetworkRequest};
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};
use tracechain_consensus::{ProposalPart, TracechainContext};

/// How often a node with public addresses announces them even when no new peer connected.
pub const ANNOUNCE_INTERVAL: Duration = Duration::from_secs(30);
/// The largest encoded record accepted.
pub const MAX_RECORD_BYTES: usize = 2_048;
/// The most addresses one record may hold.
pub const MAX_ADDRESSES: usize = 8;

/// Why an address or a record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerRecordError {
    /// The encoded record is too large.
    #[error("the peer record is {len} bytes, more than {MAX_RECORD_BYTES}")]
    TooLarge {
        /// Its size.
        len: usize,
    },
    /// The envelope does not decode, or its signature does not verify.
    #[error("not a signed peer record: {reason}")]
    Unsigned {
        /// What is wrong.
        reason: String,
    },
    /// The record lists too many addresses (or none).
    #[error("a peer record holds 1 to {MAX_ADDRESSES} addresses, not {count}")]
    AddressCount {
        /// How many it holds.
        count: usize,
    },
    /// An address does not parse.
    #[error("`{address}` is not a libp2p multiaddr: {reason}")]
    Unparsable {
        /// The address.
        address: String,
        /// Why.
        reason: String,
    },
    /// An address is not one peers can dial.
    #[error("`{address}` is not a public TCP address: {reason}")]
    BadAddress {
        /// The address.
        address: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The record is of a peer this node was not told to trust.
    #[error("peer {peer} is not among this node's configured peers")]
    NotConfigured {
        /// The record's peer id.
        peer: String,
    },
    /// The record is not newer than one already accepted.
    #[error("peer {peer}'s record #{seq} is not newer than #{last}")]
    Stale {
        /// The record's peer id.
        peer: String,
        /// Its sequence number.
        seq: u64,
        /// That of the last accepted record.
        last: u64,
    },
    /// The record is this node's own.
    #[error("the record is this node's own")]
    Own,
}

/// The operator's `--public-addr` values as this node (`own`) announces them.
pub fn public_addresses(addresses: &[String], own: &PeerId) -> Result<Vec<Multiaddr>, PeerRecordError> {
    addresses
        .iter()
        .map(|text| {
            let address: Multiaddr = text.parse().map_err(|error: libp2p_core::multiaddr::Error| {
                PeerRecordError::Unparsable { address: text.clone(), reason: error.to_string() }
            })?;
            dialable(&address, own)
        })
        .collect()
}

/// `address` as peers dial it: checked to be a public TCP address, without any `/p2p/` suffix
/// (which, if present, must name `peer`).
pub fn dialable(address: &Multiaddr, peer: &PeerId) -> Result<Multiaddr, PeerRecordError> {
    let bad = |reason| PeerRecordError::BadAddress { address: address.to_string(), reason };
    let mut protocols = address.iter();
    match protocols.next() {
        Some(Protocol::Ip4(ip)) if ip.is_unspecified() => return Err(bad("the IP address is unspecified")),
        Some(Protocol::Ip6(ip)) if ip.is_unspecified() => return Err(bad("the IP address is unspecified")),
        Some(Protocol::Ip4(_) | Protocol::Ip6(_) | Protocol::Dns(_) | Protocol::Dns4(_) | Protocol::Dns6(_)) => {}
        _ => return Err(bad("it does not start with /ip4, /ip6, /dns, /dns4 or /dns6")),
    }
    match protocols.next() {
        Some(Protocol::Tcp(port)) if port != 0 => {}
        _ => return Err(bad("the host is not followed by /tcp/<port>")),
    }
    match protocols.next() {
        None => {}
        Some(Protocol::P2p(named)) if named == *peer => {}
        Some(Protocol::P2p(_)) => return Err(bad("its /p2p/ names another peer")),
        Some(_) => return Err(bad("only /p2p/<peer id> may follow the port")),
    }
    if protocols.next().is_some() {
        return Err(bad("only /p2p/<peer id> may follow the port"));
    }
    Ok(address.iter().take(2).collect())
}

/// This node's record of `addresses`, signed by its network key and encoded for gossip.
pub fn signed_record(keypair: &Keypair, addresses: &[Multiaddr]) -> Result<Vec<u8>, PeerRecordError> {
    let record = PeerRecord::new_interop(keypair, addresses.to_vec())
        .map_err(|error| PeerRecordError::Unsigned { reason: error.to_string() })?;
    Ok(record.into_signed_envelope().into_protobuf_encoding())
}

/// What an accepted record changes: the persistent peers to add and to remove (each a
/// `…/p2p/<peer id>` multiaddr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressChange {
    /// The record's peer.
    pub peer: PeerId,
    /// Addresses to dial and keep.
    pub added: Vec<Multiaddr>,
    /// Addresses no longer announced.
    pub removed: Vec<Multiaddr>,
}

/// The addresses learned from the records of the configured peers.
#[derive(Debug, Clone)]
pub struct AddressBook {
    own: PeerId,
    configured_peers: BTreeSet<PeerId>,
    configured_addresses: BTreeSet<Multiaddr>,
    learned: BTreeMap<PeerId, (u64, Vec<Multiaddr>)>,
}

impl AddressBook {
    /// The book of node `own`, configured with `peers` (multiaddrs; those that name a peer id
    /// make that peer configured).
    pub fn new(own: PeerId, peers: &[Multiaddr]) -> Self {
        let configured_peers = peers
            .iter()
            .filter_map(|address| {
                address.iter().find_map(|protocol| match protocol {
                    Protocol::P2p(peer) => Some(peer),
                    _ => None,
                })
            })
            .collect();
        Self { own, configured_peers, configured_addresses: peers.iter().cloned().collect(), learned: BTreeMap::new() }
    }

    /// Checks the encoded record `bytes` against the rules of this module and, if it passes,
    /// remembers its addresses and says what changes.
    pub fn accept(&mut self, bytes: &[u8]) -> Result<AddressChange, PeerRecordError> {
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(PeerRecordError::TooLarge { len: bytes.len() });
        }
        let unsigned = |reason: String| PeerRecordError::Unsigned { reason };
        let envelope = SignedEnvelope::from_protobuf_encoding(bytes).map_err(|error| unsigned(error.to_string()))?;
        let record = PeerRecord::from_signed_envelope_interop(envelope).map_err(|error| unsigned(error.to_string()))?;
        let peer = record.peer_id();
        if peer == self.own {
            return Err(PeerRecordError::Own);
        }
        if !self.configured_peers.contains(&peer) {
            return Err(PeerRecordError::NotConfigured { peer: peer.to_string() });
        }
        if let Some((last, _)) = self.learned.get(&peer) {
            if record.seq() <= *last {
                return Err(PeerRecordError::Stale { peer: peer.to_string(), seq: record.seq(), last: *last });
            }
        }
        let count = record.addresses().len();
        if count == 0 || count > MAX_ADDRESSES {
            return Err(PeerRecordError::AddressCount { count });
        }
        let mut addresses = Vec::with_capacity(count);
        for address in record.addresses() {
            let full = dialable(address, &peer)?.with(Protocol::P2p(peer));
            if !addresses.contains(&full) {
                addresses.push(full);
            }
        }
        let previous = self.learned.insert(peer, (record.seq(), addresses.clone())).map(|(_, known)| known);
        let previous = previous.unwrap_or_default();
        let added =
            addresses.iter().filter(|address| !previous.contains(address) && self.is_learned_only(address)).cloned();
        let removed =
            previous.iter().filter(|address| !addresses.contains(address) && self.is_learned_only(address)).cloned();
        Ok(AddressChange { peer, added: added.collect(), removed: removed.collect() })
    }

    /// Makes `peer` configured: its records are accepted from now on.
    pub fn configure(&mut self, peer: PeerId) {
        self.configured_peers.insert(peer);
    }

    /// Makes `peer` a stranger again: its records are refused, and what they said is forgotten.
    pub fn unconfigure(&mut self, peer: &PeerId) {
        self.configured_peers.remove(peer);
        self.learned.remove(peer);
    }

    /// Forgets what `peer`'s records said, so that its next record is applied in full.
    pub fn forget(&mut self, peer: &PeerId) {
        self.learned.remove(peer);
    }

    fn is_learned_only(&self, address: &Multiaddr) -> bool {
        !self.configured_addresses.contains(address)
    }
}

/// Publishes this node's signed peer record of `addresses` when a peer connects that was not
/// connected at the last announcement, and every [`ANNOUNCE_INTERVAL`].
pub(super) async fn announce(
    keypair: Keypair,
    addresses: Vec<Multiaddr>,
    network: mpsc::Sender<NetworkMsg<TracechainContext>>,
    mut connected: watch::Receiver<BTreeSet<String>>,
) {
    if addresses.is_empty() {
        return;
    }
    let peer_id = keypair.public().to_peer_id();
    let mut refresh = tokio::time::interval(ANNOUNCE_INTERVAL);
    let mut seen = BTreeSet::new();
    let mut announcements: u64 = 0;
    loop {
        tokio::select! {
            _ = refresh.tick() => {}
            changed = connected.changed() => {
                if changed.is_err() {
                    return;
                }
                let now = connected.borrow().clone();
                let newcomer = !now.is_subset(&seen);
                seen = now;
                if !newcomer {
                    continue;
                }
            }
        }
        if connected.borrow().is_empty() {
            continue;
        }
        let record = match signed_record(&keypair, &addresses) {
            Ok(record) => record,
            Err(error) => {
                tracing::warn!(target: "consensus", "Cannot sign this node's peer record: {error}");
                return;
            }
        };
        announcements += 1;
        let stream_id = StreamId::new(Bytes::from(format!("peer/{peer_id}/{announcements}").into_bytes()));
        let message = StreamMessage::new(stream_id, 0, StreamContent::Data(ProposalPart::PeerRecord(record)));
        if network.send(NetworkMsg::PublishProposalPart(message)).await.is_err() {
            return;
        }
        tracing::debug!(target: "consensus", "Announced this node's addresses to {} peers", connected.borrow().len());
    }
}

/// Checks the peer records gossip brings and makes the engine dial the addresses they announce.
pub(super) async fn learn(
    mut records: mpsc::Receiver<Vec<u8>>,
    book: Arc<Mutex<AddressBook>>,
    requests: mpsc::Sender<NetworkRequest>,
) {
    while let Some(record) = records.recv().await {
        let accepted = book.lock().accept(&record);
        let change = match accepted {
            Ok(change) => change,
            Err(PeerRecordError::Stale { .. } | PeerRecordError::Own) => continue,
            Err(error) => {
                tracing::debug!(target: "consensus", "Peer record refused: {error}");
                continue;
            }
        };
        for address in change.removed {
            let _ = NetworkRequest::remove_persistent_peer(&requests, address).await;
        }
        for address in change.added {
            tracing::info!(target: "consensus", "Peer {} announces {address}", change.peer);
            match NetworkRequest::add_persistent_peer(&requests, address.clone()).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::debug!(target: "consensus", "{address}: {error}"),
                // The engine's queue was full: the peer's next record is applied afresh.
                Err(_) => book.lock().forget(&change.peer),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair(seed: u8) -> Keypair {
        Keypair::ed25519_from_bytes([seed; 32]).expect("seed")
    }

    fn address(text: &str) -> Multiaddr {
        text.parse().expect("multiaddr")
    }

    fn book_of(own: &Keypair, peers: &[&Keypair]) -> AddressBook {
        let configured: Vec<Multiaddr> =
            peers.iter().map(|peer| Multiaddr::empty().with(Protocol::P2p(peer.public().to_peer_id()))).collect();
        AddressBook::new(own.public().to_peer_id(), &configured)
    }

    /// A record with sequence number `seq` (the library stamps the clock; tests need control).
    fn record_with_seq(key: &Keypair, addresses: &[&str], seq: u64) -> Vec<u8> {
        loop {
            let bytes =
                signed_record(key, &addresses.iter().map(|text| address(text)).collect::<Vec<_>>()).expect("record");
            let envelope = SignedEnvelope::from_protobuf_encoding(&bytes).expect("envelope");
            let stamped = PeerRecord::from_signed_envelope_interop(envelope).expect("record").seq();
            if stamped >= seq {
                return bytes;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn a_configured_peers_record_adds_its_addresses_with_its_peer_id() {
        let (own, peer) = (keypair(1), keypair(2));
        let mut book = book_of(&own, &[&peer]);
        let change = book.accept(&record_with_seq(&peer, &["/ip4/203.0.113.7/tcp/30333"], 0)).expect("accepted");
        let peer_id = peer.public().to_peer_id();
        assert_eq!(change.peer, peer_id);
        assert_eq!(change.added, vec![address(&format!("/ip4/203.0.113.7/tcp/30333/p2p/{peer_id}"))]);
        assert!(change.removed.is_empty());
    }

    #[test]
    fn a_newer_record_replaces_the_addresses_of_the_older_one_and_an_old_one_changes_nothing() {
        let (own, peer) = (keypair(1), keypair(2));
        let mut book = book_of(&own, &[&peer]);
        let first = record_with_seq(&peer, &["/ip4/203.0.113.7/tcp/30333", "/dns/node.example/tcp/30333"], 0);
        let accepted = book.accept(&first).expect("first");
        let seq = PeerRecord::from_signed_envelope_interop(SignedEnvelope::from_protobuf_encoding(&first).expect("e"))
            .expect("r")
            .seq();
        let second = record_with_seq(&peer, &["/ip4/198.51.100.1/tcp/4000", "/dns/node.example/tcp/30333"], seq + 1);
        let change = book.accept(&second).expect("second");
        let peer_id = peer.public().to_peer_id();
        assert_eq!(change.added, vec![address(&format!("/ip4/198.51.100.1/tcp/4000/p2p/{peer_id}"))]);
        assert_eq!(change.removed, vec![accepted.added[0].clone()]);
        assert!(matches!(book.accept(&first), Err(PeerRecordError::Stale { .. })));
        assert!(matches!(book.accept(&second), Err(PeerRecordError::Stale { .. })));
        book.forget(&peer_id);
        assert_eq!(book.accept(&second).expect("after forgetting").added.len(), 2);
        book.unconfigure(&peer_id);
        assert!(matches!(book.accept(&second), Err(PeerRecordError::NotConfigured { .. })));
        book.configure(peer_id);
        assert!(book.accept(&second).is_ok());
    }

    #[test]
    fn records_of_strangers_and_of_the_node_itself_are_refused() {
        let (own, peer, stranger) = (keypair(1), keypair(2), keypair(3));
        let mut book = book_of(&own, &[&peer]);
        let from_stranger = record_with_seq(&stranger, &["/ip4/203.0.113.9/tcp/30333"], 0);
        assert!(matches!(book.accept(&from_stranger), Err(PeerRecordError::NotConfigured { .. })));
        let from_self = record_with_seq(&own, &["/ip4/203.0.113.1/tcp/30333"], 0);
        assert_eq!(book.accept(&from_self), Err(PeerRecordError::Own));
    }

    #[test]
    fn a_tampered_or_oversized_record_is_refused() {
        let (own, peer) = (keypair(1), keypair(2));
        let mut book = book_of(&own, &[&peer]);
        let mut bytes = record_with_seq(&peer, &["/ip4/203.0.113.7/tcp/30333"], 0);
        let position = bytes.len() / 2;
        bytes[position] ^= 1;
        assert!(matches!(book.accept(&bytes), Err(PeerRecordError::Unsigned { .. })));
        assert!(matches!(book.accept(&[0; MAX_RECORD_BYTES + 1]), Err(PeerRecordError::TooLarge { .. })));
        assert!(matches!(book.accept(b"not protobuf"), Err(PeerRecordError::Unsigned { .. })));
    }

    #[test]
    fn only_public_tcp_addresses_are_dialable() {
        let peer = keypair(2).public().to_peer_id();
        let other = keypair(3).public().to_peer_id();
        for refused in [
            "/ip4/0.0.0.0/tcp/30333".to_string(),
            "/ip6/::/tcp/30333".to_string(),
            "/ip4/203.0.113.7/udp/30333".to_string(),
            "/ip4/203.0.113.7/tcp/0".to_string(),
            "/tcp/30333".to_string(),
            format!("/ip4/203.0.113.7/tcp/30333/p2p/{other}"),
            "/ip4/203.0.113.7/tcp/30333/ws".to_string(),
        ] {
            assert!(dialable(&address(&refused), &peer).is_err(), "{refused} accepted");
        }
        assert_eq!(
            dialable(&address(&format!("/dns4/node.example/tcp/30333/p2p/{peer}")), &peer),
            Ok(address("/dns4/node.example/tcp/30333"))
        );
    }

    #[test]
    fn a_record_with_a_bad_address_or_too_many_is_refused_and_remembered_as_nothing() {
        let (own, peer) = (keypair(1), keypair(2));
        let mut book = book_of(&own, &[&peer]);
        let bad = record_with_seq(&peer, &["/ip4/0.0.0.0/tcp/30333"], 0);
        assert!(matches!(book.accept(&bad), Err(PeerRecordError::BadAddress { .. })));
        let many: Vec<String> =
            (0..=MAX_ADDRESSES).map(|port| format!("/ip4/203.0.113.7/tcp/{}", 4000 + port)).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(matches!(
            book.accept(&record_with_seq(&peer, &many, 0)),
            Err(PeerRecordError::AddressCount { count }) if count == MAX_ADDRESSES + 1
        ));
        assert!(book.accept(&record_with_seq(&peer, &["/ip4/203.0.113.7/tcp/30333"], 0)).is_ok());
    }

    proptest::proptest! {
        /// Whatever gossip brings, the book answers without panicking, and a record altered
        /// anywhere is never accepted as the peer's.
        #[test]
        fn arbitrary_or_altered_records_are_refused_without_a_panic(
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
            position in 0usize..4096,
            flip in 1u8..=255,
        ) {
            let (own, peer) = (keypair(1), keypair(2));
            let mut book = book_of(&own, &[&peer]);
            let _ = book.accept(&noise);
            let mut altered = signed_record(&peer, &[address("/ip4/203.0.113.7/tcp/30333")]).expect("record");
            let position = position % altered.len();
            altered[position] ^= flip;
            let mut fresh = book_of(&own, &[&peer]);
            proptest::prop_assert!(fresh.accept(&altered).is_err());
        }
    }
}
