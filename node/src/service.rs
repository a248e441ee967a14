//! The node service: the chain, the pool and the consensus engine wired together, and the
//! [`NodeClient`] the RPC server reads through.
//!
//! Block production (as the proposer): take ready transactions from the pool in order, apply
//! each without re-verifying its signature (the pool did) until the engine's deadline, leave out
//! what the block refuses, finalize. Verification (as a validator): re-execute the proposal,
//! checking only the signatures of transactions this node's pool does not hold. Commit: check
//! the certificate against the validator set of the parent state, store the block in one atomic
//! batch (synced: it is final), then revalidate the pool and tell subscribers.

use std::collections::BTreeMap;
use std::time::Instant;

use parity_scale_codec::{Decode, Encode};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{broadcast, mpsc};
use tracechain_engine::{
    clock::wall_clock_ms, Application, ApplicationError, Certificate, NetworkStatus, ReservedPeerChange,
    ReservedPeerReply, ReservedPeerRequest,
};
use tracechain_primitives::hashing::short_display;
use tracechain_primitives::{
    header::{Block, Digest, Header},
    trie::{NodeStore, TrieError, TrieView},
    AccountId32, BlockNumber, Moment, Nonce, H256,
};
use tracechain_rpc::{
    client::{ClientError, NodeClient, SubmitError, TransactionStatus},
    peers::{PeerInfo, SyncState},
};
use tracechain_runtime::{
    executive::{BlockBuilder, ExecutedBlock, SignatureCheck},
    ChainSpec, RuntimeEvent, TransactionError, TransactionSource,
};
use tracechain_support::{EventRecord, Overlay};

use crate::{
    chain::{Chain, ChainError, Pruning},
    metrics::Metrics,
    pool::{Pool, PoolError, Readiness, TxStatus},
};

/// Most transactions offered to one block.
const MAX_BLOCK_TRANSACTIONS: usize = 20_000;
/// Most equivocation reports put into one block.
const MAX_BLOCK_EQUIVOCATION_REPORTS: usize = 16;
/// Most equivocation reports kept while waiting to be recorded.
const MAX_PENDING_EQUIVOCATION_REPORTS: usize = 256;

/// A running node's shared state.
pub struct Node {
    chain: Chain,
    pool: Pool,
    name: String,
    best_headers: broadcast::Sender<Header>,
    finalized_headers: broadcast::Sender<Header>,
    /// Blocks executed but not committed yet: this node's proposal and the proposals it
    /// verified, for the height being decided.
    executed: Mutex<Vec<ExecutedBlock>>,
    gossip: Mutex<Option<mpsc::Sender<Vec<u8>>>>,
    reserved_peer_control: Mutex<Option<mpsc::Sender<ReservedPeerRequest>>>,
    network: RwLock<NetworkStatus>,
    /// Equivocations seen by the engine and not yet recorded on chain, by offence.
    equivocations: Mutex<BTreeMap<pallet_membership::Offence, pallet_membership::EquivocationReport>>,
    metrics: Metrics,
    /// The best block's number when the node started (`system_syncState.startingBlock`).
    starting_block: BlockNumber,
}

/// How far the highest height a peer announced may be ahead before the node counts as syncing
/// (Substrate's major-sync distance).
const MAJOR_SYNC_BLOCKS: BlockNumber = 5;

/// Most executed, uncommitted blocks kept (one per round of the height being decided).
const MAX_EXECUTED_BLOCKS: usize = 16;

impl Node {
    /// A node over `chain` with `pool`.
    pub fn new(chain: Chain, pool: Pool, name: String, metrics: Metrics) -> Self {
        let (best_headers, _) = broadcast::channel(256);
        let (finalized_headers, _) = broadcast::channel(256);
        metrics.set_heights(chain.best().number, chain.finalized().number);
        let starting_block = chain.best().number;
        Self {
            chain,
            pool,
            name,
            best_headers,
            finalized_headers,
            executed: Mutex::new(Vec::new()),
            gossip: Mutex::new(None),
            reserved_peer_control: Mutex::new(None),
            network: RwLock::new(NetworkStatus::default()),
            equivocations: Mutex::new(BTreeMap::new()),
            metrics,
            starting_block,
        }
    }

    /// The highest height a connected peer announced.
    fn highest_announced(&self) -> Option<BlockNumber> {
        self.network.read().peers.iter().filter_map(|peer| peer.tip).max()
    }

