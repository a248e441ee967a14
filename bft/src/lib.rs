//! # tracechain-bft
//!
//! The consortium's consensus: Malachite's Tendermint engine over libp2p.
//!
//! [`BftEngine`] runs the engine (consensus, gossip, value sync, write-ahead log) and answers
//! its requests from the node ([`tracechain_engine::Application`]):
//!
//! - **Propose**: the round's proposer builds a block from its pool and streams it in parts;
//!   the engine gossips a signed proposal naming its hash.
//! - **Vote**: every validator reassembles the parts, checks the proposer's signature and
//!   re-executes the block on its best block before it prevotes for it; a block that does not
//!   execute (or is from the wrong proposer, or too far in the future) gets a nil vote.
//! - **Decide**: with precommits from more than two thirds of the height's validators the block
//!   is final; the node stores it with those precommits as its finality certificate, then starts
//!   the next height with the validator set of the new state.
//! - **Sync**: a node that is behind asks peers for decided blocks with their certificates; the
//!   engine checks each certificate against the validator set of its height and the node
//!   re-executes each block before storing it. Full nodes follow the chain the same way.
//! - **Transactions** submitted to any node are gossiped in batches on the proposal-parts topic,
//!   so every validator's pool has them when its turn to propose comes. They are taken from the
//!   network as they arrive, not through the engine ([`gossip_tap`]).
//! - **Addresses**: a node with `--public-addr` announces it in signed peer records on the same
//!   topic, and its configured peers dial it there ([`peer_records`]).
//!
//! ## Failure
//! The engine and this module log and carry on through bad peers; they stop (and the node with
//! them) only when the engine itself stops or the node cannot produce a validator set for the
//! next height ([`BftError`]).

pub mod admission_queue;
mod app;
#[cfg(feature = "attack")]
pub mod attack;
pub mod config;
pub mod evidence;
pub mod gossip_tap;
pub mod network_key;
mod network_status;
pub mod peer_records;
pub mod reserved_peers;
pub mod streams;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use malachitebft_app_channel::app::config::NodeConfig as _;
use malachitebft_app_channel::app::metrics::SharedRegistry;
use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_app_channel::app::types::codec::Codec;
use malachitebft_app_channel::{
    ConsensusContext, EngineBuilder, NetworkIdentity, NetworkMsg, RequestContext, Signer as _, SyncContext, WalContext,
};
use tokio::sync::{mpsc, watch};
use tracechain_consensus::{
    codec::WireCodec,
    signing::{Signer, Verifier},
    Address, ProposalPart, TracechainContext,
};
use tracechain_primitives::keyring::Ed25519Pair;

pub use config::NetworkSettings;

use tracechain_engine::{Application, ConsensusEngine};

/// Why the BFT engine stopped.
#[derive(Debug, thiserror::Error)]
pub enum BftError {
    /// The engine could not start.
    #[error("consensus engine: {0}")]
    Start(String),
    /// The engine stopped.
    #[error("the consensus engine stopped")]
    EngineStopped,
    /// No validator set is known for a height.
    #[error("no validator set is known for height {height}")]
    NoValidatorSet {
        /// The height.
        height: u32,
    },
    /// The engine asked a full node to propose.
    #[error("asked to propose, but this node has no validator key")]
    NotAValidator,
    /// The node failed to do what the engine asked.
    #[error("{0}")]
    Application(String),
    /// A blocking task failed.
    #[error("task: {0}")]
    Task(String),
    /// This node could not do what consensus needs (read its state, re-execute a block), even
    /// after retries: it stops rather than vote on what it could not check.
    #[error("{what} failed on this node, not because of the block: {cause}; stopping so as not to vote on what it cannot check")]
    LocalFailure {
        /// What the node was doing.
        what: String,
        /// The local cause.
        cause: String,
    },
    /// The network configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

/// Most transactions in one gossiped batch.
const GOSSIP_BATCH: usize = 512;
/// How long a transaction waits for its batch to fill.
const GOSSIP_DELAY: Duration = Duration::from_millis(20);
/// Received peer records waiting to be checked; more are dropped (their peers announce again).
const RECEIVED_RECORDS_QUEUED: usize = 64;
/// Reserved-peer changes waiting for the network; more are refused as busy.
const RESERVED_PEER_CHANGES_QUEUED: usize = 16;

/// Malachite BFT as the node's consensus engine.
pub struct BftEngine {
    settings: NetworkSettings,
    network_key: Ed25519Pair,
    validator_key: Option<Ed25519Pair>,
    wal_path: PathBuf,
    target_block_time: Duration,
}

impl BftEngine {
    /// An engine with these network settings, libp2p identity key and (for a validator)
    /// consensus key, its write-ahead log at `wal_path`, deciding a block every
    /// `target_block_time` at most.
    pub fn new(
        settings: NetworkSettings,
        network_key: Ed25519Pair,
        validator_key: Option<Ed25519Pair>,
        wal_path: PathBuf,
        target_block_time: Duration,
    ) -> Self {
        Self { settings, network_key, validator_key, wal_path, target_block_time }
    }

    /// This node's libp2p peer id.
    pub fn peer_id(&self) -> String {
        network_key::peer_id(&self.network_key)
    }

