//! The runtime's pallets, declared once.
//!
//! `for_each_pallet!` holds the list, in the spirit of FRAME's `construct_runtime!`: one line
//! per pallet, `Name: pallet_crate::Pallet = index`, with `{ Event }` for a pallet that emits
//! events. The pallet's crate implements [`tracechain_support::Pallet`] on that `Pallet`. Every
//! part of the runtime that needs the pallets expands the list with a macro of its own, in its
//! own module, so that each generated type keeps the path the metadata shows for it:
//!
//! - [`crate::call`]: `RuntimeCall` (variant = pallet, `#[codec(index)]` = index), its weight
//!   and its dispatch;
//! - [`crate::event`]: `RuntimeEvent` over the pallets with events, and its `From` impls;
//! - [`crate::metadata`]: `RuntimeError`, the outer enum of the pallets' errors;
//! - here: [`PALLETS`], each pallet's name, index, crate, purpose and metadata, from which the
//!   metadata's pallet list and `docs/pallets.md` are built.
//!
//! ## Compile-time checks
//! For every pallet: its `Pallet::INDEX` and its `Error`'s `PALLET_INDEX` (the index of its
//! `DispatchError::Module`) equal the index listed here, and its `Pallet::NAME` equals the name
//! listed here; the crate's `Call`, `Event` and `Error`, which the outer enums name, are the
//! `Pallet`'s. Over the list: the indices are strictly ascending, so none is used twice and the
//! metadata lists the pallets in index order. A pallet listed without `{ Event }` whose `Pallet`
//! has events does not compile either: `RuntimeEvent` would not convert from them.

use std::convert::identity;

use scale_info::{meta_type, MetaType};
use tracechain_support::{
    metadata::{ConstantEntry, StorageEntry},
    pallet::str_eq,
    Pallet, PalletError,
};

/// Expands `$consumer! { … }` with the runtime's pallets, in index order. Adding a pallet is
/// adding its line here (see `docs/adding-a-pallet.md`).
macro_rules! for_each_pallet {
    ($consumer:ident) => {
        $consumer! {
            System: pallet_system::Pallet = 0 { Event },
            Timestamp: pallet_timestamp::Pallet = 1,
            Membership: pallet_membership::Pallet = 2 { Event },
            Products: pallet_products::Pallet = 10 { Event },
            Custody: pallet_custody::Pallet = 11 { Event },
            Customs: pallet_customs::Pallet = 12 { Event },
            Inspection: pallet_inspection::Pallet = 13 { Event },
            Identity: pallet_identity::Pallet = 14 { Event },
        }
    };
}
pub(crate) use for_each_pallet;

/// Declares an outer enum over the pallets (`RuntimeCall`, `RuntimeEvent`): one variant per
/// pallet holding the pallet's own enum, at the pallet's index, documented with its name and
/// index. Its `TypeInfo` is what `#[derive(TypeInfo)]` would give, written out because the
/// derive keeps only doc strings written as literals and drops the variants'
/// `#[doc = concat!(…)]`: the metadata shows the variants' docs.
macro_rules! outer_enum {
    (
        #[doc = $doc:literal]
        pub enum $enum:ident { $($name:ident($krate:ident::$inner:ident) = $index:literal,)* }
    ) => {
        #[doc = $doc]
        #[derive(Clone, Debug, PartialEq, Eq, parity_scale_codec::Encode, parity_scale_codec::Decode)]
        pub enum $enum {
            $(
                #[doc = concat!("`", stringify!($name), "` (index ", $index, ").")]
                #[codec(index = $index)]
                $name($krate::$inner),
            )*
        }

        impl scale_info::TypeInfo for $enum {
            type Identity = Self;

            fn type_info() -> scale_info::Type {
                use scale_info::build::{Fields, Variants};
                // As the derive does: the doc line without the space after `///`.
                const DOCS: &[&str] = &[$crate::pallets::doc_line($doc)];
                scale_info::Type::builder()
                    .path(scale_info::Path::new(stringify!($enum), module_path!()))
                    .type_params(Vec::new())
                    .docs(DOCS)
                    .variant(Variants::new()$(.variant(stringify!($name), |variant| {
                        variant
                            .index($index)
                            .fields(Fields::unnamed().field(|field| {
                                field
                                    .ty::<$krate::$inner>()
                                    .type_name(concat!(stringify!($krate), "::", stringify!($inner)))
                            }))
                            .docs(&[concat!("`", stringify!($name), "` (index ", $index, ").")])
                    }))*)
            }
        }
    };
}
pub(crate) use outer_enum;

