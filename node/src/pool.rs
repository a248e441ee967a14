//! The transaction pool: admitted transactions waiting for a block.
//!
//! ## Rules
//! - Admission runs the runtime's `validate_transaction` against the best block's state, which
//!   verifies the signature once; the verdict is kept, so the author applies pooled
//!   transactions without verifying their signatures again.
//! - Each sender's transactions are ordered by nonce. A transaction is *ready* when its nonce is
//!   the account's next one or follows a ready one, otherwise *future*.
//! - Blocks take ready transactions by priority, then arrival order, one sender's nonces in order.
//! - Limits: total count, total bytes, and count per sender; a transaction beyond them is refused
//!   (`PoolError::Full`), so a flood cannot grow memory without bound. Duplicates (same hash, or
//!   the same sender and nonce) are refused.
//! - After each block: included transactions leave; every other one is re-checked against the new
//!   state (without its signature) and dropped if no longer valid (stale nonce, expired era,
//!   sender no longer a member).
//!
//! Watchers (`author_submitAndWatchExtrinsic`) receive `ready`/`future`, `inBlock`, `finalized`,
//! `invalid` or `dropped`, through bounded channels.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use parking_lot::Mutex;
use tokio::sync::mpsc;
use tracechain_primitives::{hashing::blake2_256_h, AccountId32, Nonce, H256};
use tracechain_runtime::{
    executive::SignatureCheck, Runtime, TransactionError, TransactionSource, UncheckedExtrinsic, ValidTransaction,
};
use tracechain_support::StateReader;

/// Pool limits.
#[derive(Clone, Copy, Debug)]
pub struct PoolLimits {
    /// Most transactions held.
    pub max_count: usize,
    /// Most bytes held.
    pub max_bytes: usize,
    /// Most transactions held per sender.
    pub max_per_sender: usize,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self { max_count: 16_384, max_bytes: 64 * 1024 * 1024, max_per_sender: 1_024 }
    }
}

/// Why the pool refuses a transaction.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// The runtime refuses it.
    #[error("invalid transaction: {0}")]
    Invalid(#[from] TransactionError),
    /// The same bytes are already pooled.
    #[error("transaction {hash:?} is already in the pool")]
    AlreadyImported {
        /// Its hash.
        hash: H256,
    },
    /// Another transaction of the same sender with the same nonce is pooled.
    #[error("{sender} already has a pooled transaction with nonce {nonce}")]
    NonceTaken {
        /// The sender.
        sender: AccountId32,
        /// The nonce.
        nonce: Nonce,
    },
    /// A limit is reached.
    #[error("transaction pool is full: {reason}")]
    Full {
        /// Which limit.
        reason: String,
    },
}

/// What a watcher hears about one transaction (Substrate's `TransactionStatus`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxStatus {
    /// Waiting, ready for a block.
    Ready,
    /// Waiting for an earlier nonce.
    Future,
    /// Included in a block.
    InBlock(H256),
    /// Included in a finalized block.
    Finalized(H256),
    /// No longer valid.
    Invalid,
    /// Removed from the pool for lack of room.
    Dropped,
}

/// Whether an admitted transaction waits for an earlier nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Can go into the next block.
    Ready,
    /// Waits for an earlier nonce.
    Future,
}

#[derive(Clone, Debug)]
struct PooledTransaction {
    bytes: Vec<u8>,
    sender: AccountId32,
    nonce: Nonce,
    priority: u64,
    arrival: u64,
}

#[derive(Default)]
struct PoolState {
    by_hash: BTreeMap<H256, PooledTransaction>,
    by_sender: BTreeMap<AccountId32, BTreeMap<Nonce, H256>>,
    bytes: usize,
    arrivals: u64,
    watchers: BTreeMap<H256, mpsc::Sender<TxStatus>>,
}

impl PoolState {
    fn remove(&mut self, hash: &H256) -> Option<PooledTransaction> {
        let transaction = self.by_hash.remove(hash)?;
        self.bytes -= transaction.bytes.len();
        if let Some(nonces) = self.by_sender.get_mut(&transaction.sender) {
            nonces.remove(&transaction.nonce);
            if nonces.is_empty() {
                self.by_sender.remove(&transaction.sender);
            }
        }
        Some(transaction)
    }

