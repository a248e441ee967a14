//! # pallet-system
//!
//! The pallet every other builds on, laid out as FRAME's `frame_system` so that clients find
//! what they expect under the same storage keys and names:
//!
//! - `Account`: each account's [`AccountInfo`], whose `nonce` counts its applied transactions.
//! - `Number`, `ParentHash`, `BlockHash` (the last [`BLOCK_HASH_COUNT`] block hashes, plus the
//!   genesis hash at 0, which is never pruned), `Events` and `EventCount`.
//! - Events `ExtrinsicSuccess` / `ExtrinsicFailed` for every applied extrinsic, with the
//!   dispatch info (and error).
//! - Calls `remark` (index 0) and `remark_with_event` (index 7), at FRAME's indices.
//!
//! ## Invariants
//! - An account's nonce only grows, by exactly one per applied signed extrinsic, whether its call
//!   succeeds or fails; this is what makes a replayed transaction invalid.
//! - `Events` holds exactly the events of the current block; it is reset when a block starts.
//!
//! ## Failure
//! The executive calls [`initialize`] and [`finalize`]; they cannot fail. Calls fail with
//! `BadOrigin` when not signed, or with [`Error`].

pub mod limits;
#[cfg(test)]
mod tests;
mod types;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{hashing::blake2_256_h, storage_key::StorageHasher, AccountId32, BlockNumber, Nonce, H256};
use tracechain_support::{
    dispatch::{DispatchError, DispatchInfo, DispatchResult, Origin},
    metadata::{constant, ConstantEntry, StorageEntry},
    storage::{StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, EventRecord, PalletError, RuntimeConfig,
};

pub use types::AccountInfo;

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "System";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 0;
/// How many recent block hashes are kept (Substrate's default): mortal transactions may be born
/// at most this many blocks ago.
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;
/// The SS58 prefix of addresses (generic Substrate).
pub const SS58_PREFIX: u16 = 42;
/// The longest remark accepted, in bytes.
pub const MAX_REMARK_LEN: u32 = 64 * 1024;

tracechain_support::storage_items! {
    /// account → nonce and reference counters.
    pub const ACCOUNT: StorageMap<AccountId32, AccountInfo, ValueQuery> =
        StorageMap::new(PALLET_NAME, "Account", StorageHasher::Blake2_128Concat);
    /// the current block number.
    pub const NUMBER: StorageValue<BlockNumber, ValueQuery> = StorageValue::new(PALLET_NAME, "Number");
    /// the parent of the current block.
    pub const PARENT_HASH: StorageValue<H256, ValueQuery> = StorageValue::new(PALLET_NAME, "ParentHash");
    /// number → hash of recent blocks (and the genesis block).
    pub const BLOCK_HASH: StorageMap<BlockNumber, H256, ValueQuery> =
        StorageMap::new(PALLET_NAME, "BlockHash", StorageHasher::Twox64Concat);
    /// how many events the current block has emitted.
    pub const EVENT_COUNT: StorageValue<u32, ValueQuery> = StorageValue::new(PALLET_NAME, "EventCount");
    /// how many extrinsics the current block applied.
    pub const EXTRINSIC_COUNT: StorageValue<u32, ValueQuery> = StorageValue::new(PALLET_NAME, "ExtrinsicCount");
    /// the total encoded length of the block's extrinsics.
    pub const ALL_EXTRINSICS_LEN: StorageValue<u32, ValueQuery> = StorageValue::new(PALLET_NAME, "AllExtrinsicsLen");
    /// the weight the block has used so far.
    pub const BLOCK_WEIGHT: StorageValue<Weight, ValueQuery> = StorageValue::new(PALLET_NAME, "BlockWeight");
    /// The current block's events, with their phases and topics.
    pub const fn events<E>() -> StorageValue<Vec<EventRecord<E>>, ValueQuery> {
        StorageValue::new(PALLET_NAME, "Events")
    }
}

/// The pallet's calls, at FRAME's call indices.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Makes an on-chain remark. Does nothing else.
    #[codec(index = 0)]
    remark {
        /// The remark's bytes.
        remark: Vec<u8>,
    },
    /// Makes an on-chain remark and emits `Remarked` with its hash.
    #[codec(index = 7)]
    remark_with_event {
        /// The remark's bytes.
        remark: Vec<u8>,
    },
}

/// The pallet's events, at FRAME's indices.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An extrinsic was applied and its call succeeded.
    #[codec(index = 0)]
    ExtrinsicSuccess {
        /// Its weight and class.
        dispatch_info: DispatchInfo,
    },
    /// An extrinsic was applied but its call failed; its writes were rolled back, its nonce was used.
    #[codec(index = 1)]
    ExtrinsicFailed {
        /// Why it failed.
        dispatch_error: DispatchError,
        /// Its weight and class.
        dispatch_info: DispatchInfo,
    },
    /// A new account was seen for the first time.
    #[codec(index = 3)]
    NewAccount {
        /// The account.
        account: AccountId32,
    },
    /// A remark was made.
    #[codec(index = 5)]
    Remarked {
        /// Who made it.
        sender: AccountId32,
        /// `blake2_256` of the remark.
        hash: H256,
    },
}

