//! Typed storage items whose keys follow FRAME's layout.
//!
//! A pallet declares its items as constants, e.g.
//! `pub const NUMBER: StorageValue<u32, ValueQuery> = StorageValue::new("System", "Number");`, and
//! reads and writes them through any [`StorageRead`] / [`StorageWrite`] (the block context or an
//! overlay).
//!
//! Each item declares its query kind, as FRAME does:
//! - [`ValueQuery`] for items with a natural default (counters, lists, sets, `System.Account`):
//!   `get` returns the value, or `V::default()` when the key is absent. The metadata marks them
//!   `Default`, with the SCALE encoding of `V::default()` as fallback, so a client decodes an
//!   absent key to the same value the runtime reads.
//! - [`OptionQuery`] (the default) where absence means something (an unknown item, class or
//!   proposal): `get` returns `Option<V>`; the metadata marks them `Optional`.
//!
//! A stored value that does not decode completely is recorded as corruption and reads as absent.
//!
//! A pallet declares all its items in one [`storage_items!`](crate::storage_items) block, each
//! with its doc comment, which is also what the runtime metadata shows for the item: the block
//! emits the constants and the pallet's `storage_metadata()`, in the order written.

use std::marker::PhantomData;

use parity_scale_codec::{Decode, DecodeAll, Encode};
use tracechain_primitives::storage_key::{double_map_key, map_key, storage_prefix, StorageHasher};

pub use crate::context::{StorageRead, StorageWrite};

/// How an item answers a read of an absent key: FRAME's `OptionQuery` or `ValueQuery`.
pub trait QueryKind {
    /// Whether an absent key reads as the value type's default.
    const HAS_DEFAULT: bool;
}

/// An absent key reads as `None` (FRAME's `OptionQuery`; metadata modifier `Optional`).
pub struct OptionQuery;

/// An absent key reads as `V::default()` (FRAME's `ValueQuery`; metadata modifier `Default`).
pub struct ValueQuery;

impl QueryKind for OptionQuery {
    const HAS_DEFAULT: bool = false;
}

impl QueryKind for ValueQuery {
    const HAS_DEFAULT: bool = true;
}

fn decode_value<V: Decode>(storage: &impl StorageRead, pallet: &str, item: &str, bytes: Option<Vec<u8>>) -> Option<V> {
    let bytes = bytes?;
    match V::decode_all(&mut &bytes[..]) {
        Ok(value) => Some(value),
        Err(error) => {
            storage.note_corruption(format!("{pallet}.{item} does not decode: {error}"));
            None
        }
    }
}

/// A single value.
pub struct StorageValue<V, Q: QueryKind = OptionQuery> {
    pallet: &'static str,
    item: &'static str,
    types: PhantomData<fn() -> (V, Q)>,
}

impl<V: Encode + Decode, Q: QueryKind> StorageValue<V, Q> {
    /// Declares the item `item` of pallet `pallet`.
    pub const fn new(pallet: &'static str, item: &'static str) -> Self {
        Self { pallet, item, types: PhantomData }
    }

    /// The item's name.
    pub fn item(&self) -> &'static str {
        self.item
    }

    /// Its storage key: `twox_128(pallet) ++ twox_128(item)`.
    pub fn key(&self) -> Vec<u8> {
        storage_prefix(self.pallet, self.item).to_vec()
    }

    /// The stored value, `None` when the key is absent (whatever the query kind).
    pub fn try_get(&self, storage: &impl StorageRead) -> Option<V> {
        decode_value(storage, self.pallet, self.item, storage.storage_get(&self.key()))
    }

    /// Whether a value is stored.
    pub fn exists(&self, storage: &impl StorageRead) -> bool {
        storage.storage_get(&self.key()).is_some()
    }

    /// Stores `value`.
    pub fn put(&self, storage: &mut impl StorageWrite, value: &V) {
        storage.storage_set(self.key(), value.encode());
    }

    /// Removes the value.
    pub fn kill(&self, storage: &mut impl StorageWrite) {
        storage.storage_remove(self.key());
    }
}

impl<V: Encode + Decode> StorageValue<V, OptionQuery> {
    /// The stored value.
    pub fn get(&self, storage: &impl StorageRead) -> Option<V> {
        self.try_get(storage)
    }

    /// Removes and returns the value.
    pub fn take(&self, storage: &mut impl StorageWrite) -> Option<V> {
        let value = self.try_get(storage);
        self.kill(storage);
        value
    }
}

