//! Storage queries of the new JSON-RPC interface, shared by `chainHead_v1_storage` and
//! `archive_v1_storage`: parsing the `items` parameter and answering each item from the node's
//! raw storage (the bytes `state_getStorage` returns; an absent key yields no item).
//!
//! An item is `{"key": "0x…", "type": …}` (plus `paginationStartKey` for the archive), with
//! `type` one of:
//! - `value`: the value at `key`;
//! - `hash`: the blake2-256 hash of that value (the chain's hashing);
//! - `closestDescendantMerkleValue`: the trie Merkle value of the node at `key` or, if there is
//!   none, of the closest node below it (a branch included): the node's encoding when it is
//!   shorter than 32 bytes, its blake2-256 hash otherwise;
//! - `descendantsValues` / `descendantsHashes`: every entry whose key starts with `key`, in key
//!   order, read page by page so that no query holds more than one page in memory.
//!
//! Anything else, a missing field or bad hex is an invalid-params error (-32602) naming the
//! item. A child trie (`childTrie` / `childTrieKey`) is accepted and is always empty: Tracechain's
//! runtime never creates child tries, so no `:child_storage:` key exists.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hash_db::{HashDB, EMPTY_PREFIX};
use jsonrpsee::types::ErrorObjectOwned;
use memory_db::{HashKey, MemoryDB};
use serde::Serialize;
use serde_json::Value;
use tracechain_primitives::{
    hashing::blake2_256,
    trie::{Blake2Hasher, Layout},
    H256,
};
use trie_db::{MerkleValue, Trie, TrieDBBuilder};

use crate::{
    client::{ClientError, NodeClient},
    json::{decode_hex, to_hex},
};

/// What an item asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryType {
    /// The value at the key.
    Value,
    /// The hash of the value at the key.
    Hash,
    /// The Merkle value of the closest trie node at or below the key.
    ClosestDescendantMerkleValue,
    /// The values of every key under the key.
    DescendantsValues,
    /// The hashes of every value under the key.
    DescendantsHashes,
}

impl QueryType {
    /// The type named `name` in the spec.
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "value" => Self::Value,
            "hash" => Self::Hash,
            "closestDescendantMerkleValue" => Self::ClosestDescendantMerkleValue,
            "descendantsValues" => Self::DescendantsValues,
            "descendantsHashes" => Self::DescendantsHashes,
            _ => return None,
        })
    }

    /// Whether the query walks every key under its key.
    pub fn is_descendants(self) -> bool {
        matches!(self, Self::DescendantsValues | Self::DescendantsHashes)
    }

    /// Whether results carry hashes rather than values.
    fn wants_hash(self) -> bool {
        matches!(self, Self::Hash | Self::DescendantsHashes)
    }
}

/// One parsed item of a storage query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageQuery {
    /// The key (a prefix, for the descendants types).
    pub key: Vec<u8>,
    /// What is asked.
    pub query_type: QueryType,
    /// Where a descendants query resumes (exclusive), for the archive.
    pub pagination_start_key: Option<Vec<u8>>,
}

/// Why an `items` parameter was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `items` is not an array.
    #[error("`items` must be an array of {{\"key\", \"type\"}} objects")]
    NotAnArray,
    /// An item is not an object.
    #[error("item {index} must be an object with `key` and `type`")]
    NotAnObject {
        /// The item's position.
        index: usize,
    },
    /// An item lacks its key, or the key is not hex.
    #[error("item {index}: `key` must be a 0x-prefixed hex string")]
    BadKey {
        /// The item's position.
        index: usize,
    },
    /// An item's `type` is missing or not one the spec defines.
    #[error(
        "item {index}: `type` must be one of value, hash, closestDescendantMerkleValue, descendantsValues, \
         descendantsHashes; got {got}"
    )]
    BadType {
        /// The item's position.
        index: usize,
        /// What was sent, shortened.
        got: String,
    },
    /// `paginationStartKey` is not hex.
    #[error("item {index}: `paginationStartKey` must be a 0x-prefixed hex string")]
    BadPaginationStartKey {
        /// The item's position.
        index: usize,
    },
    /// More items than one call may carry.
    #[error("{count} items in one call; at most {max}")]
    TooMany {
        /// Items sent.
        count: usize,
        /// The bound.
        max: usize,
    },
    /// The child trie key is not hex.
    #[error("`childTrie` must be null or a 0x-prefixed hex string")]
    BadChildTrie,
}

