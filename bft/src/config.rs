//! The engine's configuration: the node's network address and peers, timeouts, and sync.

use std::time::Duration;

use malachitebft_app_channel::app::config::{
    ConsensusConfig, DiscoveryConfig, NodeConfig, P2pConfig, PubSubProtocol, ValuePayload, ValueSyncConfig,
};
use malachitebft_app_channel::app::{net::Multiaddr, types::core::LinearTimeouts};

/// Everything the engine reads from its configuration.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    moniker: String,
    consensus: ConsensusConfig,
    value_sync: ValueSyncConfig,
}

/// What the operator chose (command line and chain spec).
#[derive(Clone, Debug)]
pub struct NetworkSettings {
    /// The node's name for peers.
    pub moniker: String,
    /// Where to listen (a libp2p multiaddr, e.g. `/ip4/0.0.0.0/tcp/30333`).
    pub listen_addr: String,
    /// The addresses others reach this node at, announced to its peers in signed peer records
    /// (see [`super::peer_records`]); none to announce nothing.
    pub public_addrs: Vec<Multiaddr>,
    /// Peers to connect to and keep connected (multiaddrs ending in `/p2p/<peer id>`).
    pub persistent_peers: Vec<Multiaddr>,
    /// Accept and dial only the persistent peers (a validator of a consortium).
    pub persistent_peers_only: bool,
}

/// Why the network configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A multiaddr does not parse.
    #[error("`{address}` is not a libp2p multiaddr: {reason}")]
    BadAddress {
        /// The address.
        address: String,
        /// Why.
        reason: String,
    },
}

/// Parses a libp2p multiaddr.
pub fn multiaddr(address: &str) -> Result<Multiaddr, ConfigError> {
    address.parse().map_err(|error: <Multiaddr as std::str::FromStr>::Err| ConfigError::BadAddress {
        address: address.to_string(),
        reason: error.to_string(),
    })
}

impl EngineConfig {
    /// The configuration of `settings`.
    pub fn new(settings: &NetworkSettings) -> Result<Self, ConfigError> {
        let p2p = P2pConfig {
            listen_addr: multiaddr(&settings.listen_addr)?,
            persistent_peers: settings.persistent_peers.clone(),
            persistent_peers_only: settings.persistent_peers_only,
            // A consortium is small and every member is listed: peers are the persistent ones
            // (and the peers they tell of, for an open full node).
            discovery: DiscoveryConfig { enabled: !settings.persistent_peers_only, ..DiscoveryConfig::default() },
            protocol: PubSubProtocol::default(),
            ..P2pConfig::default()
        };
        let consensus =
            ConsensusConfig { p2p, value_payload: ValuePayload::ProposalAndParts, ..ConsensusConfig::default() };
        let value_sync = ValueSyncConfig {
            enabled: true,
            status_update_interval: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            batch_size: 20,
            ..ValueSyncConfig::default()
        };
        Ok(Self { moniker: settings.moniker.clone(), consensus, value_sync })
    }
}

impl NodeConfig for EngineConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }

    fn consensus(&self) -> &ConsensusConfig {
        &self.consensus
    }

    fn consensus_mut(&mut self) -> &mut ConsensusConfig {
        &mut self.consensus
    }

    fn value_sync(&self) -> &ValueSyncConfig {
        &self.value_sync
    }

    fn value_sync_mut(&mut self) -> &mut ValueSyncConfig {
        &mut self.value_sync
    }
}

/// How long a validator waits for more prevotes once 2f+1 of any kind have arrived.
pub const PREVOTE_TIMEOUT: Duration = Duration::from_millis(300);
/// How long a validator waits for more precommits once 2f+1 of any kind have arrived, before
/// the next round.
pub const PRECOMMIT_TIMEOUT: Duration = Duration::from_millis(200);

/// The round timeouts: a missing proposer costs [`LinearTimeouts::propose`] before the next
/// round, which grows by the deltas so that slow networks still decide. The propose timeout is
/// the proposer's wait for its block time (`block_time` at most) plus 2 s for building the block
/// and for the validators' re-execution of it.
///
/// The prevote and precommit timeouts start only once 2f+1 votes of the step have arrived
/// (Tendermint's lines 34 and 47), so they wait for stragglers, never for a quorum; safety does
/// not depend on any of them. A round whose proposer lies (a block that fails re-execution, a
/// second signed proposal) ends in 2f+1 nil precommits, and the engine then still waits out the
/// precommit timeout before the next round: that wait is what one dishonest proposer costs per
/// height it proposes, so it is kept to a few network round trips ([`PRECOMMIT_TIMEOUT`]).
pub fn timeouts(block_time: Duration) -> LinearTimeouts {
    LinearTimeouts {
        propose: block_time + Duration::from_millis(2_000),
        propose_delta: Duration::from_millis(500),
        prevote: PREVOTE_TIMEOUT,
        prevote_delta: Duration::from_millis(250),
        precommit: PRECOMMIT_TIMEOUT,
        precommit_delta: Duration::from_millis(250),
        rebroadcast: Duration::from_millis(4_000),
        max_timeout: Duration::from_secs(30),
    }
}
