//! One `chainHead_v1_follow` subscription: its pinned blocks, its operations, and the task that
//! turns the node's head notifications into follow events.
//!
//! The task owns the subscription's sink, so every event (chain or operation) leaves in one
//! order and nothing follows `stop`. Operations hand their events to the task through a bounded
//! channel; a client that stops reading therefore stalls its own operations, never the node.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink};
use serde_json::Value;
use tokio::{
    sync::{broadcast::error::RecvError, mpsc, oneshot},
    task::AbortHandle,
};
use tracechain_primitives::{header::Header, BlockNumber, H256};

use super::{events, ChainHeadError, Registry};
use crate::{client::NodeClient, config::NewApiLimits, connection_slots::Slot, json::message};

/// Operation events waiting for the follow task; operations wait when it is full.
const OPERATION_EVENT_BUFFER: usize = 64;

/// One follow subscription, shared by the task and the `chainHead_v1_*` methods.
pub struct Follow {
    /// Whether `withRuntime` was asked (needed by `chainHead_v1_call`).
    pub with_runtime: bool,
    limits: NewApiLimits,
    state: Mutex<FollowState>,
    events: mpsc::Sender<Value>,
}

#[derive(Default)]
struct FollowState {
    pinned: HashMap<H256, Header>,
    next_operation: u64,
    operations: HashMap<String, Operation>,
    slots_in_use: usize,
}

/// An operation in progress.
struct Operation {
    slots: usize,
    task: Option<AbortHandle>,
    resume: Option<oneshot::Sender<()>>,
}

impl Follow {
    fn state(&self) -> MutexGuard<'_, FollowState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The header of pinned block `hash`.
    pub fn pinned_header(&self, hash: &H256) -> Result<Header, ChainHeadError> {
        self.state().pinned.get(hash).cloned().ok_or(ChainHeadError::InvalidBlockHash(*hash))
    }

    /// Unpins all of `hashes`, or none of them if one is not pinned.
    pub fn unpin(&self, hashes: &[H256]) -> Result<(), ChainHeadError> {
        let mut state = self.state();
        if let Some(missing) = hashes.iter().find(|hash| !state.pinned.contains_key(hash)) {
            return Err(ChainHeadError::InvalidBlockHash(*missing));
        }
        for hash in hashes {
            state.pinned.remove(hash);
        }
        Ok(())
    }

    /// Operation slots still free.
    pub fn free_slots(&self) -> usize {
        self.limits.operations_per_follow.saturating_sub(self.state().slots_in_use)
    }

    /// Registers an operation holding `slots` slots, if they are free; its id and the handle its
    /// task keeps (dropping the handle ends the operation and frees the slots).
    pub fn start_operation(self: &Arc<Self>, slots: usize) -> Option<OperationHandle> {
        let mut state = self.state();
        if state.slots_in_use + slots > self.limits.operations_per_follow {
            return None;
        }
        state.next_operation += 1;
        let id = state.next_operation.to_string();
        state.slots_in_use += slots;
        state.operations.insert(id.clone(), Operation { slots, task: None, resume: None });
        Some(OperationHandle { follow: Arc::clone(self), id })
    }

    /// Remembers the task running operation `id`, so that `chainHead_v1_stopOperation` can end it.
    pub fn set_task(&self, id: &str, task: AbortHandle) {
        match self.state().operations.get_mut(id) {
            Some(operation) => operation.task = Some(task),
            // Already over: nothing to stop.
            None => drop(task),
        }
    }

    /// Ends operation `id` (no effect if it is over).
    pub fn stop_operation(&self, id: &str) {
        let removed = self.finish(id);
        if let Some(task) = removed.and_then(|operation| operation.task) {
            task.abort();
        }
    }

    /// Resumes operation `id` waiting for `chainHead_v1_continue`; `Ok` with no effect when it is
    /// unknown or over.
    pub fn resume(&self, id: &str) -> Result<(), ChainHeadError> {
        let mut state = self.state();
        let Some(operation) = state.operations.get_mut(id) else { return Ok(()) };
        let resume = operation.resume.take().ok_or(ChainHeadError::NotWaitingForContinue)?;
        // The operation may have been stopped meanwhile: then nobody listens, which is fine.
        let _ = resume.send(());
        Ok(())
    }

    fn finish(&self, id: &str) -> Option<Operation> {
        let mut state = self.state();
        let operation = state.operations.remove(id)?;
        state.slots_in_use = state.slots_in_use.saturating_sub(operation.slots);
        Some(operation)
    }

    fn pin(&self, header: &Header) -> Result<(), Stop> {
        let mut state = self.state();
        if state.pinned.len() >= self.limits.pinned_blocks_per_follow {
            return Err(Stop);
        }
        state.pinned.insert(header.hash(), header.clone());
        Ok(())
    }

