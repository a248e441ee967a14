//! The transaction pool: admitted transactions waiting for a block.
//!
//! ## Rules
//! - Admission runs the cheap checks first, and verifies a signature only for a transaction that
//!   passes them all: the pool's own (duplicate hash, sender and nonce taken, the sender's
//!   share, how far ahead its nonce is, room for one more future transaction), then the
//!   runtime's (decoding, length, genesis, era, nonce, membership, weight), and last the
//!   signature. The verdict is kept, so the author applies pooled transactions without
//!   verifying their signatures again.
//! - Each sender's transactions are ordered by nonce. A transaction is *ready* when its nonce is
//!   the account's next one or follows a ready one, otherwise *future*.
//! - Blocks take ready transactions by priority, then arrival order, one sender's nonces in order.
//! - Limits ([`PoolLimits`]): total count, total bytes, count per sender; a future transaction's
//!   nonce at most `max_nonce_ahead` beyond the account's, and at most `max_future` future
//!   transactions in all, so that futures (which no block can take) never crowd out ready ones.
//!   A transaction beyond them is refused (`PoolError::Full`, `PoolError::TooFarAhead`), so a
//!   flood cannot grow memory without bound. Duplicates (same hash, or the same sender and
//!   nonce) are refused.
//! - After each block: included transactions leave; the other transactions of their senders
//!   that the new nonces made stale leave; a future transaction still future
//!   `future_lifetime` blocks after it arrived is dropped; and `recheck_per_block` of the rest,
//!   in turn, are re-checked against the new state (without their signatures) and dropped if no
//!   longer valid (expired era, sender no longer a member). The re-check runs outside the
//!   pool's lock, so its cost per block is bounded and admission never waits for it.
//!
//! Watchers (`author_submitAndWatchExtrinsic`) receive `ready`/`future`, `inBlock`, `finalized`,
//! `invalid` or `dropped`, through bounded channels.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

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
    /// How far beyond the account's next nonce a transaction's nonce may be.
    pub max_nonce_ahead: u32,
    /// Most future transactions held (over all senders).
    pub max_future: usize,
    /// Blocks after which a transaction that is still future is dropped.
    pub future_lifetime: u64,
    /// Pooled transactions re-checked after each block.
    pub recheck_per_block: usize,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self {
            max_count: 16_384,
            max_bytes: 64 * 1024 * 1024,
            max_per_sender: 1_024,
            max_nonce_ahead: 64,
            max_future: 2_048,
            future_lifetime: 64,
            recheck_per_block: 2_048,
        }
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
    /// The nonce is too far beyond the account's next one.
    #[error("nonce {nonce} is more than {limit} beyond the account's next nonce {expected}")]
    TooFarAhead {
        /// The transaction's nonce.
        nonce: Nonce,
        /// The account's next nonce.
        expected: Nonce,
        /// How far ahead a nonce may be.
        limit: u32,
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
    /// The pool's block count when it arrived.
    arrived_at_block: u64,
}

#[derive(Default)]
struct PoolState {
    by_hash: BTreeMap<H256, PooledTransaction>,
    by_sender: BTreeMap<AccountId32, BTreeMap<Nonce, H256>>,
    /// The transactions that wait for an earlier nonce.
    future: BTreeSet<H256>,
    bytes: usize,
    arrivals: u64,
    /// Blocks seen by [`Pool::on_block`].
    blocks: u64,
    /// Where the next block's re-check starts.
    recheck_from: Option<H256>,
    watchers: BTreeMap<H256, mpsc::Sender<TxStatus>>,
}

impl PoolState {
    /// Marks `sender`'s transactions that follow `next_nonce` without a gap as ready.
    fn promote(&mut self, sender: &AccountId32, next_nonce: Nonce) {
        let Some(nonces) = self.by_sender.get(sender) else { return };
        let mut nonce = next_nonce;
        while let Some(hash) = nonces.get(&nonce) {
            self.future.remove(hash);
            let Some(following) = nonce.checked_add(1) else { break };
            nonce = following;
        }
    }

