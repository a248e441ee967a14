//! A complete chain kept in memory: genesis, block authoring, import and state queries over a
//! [`MemoryNodeStore`]. Used by tests, benchmarks and the runtime demo; the node keeps the same
//! things in RocksDB.
//!
//! Every state the chain has had stays readable (archive): nodes are only ever added.

use std::collections::BTreeMap;

use tracechain_primitives::{
    era::Era,
    header::{Block, Digest, Header},
    keyring::Sr25519Pair,
    trie::{MemoryNodeStore, TrieView},
    AccountId32, Moment, Nonce, H256,
};
use tracechain_support::{dispatch::DispatchError, EventRecord, Overlay};

use crate::{
    executive::{ExecutedBlock, SignatureCheck},
    genesis::{ChainSpec, GenesisError},
    validity::{TransactionError, TransactionSource, ValidTransaction},
    BlockError, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};

/// Storage changes of a block: `None` deletes.
pub type StorageChanges = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// The outcome of each extrinsic offered to [`InMemoryChain::build_block`].
pub type ApplyResults = Vec<Result<Result<(), DispatchError>, TransactionError>>;

/// A chain in memory.
pub struct InMemoryChain {
    runtime: Runtime,
    store: MemoryNodeStore,
    headers: BTreeMap<H256, Header>,
    head: Header,
    head_events: Vec<EventRecord<RuntimeEvent>>,
}

impl InMemoryChain {
    /// A chain at the genesis of `spec`.
    pub fn new(spec: &ChainSpec) -> Result<Self, GenesisError> {
        let genesis = spec.genesis()?;
        let empty = MemoryNodeStore::new();
        let update = TrieView::new(&empty, tracechain_primitives::trie::EMPTY_TRIE_ROOT)
            .apply_changes(genesis.storage.iter().map(|(key, value)| (key.as_slice(), Some(value.as_slice()))))
            .map_err(|error| GenesisError::Key(format!("genesis trie: {error}")))?;
        let mut store = MemoryNodeStore::new();
        store.insert_nodes(update.inserted);
        let head = genesis.block.header.clone();
        debug_assert_eq!(update.root, head.state_root);
        let headers = BTreeMap::from([(head.hash(), head.clone())]);
        Ok(Self { runtime: Runtime::new(genesis.hash()), store, headers, head, head_events: Vec::new() })
    }

    /// The runtime of this chain.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The genesis hash.
    pub fn genesis_hash(&self) -> H256 {
        self.runtime.genesis_hash()
    }

    /// The best (last) block's header.
    pub fn head(&self) -> &Header {
        &self.head
    }

    /// The header with hash `hash`, if known.
    pub fn header(&self, hash: &H256) -> Option<&Header> {
        self.headers.get(hash)
    }

    /// The events of the best block.
    pub fn head_events(&self) -> &[EventRecord<RuntimeEvent>] {
        &self.head_events
    }

    /// The node store (every trie node of every state).
    pub fn store(&self) -> &MemoryNodeStore {
        &self.store
    }