impl From<QueryError> for ErrorObjectOwned {
    fn from(error: QueryError) -> Self {
        crate::error::invalid_params(error.to_string())
    }
}

/// Parses `items`; `max` bounds their number when given (the archive refuses more; chain-head
/// discards the excess instead).
pub fn parse_items(items: Option<&Value>, max: Option<usize>) -> Result<Vec<StorageQuery>, QueryError> {
    let Some(Value::Array(items)) = items else { return Err(QueryError::NotAnArray) };
    if let Some(max) = max.filter(|max| items.len() > *max) {
        return Err(QueryError::TooMany { count: items.len(), max });
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let Value::Object(fields) = item else { return Err(QueryError::NotAnObject { index }) };
            let key = fields
                .get("key")
                .and_then(Value::as_str)
                .and_then(|text| decode_hex(text).ok())
                .ok_or(QueryError::BadKey { index })?;
            let query_type =
                fields.get("type").and_then(Value::as_str).and_then(QueryType::parse).ok_or_else(|| {
                    let got = fields.get("type").map_or_else(|| "nothing".to_string(), Value::to_string);
                    QueryError::BadType { index, got: got.chars().take(64).collect() }
                })?;
            let pagination_start_key = match fields.get("paginationStartKey") {
                None | Some(Value::Null) => None,
                Some(value) => Some(
                    value
                        .as_str()
                        .and_then(|text| decode_hex(text).ok())
                        .ok_or(QueryError::BadPaginationStartKey { index })?,
                ),
            };
            Ok(StorageQuery { key, query_type, pagination_start_key })
        })
        .collect()
}

/// Parses the optional child trie key: `Ok(true)` when one was given (its trie is empty).
pub fn parse_child_trie(value: Option<&Value>) -> Result<bool, QueryError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(text)) if decode_hex(text).is_ok() => Ok(true),
        Some(_) => Err(QueryError::BadChildTrie),
    }
}

/// One result: the key and exactly one of the three answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageItem {
    /// The entry's key in hex.
    pub key: String,
    /// The value in hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value's blake2-256 hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<H256>,
    /// The Merkle value in hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest_descendant_merkle_value: Option<String>,
}

impl StorageItem {
    fn entry(key: &[u8], value: &[u8], as_hash: bool) -> Self {
        let (value, hash) = if as_hash { (None, Some(H256(blake2_256(value)))) } else { (Some(to_hex(value)), None) };
        Self { key: to_hex(key), value, hash, closest_descendant_merkle_value: None }
    }

    /// The approximate size of this item in a notification, to bound what one event carries.
    pub fn json_len(&self) -> usize {
        self.key.len() + self.value.as_ref().map_or(0, String::len) + 100
    }
}

/// Answers a single-key query (`value`, `hash`, `closestDescendantMerkleValue`): one item or
/// none.
pub fn read_one(
    client: &dyn NodeClient,
    state_root: H256,
    query: &StorageQuery,
) -> Result<Option<StorageItem>, ClientError> {
    match query.query_type {
        QueryType::Value | QueryType::Hash => Ok(client
            .storage(state_root, &query.key)?
            .map(|value| StorageItem::entry(&query.key, &value, query.query_type.wants_hash()))),
        QueryType::ClosestDescendantMerkleValue => Ok(closest_descendant_merkle_value(client, state_root, &query.key)?
            .map(|merkle| StorageItem {
                key: to_hex(&query.key),
                value: None,
                hash: None,
                closest_descendant_merkle_value: Some(to_hex(&merkle)),
            })),
        QueryType::DescendantsValues | QueryType::DescendantsHashes => {
            Err(ClientError::Unsupported("a descendants query is read page by page (descendants_page)".into()))
        }
    }
}

/// One page of a descendants query: up to `count` items under `query.key` after `start_after`,
/// and whether more follow.
pub fn descendants_page(
    client: &dyn NodeClient,
    state_root: H256,
    query: &StorageQuery,
    start_after: Option<&[u8]>,
    count: usize,
) -> Result<(Vec<StorageItem>, bool), ClientError> {
    // One key more than asked tells whether another page exists without a second call.
    let mut keys = client.storage_keys(state_root, &query.key, count.saturating_add(1), start_after)?;
    let more = keys.len() > count;
    keys.truncate(count);
    let mut items = Vec::with_capacity(keys.len());
    for key in keys {
        // A key listed a moment ago is in the same immutable state, so it has a value.
        if let Some(value) = client.storage(state_root, &key)? {
            items.push(StorageItem::entry(&key, &value, query.query_type.wants_hash()));
        }
    }
    Ok((items, more))
}