    /// The chain.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Submits a transaction from this node's RPC.
    pub fn submit_local(&self, bytes: Vec<u8>) -> Result<(H256, Readiness), PoolError> {
        let best = self.chain.best();
        let state = self.chain.state_at(best.state_root);
        let outcome =
            self.pool.submit(self.chain.runtime(), &state, best.hash(), TransactionSource::Local, bytes.clone());
        self.metrics.set_pool_size(self.pool.len());
        if outcome.is_ok() {
            if let Some(gossip) = self.gossip.lock().as_ref() {
                // A full gossip queue only delays the transaction: it stays in this pool, and
                // this node includes it when it proposes.
                if gossip.try_send(bytes).is_err() {
                    tracing::debug!(target: "node", "transaction gossip queue full");
                }
            }
        }
        outcome
    }

    /// Adds the pending equivocation reports to a block being built (after the timestamp). A
    /// report the runtime refuses (recorded meanwhile, or stale) is dropped; an included one is
    /// kept, since this block may not be decided, until a later block refuses it as recorded.
    fn include_equivocation_reports<S: NodeStore + ?Sized>(&self, builder: &mut BlockBuilder<'_, TrieView<'_, S>>) {
        let mut pending = self.equivocations.lock();
        let mut refused = Vec::new();
        for (offence, report) in pending.iter().take(MAX_BLOCK_EQUIVOCATION_REPORTS) {
            if let Err(reason) = builder.apply_equivocation_report(report.clone()) {
                tracing::debug!(target: "node", "not reporting equivocation at #{}: {reason}", report.height);
                refused.push(*offence);
            }
        }
        for offence in refused {
            pending.remove(&offence);
        }
    }

    /// Keeps an executed block until the height is decided.
    fn keep_executed(&self, executed: ExecutedBlock) {
        let mut kept = self.executed.lock();
        let hash = executed.block.hash();
        kept.retain(|other| other.block.hash() != hash && other.block.header.number == executed.block.header.number);
        if kept.len() >= MAX_EXECUTED_BLOCKS {
            kept.remove(0);
        }
        kept.push(executed);
    }

    fn verify_certificate(&self, block: &Block, certificate: &Certificate) -> Result<(), ApplicationError> {
        let parent = self.chain.best();
        let validators = {
            let state = self.chain.state_at(parent.state_root);
            let overlay = Overlay::new(&state);
            pallet_membership::validators(&overlay)
        };
        tracechain_engine::verify_certificate(
            self.chain.genesis().hash(),
            block.header.number,
            block.hash(),
            certificate,
            &validators,
        )
        .map_err(ApplicationError::invalid)
    }

    fn after_import(&self, executed: &ExecutedBlock, started: Instant) {
        let header = &executed.block.header;
        let hash = header.hash();
        let included: Vec<H256> = executed.block.extrinsics.iter().map(|extrinsic| extrinsic.hash()).collect();
        let state = self.chain.state_at(header.state_root);
        self.pool.on_block(self.chain.runtime(), &state, hash, &included, true);
        let signed = included.len().saturating_sub(1);
        self.metrics.on_import(header.number, signed, started.elapsed(), self.pool.len());
        tracing::info!(target: "node", "Imported #{} ({}), {} tx", header.number, short_display(&hash), signed);
        let _ = self.best_headers.send(header.clone());
        let _ = self.finalized_headers.send(header.clone());
    }

    /// Imports a block received from elsewhere (sync, `import-blocks`): its certificate must
    /// verify against the validator set, then the block is re-executed and stored.
    pub fn import_verified(&self, block: Block, certificate: Option<Certificate>) -> Result<(), ImportError> {
        let certificate = certificate.ok_or(ImportError::MissingCertificate)?;
        self.verify_certificate(&block, &certificate)
            .map_err(|error| ImportError::BadCertificate(error.to_string()))?;
        let started = Instant::now();
        let executed = self.chain.import(&block, Some(certificate.encode()))?;
        self.after_import(&executed, started);
        Ok(())
    }
}

/// Why a received block was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A final block needs its certificate.
    #[error("the block has no finality certificate")]
    MissingCertificate,
    /// The certificate does not finalize this block.
    #[error("bad finality certificate: {0}")]
    BadCertificate(String),
    /// The chain refused the block.
    #[error(transparent)]
    Chain(#[from] ChainError),
}

