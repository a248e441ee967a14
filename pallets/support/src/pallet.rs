//! The [`Pallet`] trait: everything the runtime needs from a pallet, behind one name.
//!
//! Each pallet crate declares a unit struct `pub struct Pallet;` (FRAME's naming) and implements
//! [`Pallet`] on it by delegating to its own functions. The runtime lists its pallets once, as
//! `Name: pallet_crate::Pallet = index`, and builds its outer call and event enums, their
//! dispatch and weight, and its metadata from that list through this trait alone.
//!
//! ## Contract
//! - [`Pallet::NAME`] is the pallet's name in the runtime and the first half of its storage
//!   prefixes; it equals the name the runtime lists it under.
//! - [`Pallet::INDEX`] is the pallet's stable index: the first byte of its calls and events and
//!   the `index` of its `DispatchError::Module`. It equals the runtime's index for the pallet and
//!   the [`PalletError::PALLET_INDEX`] of [`Pallet::Error`]; the runtime checks both at compile
//!   time.
//! - [`Pallet::Call`], [`Pallet::Event`] and [`Pallet::Error`] are the pallet's own enums, with
//!   stable variant indices. A pallet that emits no events says [`NoEvent`].
//! - [`Pallet::call_weight`] and [`Pallet::dispatch`] are pure functions of the state and the
//!   call: no clock, no randomness, no hash-map order.
//! - [`Pallet::storage_metadata`] lists every storage item the pallet reads or writes, in the
//!   order the metadata shows them; [`Pallet::constants_metadata`] its constants.
//!
//! What only the runtime knows (its outer event enum, its version) reaches the pallets'
//! metadata through [`RuntimeConfig`], as FRAME's `Config` gives `frame_system` its
//! `RuntimeEvent` and `Version`.

use std::fmt::Debug;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::{
    dispatch::{DispatchResult, Origin},
    metadata::{ConstantEntry, StorageEntry},
    weight::Weight,
    Context, PalletError, StorageRead,
};

/// The event type of a pallet that emits none. It has no values, so a runtime converts it into
/// its event enum without a variant for the pallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoEvent {}

/// The runtime's own types and values that pallets describe in their metadata.
pub trait RuntimeConfig {
    /// The runtime's outer event enum (System's `Events` holds records of it).
    type RuntimeEvent: Encode + Decode + TypeInfo + 'static;
    /// The runtime's version type (System's `Version` constant).
    type Version: Encode + TypeInfo + 'static;
    /// The runtime's version.
    fn version() -> Self::Version;
}

/// A pallet of the runtime; see the module documentation for the contract.
pub trait Pallet {
    /// The pallet's name: the runtime's name for it and the first half of its storage prefixes.
    const NAME: &'static str;
    /// The pallet's stable index in the runtime.
    const INDEX: u8;
    /// What the pallet is for, in one line (the metadata's pallet docs and `docs/pallets.md`).
    const DOCS: &'static str;

    /// The pallet's calls.
    type Call: Clone + Debug + PartialEq + Eq + Encode + Decode + TypeInfo + 'static;
    /// The pallet's events, or [`NoEvent`].
    type Event: 'static;
    /// The pallet's errors, whose variant index is the second byte of its `ModuleError`.
    type Error: PalletError + TypeInfo + 'static;

    /// The weight of `call` before the per-extrinsic base weight. It may read the state, for a
    /// call whose work grows with what it touches (an aggregate's contents).
    fn call_weight(storage: &impl StorageRead, call: &Self::Call) -> Weight;

    /// Dispatches `call` from `origin`, depositing the pallet's events into the runtime's `E`.
    fn dispatch<E: From<Self::Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Self::Call) -> DispatchResult;

    /// The pallet's storage items, for the runtime metadata.
    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry>;

    /// The pallet's constants, for the runtime metadata; none unless the pallet says so.
    fn constants_metadata<R: RuntimeConfig>() -> Vec<ConstantEntry> {
        Vec::new()
    }
}

/// Whether two strings are equal, in a constant: what the runtime's compile-time check of a
/// pallet's name uses (`==` on `str` is not yet usable in constants).
pub const fn str_eq(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    if left.len() != right.len() {
        return false;
    }
    let mut index = 0;
    while index < left.len() {
        if left[index] != right[index] {
            return false;
        }
        index += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_eq_compares_bytes() {
        const _: () = assert!(str_eq("Custody", "Custody"));
        assert!(!str_eq("Custody", "Customs"));
        assert!(!str_eq("Custody", "Custod"));
        assert!(str_eq("", ""));
    }
}