    /// The state after block `header`.
    pub fn state_at(&self, state_root: H256) -> TrieView<'_, MemoryNodeStore> {
        TrieView::new(&self.store, state_root)
    }

    /// The state after the best block.
    pub fn state(&self) -> TrieView<'_, MemoryNodeStore> {
        self.state_at(self.head.state_root)
    }

    /// Reads the best state: typed storage items take the overlay handed to `read`.
    pub fn read<R>(&self, read: impl FnOnce(&Overlay<'_>) -> R) -> R {
        let state = self.state();
        let overlay = Overlay::new(&state);
        read(&overlay)
    }

    /// The next nonce of `account` at the best block.
    pub fn account_nonce(&self, account: &AccountId32) -> Nonce {
        self.runtime.account_nonce(&self.state(), account)
    }

    /// The pool's check of `bytes` against the best block.
    pub fn validate(&self, bytes: &[u8]) -> Result<ValidTransaction, TransactionError> {
        self.runtime.validate_transaction(
            &self.state(),
            self.head.hash(),
            TransactionSource::External,
            bytes,
            SignatureCheck::Verify,
        )
    }

    /// Signs `call` by `pair` with `nonce`, immortal, for this chain.
    pub fn sign(&self, pair: &Sr25519Pair, call: RuntimeCall, nonce: Nonce) -> Vec<u8> {
        self.runtime.sign(pair, call, nonce, Era::Immortal, self.genesis_hash())
    }

    /// Signs `call` by `pair` with `nonce`, valid for `period` blocks from the best block.
    pub fn sign_mortal(&self, pair: &Sr25519Pair, call: RuntimeCall, nonce: Nonce, period: u64) -> Vec<u8> {
        let era = Era::mortal(period, u64::from(self.head.number));
        let birth = era.birth(self.head.number);
        let birth_hash = if birth == self.head.number { self.head.hash() } else { self.hash_of_number(birth) };
        self.runtime.sign(pair, call, nonce, era, birth_hash)
    }

    fn hash_of_number(&self, number: u32) -> H256 {
        let mut header = &self.head;
        while header.number > number {
            match self.headers.get(&header.parent_hash) {
                Some(parent) => header = parent,
                None => break,
            }
        }
        header.hash()
    }

    /// Authors a block on the best block at time `now` from `extrinsics` (length-prefixed),
    /// verifying each signature; an invalid extrinsic is left out. Imports the block.
    pub fn build_block(
        &mut self,
        now: Moment,
        extrinsics: &[Vec<u8>],
        check: SignatureCheck,
    ) -> Result<(Block, ApplyResults), BlockError> {
        let state = self.state();
        let mut builder = self.runtime.block_builder(&state, &self.head, Digest::default())?;
        builder.apply_timestamp(now).map_err(|error| BlockError::InvalidExtrinsic { index: 0, error })?;
        let results: ApplyResults = extrinsics.iter().map(|bytes| builder.apply_extrinsic(bytes, check)).collect();
        let executed = builder.finalize()?;
        let block = executed.block.clone();
        self.store_block(executed);
        Ok((block, results))
    }

    /// Imports a block built elsewhere on a known parent by full re-execution.
    pub fn import_block(&mut self, block: &Block) -> Result<(), BlockError> {
        self.import_block_changes(block).map(|_| ())
    }

    /// Imports `block` as [`Self::import_block`] does; returns the storage changes it made.
    pub fn import_block_changes(&mut self, block: &Block) -> Result<StorageChanges, BlockError> {
        let mut executed = self.re_execute(block)?;
        let changes = std::mem::take(&mut executed.changes);
        self.store_block(executed);
        Ok(changes)
    }

    /// Re-executes `block` on its parent's state without storing anything.
    pub fn re_execute(&self, block: &Block) -> Result<ExecutedBlock, BlockError> {
        let parent = self
            .headers
            .get(&block.header.parent_hash)
            .ok_or(BlockError::NotNextBlock { number: block.header.number, parent_number: self.head.number })?;
        self.runtime.execute_block(&self.state_at(parent.state_root), block)
    }

    fn store_block(&mut self, executed: ExecutedBlock) {
        self.store.insert_nodes(executed.trie_update.inserted);
        let header = executed.block.header;
        self.headers.insert(header.hash(), header.clone());
        self.head = header;
        self.head_events = executed.events;
    }
}

/// The development spec with `orgs` extra member organisations of `accounts_per_org` accounts
/// each (keys `//member/<org>/<account>`), for load tests and benchmarks. Returns the spec and
/// the extra accounts' key pairs.
pub fn load_test_spec(orgs: usize, accounts_per_org: usize) -> Result<(ChainSpec, Vec<Sr25519Pair>), GenesisError> {
    let base = ChainSpec::development()?;
    let mut json: serde_json::Value = serde_json::from_str(&base.to_json())?;
    let mut pairs = Vec::new();
    let mut organisations = Vec::new();
    for org in 0..orgs {
        let mut accounts = Vec::new();
        for account in 0..accounts_per_org {
            let pair = Sr25519Pair::from_suri(&format!("//member/{org}/{account}"))
                .map_err(|error| GenesisError::Key(error.to_string()))?;
            accounts.push(serde_json::Value::String(pair.public().to_string()));
            pairs.push(pair);
        }
        organisations.push(serde_json::json!({
            "name": format!("Member {org}"), "country": "DE", "companyPrefixes": [],
            "locations": [], "accounts": accounts, "roles": ["seller"]
        }));
    }
    if let Some(existing) = json["genesis"]["membership"]["organisations"].as_array_mut() {
        existing.extend(organisations);
    }
    Ok((serde_json::from_value(json)?, pairs))
}

impl Runtime {
    /// Signs `call` by `pair` for this chain with `nonce` and `era` (whose birth block has hash
    /// `era_block_hash`; the genesis hash for immortal transactions). Returns the
    /// length-prefixed extrinsic.
    pub fn sign(&self, pair: &Sr25519Pair, call: RuntimeCall, nonce: Nonce, era: Era, era_block_hash: H256) -> Vec<u8> {
        use parity_scale_codec::Encode;
        let extra = tracechain_primitives::extrinsic::SignedExtra { era, nonce, tip: 0 };
        let additional = tracechain_primitives::extrinsic::AdditionalSigned {
            spec_version: crate::VERSION.spec_version,
            transaction_version: crate::VERSION.transaction_version,
            genesis_hash: self.genesis_hash(),
            era_block_hash,
        };
        UncheckedExtrinsic::new_signed(call, pair, extra, &additional).encode()
    }
}