impl Application for Node {
    fn genesis_hash(&self) -> H256 {
        self.chain.genesis().hash()
    }

    fn propose(&self, deadline: Instant) -> Result<Block, ApplicationError> {
        let error = |error: &dyn std::fmt::Display| ApplicationError::local(error);
        let runtime = self.chain.runtime();
        let best = self.chain.best();
        let state = self.chain.state_at(best.state_root);
        let previous_time = pallet_timestamp::now(&Overlay::new(&state));
        let now = wall_clock_ms().max(previous_time + pallet_timestamp::MINIMUM_PERIOD_MS);
        let mut builder = runtime.block_builder(&state, &best, Digest::default()).map_err(|e| error(&e))?;
        builder.apply_timestamp(now).map_err(|e| error(&e))?;
        self.include_equivocation_reports(&mut builder);
        let ready = self.pool.ready(|account| runtime.account_nonce(&state, account), MAX_BLOCK_TRANSACTIONS);
        let offered = ready.len();
        let (mut applied, mut waiting) = (0, 0);
        let mut refused = Vec::new();
        for (hash, bytes) in ready {
            if Instant::now() >= deadline {
                break;
            }
            match builder.apply_extrinsic(&bytes, SignatureCheck::AlreadyVerified) {
                Ok(_) => applied += 1,
                // Full: the rest waits for the next block.
                Err(TransactionError::ExhaustsResources { .. }) => break,
                // An earlier nonce of the sender was refused: wait for it.
                Err(TransactionError::Future { .. }) => waiting += 1,
                Err(reason) => {
                    tracing::debug!(target: "node", "leaving out {}: {reason}", short_display(&hash));
                    refused.push(hash);
                }
            }
        }
        tracing::debug!(
            target: "node",
            "Built #{}: {applied} of {offered} ready transactions applied, {waiting} wait for an earlier nonce, {} refused (pool {})",
            best.number + 1,
            refused.len(),
            self.pool.len()
        );
        self.pool.remove_invalid(&refused);
        let executed = builder.finalize().map_err(|e| error(&e))?;
        let block = executed.block.clone();
        self.keep_executed(executed);
        Ok(block)
    }

    fn best_number(&self) -> BlockNumber {
        self.chain.best().number
    }

    fn best_timestamp(&self) -> Moment {
        pallet_timestamp::now(&Overlay::new(&self.chain.state_at(self.chain.best().state_root)))
    }

    fn history_start(&self) -> BlockNumber {
        self.chain.oldest_state().saturating_add(1)
    }

    fn validators_for(&self, number: BlockNumber) -> Option<Vec<[u8; 32]>> {
        let parent_number = number.checked_sub(1)?;
        let parent_hash = self.chain.hash_of(parent_number).ok()??;
        let parent = self.chain.header(&parent_hash).ok()??;
        let state = self.chain.state_of(&parent).ok()?;
        let overlay = Overlay::new(&state);
        let validators = pallet_membership::validators(&overlay);
        // A state whose trie nodes are gone (pruned) reads as empty: that is not a set.
        (!validators.is_empty()).then(|| validators.into_iter().map(|validator| validator.consensus_key).collect())
    }

    fn verify(&self, block: &Block) -> Result<(), ApplicationError> {
        let hash = block.hash();
        if self.executed.lock().iter().any(|executed| executed.block.hash() == hash) {
            return Ok(());
        }
        let best = self.chain.best();
        if block.header.parent_hash != best.hash() {
            return Err(ApplicationError::invalid(format!(
                "block #{} builds on {}, not on the best block #{} {}",
                block.header.number,
                short_display(&block.header.parent_hash),
                best.number,
                short_display(&best.hash())
            )));
        }
        // The pool verified the signatures of the transactions it holds (most of a block, once
        // gossip has spread them): only the others are checked again.
        let executed = self
            .chain
            .runtime()
            .execute_block_with(&self.chain.state_at(best.state_root), block, |hash| self.pool.contains(hash))
            .map_err(|error| {
                if error.is_local_failure() {
                    ApplicationError::local(format!("re-executing block #{}: {error}", block.header.number))
                } else {
                    ApplicationError::invalid(error)
                }
            })?;
        let block_time = executed
            .changes
            .get(&pallet_timestamp::NOW.key())
            .and_then(|value| value.as_deref())
            .and_then(|mut bytes| Moment::decode(&mut bytes).ok())
            .unwrap_or_default();
        pallet_timestamp::check_drift(block_time, wall_clock_ms()).map_err(|e| {
            ApplicationError::invalid(format!("block #{} is dated {block_time} ms: {e}", block.header.number))
        })?;
        self.keep_executed(executed);
        Ok(())
    }