    fn notify(&mut self, hash: &H256, status: TxStatus) {
        let last = matches!(status, TxStatus::Finalized(_) | TxStatus::Invalid | TxStatus::Dropped);
        if let Some(watcher) = self.watchers.get(hash) {
            // A watcher that does not keep up loses updates rather than growing memory.
            let _ = watcher.try_send(status);
        }
        if last {
            self.watchers.remove(hash);
        }
    }
}

/// The pool.
pub struct Pool {
    limits: PoolLimits,
    state: Mutex<PoolState>,
}

impl Pool {
    /// An empty pool with `limits`.
    pub fn new(limits: PoolLimits) -> Self {
        Self { limits, state: Mutex::new(PoolState::default()) }
    }

    /// Admits `bytes` (a length-prefixed extrinsic) after checking it against the best state.
    pub fn submit(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        best_hash: H256,
        source: TransactionSource,
        bytes: Vec<u8>,
    ) -> Result<(H256, Readiness), PoolError> {
        let hash = blake2_256_h(&bytes);
        if self.state.lock().by_hash.contains_key(&hash) {
            return Err(PoolError::AlreadyImported { hash });
        }
        let valid = runtime.validate_transaction(state, best_hash, source, &bytes, SignatureCheck::Verify)?;
        self.admit(runtime, state, hash, bytes, valid)
    }

    /// [`Pool::submit`] for a batch (gossiped by a peer): what is pooled already is skipped, the
    /// signatures of the rest are verified in batches. One outcome per transaction, in order.
    pub fn submit_batch(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        best_hash: H256,
        source: TransactionSource,
        transactions: Vec<Vec<u8>>,
    ) -> Vec<Result<(H256, Readiness), PoolError>> {
        let hashes: Vec<H256> = transactions.iter().map(|bytes| blake2_256_h(bytes)).collect();
        let mut outcomes: Vec<Option<Result<(H256, Readiness), PoolError>>> = {
            let pool = self.state.lock();
            hashes
                .iter()
                .map(|hash| pool.by_hash.contains_key(hash).then_some(Err(PoolError::AlreadyImported { hash: *hash })))
                .collect()
        };
        let (new_indices, new_transactions): (Vec<usize>, Vec<Vec<u8>>) =
            transactions.into_iter().enumerate().filter(|(index, _)| outcomes[*index].is_none()).unzip();
        let verdicts = runtime.validate_transactions(state, best_hash, source, &new_transactions);
        for ((index, bytes), verdict) in new_indices.into_iter().zip(new_transactions).zip(verdicts) {
            let hash = hashes[index];
            outcomes[index] =
                Some(verdict.map_err(PoolError::from).and_then(|valid| self.admit(runtime, state, hash, bytes, valid)));
        }
        outcomes.into_iter().flatten().collect()
    }

    /// Pools a transaction the runtime found valid, unless it conflicts or the pool is full.
    fn admit(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        hash: H256,
        bytes: Vec<u8>,
        valid: ValidTransaction,
    ) -> Result<(H256, Readiness), PoolError> {
        let (sender, nonce) = sender_and_nonce(&bytes)?;
        let mut pool = self.state.lock();
        if pool.by_hash.contains_key(&hash) {
            return Err(PoolError::AlreadyImported { hash });
        }
        if pool.by_sender.get(&sender).is_some_and(|nonces| nonces.contains_key(&nonce)) {
            return Err(PoolError::NonceTaken { sender, nonce });
        }
        if pool.by_hash.len() >= self.limits.max_count {
            return Err(PoolError::Full { reason: format!("{} transactions", self.limits.max_count) });
        }
        if pool.bytes + bytes.len() > self.limits.max_bytes {
            return Err(PoolError::Full { reason: format!("{} bytes", self.limits.max_bytes) });
        }
        if pool.by_sender.get(&sender).map_or(0, BTreeMap::len) >= self.limits.max_per_sender {
            return Err(PoolError::Full {
                reason: format!("{} transactions from {sender}", self.limits.max_per_sender),
            });
        }
        let expected = runtime.account_nonce(state, &sender);
        let readiness =
            if is_ready(pool.by_sender.get(&sender), expected, nonce) { Readiness::Ready } else { Readiness::Future };
        pool.arrivals += 1;
        let arrival = pool.arrivals;
        pool.bytes += bytes.len();
        pool.by_sender.entry(sender).or_default().insert(nonce, hash);
        pool.by_hash.insert(hash, PooledTransaction { bytes, sender, nonce, priority: valid.priority, arrival });
        Ok((hash, readiness))
    }

