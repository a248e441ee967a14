//! Storage items described for FRAME metadata V14 (`frame_metadata::v14`), from the same typed
//! declarations the pallets read and write through — the key and value types, the hashers and
//! the names cannot drift from what is stored.
//!
//! Every entry is `Optional` (an absent key is no value, as [`crate::StorageMap::get`] returns
//! `None`), with the encoding of `None` as its default.

use frame_metadata::v14::{
    StorageEntryMetadata, StorageEntryModifier, StorageEntryType, StorageHasher as MetadataHasher,
};
use parity_scale_codec::{Decode, Encode};
use scale_info::{form::MetaForm, meta_type, TypeInfo};
use tracechain_primitives::storage_key::StorageHasher;

use crate::{StorageDoubleMap, StorageMap, StorageValue};

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

fn entry(name: &'static str, ty: StorageEntryType<MetaForm>, docs: &'static str) -> StorageEntry {
    StorageEntryMetadata { name, modifier: StorageEntryModifier::Optional, ty, default: vec![0], docs: vec![docs] }
}

impl<V: Encode + Decode + TypeInfo + 'static> StorageValue<V> {
    /// This item's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        entry(self.item(), StorageEntryType::Plain(meta_type::<V>()), docs)
    }
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static> StorageMap<K, V> {
    /// This map's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        let ty = StorageEntryType::Map {
            hashers: vec![hasher(self.hasher())],
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        };
        entry(self.item(), ty, docs)
    }
}

impl<K1, K2, V> StorageDoubleMap<K1, K2, V>
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
        entry(self.item(), ty, docs)
    }
}