    fn decided(&self, number: BlockNumber) -> Result<Option<(Block, Certificate)>, ApplicationError> {
        let error = |e: &dyn std::fmt::Display| ApplicationError::local(e);
        let Some(hash) = self.chain.hash_of(number).map_err(|e| error(&e))? else { return Ok(None) };
        let Some(block) = self.chain.block(&hash).map_err(|e| error(&e))? else { return Ok(None) };
        let Some(justification) = self.chain.justification(&hash).map_err(|e| error(&e))? else { return Ok(None) };
        let certificate = Certificate::decode(&mut &justification[..]).map_err(|e| error(&e))?;
        Ok(Some((block, certificate)))
    }

    fn receive_transactions(&self, transactions: Vec<Vec<u8>>) {
        let best = self.chain.best();
        let state = self.chain.state_at(best.state_root);
        // Already pooled, stale or invalid transactions from peers are dropped quietly.
        let _outcomes = self.pool.submit_batch(
            self.chain.runtime(),
            &state,
            best.hash(),
            TransactionSource::External,
            transactions,
        );
        self.metrics.set_pool_size(self.pool.len());
    }

    fn set_transaction_gossip(&self, gossip: mpsc::Sender<Vec<u8>>) {
        *self.gossip.lock() = Some(gossip);
    }

    fn set_reserved_peer_control(&self, control: mpsc::Sender<ReservedPeerRequest>) {
        *self.reserved_peer_control.lock() = Some(control);
    }

    fn set_network_status(&self, status: NetworkStatus) {
        self.metrics.set_peers(status.peers.len());
        *self.network.write() = status;
    }

    fn report_equivocations(&self, reports: Vec<pallet_membership::EquivocationReport>) {
        let mut pending = self.equivocations.lock();
        for report in reports {
            if pending.len() >= MAX_PENDING_EQUIVOCATION_REPORTS {
                break;
            }
            pending.insert(report.offence(), report);
        }
    }

    fn on_decided(&self, _number: BlockNumber, round: u32, took: std::time::Duration) {
        self.metrics.on_decided(round, took);
    }

    fn commit(&self, block: Block, certificate: Certificate) -> Result<(), ApplicationError> {
        let started = Instant::now();
        self.verify_certificate(&block, &certificate)?;
        let hash = block.hash();
        let own = {
            let mut kept = self.executed.lock();
            let own =
                kept.iter().position(|executed| executed.block.hash() == hash).map(|index| kept.swap_remove(index));
            kept.clear();
            own
        };
        let executed = match own {
            Some(executed) => {
                self.chain.commit(&executed, Some(certificate.encode())).map_err(ApplicationError::local)?;
                executed
            }
            None => self.chain.import(&block, Some(certificate.encode())).map_err(ApplicationError::local)?,
        };
        self.after_import(&executed, started);
        Ok(())
    }
}

impl Node {
    /// A state read failure; a missing root on a pruning node is most likely a pruned state.
    fn state_error(&self, error: TrieError) -> ClientError {
        match (error, self.chain.pruning()) {
            (TrieError::MissingNode { hash }, Pruning::Last(_)) => ClientError::StatePruned {
                missing: hash,
                kept: self.chain.pruning().to_string(),
                oldest: self.chain.oldest_state(),
            },
            (error, _) => client_error(error),
        }
    }
}

fn client_error(error: impl std::fmt::Display) -> ClientError {
    ClientError::Database(error.to_string())
}

fn status(readiness: Readiness) -> TransactionStatus {
    match readiness {
        Readiness::Ready => TransactionStatus::Ready,
        Readiness::Future => TransactionStatus::Future,
    }
}