    /// Registers a watcher for `hash` and tells it the current status.
    pub fn watch(&self, hash: H256, readiness: Readiness) -> mpsc::Receiver<TxStatus> {
        let (sender, receiver) = mpsc::channel(16);
        let _ = sender.try_send(match readiness {
            Readiness::Ready => TxStatus::Ready,
            Readiness::Future => TxStatus::Future,
        });
        self.state.lock().watchers.insert(hash, sender);
        receiver
    }

    /// Ready transactions for the next block, in block order: priority, then arrival, each
    /// sender's nonces consecutive from its account nonce. At most `limit`.
    pub fn ready(&self, account_nonce: impl Fn(&AccountId32) -> Nonce, limit: usize) -> Vec<(H256, Vec<u8>)> {
        let pool = self.state.lock();
        // Heads: each sender's transaction with the account's next nonce.
        let mut heap = BinaryHeap::new();
        for (sender, nonces) in &pool.by_sender {
            let next = account_nonce(sender);
            if let Some(hash) = nonces.get(&next) {
                let transaction = &pool.by_hash[hash];
                heap.push((transaction.priority, Reverse(transaction.arrival), *hash));
            }
        }
        let mut chosen = Vec::new();
        while let Some((_, _, hash)) = heap.pop() {
            if chosen.len() >= limit {
                break;
            }
            let transaction = &pool.by_hash[&hash];
            chosen.push((hash, transaction.bytes.clone()));
            let following =
                transaction.nonce.checked_add(1).and_then(|nonce| pool.by_sender[&transaction.sender].get(&nonce));
            if let Some(next_hash) = following {
                let next = &pool.by_hash[next_hash];
                heap.push((next.priority, Reverse(next.arrival), *next_hash));
            }
        }
        chosen
    }

    /// After block `block_hash` (final if `finalized`): removes the included transactions,
    /// notifies their watchers, and re-checks the rest against the new best state.
    pub fn on_block(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        block_hash: H256,
        included: &[H256],
        finalized: bool,
    ) {
        let mut pool = self.state.lock();
        for hash in included {
            pool.remove(hash);
            pool.notify(hash, TxStatus::InBlock(block_hash));
            if finalized {
                pool.notify(hash, TxStatus::Finalized(block_hash));
            }
        }
        let remaining: Vec<(H256, Vec<u8>)> =
            pool.by_hash.iter().map(|(hash, transaction)| (*hash, transaction.bytes.clone())).collect();
        for (hash, bytes) in remaining {
            let verdict = runtime.validate_transaction(
                state,
                block_hash,
                TransactionSource::External,
                &bytes,
                SignatureCheck::AlreadyVerified,
            );
            if verdict.is_err() {
                pool.remove(&hash);
                pool.notify(&hash, TxStatus::Invalid);
            }
        }
    }

    /// Whether `hash` is pooled: its signature was verified on admission.
    pub fn contains(&self, hash: &H256) -> bool {
        self.state.lock().by_hash.contains_key(hash)
    }

    /// Every pooled transaction (`author_pendingExtrinsics`), in arrival order.
    pub fn pending(&self) -> Vec<Vec<u8>> {
        let pool = self.state.lock();
        let mut all: Vec<&PooledTransaction> = pool.by_hash.values().collect();
        all.sort_by_key(|transaction| transaction.arrival);
        all.into_iter().map(|transaction| transaction.bytes.clone()).collect()
    }

    /// The nonce `sender`'s next transaction should carry, counting its pooled transactions
    /// that follow `state_nonce` without a gap (`system_accountNextIndex`).
    pub fn next_nonce(&self, sender: &AccountId32, state_nonce: Nonce) -> Nonce {
        let pool = self.state.lock();
        let mut next = state_nonce;
        if let Some(nonces) = pool.by_sender.get(sender) {
            while nonces.contains_key(&next) {
                next = next.saturating_add(1);
            }
        }
        next
    }

