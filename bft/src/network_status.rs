//! What the network reports to the node: connected peers (with the heights they announced), the
//! node's own addresses and its
//! reserved peers, for `system_health`, `system_peers`, `system_local*`, `system_reservedPeers`
//! and metrics, read from the engine's network every two seconds and after every change of the
//! reserved peers. The announcer of peer records learns from it which peers are connected.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use libp2p_core::multiaddr::{Multiaddr, Protocol};
use malachitebft_app_channel::NetworkRequest;
use tokio::sync::{mpsc, watch};

use super::gossip_tap::PeerTips;
use tracechain_engine::{Application, NetworkStatus, PeerStatus};

/// Reads the network's state and hands it to the node.
pub(super) struct StatusReporter {
    requests: mpsc::Sender<NetworkRequest>,
    application: Arc<dyn Application>,
    connected: watch::Sender<BTreeSet<String>>,
    public_addrs: Vec<Multiaddr>,
    tips: PeerTips,
}

impl StatusReporter {
    /// A reporter to `application` of the network behind `requests`, which tells `connected`
    /// the peers connected; `public_addrs` come first among the node's addresses.
    pub(super) fn new(
        requests: mpsc::Sender<NetworkRequest>,
        application: Arc<dyn Application>,
        connected: watch::Sender<BTreeSet<String>>,
        public_addrs: Vec<Multiaddr>,
        tips: PeerTips,
    ) -> Self {
        Self { requests, application, connected, public_addrs, tips }
    }

    /// Reads the network's state now; nothing changes if the network does not answer.
    pub(super) async fn refresh(&self) {
        let Ok(Some(dump)) = NetworkRequest::dump_state(&self.requests).await else { return };
        let tips = self.tips.lock().clone();
        let mut peers: Vec<PeerStatus> = dump
            .peers
            .iter()
            .map(|(peer_id, info)| {
                let peer_id = peer_id.to_string();
                let tip = tips.get(&peer_id).copied();
                PeerStatus { peer_id, validator: info.consensus_address.is_some(), tip }
            })
            .collect();
        peers.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        let ids: BTreeSet<String> = peers.iter().map(|peer| peer.peer_id.clone()).collect();
        self.connected.send_if_modified(|known| {
            let changed = *known != ids;
            *known = ids;
            changed
        });
        let local = &dump.local_node;
        let local_addresses = self
            .public_addrs
            .iter()
            .chain(std::iter::once(&local.listen_addr))
            .map(|address| address.clone().with(Protocol::P2p(local.peer_id)).to_string())
            .collect();
        let reserved: BTreeSet<String> = dump.persistent_peer_ids.iter().map(ToString::to_string).collect();
        self.application.set_network_status(NetworkStatus {
            peers,
            local_peer_id: Some(local.peer_id.to_string()),
            local_addresses,
            reserved_peers: reserved.into_iter().collect(),
        });
    }
}

/// Refreshes the status every two seconds until the node stops.
pub(super) async fn report_every_two_seconds(reporter: Arc<StatusReporter>) {
    let mut ticker = tokio::time::interval(Duration::from_secs(2));
    loop {
        ticker.tick().await;
        reporter.refresh().await;
    }
}