/// The pallet's errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The remark is longer than `MAX_REMARK_LEN`.
    #[error("remark longer than {MAX_REMARK_LEN} bytes")]
    RemarkTooLong,
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = PALLET_INDEX;
}

/// The pallet, as the runtime lists it: [`tracechain_support::Pallet`] over this crate's
/// functions.
pub struct Pallet;

impl tracechain_support::Pallet for Pallet {
    const NAME: &'static str = PALLET_NAME;
    const INDEX: u8 = PALLET_INDEX;
    const DOCS: &'static str = "Accounts and nonces, block number and hashes, events.";
    type Call = Call;
    type Event = Event;
    type Error = Error;

    fn call_weight(_storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(call)
    }

    fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata::<R::RuntimeEvent>()
    }

    /// `frame_system`'s constants, in FRAME's order.
    fn constants_metadata<R: RuntimeConfig>() -> Vec<ConstantEntry> {
        use limits::{BlockLength, BlockWeights, DB_WEIGHT};
        let limits = &tracechain_support::weight::DEFAULT_BLOCK_LIMITS;
        vec![
            constant(
                "BlockWeights",
                BlockWeights::from_limits(limits),
                "The block's weight limits, per dispatch class.",
            ),
            constant("BlockLength", BlockLength::from_limits(limits), "The block's length limits, per dispatch class."),
            constant::<BlockNumber>(
                "BlockHashCount",
                BLOCK_HASH_COUNT,
                "How many recent block hashes `BlockHash` keeps.",
            ),
            constant("DbWeight", DB_WEIGHT, "The weight of one database read and one write."),
            constant("Version", R::version(), "The runtime's version."),
            constant("SS58Prefix", SS58_PREFIX, "The SS58 prefix of this chain's addresses."),
        ]
    }
}

/// The weight of `call`.
pub fn call_weight(call: &Call) -> Weight {
    match call {
        Call::remark { remark } => remark_weight(remark),
        Call::remark_with_event { remark } => {
            remark_weight(remark).saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0))
        }
    }
}

fn remark_weight(remark: &[u8]) -> Weight {
    // Hashing and storing the bytes in the block body grows with the length.
    Weight::from_parts(2 * WEIGHT_REF_TIME_PER_MICROS + remark.len() as u64 * 1_000, remark.len() as u64)
}

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let sender = origin.ensure_signed()?;
    match call {
        Call::remark { remark } => ensure_remark_len(&remark),
        Call::remark_with_event { remark } => {
            ensure_remark_len(&remark)?;
            ctx.deposit_event(Event::Remarked { sender, hash: blake2_256_h(&remark) });
            Ok(())
        }
    }
}

fn ensure_remark_len(remark: &[u8]) -> DispatchResult {
    if remark.len() > MAX_REMARK_LEN as usize {
        return Err(Error::RemarkTooLong.into());
    }
    Ok(())
}

/// Starts block `number` on top of `parent_hash`: resets the per-block items and records the
/// parent's hash.
pub fn initialize(storage: &mut impl StorageWrite, number: BlockNumber, parent_hash: H256) {
    NUMBER.put(storage, &number);
    PARENT_HASH.put(storage, &parent_hash);
    if let Some(parent_number) = number.checked_sub(1) {
        BLOCK_HASH.insert(storage, &parent_number, &parent_hash);
    }
    EVENT_COUNT.kill(storage);
    EXTRINSIC_COUNT.kill(storage);
    ALL_EXTRINSICS_LEN.kill(storage);
    BLOCK_WEIGHT.kill(storage);
}

/// Ends the block: prunes the block hash that fell out of the window (never the genesis hash)
/// and stores the block's events.
pub fn finalize<E: Encode + Decode>(storage: &mut impl StorageWrite, number: BlockNumber, records: &[EventRecord<E>]) {
    let to_remove = number.saturating_sub(BLOCK_HASH_COUNT).saturating_sub(1);
    if to_remove != 0 {
        BLOCK_HASH.remove(storage, &to_remove);
    }
    // Encoding the borrowed slice gives the same bytes as the owned vector.
    storage.storage_set(events::<E>().key(), records.encode());
    EVENT_COUNT.put(storage, &(records.len() as u32));
}

/// The nonce the account's next transaction must carry.
pub fn account_nonce(storage: &impl StorageRead, who: &AccountId32) -> Nonce {
    ACCOUNT.get(storage, who).nonce
}

/// Uses one nonce of `who`; a first-time account emits `NewAccount`.
pub fn inc_account_nonce<E: From<Event>>(ctx: &mut Context<'_, E>, who: &AccountId32) {
    let mut info = ACCOUNT.try_get(ctx, who).unwrap_or_else(|| {
        ctx.deposit_event(Event::NewAccount { account: *who });
        AccountInfo { providers: 1, ..AccountInfo::default() }
    });
    info.nonce = info.nonce.saturating_add(1);
    ACCOUNT.insert(ctx, who, &info);
}

/// The hash of block `number` if it is still kept.
pub fn block_hash(storage: &impl StorageRead, number: BlockNumber) -> Option<H256> {
    BLOCK_HASH.try_get(storage, &number)
}

/// Weight of the bookkeeping done for every extrinsic: nonce read and write, event.
pub const fn extrinsic_bookkeeping_weight() -> Weight {
    db_reads_writes(1, 1)
}