    /// How many transactions are pooled.
    pub fn len(&self) -> usize {
        self.state.lock().by_hash.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes transactions at the operator's request and tells their watchers they were
    /// dropped; returns the hashes that were pooled.
    pub fn remove(&self, hashes: &[H256]) -> Vec<H256> {
        let mut pool = self.state.lock();
        let mut removed = Vec::new();
        for hash in hashes {
            if pool.remove(hash).is_some() {
                pool.notify(hash, TxStatus::Dropped);
                removed.push(*hash);
            }
        }
        removed
    }

    /// Removes transactions that a block refused (e.g. they no longer fit the rules) and tells
    /// their watchers.
    pub fn remove_invalid(&self, hashes: &[H256]) {
        let mut pool = self.state.lock();
        for hash in hashes {
            pool.remove(hash);
            pool.notify(hash, TxStatus::Invalid);
        }
    }
}

fn is_ready(pooled: Option<&BTreeMap<Nonce, H256>>, expected: Nonce, nonce: Nonce) -> bool {
    // Ready if every nonce from the account's next one up to this one is pooled or is this one.
    (expected..nonce).all(|earlier| pooled.is_some_and(|nonces| nonces.contains_key(&earlier)))
}

fn sender_and_nonce(bytes: &[u8]) -> Result<(AccountId32, Nonce), PoolError> {
    let extrinsic = UncheckedExtrinsic::decode_exact(bytes)
        .map_err(|error| TransactionError::Malformed { reason: error.to_string() })?;
    match extrinsic.signature {
        Some((tracechain_primitives::extrinsic::MultiAddress::Id(sender), _, extra)) => Ok((sender, extra.nonce)),
        _ => Err(PoolError::Invalid(TransactionError::UnsignedNotAllowed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracechain_primitives::keyring::dev_sr25519;
    use tracechain_runtime::{ChainSpec, InMemoryChain, RuntimeCall};

    fn remark(text: &str) -> RuntimeCall {
        RuntimeCall::System(pallet_system::Call::remark { remark: text.as_bytes().to_vec() })
    }

    #[test]
    fn a_gossiped_batch_pools_the_valid_and_says_why_for_each_other() {
        let chain = InMemoryChain::new(&ChainSpec::development().expect("spec")).expect("genesis");
        let (alice, bob) = (dev_sr25519("Alice"), dev_sr25519("Bob"));
        let pool = Pool::new(PoolLimits::default());
        let state = chain.state();
        let best = chain.head().hash();
        let first = chain.sign(&alice, remark("pallet 1"), 0);
        pool.submit(chain.runtime(), &state, best, TransactionSource::Local, first.clone()).expect("pooled");

        let mut forged = chain.sign(&bob, remark("pallet 2"), 0);
        forged[50] ^= 1;
        let batch = vec![
            first,
            chain.sign(&alice, remark("pallet 3"), 1),
            forged,
            chain.sign(&alice, remark("pallet 5"), 3),
            chain.sign(&bob, remark("pallet 4"), 0),
        ];
        let outcomes = pool.submit_batch(chain.runtime(), &state, best, TransactionSource::External, batch);
        assert_eq!(outcomes.len(), 5);
        assert!(matches!(outcomes[0], Err(PoolError::AlreadyImported { .. })), "{:?}", outcomes[0]);
        assert!(matches!(outcomes[1], Ok((_, Readiness::Ready))), "{:?}", outcomes[1]);
        assert!(matches!(outcomes[2], Err(PoolError::Invalid(TransactionError::BadProof { .. }))), "{:?}", outcomes[2]);
        assert!(matches!(outcomes[3], Ok((_, Readiness::Future))), "{:?}", outcomes[3]);
        assert!(matches!(outcomes[4], Ok((_, Readiness::Ready))), "{:?}", outcomes[4]);
        assert_eq!(pool.len(), 4);
        let (hash, _) = outcomes[4].as_ref().expect("pooled");
        assert!(pool.contains(hash));
    }
}
