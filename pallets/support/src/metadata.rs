//! Storage items described for FRAME metadata V14 (`frame_metadata::v14`), from the same typed
//! declarations the pallets read and write through — the key and value types, the hashers and
//! the names cannot drift from what is stored.
//!
//! An item's modifier and fallback follow its query kind ([`crate::storage::QueryKind`]):
//! `ValueQuery` items are `Default` with the SCALE encoding of the value type's default as
//! fallback (what a client decodes for an absent key, and what the runtime reads); `OptionQuery`
//! items are `Optional` with the encoding of `None` (`0x00`).

use frame_metadata::v14::{
    StorageEntryMetadata, StorageEntryModifier, StorageEntryType, StorageHasher as MetadataHasher,
};
use parity_scale_codec::{Decode, Encode};
use scale_info::{form::MetaForm, meta_type, TypeInfo};
use tracechain_primitives::storage_key::StorageHasher;

use crate::{
    storage::{OptionQuery, QueryKind, ValueQuery},
    StorageDoubleMap, StorageMap, StorageValue,
};

/// An entry of a pallet's storage in the metadata.
pub type StorageEntry = StorageEntryMetadata<MetaForm>;

/// FRAME's name for a hasher.
fn hasher(hasher: StorageHasher) -> MetadataHasher {
    match hasher {
        StorageHasher::Blake2_128Concat => MetadataHasher::Blake2_128Concat,
        StorageHasher::Twox64Concat => MetadataHasher::Twox64Concat,
        StorageHasher::Identity => MetadataHasher::Identity,
    }
}

/// The metadata modifier and fallback bytes of a query kind over the value type `V`.
pub trait QueryMetadata<V>: QueryKind {
    /// `Optional` or `Default`.
    const MODIFIER: StorageEntryModifier;
    /// What a client decodes an absent key to: `None`'s encoding, or `V::default()`'s.
    fn fallback() -> Vec<u8>;
}

impl<V> QueryMetadata<V> for OptionQuery {
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Optional;
    fn fallback() -> Vec<u8> {
        vec![0]
    }
}

impl<V: Encode + Default> QueryMetadata<V> for ValueQuery {
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Default;
    fn fallback() -> Vec<u8> {
        V::default().encode()
    }
}

fn entry<V, Q: QueryMetadata<V>>(
    name: &'static str,
    ty: StorageEntryType<MetaForm>,
    docs: &'static str,
) -> StorageEntry {
    StorageEntryMetadata { name, modifier: Q::MODIFIER, ty, default: Q::fallback(), docs: vec![docs] }
}

impl<V: Encode + Decode + TypeInfo + 'static, Q: QueryMetadata<V>> StorageValue<V, Q> {
    /// This item's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        entry::<V, Q>(self.item(), StorageEntryType::Plain(meta_type::<V>()), docs)
    }
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static, Q: QueryMetadata<V>> StorageMap<K, V, Q> {
    /// This map's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        let ty = StorageEntryType::Map {
            hashers: vec![hasher(self.hasher())],
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        };
        entry::<V, Q>(self.item(), ty, docs)
    }
}

impl<K1, K2, V, Q: QueryMetadata<V>> StorageDoubleMap<K1, K2, V, Q>
where
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
{
    /// This map's metadata entry, documented by `docs`; its key type is the tuple `(K1, K2)`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        let (first, second) = self.hashers();
        let ty = StorageEntryType::Map {
            hashers: vec![hasher(first), hasher(second)],
            key: meta_type::<(K1, K2)>(),
            value: meta_type::<V>(),
        };
        entry::<V, Q>(self.item(), ty, docs)
    }
}