fn submit_error(error: PoolError) -> SubmitError {
    match error {
        PoolError::Invalid(error) => SubmitError::Invalid(error),
        PoolError::AlreadyImported { hash } => SubmitError::AlreadyImported(hash),
        taken @ PoolError::NonceTaken { .. } => SubmitError::TooLowPriority(taken.to_string()),
        PoolError::Full { reason } => SubmitError::PoolFull(reason),
        ahead @ PoolError::TooFarAhead { .. } => SubmitError::PoolFull(ahead.to_string()),
    }
}

impl NodeClient for Node {
    fn spec(&self) -> &ChainSpec {
        self.chain.spec()
    }

    fn node_name(&self) -> String {
        self.name.clone()
    }

    fn peer_count(&self) -> usize {
        self.network.read().peers.len()
    }

    fn is_syncing(&self) -> bool {
        self.highest_announced().is_some_and(|highest| highest > self.chain.best().number + MAJOR_SYNC_BLOCKS)
    }

    fn sync_state(&self) -> SyncState {
        let current = self.chain.best().number;
        SyncState {
            starting_block: self.starting_block,
            current_block: current,
            highest_block: self.highest_announced().unwrap_or(current).max(current),
        }
    }

    fn peers(&self) -> Vec<PeerInfo> {
        let best = self.chain.best();
        self.network
            .read()
            .peers
            .iter()
            .map(|peer| {
                // A peer announces its height only; all blocks are final, so its hash is the one
                // this node has at that height. A peer not heard from yet, or ahead of this node,
                // is reported at this node's best block: a lower bound.
                let known = peer
                    .tip
                    .filter(|tip| *tip <= best.number)
                    .and_then(|tip| self.chain.hash_of(tip).ok().flatten().map(|hash| (hash, tip)));
                let (best_hash, best_number) = known.unwrap_or((best.hash(), best.number));
                PeerInfo {
                    peer_id: peer.peer_id.clone(),
                    roles: if peer.validator { "AUTHORITY" } else { "FULL" }.to_string(),
                    best_hash,
                    best_number,
                }
            })
            .collect()
    }

    fn local_peer_id(&self) -> Option<String> {
        self.network.read().local_peer_id.clone()
    }

    fn local_listen_addresses(&self) -> Vec<String> {
        self.network.read().local_addresses.clone()
    }

    fn reserved_peers(&self) -> Option<Vec<String>> {
        let network = self.network.read();
        network.local_peer_id.is_some().then(|| network.reserved_peers.clone())
    }

    fn change_reserved_peers(&self, change: ReservedPeerChange) -> Option<ReservedPeerReply> {
        let control = self.reserved_peer_control.lock().clone()?;
        let (answer, reply) = tokio::sync::oneshot::channel();
        if let Err(mpsc::error::TrySendError::Full((_, answer)) | mpsc::error::TrySendError::Closed((_, answer))) =
            control.try_send((change, answer))
        {
            let _ = answer.send(Err("the network is busy; try again".to_string()));
        }
        Some(reply)
    }

    fn genesis_hash(&self) -> H256 {
        self.chain.genesis().hash()
    }

    fn best_header(&self) -> Header {
        self.chain.best()
    }