impl<V: Encode + Decode + Default> StorageValue<V, ValueQuery> {
    /// The stored value, or the default when absent.
    pub fn get(&self, storage: &impl StorageRead) -> V {
        self.try_get(storage).unwrap_or_default()
    }

    /// Removes and returns the value (the default when absent).
    pub fn take(&self, storage: &mut impl StorageWrite) -> V {
        let value = self.get(storage);
        self.kill(storage);
        value
    }
}

/// The types a map stores, as one marker so the struct stays simple.
type MapTypes<K, V, Q> = fn() -> (K, V, Q);

/// A map from keys to values.
pub struct StorageMap<K, V, Q: QueryKind = OptionQuery> {
    pallet: &'static str,
    item: &'static str,
    hasher: StorageHasher,
    types: PhantomData<MapTypes<K, V, Q>>,
}

impl<K: Encode, V: Encode + Decode, Q: QueryKind> StorageMap<K, V, Q> {
    /// Declares the map `item` of pallet `pallet`, hashing keys with `hasher`.
    pub const fn new(pallet: &'static str, item: &'static str, hasher: StorageHasher) -> Self {
        Self { pallet, item, hasher, types: PhantomData }
    }

    /// The item's name.
    pub fn item(&self) -> &'static str {
        self.item
    }

    /// The key hasher.
    pub fn hasher(&self) -> StorageHasher {
        self.hasher
    }

    /// The prefix shared by all the map's keys.
    pub fn prefix(&self) -> [u8; 32] {
        storage_prefix(self.pallet, self.item)
    }

    /// The storage key of `key`'s entry.
    pub fn key(&self, key: &K) -> Vec<u8> {
        map_key(self.pallet, self.item, self.hasher, &key.encode())
    }

    /// The value at `key`, `None` when absent (whatever the query kind).
    pub fn try_get(&self, storage: &impl StorageRead, key: &K) -> Option<V> {
        decode_value(storage, self.pallet, self.item, storage.storage_get(&self.key(key)))
    }

    /// Whether `key` has a value.
    pub fn contains(&self, storage: &impl StorageRead, key: &K) -> bool {
        storage.storage_get(&self.key(key)).is_some()
    }

    /// Stores `value` at `key`.
    pub fn insert(&self, storage: &mut impl StorageWrite, key: &K, value: &V) {
        storage.storage_set(self.key(key), value.encode());
    }

    /// Removes `key`'s value.
    pub fn remove(&self, storage: &mut impl StorageWrite, key: &K) {
        storage.storage_remove(self.key(key));
    }
}

impl<K: Encode, V: Encode + Decode> StorageMap<K, V, OptionQuery> {
    /// The value at `key`.
    pub fn get(&self, storage: &impl StorageRead, key: &K) -> Option<V> {
        self.try_get(storage, key)
    }
}

impl<K: Encode, V: Encode + Decode + Default> StorageMap<K, V, ValueQuery> {
    /// The value at `key`, or the default when absent.
    pub fn get(&self, storage: &impl StorageRead, key: &K) -> V {
        self.try_get(storage, key).unwrap_or_default()
    }
}

/// The types a double map stores, as one marker so the struct stays simple.
type DoubleMapTypes<K1, K2, V, Q> = fn() -> (K1, K2, V, Q);

/// A map keyed by two keys, each with its own hasher.
pub struct StorageDoubleMap<K1, K2, V, Q: QueryKind = OptionQuery> {
    pallet: &'static str,
    item: &'static str,
    hashers: (StorageHasher, StorageHasher),
    types: PhantomData<DoubleMapTypes<K1, K2, V, Q>>,
}

impl<K1: Encode, K2: Encode, V: Encode + Decode, Q: QueryKind> StorageDoubleMap<K1, K2, V, Q> {
    /// Declares the double map `item` of pallet `pallet`.
    pub const fn new(pallet: &'static str, item: &'static str, hasher1: StorageHasher, hasher2: StorageHasher) -> Self {
        Self { pallet, item, hashers: (hasher1, hasher2), types: PhantomData }
    }

