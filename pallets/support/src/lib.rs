//! # tracechain-support
//!
//! The small pallet framework Tracechain's runtime is built from, in plain Rust:
//!
//! - [`overlay::Overlay`]: the block's pending storage changes over a read-only state, with
//!   nested transactional layers. A layer is committed into the one below or rolled back whole.
//! - [`context::Context`]: what a dispatched call sees: storage, the block number and time, and an
//!   event buffer that is transactional together with storage.
//! - [`storage`]: typed `StorageValue`, `StorageMap` and `StorageDoubleMap` whose keys follow
//!   FRAME's layout (`twox_128(pallet) ++ twox_128(item) ++ hasher(SCALE(key))`), so clients
//!   read them with the same keys they use on any Substrate chain.
//! - [`dispatch`]: origins, `DispatchError` in Substrate's encoding, `DispatchInfo`.
//! - [`pallet`]: the [`Pallet`] trait each pallet implements, through which the runtime builds
//!   its call and event enums, dispatch, weights and metadata from one list of pallets.
//! - [`metadata`]: storage items and constants described for FRAME metadata;
//!   [`storage_items!`] declares a pallet's items and their metadata from one doc comment each.
//! - [`weight`]: `Weight` and the block's weight and length limits.
//! - [`text`]: the checks of member-written text (no control or bidi characters) and URIs
//!   (allowed schemes only), shared by every pallet.
//!
//! ## Invariants
//! - Storage is a `BTreeMap` everywhere: iteration order is the key order, never a hash order.
//! - A call either commits all of its writes and events or none (see [`context::Context::transactional`]).
//! - Pallets never read a clock or randomness: time is the block's timestamp in the context.
//!
//! ## Failure
//! A value that cannot be decoded, or a state backend that cannot be read, is corruption, not a
//! user error: the overlay records the first such failure, reads return `None`, and the executive
//! fails the whole block when it sees the record (see [`overlay::Overlay::corruption`]).

pub mod context;
pub mod dispatch;
pub mod metadata;
pub mod overlay;
pub mod pallet;
pub mod storage;
pub mod text;
pub mod weight;

pub use context::{Context, EventRecord, Phase, StorageRead, StorageWrite};
pub use dispatch::{DispatchError, DispatchResult, ModuleError, Origin};
pub use overlay::{Overlay, StateReader};
pub use pallet::{NoEvent, Pallet, RuntimeConfig};
pub use storage::{OptionQuery, StorageDoubleMap, StorageMap, StorageValue, ValueQuery};
pub use weight::Weight;

/// What the exported macros name, so that a pallet using them needs no extra dependency.
#[doc(hidden)]
pub mod __private {
    pub use parity_scale_codec::{Decode, Encode};
    pub use scale_info::TypeInfo;
}

/// Makes `DispatchError::Module` from a pallet's error enum.
///
/// Each pallet declares its stable index (its position in the runtime) and its error enum; the
/// error's variant index is its SCALE index.
pub trait PalletError: parity_scale_codec::Encode {
    /// The pallet's index in the runtime.
    const PALLET_INDEX: u8;
}

impl<T: PalletError> From<T> for DispatchError {
    fn from(error: T) -> Self {
        let encoded = error.encode();
        let mut bytes = [0u8; 4];
        for (slot, byte) in bytes.iter_mut().zip(encoded.iter()) {
            *slot = *byte;
        }
        DispatchError::Module(ModuleError { index: T::PALLET_INDEX, error: bytes })
    }
}