    fn remove(&mut self, hash: &H256) -> Option<PooledTransaction> {
        let transaction = self.by_hash.remove(hash)?;
        self.future.remove(hash);
        self.bytes -= transaction.bytes.len();
        if let Some(nonces) = self.by_sender.get_mut(&transaction.sender) {
            nonces.remove(&transaction.nonce);
            if nonces.is_empty() {
                self.by_sender.remove(&transaction.sender);
            }
        }
        Some(transaction)
    }

    /// The next `count` transactions to re-check, in hash order from where the last re-check
    /// stopped, wrapping around.
    fn next_recheck(&mut self, count: usize) -> Vec<(H256, Vec<u8>)> {
        let start = self.recheck_from.unwrap_or_default();
        let after = self.by_hash.range(start..);
        let before = self.by_hash.range(..start);
        let chosen: Vec<(H256, Vec<u8>)> = after
            .chain(before)
            .take(count.min(self.by_hash.len()))
            .map(|(hash, transaction)| (*hash, transaction.bytes.clone()))
            .collect();
        self.recheck_from = chosen.last().and_then(|(hash, _)| next_hash(hash));
        chosen
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
        self.check_room(runtime, state, hash, &bytes)?;
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
        let mut outcomes: Vec<Option<Result<(H256, Readiness), PoolError>>> = transactions
            .iter()
            .zip(&hashes)
            .map(|(bytes, hash)| self.check_room(runtime, state, *hash, bytes).err().map(Err))
            .collect();
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

    /// The pool's own checks, which cost no signature verification: not pooled yet, its sender
    /// and nonce free, room for it, and its nonce not too far ahead. [`Self::admit`] checks
    /// again under the lock, since another transaction may have come in meanwhile.
    fn check_room(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        hash: H256,
        bytes: &[u8],
    ) -> Result<(), PoolError> {
        let (sender, nonce) = sender_and_nonce(bytes)?;
        let expected = runtime.account_nonce(state, &sender);
        let pool = self.state.lock();
        self.check_limits(&pool, hash, bytes.len(), &sender, nonce, expected).map(|_| ())
    }

    /// The limits of the module docs for a transaction of `length` bytes from `sender` with
    /// `nonce` (the account's next being `expected`); whether it would be ready.
    fn check_limits(
        &self,
        pool: &PoolState,
        hash: H256,
        length: usize,
        sender: &AccountId32,
        nonce: Nonce,
        expected: Nonce,
    ) -> Result<Readiness, PoolError> {
        if pool.by_hash.contains_key(&hash) {
            return Err(PoolError::AlreadyImported { hash });
        }
        let pooled = pool.by_sender.get(sender);
        if pooled.is_some_and(|nonces| nonces.contains_key(&nonce)) {
            return Err(PoolError::NonceTaken { sender: *sender, nonce });
        }
        if pool.by_hash.len() >= self.limits.max_count {
            return Err(PoolError::Full { reason: format!("{} transactions", self.limits.max_count) });
        }
        if pool.bytes + length > self.limits.max_bytes {
            return Err(PoolError::Full { reason: format!("{} bytes", self.limits.max_bytes) });
        }
        if pooled.map_or(0, BTreeMap::len) >= self.limits.max_per_sender {
            return Err(PoolError::Full {
                reason: format!("{} transactions from {sender}", self.limits.max_per_sender),
            });
        }
        if nonce > expected.saturating_add(self.limits.max_nonce_ahead) {
            return Err(PoolError::TooFarAhead { nonce, expected, limit: self.limits.max_nonce_ahead });
        }
        if is_ready(pooled, expected, nonce) {
            return Ok(Readiness::Ready);
        }
        if pool.future.len() >= self.limits.max_future {
            return Err(PoolError::Full {
                reason: format!("{} transactions waiting for an earlier nonce", self.limits.max_future),
            });
        }
        Ok(Readiness::Future)
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
        let expected = runtime.account_nonce(state, &sender);
        let mut pool = self.state.lock();
        let readiness = self.check_limits(&pool, hash, bytes.len(), &sender, nonce, expected)?;
        pool.arrivals += 1;
        let arrival = pool.arrivals;
        let arrived_at_block = pool.blocks;
        pool.bytes += bytes.len();
        pool.by_sender.entry(sender).or_default().insert(nonce, hash);
        pool.by_hash.insert(
            hash,
            PooledTransaction { bytes, sender, nonce, priority: valid.priority, arrival, arrived_at_block },
        );
        match readiness {
            Readiness::Future => {
                pool.future.insert(hash);
            }
            // It may close the gap before later nonces of its sender.
            Readiness::Ready => pool.promote(&sender, nonce),
        }
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
    /// notifies their watchers, and re-checks the rest against the new best state as the
    /// module docs say.
    pub fn on_block(
        &self,
        runtime: &Runtime,
        state: &dyn StateReader,
        block_hash: H256,
        included: &[H256],
        finalized: bool,
    ) {
        let to_recheck = {
            let mut pool = self.state.lock();
            pool.blocks += 1;
            let mut senders = BTreeSet::new();
            for hash in included {
                if let Some(transaction) = pool.remove(hash) {
                    senders.insert(transaction.sender);
                }
                pool.notify(hash, TxStatus::InBlock(block_hash));
                if finalized {
                    pool.notify(hash, TxStatus::Finalized(block_hash));
                }
            }
            for sender in senders {
                let next = runtime.account_nonce(state, &sender);
                let stale: Vec<H256> = pool
                    .by_sender
                    .get(&sender)
                    .map(|nonces| nonces.range(..next).map(|(_, hash)| *hash).collect())
                    .unwrap_or_default();
                for hash in stale {
                    pool.remove(&hash);
                    pool.notify(&hash, TxStatus::Invalid);
                }
                pool.promote(&sender, next);
            }
            let blocks = pool.blocks;
            let expired: Vec<H256> = pool
                .future
                .iter()
                .filter(|hash| {
                    pool.by_hash.get(hash).is_some_and(|transaction| {
                        blocks.saturating_sub(transaction.arrived_at_block) > self.limits.future_lifetime
                    })
                })
                .copied()
                .collect();
            for hash in expired {
                pool.remove(&hash);
                pool.notify(&hash, TxStatus::Dropped);
            }
            pool.next_recheck(self.limits.recheck_per_block)
        };
        let invalid: Vec<H256> = to_recheck
            .into_iter()
            .filter(|(_, bytes)| {
                runtime
                    .validate_transaction(
                        state,
                        block_hash,
                        TransactionSource::External,
                        bytes,
                        SignatureCheck::AlreadyVerified,
                    )
                    .is_err()
            })
            .map(|(hash, _)| hash)
            .collect();
        self.remove_invalid(&invalid);
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
            if pool.remove(hash).is_some() {
                pool.notify(hash, TxStatus::Invalid);
            }
        }
    }
}

/// The hash just after `hash` in byte order, if any.
fn next_hash(hash: &H256) -> Option<H256> {
    let mut next = hash.0;
    for byte in next.iter_mut().rev() {
        let (value, overflow) = byte.overflowing_add(1);
        *byte = value;
        if !overflow {
            return Some(H256(next));
        }
    }
    None
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

    fn dev_pool(limits: PoolLimits) -> (InMemoryChain, Pool) {
        let chain = InMemoryChain::new(&ChainSpec::development().expect("spec")).expect("genesis");
        (chain, Pool::new(limits))
    }

    #[test]
    fn a_non_members_transactions_cost_no_signature_check() {
        let (chain, pool) = dev_pool(PoolLimits::default());
        let state = chain.state();
        let best = chain.head().hash();
        let mallory = dev_sr25519("Mallory");
        let mut forged = chain.sign(&mallory, remark("spam"), 0);
        forged[60] ^= 1;
        // Refused as a non-member, not for its bad signature: the membership check came first.
        let outcomes = pool.submit_batch(chain.runtime(), &state, best, TransactionSource::External, vec![forged]);
        assert!(
            matches!(outcomes[0], Err(PoolError::Invalid(TransactionError::NotMember { .. }))),
            "{:?}",
            outcomes[0]
        );
        assert!(pool.is_empty());
    }

    #[test]
    fn future_nonces_are_bounded_per_sender_and_in_all_and_ready_ones_still_get_in() {
        let limits = PoolLimits { max_nonce_ahead: 8, max_future: 10, ..PoolLimits::default() };
        let (chain, pool) = dev_pool(limits);
        let state = chain.state();
        let best = chain.head().hash();
        let submit = |pair: &tracechain_primitives::keyring::Sr25519Pair, nonce| {
            pool.submit(
                chain.runtime(),
                &state,
                best,
                TransactionSource::External,
                chain.sign(pair, remark("x"), nonce),
            )
        };
        let (alice, bob, charlie) = (dev_sr25519("Alice"), dev_sr25519("Bob"), dev_sr25519("Charlie"));
        // The flooder: nonces 1..=8 are future (nonce 0 is missing); 9 is too far ahead.
        for nonce in 1..=8 {
            assert!(matches!(submit(&alice, nonce), Ok((_, Readiness::Future))));
        }
        assert_eq!(submit(&alice, 9), Err(PoolError::TooFarAhead { nonce: 9, expected: 0, limit: 8 }));
        // A second flooder fills what is left of the futures' share.
        assert!(submit(&bob, 5).is_ok() && submit(&bob, 6).is_ok());
        assert!(matches!(submit(&bob, 7), Err(PoolError::Full { .. })));
        // An honest sender's ready transaction is admitted whatever the futures hold.
        assert!(matches!(submit(&charlie, 0), Ok((_, Readiness::Ready))));
        // Alice's gap closes: her futures become ready and make room among the futures.
        assert!(matches!(submit(&alice, 0), Ok((_, Readiness::Ready))));
        assert_eq!(pool.state.lock().future.len(), 2);
        assert!(matches!(submit(&bob, 7), Ok((_, Readiness::Future))));
    }

    #[test]
    fn futures_that_stay_future_are_dropped_after_their_lifetime() {
        let limits = PoolLimits { future_lifetime: 3, ..PoolLimits::default() };
        let (chain, pool) = dev_pool(limits);
        let state = chain.state();
        let best = chain.head().hash();
        let alice = dev_sr25519("Alice");
        let stuck = chain.sign(&alice, remark("never"), 5);
        let (hash, readiness) =
            pool.submit(chain.runtime(), &state, best, TransactionSource::External, stuck).expect("pooled");
        assert_eq!(readiness, Readiness::Future);
        let mut watcher = pool.watch(hash, readiness);
        for _ in 0..3 {
            pool.on_block(chain.runtime(), &state, best, &[], true);
        }
        assert!(pool.contains(&hash));
        pool.on_block(chain.runtime(), &state, best, &[], true);
        assert!(!pool.contains(&hash));
        assert_eq!(watcher.try_recv(), Ok(TxStatus::Future));
        assert_eq!(watcher.try_recv(), Ok(TxStatus::Dropped));
    }

    #[test]
    fn the_re_check_after_a_block_is_bounded_and_reaches_everyone_in_turn() {
        let limits = PoolLimits { recheck_per_block: 2, ..PoolLimits::default() };
        let (chain, pool) = dev_pool(limits);
        let state = chain.state();
        let best = chain.head().hash();
        let alice = dev_sr25519("Alice");
        for nonce in 0..5 {
            let bytes = chain.sign(&alice, remark("x"), nonce);
            pool.submit(chain.runtime(), &state, best, TransactionSource::External, bytes).expect("pooled");
        }
        let mut seen = BTreeSet::new();
        for _ in 0..3 {
            let batch = pool.state.lock().next_recheck(pool.limits.recheck_per_block);
            assert!(batch.len() <= 2);
            seen.extend(batch.into_iter().map(|(hash, _)| hash));
        }
        assert_eq!(seen.len(), 5, "three blocks of two re-checks reach all five");
    }
}
