//! Gossiped transaction batches waiting for the pool, queued per publishing peer and admitted
//! in turn.
//!
//! Admission checks signatures, the costliest thing a transaction asks of a validator, on one
//! worker so that it never starves the re-execution of proposals. With one queue for all peers,
//! a peer that floods batches (of invalid transactions, or of a non-member's) would fill it and
//! every honest batch behind it would be dropped. Here each peer has its own queue and the
//! worker takes one batch from each peer in turn, so a flooder delays others by at most one
//! batch per round and loses only its own batches.
//!
//! ## Bounds
//! | bound | value | when reached |
//! |---|---|---|
//! | batches queued per peer | [`BATCHES_PER_PEER`] = 4 | the peer's new batch is dropped |
//! | peers with queued batches | [`MAX_PEERS`] = 256 | a new peer's batch is dropped |
//! | bytes queued in all | [`MAX_QUEUED_BYTES`] = 64 MiB | the new batch is dropped |
//!
//! A dropped batch is not lost for the chain: the node a transaction was submitted to keeps it
//! and includes it when it proposes.

use std::collections::{BTreeMap, VecDeque};

use parking_lot::Mutex;
use tokio::sync::Notify;

/// Batches queued per peer.
pub const BATCHES_PER_PEER: usize = 4;
/// Peers with batches queued.
pub const MAX_PEERS: usize = 256;
/// Bytes of transactions queued over all peers.
pub const MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;

/// Why a batch was not queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueFull {
    /// The peer has its share queued.
    #[error("{BATCHES_PER_PEER} batches of this peer are queued")]
    Peer,
    /// Too many peers have batches queued.
    #[error("{MAX_PEERS} peers have batches queued")]
    Peers,
    /// The queue holds its most bytes.
    #[error("{MAX_QUEUED_BYTES} bytes are queued")]
    Bytes,
}

#[derive(Default)]
struct Queues {
    by_peer: BTreeMap<String, VecDeque<Vec<Vec<u8>>>>,
    /// Peers with batches, in the order they are served.
    turn: VecDeque<String>,
    bytes: usize,
}

/// The per-peer queues, shared by the gossip tap (which pushes) and the admission worker.
#[derive(Default)]
pub struct AdmissionQueue {
    queues: Mutex<Queues>,
    ready: Notify,
}

impl AdmissionQueue {
    /// Queues `batch` from `peer`, unless a bound is reached.
    pub fn push(&self, peer: &str, batch: Vec<Vec<u8>>) -> Result<(), QueueFull> {
        let size: usize = batch.iter().map(Vec::len).sum();
        {
            let mut queues = self.queues.lock();
            if queues.bytes.saturating_add(size) > MAX_QUEUED_BYTES {
                return Err(QueueFull::Bytes);
            }
            let peers = queues.by_peer.len();
            let queues = &mut *queues;
            match queues.by_peer.get_mut(peer) {
                Some(queue) if queue.len() >= BATCHES_PER_PEER => return Err(QueueFull::Peer),
                Some(queue) => queue.push_back(batch),
                None if peers >= MAX_PEERS => return Err(QueueFull::Peers),
                None => {
                    queues.by_peer.insert(peer.to_string(), VecDeque::from([batch]));
                    queues.turn.push_back(peer.to_string());
                }
            }
            queues.bytes += size;
        }
        self.ready.notify_one();
        Ok(())
    }

    /// The next batch in turn: the oldest of the peer whose turn it is.
    pub fn pop(&self) -> Option<(String, Vec<Vec<u8>>)> {
        let mut queues = self.queues.lock();
        let peer = queues.turn.pop_front()?;
        let queue = queues.by_peer.get_mut(&peer)?;
        let batch = queue.pop_front()?;
        if queue.is_empty() {
            queues.by_peer.remove(&peer);
        } else {
            queues.turn.push_back(peer.clone());
        }
        queues.bytes -= batch.iter().map(Vec::len).sum::<usize>();
        Some((peer, batch))
    }

    /// Waits for the next batch.
    pub async fn next(&self) -> (String, Vec<Vec<u8>>) {
        loop {
            if let Some(next) = self.pop() {
                return next;
            }
            self.ready.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(tag: u8) -> Vec<Vec<u8>> {
        vec![vec![tag; 10]]
    }

    #[test]
    fn a_flooding_peer_fills_only_its_own_queue_and_others_are_served_in_turn() {
        let queue = AdmissionQueue::default();
        for _ in 0..BATCHES_PER_PEER {
            queue.push("flooder", batch(0)).expect("its share");
        }
        assert_eq!(queue.push("flooder", batch(0)), Err(QueueFull::Peer));
        queue.push("honest", batch(1)).expect("an honest batch still queues");
        let served: Vec<String> = std::iter::from_fn(|| queue.pop()).map(|(peer, _)| peer).collect();
        assert_eq!(served[..2], ["flooder".to_string(), "honest".to_string()], "the honest batch waits one turn");
        assert_eq!(served.len(), BATCHES_PER_PEER + 1);
        assert_eq!(queue.queues.lock().bytes, 0);
    }

    #[test]
    fn peers_and_bytes_are_bounded() {
        let queue = AdmissionQueue::default();
        for peer in 0..MAX_PEERS {
            queue.push(&format!("peer-{peer}"), batch(2)).expect("room");
        }
        assert_eq!(queue.push("one-more", batch(2)), Err(QueueFull::Peers));
        let queue = AdmissionQueue::default();
        let huge = vec![vec![0u8; MAX_QUEUED_BYTES / 2 + 1]];
        queue.push("a", huge.clone()).expect("room");
        assert_eq!(queue.push("b", huge), Err(QueueFull::Bytes));
    }
}