    fn end(&self) {
        let mut state = self.state();
        for (_, operation) in state.operations.drain() {
            if let Some(task) = operation.task {
                task.abort();
            }
        }
        state.slots_in_use = 0;
        state.pinned.clear();
    }
}

/// An operation's hold on its follow subscription: the way it reports events, and its slots
/// until it is dropped.
pub struct OperationHandle {
    follow: Arc<Follow>,
    id: String,
}

impl OperationHandle {
    /// The operation's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The follow subscription.
    pub fn follow(&self) -> &Arc<Follow> {
        &self.follow
    }

    /// Sends `event` on the subscription; `false` when the subscription is gone.
    pub async fn send(&self, event: Value) -> bool {
        self.follow.events.send(event).await.is_ok()
    }

    /// Sends `operationWaitingForContinue` and waits for `chainHead_v1_continue`; `false` when the
    /// subscription ended instead.
    pub async fn wait_for_continue(&self) -> bool {
        let (resume, resumed) = oneshot::channel();
        {
            let mut state = self.follow.state();
            let Some(operation) = state.operations.get_mut(&self.id) else { return false };
            // Armed before the event leaves, so a `continue` sent at once finds it.
            operation.resume = Some(resume);
        }
        self.send(events::waiting_for_continue(&self.id)).await && resumed.await.is_ok()
    }
}

impl Drop for OperationHandle {
    fn drop(&mut self) {
        self.follow.finish(&self.id);
    }
}

/// The subscription must end with `stop`: too many pinned blocks, or a gap in what the node
/// reports.
#[derive(Debug)]
struct Stop;

/// What the subscription has reported so far. Tracechain's chain is linear (BFT finality leaves
/// no forks), so the reported blocks are the chain up to `tip`.
struct Reported {
    tip: (BlockNumber, H256),
    finalized: BlockNumber,
    /// Reported blocks above the finalized one, oldest first.
    unfinalized: VecDeque<(BlockNumber, H256)>,
}

impl Reported {
    /// Reports every block up to `head` not reported yet (`newBlock`s, then `bestBlockChanged`).
    fn extend_to(
        &mut self,
        client: &dyn NodeClient,
        follow: &Follow,
        head: &Header,
        out: &mut Vec<Value>,
    ) -> Result<(), Stop> {
        let (tip_number, tip_hash) = self.tip;
        if head.number <= tip_number {
            return Ok(());
        }
        // The missing blocks, walked back from `head`; a gap wider than the pins left cannot be
        // reported without passing the bound anyway.
        let gap = (head.number - tip_number) as usize;
        if gap > follow.limits.pinned_blocks_per_follow {
            return Err(Stop);
        }
        let mut missing = vec![head.clone()];
        while let Some(oldest) = missing.last().filter(|oldest| oldest.number > tip_number + 1) {
            let parent = client.header(&oldest.parent_hash).ok().flatten().ok_or(Stop)?;
            missing.push(parent);
        }
        if missing.last().map(|oldest| oldest.parent_hash) != Some(tip_hash) {
            return Err(Stop);
        }
        for header in missing.iter().rev() {
            follow.pin(header)?;
            let hash = header.hash();
            out.push(events::new_block(hash, header.parent_hash, follow.with_runtime));
            self.unfinalized.push_back((header.number, hash));
        }
        if self.unfinalized.len() > follow.limits.pinned_blocks_per_follow {
            return Err(Stop);
        }
        let head_hash = head.hash();
        out.push(events::best_block_changed(head_hash));
        self.tip = (head.number, head_hash);
        Ok(())
    }

    /// Reports `header` and its ancestors as finalized.
    fn finalize(
        &mut self,
        client: &dyn NodeClient,
        follow: &Follow,
        header: &Header,
        out: &mut Vec<Value>,
    ) -> Result<(), Stop> {
        self.extend_to(client, follow, header, out)?;
        if header.number <= self.finalized {
            return Ok(());
        }
        let mut hashes = Vec::new();
        while let Some(&(number, hash)) = self.unfinalized.front().filter(|(number, _)| *number <= header.number) {
            self.unfinalized.pop_front();
            hashes.push(hash);
            self.finalized = number;
        }
        out.push(events::finalized(&hashes));
        Ok(())
    }
}

/// Removes the subscription from the registry and ends its operations however the task ends.
struct Cleanup {
    registry: Arc<Registry>,
    id: String,
    follow: Arc<Follow>,
    _slot: Slot,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.registry.remove(&self.id);
        self.follow.end();
    }
}