    /// The item's name.
    pub fn item(&self) -> &'static str {
        self.item
    }

    /// The hashers of the first and the second key.
    pub fn hashers(&self) -> (StorageHasher, StorageHasher) {
        self.hashers
    }

    /// The storage key of `(key1, key2)`'s entry.
    pub fn key(&self, key1: &K1, key2: &K2) -> Vec<u8> {
        double_map_key(self.pallet, self.item, (self.hashers.0, &key1.encode()), (self.hashers.1, &key2.encode()))
    }

    /// The value at `(key1, key2)`, `None` when absent (whatever the query kind).
    pub fn try_get(&self, storage: &impl StorageRead, key1: &K1, key2: &K2) -> Option<V> {
        decode_value(storage, self.pallet, self.item, storage.storage_get(&self.key(key1, key2)))
    }

    /// Whether `(key1, key2)` has a value.
    pub fn contains(&self, storage: &impl StorageRead, key1: &K1, key2: &K2) -> bool {
        storage.storage_get(&self.key(key1, key2)).is_some()
    }

    /// Stores `value` at `(key1, key2)`.
    pub fn insert(&self, storage: &mut impl StorageWrite, key1: &K1, key2: &K2, value: &V) {
        storage.storage_set(self.key(key1, key2), value.encode());
    }

    /// Removes `(key1, key2)`'s value.
    pub fn remove(&self, storage: &mut impl StorageWrite, key1: &K1, key2: &K2) {
        storage.storage_remove(self.key(key1, key2));
    }
}

impl<K1: Encode, K2: Encode, V: Encode + Decode> StorageDoubleMap<K1, K2, V, OptionQuery> {
    /// The value at `(key1, key2)`.
    pub fn get(&self, storage: &impl StorageRead, key1: &K1, key2: &K2) -> Option<V> {
        self.try_get(storage, key1, key2)
    }
}

impl<K1: Encode, K2: Encode, V: Encode + Decode + Default> StorageDoubleMap<K1, K2, V, ValueQuery> {
    /// The value at `(key1, key2)`, or the default when absent.
    pub fn get(&self, storage: &impl StorageRead, key1: &K1, key2: &K2) -> V {
        self.try_get(storage, key1, key2).unwrap_or_default()
    }
}

