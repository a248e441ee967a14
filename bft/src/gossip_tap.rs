//! Transaction batches, peer records and peers' statuses taken straight from the network actor.
//!
//! Malachite's application channel hands the node one engine message at a time and waits for
//! the node's answer before the next. While the proposer waits for its block time inside
//! `GetValue`, every part gossiped to it would wait as well, so its block would carry only the
//! transactions gossiped before the wait began. The tap subscribes to the network actor's events
//! itself: transaction batches reach the pool's admission worker, and peer records the address
//! book, as they arrive, whatever the engine is waiting for; the heights peers announce go to
//! the network status (`system_peers`, `system_health.isSyncing`, `system_syncState`). Block
//! proposal parts are not its business; they reach the node through the engine, which orders
//! them with the votes.
//!
//! The tap never blocks the network actor: a batch or record that finds its queue full is
//! dropped (the node a transaction was submitted to still holds it and includes it when it
//! proposes; a peer announces its record again).

use std::collections::BTreeMap;
use std::sync::Arc;

use malachitebft_app_channel::app::engine::network::{NetworkEvent, NetworkMsg, NetworkRef};
use malachitebft_app_channel::app::streaming::StreamContent;
use parking_lot::Mutex;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::mpsc;
use tracechain_consensus::{ProposalPart, TracechainContext};
use tracechain_primitives::BlockNumber;

use tracechain_engine::Application;

use super::{admission_queue::AdmissionQueue, BftError};

/// Where the tap delivers what it takes.
pub struct TapSinks {
    /// Gossiped transaction batches, for the pool's admission worker.
    pub transactions: Arc<AdmissionQueue>,
    /// Gossiped peer records, for the address book.
    pub records: mpsc::Sender<Vec<u8>>,
    /// The last decided height each peer announced in its status.
    pub tips: PeerTips,
}

/// The last decided height each peer announced (peers announce their status every two seconds).
pub type PeerTips = Arc<Mutex<BTreeMap<String, BlockNumber>>>;

/// Admits gossiped batches to the pool one after the other, off the async workers, taking each
/// peer's batches in turn ([`AdmissionQueue`]). Checking signatures is CPU work, done by one
/// worker so that it never starves the re-execution of proposals.
pub fn spawn_admission_worker(application: Arc<dyn Application>) -> Arc<AdmissionQueue> {
    let queue = Arc::new(AdmissionQueue::default());
    let batches = queue.clone();
    tokio::spawn(async move {
        loop {
            let (_peer, batch) = batches.next().await;
            let application = application.clone();
            if tokio::task::spawn_blocking(move || application.receive_transactions(batch)).await.is_err() {
                break;
            }
        }
    });
    queue
}

/// A network event, as the tap receives it.
#[derive(Clone)]
pub struct TapEvent(NetworkEvent<TracechainContext>);

impl From<NetworkEvent<TracechainContext>> for TapEvent {
    fn from(event: NetworkEvent<TracechainContext>) -> Self {
        Self(event)
    }
}

struct GossipTap;

#[async_trait::async_trait]
impl Actor for GossipTap {
    type Msg = TapEvent;
    type State = TapSinks;
    type Arguments = TapSinks;

    async fn pre_start(&self, _myself: ActorRef<TapEvent>, sinks: TapSinks) -> Result<TapSinks, ActorProcessingErr> {
        Ok(sinks)
    }

    async fn handle(
        &self,
        _myself: ActorRef<TapEvent>,
        TapEvent(event): TapEvent,
        sinks: &mut TapSinks,
    ) -> Result<(), ActorProcessingErr> {
        let (from, message) = match event {
            // Queued by the peer that published the batch, not by the one that relayed it.
            NetworkEvent::ProposalPart(from, published_by, message) => (published_by.unwrap_or(from), message),
            NetworkEvent::Status(peer, status) => {
                sinks.tips.lock().insert(peer.to_string(), status.tip_height.0);
                return Ok(());
            }
            NetworkEvent::PeerDisconnected(peer) => {
                sinks.tips.lock().remove(&peer.to_string());
                return Ok(());
            }
            _ => return Ok(()),
        };
        let dropped = match message.content {
            StreamContent::Data(ProposalPart::Transactions(batch)) => sinks
                .transactions
                .push(&from.to_string(), batch)
                .err()
                .map(|_| "transaction gossip (its queue is full)"),
            StreamContent::Data(ProposalPart::PeerRecord(record)) => {
                sinks.records.try_send(record).err().map(|_| "a peer record (too many queued)")
            }
            _ => None,
        };
        if let Some(what) = dropped {
            tracing::debug!(target: "consensus", "Dropped {what} from {from}");
        }
        Ok(())
    }
}

/// Starts the tap and subscribes it to the events of `network`.
pub async fn spawn(network: &NetworkRef<TracechainContext>, sinks: TapSinks) -> Result<ActorRef<TapEvent>, BftError> {
    let (tap, _) =
        Actor::spawn(None, GossipTap, sinks).await.map_err(|error| BftError::Start(format!("gossip tap: {error}")))?;
    network
        .cast(NetworkMsg::Subscribe(Box::new(tap.clone())))
        .map_err(|error| BftError::Start(format!("gossip tap: {error}")))?;
    Ok(tap)
}