/// Runs one follow subscription until the client leaves, unfollows, or is sent `stop`.
pub(super) async fn run(
    pending: PendingSubscriptionSink,
    client: Arc<dyn NodeClient>,
    registry: Arc<Registry>,
    with_runtime: bool,
) {
    let Some(slot) = registry.follow_slots.acquire(pending.connection_id()) else {
        let max = registry.follow_slots.max();
        return pending.reject(ChainHeadError::TooManyFollows { max }).await;
    };
    let id = super::subscription_id(&pending.subscription_id());
    let (events_sender, mut operation_events) = mpsc::channel(OPERATION_EVENT_BUFFER);
    let follow = Arc::new(Follow {
        with_runtime,
        limits: registry.limits.clone(),
        state: Mutex::new(FollowState::default()),
        events: events_sender,
    });
    // Subscribed before the current heads are read, so no block falls between the two.
    let mut best = client.subscribe_best();
    let mut finalized = client.subscribe_finalized();
    registry.insert(id.clone(), Arc::clone(&follow));
    let _cleanup = Cleanup { registry, id, follow: Arc::clone(&follow), _slot: slot };
    let Ok(sink) = pending.accept().await else { return };

    let mut out = Vec::new();
    let mut reported = match initial(&*client, &follow, &mut out) {
        Ok(reported) => reported,
        Err(Stop) => return send_stop(&sink).await,
    };
    if !send_all(&sink, &mut out).await {
        return;
    }
    loop {
        let outcome = tokio::select! {
            () = sink.closed() => return,
            received = best.recv() => match received {
                Ok(header) => reported.extend_to(&*client, &follow, &header, &mut out),
                // A missed header is filled in from the next one's ancestry.
                Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => Err(Stop),
            },
            received = finalized.recv() => match received {
                Ok(header) => reported.finalize(&*client, &follow, &header, &mut out),
                Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => Err(Stop),
            },
            Some(event) = operation_events.recv() => {
                out.push(event);
                Ok(())
            }
        };
        if !send_all(&sink, &mut out).await {
            return;
        }
        if outcome.is_err() {
            return send_stop(&sink).await;
        }
    }
}

/// The `initialized` event (the recent finalized blocks, pinned), then the blocks above the
/// finalized one and the best block.
fn initial(client: &dyn NodeClient, follow: &Follow, out: &mut Vec<Value>) -> Result<Reported, Stop> {
    let finalized = client.finalized_header();
    let mut recent = vec![finalized.clone()];
    while let Some(oldest) =
        recent.last().filter(|oldest| oldest.number > 0 && recent.len() < follow.limits.initial_finalized_blocks)
    {
        match client.header(&oldest.parent_hash) {
            Ok(Some(parent)) => recent.push(parent),
            // An ancestor the node no longer has: report fewer.
            _ => break,
        }
    }
    recent.reverse();
    for header in &recent {
        follow.pin(header)?;
    }
    let hashes: Vec<H256> = recent.iter().map(Header::hash).collect();
    out.push(events::initialized(&hashes, follow.with_runtime));
    let finalized_hash = finalized.hash();
    let mut reported =
        Reported { tip: (finalized.number, finalized_hash), finalized: finalized.number, unfinalized: VecDeque::new() };
    let best = client.best_header();
    if best.number > finalized.number {
        reported.extend_to(client, follow, &best, out)?;
    } else {
        out.push(events::best_block_changed(finalized_hash));
    }
    Ok(reported)
}

/// Sends and clears `out`; `false` when the client is gone.
async fn send_all(sink: &SubscriptionSink, out: &mut Vec<Value>) -> bool {
    for event in out.drain(..) {
        let Some(notification) = message(&event) else { return false };
        if sink.send(notification).await.is_err() {
            return false;
        }
    }
    true
}

async fn send_stop(sink: &SubscriptionSink) {
    tracing::debug!(target: "rpc", "chainHead_v1_follow {:?}: stop", sink.subscription_id());
    if let Some(notification) = message(&events::stop()) {
        let _ = sink.send(notification).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow() -> Arc<Follow> {
        let (events, _) = mpsc::channel(OPERATION_EVENT_BUFFER);
        Arc::new(Follow {
            with_runtime: true,
            limits: NewApiLimits::default(),
            state: Mutex::new(FollowState::default()),
            events,
        })
    }

    #[test]
    fn continue_for_a_running_operation_is_error_32803_and_changes_nothing() {
        let follow = follow();
        let operation = follow.start_operation(1).expect("a free slot");
        let error = follow.resume(operation.id()).unwrap_err();
        assert!(matches!(error, ChainHeadError::NotWaitingForContinue));
        assert_eq!(jsonrpsee::types::ErrorObjectOwned::from(error).code(), -32803);
        assert_eq!(follow.free_slots(), NewApiLimits::default().operations_per_follow - 1, "still running");
        // Unknown or finished operations: no effect, no error (the spec's rule for a race with the end).
        assert!(follow.resume("999").is_ok());
        let id = operation.id().to_string();
        drop(operation);
        assert!(follow.resume(&id).is_ok());
        assert_eq!(follow.free_slots(), NewApiLimits::default().operations_per_follow);
    }
}