    async fn run_engine(
        self,
        application: Arc<dyn Application>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<(), BftError> {
        let genesis = application.genesis_hash();
        let keypair = network_key::keypair(&self.network_key);
        let peer_id_bytes = keypair.public().to_peer_id().to_bytes();
        let verifier = Verifier::new(genesis);
        let (address, identity, consensus_context, signer) = match &self.validator_key {
            Some(key) => {
                let signer = Signer::new(genesis, key.clone());
                let address = Address(key.public());
                let proof = signer
                    .sign_validator_proof(key.public().to_vec(), peer_id_bytes)
                    .await
                    .map_err(|error| BftError::Start(error.to_string()))?;
                let proof_bytes =
                    Codec::encode(&WireCodec, &proof).map_err(|error| BftError::Start(error.to_string()))?;
                let identity = NetworkIdentity::new_validator(
                    self.settings.moniker.clone(),
                    keypair,
                    address.to_string(),
                    proof_bytes,
                );
                let context = ConsensusContext::new_validator(address, Box::new(verifier), Box::new(signer.clone()));
                (address, identity, context, Some(signer))
            }
            None => {
                // A full node has no consensus key; its network key stands in as its address,
                // which is in no validator set.
                let address = Address(self.network_key.public());
                let identity = NetworkIdentity::new(self.settings.moniker.clone(), keypair, None);
                (address, identity, ConsensusContext::new_full_node(address, Box::new(verifier)), None)
            }
        };
        let engine_config = config::EngineConfig::new(&self.settings)?;
        let own_peer = network_key::keypair(&self.network_key).public().to_peer_id();
        let public_addrs = self.settings.public_addrs.clone();
        let address_book = Arc::new(parking_lot::Mutex::new(peer_records::AddressBook::new(
            own_peer,
            &self.settings.persistent_peers,
        )));
        if let Some(parent) = self.wal_path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| BftError::Start(format!("{}: {error}", parent.display())))?;
        }
        // The network actor is started here rather than by the engine builder so that the gossip
        // tap can subscribe to its events.
        let registry = SharedRegistry::global().with_moniker(self.settings.moniker.clone());
        let (network_actor, network_sender) = malachitebft_app_channel::spawn::spawn_network_actor(
            identity,
            engine_config.consensus(),
            engine_config.value_sync(),
            &registry,
            WireCodec,
        )
        .await
        .map_err(|error| BftError::Start(format!("{error:#}")))?;
        let (records_sender, records_receiver) = mpsc::channel(RECEIVED_RECORDS_QUEUED);
        let peer_tips = gossip_tap::PeerTips::default();
        let tap = gossip_tap::spawn(
            &network_actor,
            gossip_tap::TapSinks {
                transactions: gossip_tap::spawn_admission_worker(application.clone()),
                records: records_sender,
                tips: peer_tips.clone(),
            },
        )
        .await?;
        let (mut channels, engine) = EngineBuilder::new(TracechainContext, engine_config)
            .with_default_wal(WalContext::new(self.wal_path.clone(), WireCodec))
            .with_custom_network(network_actor, network_sender)
            .with_default_sync(SyncContext::new(WireCodec))
            .with_default_consensus(consensus_context)
            .with_default_request(RequestContext::new(100))
            .build()
            .await
            .map_err(|error| BftError::Start(format!("{error:#}")))?;
        tracing::info!(target: "consensus", "BFT engine started: peer id {}, listening on {}", self.peer_id(), self.settings.listen_addr);

        let (gossip_sender, gossip_receiver) = mpsc::channel(16_384);
        application.set_transaction_gossip(gossip_sender);
        let (peers_sender, peers_receiver) = watch::channel(BTreeSet::new());
        let status = Arc::new(network_status::StatusReporter::new(
            channels.net_requests.clone(),
            application.clone(),
            peers_sender,
            public_addrs.clone(),
            peer_tips,
        ));
        let (control_sender, control_receiver) = mpsc::channel(RESERVED_PEER_CHANGES_QUEUED);
        application.set_reserved_peer_control(control_sender);
        let tasks = [
            tokio::spawn(gossip_transactions(gossip_receiver, channels.network.clone(), self.peer_id())),
            tokio::spawn(network_status::report_every_two_seconds(status.clone())),
            tokio::spawn(peer_records::announce(
                network_key::keypair(&self.network_key),
                public_addrs,
                channels.network.clone(),
                peers_receiver,
            )),
            tokio::spawn(peer_records::learn(records_receiver, address_book.clone(), channels.net_requests.clone())),
            tokio::spawn(reserved_peers::control(
                control_receiver,
                channels.net_requests.clone(),
                address_book,
                status,
            )),
        ];

        let app = app::BftApp::new(application, signer, address, self.target_block_time);
        let outcome = tokio::select! {
            outcome = app.run(&mut channels) => outcome,
            _ = shutdown.changed() => Ok(()),
        };
        for task in tasks {
            task.abort();
        }
        tap.stop(None);
        let _ = engine.actor.kill_and_wait(None).await;
        engine.handle.abort();
        outcome
    }
}

impl ConsensusEngine for BftEngine {
    fn run(
        self: Box<Self>,
        application: Arc<dyn Application>,
        shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(error) = self.run_engine(application, shutdown).await {
                tracing::error!(target: "consensus", "{error}");
            }
        })
    }
}

/// Publishes submitted transactions in batches on the proposal-parts topic.
async fn gossip_transactions(
    mut transactions: mpsc::Receiver<Vec<u8>>,
    network: mpsc::Sender<NetworkMsg<TracechainContext>>,
    peer_id: String,
) {
    let mut batch_number: u64 = 0;
    while let Some(first) = transactions.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + GOSSIP_DELAY;
        while batch.len() < GOSSIP_BATCH {
            match tokio::time::timeout_at(deadline, transactions.recv()).await {
                Ok(Some(transaction)) => batch.push(transaction),
                Ok(None) | Err(_) => break,
            }
        }
        batch_number += 1;
        let stream_id = StreamId::new(Bytes::from(format!("tx/{peer_id}/{batch_number}").into_bytes()));
        let message = StreamMessage::new(stream_id, 0, StreamContent::Data(ProposalPart::Transactions(batch)));
        if network.send(NetworkMsg::PublishProposalPart(message)).await.is_err() {
            break;
        }
    }
}