    fn finalized_header(&self) -> Header {
        self.chain.finalized()
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        self.chain.header(hash).map_err(client_error)
    }

    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        self.chain.hash_of(number).map_err(client_error)
    }

    fn block(&self, hash: &H256) -> Result<Option<(Block, Option<Vec<u8>>)>, ClientError> {
        let Some(block) = self.chain.block(hash).map_err(client_error)? else { return Ok(None) };
        let justification = self.chain.justification(hash).map_err(client_error)?;
        Ok(Some((block, justification)))
    }

    fn events(&self, hash: &H256) -> Result<Vec<EventRecord<RuntimeEvent>>, ClientError> {
        self.chain.events(hash).map_err(client_error)
    }

    fn storage(&self, state_root: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ClientError> {
        self.chain.state_at(state_root).get(key).map_err(|error| self.state_error(error))
    }

    fn storage_keys(
        &self,
        state_root: H256,
        prefix: &[u8],
        count: usize,
        start_after: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, ClientError> {
        self.chain.state_at(state_root).keys_paged(prefix, count, start_after).map_err(|error| self.state_error(error))
    }

    fn read_proof(&self, state_root: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ClientError> {
        self.chain.state_at(state_root).read_proof(keys).map_err(|error| self.state_error(error))
    }

    fn next_nonce(&self, account: &AccountId32) -> Result<Nonce, ClientError> {
        let best = self.chain.best();
        let state_nonce = self.chain.runtime().account_nonce(&self.chain.state_at(best.state_root), account);
        Ok(self.pool.next_nonce(account, state_nonce))
    }

    fn account_nonce(&self, state_root: H256, account: &AccountId32) -> Result<Nonce, ClientError> {
        Ok(self.chain.runtime().account_nonce(&self.chain.state_at(state_root), account))
    }

    fn validate_transaction(&self, bytes: &[u8]) -> Result<Result<Vec<u8>, Vec<u8>>, ClientError> {
        let best = self.chain.best();
        let state = self.chain.state_at(best.state_root);
        Ok(self
            .chain
            .runtime()
            .validate_transaction(&state, best.hash(), TransactionSource::External, bytes, SignatureCheck::Verify)
            .map(|valid| valid.encode())
            .map_err(|error| error.to_substrate()))
    }

    fn submit(&self, bytes: Vec<u8>) -> Result<(H256, TransactionStatus), SubmitError> {
        let (hash, readiness) = self.submit_local(bytes).map_err(submit_error)?;
        Ok((hash, status(readiness)))
    }

    fn submit_and_watch(&self, bytes: Vec<u8>) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError> {
        let (hash, readiness) = self.submit_local(bytes).map_err(submit_error)?;
        let mut statuses = self.pool.watch(hash, readiness);
        let (sender, receiver) = mpsc::channel(16);
        tokio::spawn(async move {
            while let Some(update) = statuses.recv().await {
                let update = match update {
                    TxStatus::Ready => TransactionStatus::Ready,
                    TxStatus::Future => TransactionStatus::Future,
                    TxStatus::InBlock(block) => TransactionStatus::InBlock(block),
                    TxStatus::Finalized(block) => TransactionStatus::Finalized(block),
                    TxStatus::Invalid => TransactionStatus::Invalid,
                    TxStatus::Dropped => TransactionStatus::Dropped,
                };
                if sender.send(update).await.is_err() {
                    break;
                }
            }
        });
        Ok((hash, receiver))
    }

    fn pending(&self) -> Vec<Vec<u8>> {
        self.pool.pending()
    }

    fn remove_pooled(&self, hashes: &[H256]) -> Vec<H256> {
        let removed = self.pool.remove(hashes);
        self.metrics.set_pool_size(self.pool.len());
        removed
    }

    fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.best_headers.subscribe()
    }

    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized_headers.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::db::memory::MemoryDatabase;
    use crate::pool::PoolLimits;
    use tracechain_engine::PeerStatus;

    fn node_at_genesis() -> Node {
        let spec = ChainSpec::development().expect("development spec");
        let chain = Chain::open(Arc::new(MemoryDatabase::new()), spec, None).expect("open");
        Node::new(chain, Pool::new(PoolLimits::default()), "test".into(), Metrics::new())
    }

    fn peer(name: &str, tip: Option<BlockNumber>) -> PeerStatus {
        PeerStatus { peer_id: name.to_string(), validator: true, tip }
    }

    #[test]
    fn a_node_is_syncing_while_a_peer_announced_a_height_far_ahead() {
        let node = node_at_genesis();
        let genesis = node.chain().best();
        assert!(!node.is_syncing());
        node.set_network_status(NetworkStatus {
            peers: vec![peer("a", None), peer("b", Some(MAJOR_SYNC_BLOCKS)), peer("c", Some(0))],
            ..NetworkStatus::default()
        });
        assert!(!node.is_syncing(), "within the major-sync distance");
        assert_eq!(
            node.sync_state(),
            SyncState { starting_block: 0, current_block: 0, highest_block: MAJOR_SYNC_BLOCKS }
        );
        let reported: Vec<(H256, BlockNumber)> =
            node.peers().iter().map(|peer| (peer.best_hash, peer.best_number)).collect();
        assert_eq!(reported, vec![(genesis.hash(), 0); 3], "unknown heights are reported at this node's best");

        node.set_network_status(NetworkStatus {
            peers: vec![peer("a", Some(MAJOR_SYNC_BLOCKS + 1))],
            ..NetworkStatus::default()
        });
        assert!(node.is_syncing());
        assert_eq!(node.sync_state().highest_block, MAJOR_SYNC_BLOCKS + 1);
    }
}
