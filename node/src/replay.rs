//! The auditor's replay: re-execute a chain from genesis in a fresh state and check everything
//! a node would — trusting nothing stored but the chain spec.
//!
//! For every block, in order: its parent is the previous block; its finality certificate is
//! signed by more than two thirds of the validator set of its height (read from the replayed
//! state of its parent); every extrinsic decodes and every signature verifies; the extrinsics
//! root and the state root of the header equal what re-execution computes. Replaying a node's
//! database also checks the database's own state: the final state is read back key by key from
//! the stored trie (every node on the way re-hashed) and compared with the replayed one, and with
//! `--check-every-state` so is every value each block wrote, at that block.
//!
//! ## Failure
//! Replay stops at the first mismatch and reports it ([`Mismatch`]: block, check, detail, and
//! the storage key when one is to blame). A source that cannot be read at all (no database,
//! malformed blocks file, a file of another chain) is a [`ReplayError`].

use std::time::Instant;

use serde::Serialize;
use tracechain_primitives::{header::Block, BlockNumber, H256};
use tracechain_runtime::{in_memory::StorageChanges, BlockError, ChainSpec, GenesisError, InMemoryChain};

use tracechain_engine::verify_justification;

use crate::chain::Chain;

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The chain spec is unusable.
    #[error(transparent)]
    Genesis(#[from] GenesisError),
    /// The source could not be read.
    #[error("cannot read the blocks: {0}")]
    Source(String),
}

/// The first thing that did not check out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The block's number.
    pub block: BlockNumber,
    /// The block's hash, as stored.
    pub hash: String,
    /// Which check failed: `parent`, `certificate`, `extrinsic`, `extrinsics_root`, `state_root`,
    /// `stored_state` or `missing_block`.
    pub check: &'static str,
    /// What exactly was wrong.
    pub detail: String,
    /// The storage key involved (`0x` hex), when one is.
    pub key: Option<String>,
}

/// What a replay found.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    /// The source replayed.
    pub source: String,
    /// Blocks re-executed and checked (the genesis excluded).
    pub blocks: u32,
    /// Extrinsics in them (timestamp inherents included).
    pub extrinsics: u64,
    /// Certificates verified.
    pub certificates: u32,
    /// The last block that checked out: number and hash.
    pub last_good_block: (BlockNumber, String),
    /// The replayed state root of that block.
    pub state_root: String,
    /// The first mismatch, if any.
    pub mismatch: Option<Mismatch>,
    /// Wall time, in milliseconds.
    pub elapsed_ms: u64,
}

impl ReplayReport {
    /// Whether everything checked out.
    pub fn is_clean(&self) -> bool {
        self.mismatch.is_none()
    }
}

/// One block and its stored certificate.
pub type BlockRecord = (Block, Option<Vec<u8>>);

/// Where the blocks come from; with a database, its stored state is checked too.
pub enum ReplaySource<'a> {
    /// A node's database: blocks #1 to its finalized block.
    Database(&'a Chain),
    /// The records of a blocks file (`export-blocks`).
    Blocks(Vec<BlockRecord>),
}

/// Options of a replay.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplayOptions {
    /// Compare every value each block wrote with the database's state at that block (slower);
    /// otherwise only the final state is compared.
    pub check_every_state: bool,
}

