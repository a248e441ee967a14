//! # pallet-timestamp
//!
//! The block's time, and the runtime's only source of time. The block author puts exactly one
//! unsigned `Timestamp.set(now)` inherent in every block, before any signed extrinsic.
//!
//! ## Rules
//! - `set` is unsigned (origin `None`) and may appear once per block; a block without it is invalid.
//! - Time is monotonic: `now >= previous + MINIMUM_PERIOD_MS`.
//! - Drift: a node importing a block checks, outside the runtime, that `now` is not more than
//!   [`MAX_DRIFT_MS`] ahead of its own clock ([`check_drift`]). The runtime itself never reads a
//!   clock, so every node computes the same state from the same blocks.
//!
//! ## Failure
//! [`Error`] for a second `set`, a non-monotonic time, or a signed origin; [`finalize`] returns
//! [`Error::MissingTimestamp`] for a block without `set`, which makes the block invalid.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::Moment;
use tracechain_support::{
    dispatch::{DispatchResult, Origin},
    metadata::{constant, ConstantEntry, StorageEntry},
    storage::{StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::{db_reads_writes, Weight},
    Context, NoEvent, PalletError, RuntimeConfig,
};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Timestamp";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 1;
/// The least time between two blocks, in milliseconds.
pub const MINIMUM_PERIOD_MS: Moment = 1;
/// How far ahead of a node's clock a block's time may be before the node refuses the block.
pub const MAX_DRIFT_MS: Moment = 30_000;

tracechain_support::storage_items! {
    /// the current block's time, in milliseconds since the Unix epoch.
    pub const NOW: StorageValue<Moment, ValueQuery> = StorageValue::new(PALLET_NAME, "Now");
    /// whether `set` ran in the current block.
    pub const DID_UPDATE: StorageValue<bool, ValueQuery> = StorageValue::new(PALLET_NAME, "DidUpdate");
}

/// The pallet's calls.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Sets the block's time. Inherent: unsigned, once per block.
    #[codec(index = 0)]
    set {
        /// Milliseconds since the Unix epoch.
        #[codec(compact)]
        now: Moment,
    },
}

/// The pallet's errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// `set` already ran in this block.
    #[error("the timestamp was already set in this block")]
    AlreadySet,
    /// The new time is not at least `MINIMUM_PERIOD_MS` after the previous block's.
    #[error("the timestamp must increase by at least {MINIMUM_PERIOD_MS} ms")]
    NotMonotonic,
    /// The block has no `set` inherent.
    #[error("the block has no timestamp inherent")]
    MissingTimestamp,
    /// The time is too far ahead of the importing node's clock.
    #[error("the timestamp is too far in the future")]
    TooFarInFuture,
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
    const DOCS: &'static str = "The block-time inherent: the runtime's only clock.";
    type Call = Call;
    type Event = NoEvent;
    type Error = Error;

    fn call_weight(_storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(call)
    }

    fn dispatch<E: From<NoEvent>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata()
    }

    fn constants_metadata<R: RuntimeConfig>() -> Vec<ConstantEntry> {
        vec![constant("MinimumPeriod", MINIMUM_PERIOD_MS, "The least time between two blocks, in milliseconds.")]
    }
}

/// The weight of `call`.
pub fn call_weight(_call: &Call) -> Weight {
    db_reads_writes(2, 2)
}

/// Dispatches `call` from `origin`.
pub fn dispatch<E>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    origin.ensure_none()?;
    let Call::set { now } = call;
    if DID_UPDATE.get(ctx) {
        return Err(Error::AlreadySet.into());
    }
    let previous = NOW.get(ctx);
    if previous != 0 && now < previous.saturating_add(MINIMUM_PERIOD_MS) {
        return Err(Error::NotMonotonic.into());
    }
    NOW.put(ctx, &now);
    DID_UPDATE.put(ctx, &true);
    Ok(())
}

/// Ends the block: it must have set its time.
pub fn finalize(storage: &mut impl StorageWrite) -> Result<(), Error> {
    if !DID_UPDATE.take(storage) {
        return Err(Error::MissingTimestamp);
    }
    Ok(())
}

/// The current block's time (the previous block's until `set` runs).
pub fn now(storage: &impl StorageRead) -> Moment {
    NOW.get(storage)
}

/// A node's check of a block's time against its own clock, before importing the block.
pub fn check_drift(block_time: Moment, local_now: Moment) -> Result<(), Error> {
    if block_time > local_now.saturating_add(MAX_DRIFT_MS) {
        return Err(Error::TooFarInFuture);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use tracechain_support::{DispatchError, Overlay};

    #[test]
    fn set_once_monotonic_and_required() {
        let state = BTreeMap::new();
        let mut ctx: Context<'_, ()> = Context::new(Overlay::new(&state), 1);
        assert_eq!(finalize(&mut ctx.overlay), Err(Error::MissingTimestamp));
        dispatch(&mut ctx, &Origin::None, Call::set { now: 1_000 }).unwrap();
        assert_eq!(dispatch(&mut ctx, &Origin::None, Call::set { now: 2_000 }), Err(Error::AlreadySet.into()));
        finalize(&mut ctx.overlay).unwrap();
        assert_eq!(now(&ctx), 1_000);
        assert_eq!(dispatch(&mut ctx, &Origin::None, Call::set { now: 1_000 }), Err(Error::NotMonotonic.into()));
        dispatch(&mut ctx, &Origin::None, Call::set { now: 1_001 }).unwrap();
    }

    #[test]
    fn signed_origin_is_refused() {
        let state = BTreeMap::new();
        let mut ctx: Context<'_, ()> = Context::new(Overlay::new(&state), 1);
        let signed = Origin::Signed(tracechain_primitives::AccountId32([0; 32]));
        assert_eq!(dispatch(&mut ctx, &signed, Call::set { now: 1 }), Err(DispatchError::BadOrigin));
    }

    #[test]
    fn drift_is_bounded() {
        assert!(check_drift(1_000 + MAX_DRIFT_MS, 1_000).is_ok());
        assert_eq!(check_drift(1_001 + MAX_DRIFT_MS, 1_000), Err(Error::TooFarInFuture));
    }

    #[test]
    fn call_encoding() {
        assert_eq!(Call::set { now: 1 }.encode(), vec![0, 4]);
    }
}