/// Declares a pallet's storage items and its `storage_metadata()` from one list, so that each
/// item is documented once: its doc comment is both its Rust documentation and its metadata
/// docs (rendered for metadata readers by [`crate::metadata::doc_text`]). Every item must have
/// a doc comment; the metadata lists the items in the order written.
///
/// ```
/// use tracechain_primitives::storage_key::StorageHasher;
/// use tracechain_support::{storage::ValueQuery, StorageMap, StorageValue};
///
/// const PALLET_NAME: &str = "Custody";
///
/// tracechain_support::storage_items! {
///     /// proposal id → proposal, open or closed; at most [`MAX_OPEN`] open.
///     pub const PROPOSALS: StorageMap<u64, Vec<u8>> =
///         StorageMap::new(PALLET_NAME, "Proposals", StorageHasher::Twox64Concat);
///     /// the id the next proposal gets.
///     pub const NEXT_PROPOSAL_ID: StorageValue<u64, ValueQuery> =
///         StorageValue::new(PALLET_NAME, "NextProposalId");
/// }
/// /// The most open proposals.
/// pub const MAX_OPEN: u32 = 16;
///
/// let entries = storage_metadata();
/// assert_eq!(entries[0].name, "Proposals");
/// assert_eq!(entries[0].docs, ["proposal id → proposal, open or closed; at most `MAX_OPEN` open."]);
/// assert_eq!(entries[1].docs, ["the id the next proposal gets."]);
/// ```
///
/// An item whose value type holds the runtime's event type is declared as a `const fn` generic
/// over it (System's `Events`); `storage_metadata` is then generic over the same parameter:
///
/// ```
/// use tracechain_support::{storage::ValueQuery, EventRecord, StorageValue};
///
/// const PALLET_NAME: &str = "System";
///
/// tracechain_support::storage_items! {
///     /// The current block's events, with their phases and topics.
///     pub const fn events<E>() -> StorageValue<Vec<EventRecord<E>>, ValueQuery> {
///         StorageValue::new(PALLET_NAME, "Events")
///     }
/// }
///
/// assert_eq!(storage_metadata::<u8>()[0].name, "Events");
/// assert_eq!(events::<u8>().item(), "Events");
/// ```
#[macro_export]
macro_rules! storage_items {
    // One item at a time: the event type parameter seen so far (at most one), the metadata
    // entries so far as `[item expression] [doc lines]`, then the items left.
    (@items [$($event:ident)?] [$($entries:tt)*]
        $(#[doc = $doc:literal])+
        $vis:vis const fn $name:ident<$param:ident>() -> $ty:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[doc = $doc])+
        $vis const fn $name<$param: $crate::__private::Encode + $crate::__private::Decode>() -> $ty $body
        $crate::storage_items!(@items [$param] [$($entries)* [$name::<$param>()] [$($doc)+]] $($rest)*);
    };
    (@items [$($event:ident)?] [$($entries:tt)*]
        $(#[doc = $doc:literal])+
        $vis:vis const $name:ident: $ty:ty = $init:expr;
        $($rest:tt)*
    ) => {
        $(#[doc = $doc])+
        $vis const $name: $ty = $init;
        $crate::storage_items!(@items [$($event)?] [$($entries)* [$name] [$($doc)+]] $($rest)*);
    };
    (@items [] [$([$item:expr] [$($doc:literal)+])*]) => {
        /// The pallet's storage items, for the runtime metadata, each documented by its doc comment.
        pub fn storage_metadata() -> ::std::vec::Vec<$crate::metadata::StorageEntry> {
            ::std::vec![$($item.metadata($crate::__metadata_docs!($($doc),+))),*]
        }
    };
    (@items [$event:ident] [$([$item:expr] [$($doc:literal)+])*]) => {
        /// The pallet's storage items, for the runtime metadata, each documented by its doc
        /// comment; the runtime's event type is the type parameter.
        pub fn storage_metadata<
            $event: $crate::__private::Encode + $crate::__private::Decode + $crate::__private::TypeInfo + 'static,
        >() -> ::std::vec::Vec<$crate::metadata::StorageEntry> {
            ::std::vec![$($item.metadata($crate::__metadata_docs!($($doc),+))),*]
        }
    };
    ($($items:tt)*) => {
        $crate::storage_items!(@items [] [] $($items)*);
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::Overlay;
    use std::collections::BTreeMap;

    const NUMBER: StorageValue<u32, ValueQuery> = StorageValue::new("System", "Number");
    const NAME: StorageValue<Vec<u8>> = StorageValue::new("Test", "Name");
    const ACCOUNTS: StorageMap<u32, u64> = StorageMap::new("Test", "Accounts", StorageHasher::Twox64Concat);
    const COUNTS: StorageMap<u32, u64, ValueQuery> = StorageMap::new("Test", "Counts", StorageHasher::Twox64Concat);

    #[test]
    fn typed_values_round_trip_under_frame_keys() {
        let state = BTreeMap::new();
        let mut overlay = Overlay::new(&state);
        NUMBER.put(&mut overlay, &7);
        assert_eq!(NUMBER.get(&overlay), 7);
        assert_eq!(hex_of(&NUMBER.key()), "26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac");
        ACCOUNTS.insert(&mut overlay, &1, &10);
        assert_eq!(ACCOUNTS.get(&overlay, &1), Some(10));
        assert!(!ACCOUNTS.contains(&overlay, &2));
        ACCOUNTS.remove(&mut overlay, &1);
        assert_eq!(ACCOUNTS.get(&overlay, &1), None);
        assert_eq!(NUMBER.take(&mut overlay), 7);
        assert!(!NUMBER.exists(&overlay));
    }

    #[test]
    fn value_query_reads_an_absent_key_as_the_default_and_option_query_as_none() {
        let state = BTreeMap::new();
        let mut overlay = Overlay::new(&state);
        assert_eq!(NUMBER.get(&overlay), 0);
        assert_eq!(NUMBER.try_get(&overlay), None);
        assert_eq!(COUNTS.get(&overlay, &3), 0);
        assert_eq!(NAME.get(&overlay), None);
        COUNTS.insert(&mut overlay, &3, &9);
        assert_eq!(COUNTS.get(&overlay, &3), 9);
        assert_eq!(NAME.take(&mut overlay), None);
    }

    #[test]
    fn undecodable_value_is_corruption() {
        let state = BTreeMap::from([(NUMBER.key(), vec![1, 2])]);
        let overlay = Overlay::new(&state);
        assert_eq!(NUMBER.try_get(&overlay), None);
        assert!(overlay.corruption().is_some_and(|reason| reason.contains("System.Number")));
    }

    fn hex_of(bytes: &[u8]) -> String {
        crate::overlay::hex_key(bytes)
    }
}