/// Replays `source` on the genesis of `spec`; `progress` hears (blocks done, blocks in all).
pub fn replay(
    spec: &ChainSpec,
    source: ReplaySource<'_>,
    options: ReplayOptions,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<ReplayReport, ReplayError> {
    let started = Instant::now();
    let mut chain = InMemoryChain::new(spec)?;
    let genesis = chain.genesis_hash();
    let (description, stored, total) = match &source {
        ReplaySource::Database(stored) => ("database".to_string(), Some(*stored), stored.finalized().number),
        ReplaySource::Blocks(records) => {
            ("blocks file".to_string(), None, u32::try_from(records.len()).unwrap_or(u32::MAX))
        }
    };
    let mut report = ReplayReport {
        source: description,
        blocks: 0,
        extrinsics: 0,
        certificates: 0,
        last_good_block: (0, format!("{genesis:?}")),
        state_root: format!("{:?}", chain.head().state_root),
        mismatch: None,
        elapsed_ms: 0,
    };
    for number in 1..=total {
        let record = match &source {
            ReplaySource::Database(stored) => read_stored(stored, number),
            ReplaySource::Blocks(records) => records.get(number as usize - 1).cloned().ok_or(None),
        };
        let (block, justification) = match record {
            Ok(record) => record,
            Err(reason) => {
                report.mismatch = Some(Mismatch {
                    block: number,
                    hash: String::new(),
                    check: "missing_block",
                    detail: reason.unwrap_or_else(|| format!("block #{number} is missing")),
                    key: None,
                });
                break;
            }
        };
        if let Some(mismatch) = check_block(&mut chain, genesis, &block, justification.as_deref(), stored, options) {
            report.mismatch = Some(mismatch);
            break;
        }
        report.blocks += 1;
        report.extrinsics += block.extrinsics.len() as u64;
        report.certificates += u32::from(justification.is_some());
        report.last_good_block = (block.header.number, format!("{:?}", block.hash()));
        report.state_root = format!("{:?}", block.header.state_root);
        progress(number, total);
    }
    if report.mismatch.is_none() {
        if let Some(stored) = stored {
            report.mismatch = compare_final_state(&chain, stored);
        }
    }
    report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// Block `number` of the database's canonical chain and its certificate; `Err(Some(reason))`
/// when it cannot be read.
fn read_stored(stored: &Chain, number: BlockNumber) -> Result<BlockRecord, Option<String>> {
    let hash = stored.hash_of(number).map_err(|error| Some(error.to_string()))?.ok_or(None)?;
    let block = stored.block(&hash).map_err(|error| Some(error.to_string()))?.ok_or(None)?;
    let justification = stored.justification(&hash).map_err(|error| Some(error.to_string()))?;
    Ok((block, justification))
}

fn mismatch(block: &Block, check: &'static str, detail: String, key: Option<&[u8]>) -> Mismatch {
    Mismatch {
        block: block.header.number,
        hash: format!("{:?}", block.hash()),
        check,
        detail,
        key: key.map(|key| format!("0x{}", hex::encode(key))),
    }
}

/// Checks and imports one block; the first mismatch, if any.
fn check_block(
    chain: &mut InMemoryChain,
    genesis: H256,
    block: &Block,
    justification: Option<&[u8]>,
    stored: Option<&Chain>,
    options: ReplayOptions,
) -> Option<Mismatch> {
    let parent = chain.head().clone();
    if block.header.parent_hash != parent.hash() || block.header.number != parent.number + 1 {
        let detail = format!(
            "block #{} names parent {:?}, but the replayed chain's block #{} is {:?}",
            block.header.number,
            block.header.parent_hash,
            parent.number,
            parent.hash()
        );
        return Some(mismatch(block, "parent", detail, None));
    }
    let Some(justification) = justification else {
        return Some(mismatch(block, "certificate", "the block has no finality certificate".into(), None));
    };
    let validators = chain.read(|state| pallet_membership::validators(state));
    if let Err(error) = verify_justification(genesis, block.header.number, block.hash(), justification, &validators) {
        return Some(mismatch(block, "certificate", error.to_string(), None));
    }
    let changes = match chain.import_block_changes(block) {
        Ok(changes) => changes,
        Err(error) => return Some(block_error(chain, block, error, stored)),
    };
    if options.check_every_state {
        if let Some(stored) = stored {
            return compare_changes(stored, block, &changes);
        }
    }
    None
}

fn block_error(chain: &InMemoryChain, block: &Block, error: BlockError, stored: Option<&Chain>) -> Mismatch {
    match error {
        BlockError::InvalidExtrinsic { index, error } => {
            mismatch(block, "extrinsic", format!("extrinsic {index}: {error}"), None)
        }
        BlockError::ExtrinsicsRootMismatch { .. } => mismatch(block, "extrinsics_root", error.to_string(), None),
        BlockError::StateRootMismatch { .. } => {
            // Name the first key whose replayed value differs from the stored state's, when a
            // database holds the state the header claims.
            let key = stored.and_then(|stored| first_differing_key(chain, stored, block));
            mismatch(block, "state_root", error.to_string(), key.as_deref())
        }
        other => mismatch(block, "state_root", other.to_string(), None),
    }
}

/// The first key (in key order) whose value after executing `block` on the replayed chain
/// differs from the database's state at the header's root.
fn first_differing_key(chain: &InMemoryChain, stored: &Chain, block: &Block) -> Option<Vec<u8>> {
    let changes = execute_unchecked(chain, block)?;
    let state = stored.state_at(block.header.state_root);
    changes.into_iter().find(|(key, value)| state.get(key).ok().as_ref() != Some(value)).map(|(key, _)| key)
}

/// Compares what `block` wrote with the database's state at the block.
fn compare_changes(stored: &Chain, block: &Block, changes: &StorageChanges) -> Option<Mismatch> {
    let state = stored.state_at(block.header.state_root);
    for (key, value) in changes {
        match state.get(key) {
            Ok(stored_value) if stored_value == *value => {}
            Ok(stored_value) => {
                let detail = format!(
                    "the database holds {} where replay gives {}",
                    describe(stored_value.as_deref()),
                    describe(value.as_deref())
                );
                return Some(mismatch(block, "stored_state", detail, Some(key)));
            }
            Err(error) => return Some(mismatch(block, "stored_state", error.to_string(), Some(key))),
        }
    }
    None
}

/// Reads every key of the replayed final state back from the database's trie.
fn compare_final_state(chain: &InMemoryChain, stored: &Chain) -> Option<Mismatch> {
    let head = chain.head().clone();
    let block = Block { header: head.clone(), extrinsics: Vec::new() };
    let replayed = match chain.state().pairs() {
        Ok(pairs) => pairs,
        Err(error) => return Some(mismatch(&block, "state_root", format!("the replayed state: {error}"), None)),
    };
    let state = stored.state_at(head.state_root);
    for (key, value) in replayed {
        match state.get(&key) {
            Ok(Some(stored_value)) if stored_value == value => {}
            Ok(other) => {
                let detail = format!(
                    "the database holds {} where replay gives {}",
                    describe(other.as_deref()),
                    describe(Some(&value))
                );
                return Some(mismatch(&block, "stored_state", detail, Some(&key)));
            }
            Err(error) => return Some(mismatch(&block, "stored_state", error.to_string(), Some(&key))),
        }
    }
    None
}

fn describe(value: Option<&[u8]>) -> String {
    match value {
        None => "no value".into(),
        Some(bytes) if bytes.len() <= 16 => format!("0x{}", hex::encode(bytes)),
        Some(bytes) => {
            format!("{} bytes (blake2 {:?})", bytes.len(), tracechain_primitives::hashing::blake2_256_h(bytes))
        }
    }
}

/// The storage changes of `block` executed on the replayed head's state with its root checks
/// skipped, to diagnose a state root mismatch.
fn execute_unchecked(chain: &InMemoryChain, block: &Block) -> Option<StorageChanges> {
    let state = chain.state();
    let mut builder = chain.runtime().block_builder(&state, chain.head(), block.header.digest.clone()).ok()?;
    for extrinsic in &block.extrinsics {
        // A failing extrinsic is left out, as the block's own author would have done.
        let _ = builder.apply_extrinsic(&extrinsic.encoded(), tracechain_runtime::SignatureCheck::AlreadyVerified);
    }
    Some(builder.finalize().ok()?.changes)
}