/// The key of the last item of a page, raw, to resume after it.
pub fn resume_key(items: &[StorageItem]) -> Option<Vec<u8>> {
    items.last().and_then(|item| decode_hex(&item.key).ok())
}

/// The Merkle value of the closest node at or below `key`, found with trie-db over the read
/// proof of `key` (the proof holds every node the lookup of `key` visits, which is exactly the
/// path to that node).
pub fn closest_descendant_merkle_value(
    client: &dyn NodeClient,
    state_root: H256,
    key: &[u8],
) -> Result<Option<Vec<u8>>, ClientError> {
    let proof = client.read_proof(state_root, &[key.to_vec()])?;
    let mut db = MemoryDB::<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>::default();
    // The empty trie's single node is never in a proof.
    db.insert(EMPTY_PREFIX, &[0]);
    for node in &proof {
        db.insert(EMPTY_PREFIX, node);
    }
    let root = state_root.0;
    // reference-trie's decoder may panic on a malformed node; the proof comes from this node's
    // own store, but a panic must still not take the server's task down.
    let found = catch_unwind(AssertUnwindSafe(|| {
        TrieDBBuilder::<Layout>::new(&db, &root).build().lookup_first_descendant(key).map_err(|error| error.to_string())
    }))
    .map_err(|_| ClientError::Database("a trie node on the path to the key does not decode".into()))?
    .map_err(ClientError::Database)?;
    Ok(found.map(|merkle| match merkle {
        MerkleValue::Node(node) => node,
        MerkleValue::Hash(hash) => hash.to_vec(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_parse_with_specific_errors() {
        let items = json!([{"key": "0x01", "type": "value"}, {"key": "0x", "type": "descendantsHashes", "paginationStartKey": "0x0102"}]);
        let parsed = parse_items(Some(&items), None).unwrap();
        assert_eq!(parsed[0], StorageQuery { key: vec![1], query_type: QueryType::Value, pagination_start_key: None });
        assert_eq!(parsed[1].query_type, QueryType::DescendantsHashes);
        assert_eq!(parsed[1].pagination_start_key, Some(vec![1, 2]));

        assert_eq!(parse_items(Some(&json!("0x01")), None), Err(QueryError::NotAnArray));
        assert_eq!(parse_items(None, None), Err(QueryError::NotAnArray));
        assert_eq!(parse_items(Some(&json!([1])), None), Err(QueryError::NotAnObject { index: 0 }));
        assert_eq!(
            parse_items(Some(&json!([{"key": "zz", "type": "value"}])), None),
            Err(QueryError::BadKey { index: 0 })
        );
        assert!(matches!(
            parse_items(Some(&json!([{"key": "0x01", "type": "values"}])), None),
            Err(QueryError::BadType { index: 0, .. })
        ));
        assert_eq!(
            parse_items(Some(&json!([{"key": "0x01", "type": "value"}, {"key": "0x02", "type": "value"}])), Some(1)),
            Err(QueryError::TooMany { count: 2, max: 1 })
        );
        let error: ErrorObjectOwned = QueryError::BadChildTrie.into();
        assert_eq!(error.code(), -32602);
    }

    #[test]
    fn child_trie_is_optional_hex() {
        assert_eq!(parse_child_trie(None), Ok(false));
        assert_eq!(parse_child_trie(Some(&Value::Null)), Ok(false));
        assert_eq!(parse_child_trie(Some(&json!("0x0a"))), Ok(true));
        assert_eq!(parse_child_trie(Some(&json!(5))), Err(QueryError::BadChildTrie));
    }

    #[test]
    fn items_serialize_only_their_answer() {
        let item = StorageItem::entry(&[1], &[2, 3], false);
        assert_eq!(serde_json::to_value(&item).unwrap(), json!({"key": "0x01", "value": "0x0203"}));
        let item = StorageItem::entry(&[1], &[2, 3], true);
        assert_eq!(serde_json::to_value(&item).unwrap(), json!({"key": "0x01", "hash": H256(blake2_256(&[2, 3]))}));
    }
}