/// A doc comment's line as `#[derive(TypeInfo)]` records it: without the space after `///`.
pub(crate) const fn doc_line(line: &'static str) -> &'static str {
    match line.as_bytes() {
        [b' ', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(rest) => rest,
            Err(_) => line,
        },
        _ => line,
    }
}

/// A pallet of the runtime: what the list declares and what the metadata says of it.
#[derive(Clone, Copy, Debug)]
pub struct PalletDeclaration {
    /// The pallet's name in the runtime (and its storage prefix).
    pub name: &'static str,
    /// The pallet's stable index.
    pub index: u8,
    /// The pallet's crate, as Rust code names it (`pallet_products`).
    pub crate_name: &'static str,
    /// What the pallet is for, in one line.
    pub docs: &'static str,
    /// The type of its calls.
    pub calls: fn() -> MetaType,
    /// The type of its events, if it emits any.
    pub event: Option<fn() -> MetaType>,
    /// The type of its errors.
    pub error: fn() -> MetaType,
    /// Its storage items.
    pub storage: fn() -> Vec<StorageEntry>,
    /// Its constants.
    pub constants: fn() -> Vec<ConstantEntry>,
}

/// `Some(…)` when given an expression, `None` when given nothing.
macro_rules! optional {
    () => {
        None
    };
    ($($some:tt)+) => {
        Some($($some)+)
    };
}

macro_rules! pallet_declarations {
    ($($name:ident: $krate:ident::Pallet = $index:literal $({ $event:ident })?),* $(,)?) => {
        /// Every pallet of the runtime, in index order.
        pub const PALLETS: &[PalletDeclaration] = &[$(
            PalletDeclaration {
                name: stringify!($name),
                index: $index,
                crate_name: stringify!($krate),
                docs: <$krate::Pallet as Pallet>::DOCS,
                calls: meta_type::<$krate::Call>,
                event: optional!($(meta_type::<$krate::$event>)?),
                error: meta_type::<$krate::Error>,
                storage: <$krate::Pallet as Pallet>::storage_metadata::<crate::metadata::Runtime>,
                constants: <$krate::Pallet as Pallet>::constants_metadata::<crate::metadata::Runtime>,
            },
        )*];

        $(
            const _: () = assert!(
                <$krate::Pallet as Pallet>::INDEX == $index,
                concat!(stringify!($name), ": its Pallet::INDEX is not its index in the runtime's list"),
            );
            const _: () = assert!(
                <<$krate::Pallet as Pallet>::Error as PalletError>::PALLET_INDEX == $index,
                concat!(stringify!($name), ": its Error's PALLET_INDEX is not its index in the runtime's list"),
            );
            const _: () = assert!(
                str_eq(<$krate::Pallet as Pallet>::NAME, stringify!($name)),
                concat!(stringify!($name), ": its Pallet::NAME is not its name in the runtime's list"),
            );
            // The outer enums name the crate's own types, whose paths the metadata shows; these
            // compile only if they are the types the `Pallet` dispatches.
            const _: fn($krate::Call) -> <$krate::Pallet as Pallet>::Call = identity;
            const _: fn($krate::Error) -> <$krate::Pallet as Pallet>::Error = identity;
            $(const _: fn($krate::$event) -> <$krate::Pallet as Pallet>::Event = identity;)?
        )*
        const _: () = assert!(
            strictly_ascending(&[$($index),*]),
            "the runtime's pallets are listed in index order, each index once",
        );
    };
}

for_each_pallet!(pallet_declarations);

/// Whether every index is greater than the one before it.
const fn strictly_ascending(indices: &[u8]) -> bool {
    let mut at = 1;
    while at < indices.len() {
        if indices[at - 1] >= indices[at] {
            return false;
        }
        at += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_must_ascend() {
        assert!(strictly_ascending(&[0, 1, 2, 10]));
        assert!(!strictly_ascending(&[0, 2, 2]));
        assert!(!strictly_ascending(&[1, 0]));
    }

    #[test]
    fn the_declarations_are_the_pallets_own() {
        let names: Vec<(&str, u8, &str)> =
            PALLETS.iter().map(|pallet| (pallet.name, pallet.index, pallet.crate_name)).collect();
        assert_eq!(names[0], ("System", pallet_system::PALLET_INDEX, "pallet_system"));
        assert_eq!(names[3], ("Products", pallet_products::PALLET_INDEX, "pallet_products"));
        assert!(PALLETS[1].event.is_none(), "Timestamp emits no events");
    }
}
