//! JSON in Substrate's shapes, and defensive parsing of request parameters.
//!
//! - Bytes are `0x`-prefixed lowercase hex; hashes are 32 bytes (`H256` serializes as such).
//! - Block numbers go out as minimal hex (`"0x0"`, `"0x1a"`, as `U256` serializes) and come in
//!   as a JSON number or a `0x` hex string.
//! - Header: `{parentHash, number, stateRoot, extrinsicsRoot, digest: {logs: ["0x<item>"]}}`,
//!   each digest item SCALE-encoded.
//! - Signed block: `{block: {header, extrinsics: ["0x<length-prefixed>"]}, justifications}`,
//!   where justifications is `null` or serde's form of `sp_runtime::Justifications`: an array of
//!   `[engine id as 4 numbers, justification as an array of numbers]` (`Vec<u8>` there is not
//!   hex, since sp-runtime derives `Serialize` on a plain tuple).
//! - Runtime version: as `sp_version::RuntimeVersion` serializes, with both `systemVersion` and
//!   the older `stateVersion`.
//!
//! Parameters ([`Args`]) may be positional (an array) or named (an object with Substrate's
//! parameter names); a missing optional parameter and `null` mean the same. Every value from a
//! request is checked here; nothing in this module can panic on input.

use jsonrpsee::{
    types::{ErrorObjectOwned, Params},
    SubscriptionMessage,
};
use parity_scale_codec::Encode;
use serde::Serialize;
use serde_json::Value;
use tracechain_primitives::{
    header::{Block, Header},
    BlockNumber, H256,
};
use tracechain_runtime::RuntimeVersion;

use crate::{client::TransactionStatus, error::invalid_params};

/// `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Decodes hex with or without a `0x` prefix (as Substrate's `Bytes` accepts it).
pub fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|error| format!("not valid hex ({error})"))
}

/// A block number from a JSON number or a `0x` hex string.
pub fn parse_block_number(value: &Value) -> Result<BlockNumber, String> {
    const EXPECTED: &str = "expected a block number: a non-negative integer or a 0x-prefixed hex string";
    let number: u64 = match value {
        Value::Number(number) => number.as_u64().ok_or_else(|| format!("{EXPECTED}, got {number}"))?,
        Value::String(text) => {
            let digits = text.strip_prefix("0x").ok_or_else(|| format!("{EXPECTED}, got {text:?}"))?;
            let significant = digits.trim_start_matches('0');
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                return Err(format!("{EXPECTED}, got {text:?}"));
            }
            if significant.len() > 16 {
                return Err(format!("block number {text} exceeds the largest block number {}", BlockNumber::MAX));
            }
            if significant.is_empty() {
                0
            } else {
                u64::from_str_radix(significant, 16).map_err(|error| format!("{EXPECTED}, got {text:?} ({error})"))?
            }
        }
        other => return Err(format!("{EXPECTED}, got {other}")),
    };
    BlockNumber::try_from(number)
        .map_err(|_| format!("block number {number} exceeds the largest block number {}", BlockNumber::MAX))
}

/// The parameters of one call, positional or named, checked one by one with specific errors.
#[derive(Debug)]
pub struct Args {
    method: &'static str,
    names: &'static [&'static str],
    values: Vec<Value>,
}

impl Args {
    /// Reads `params` for `method`, whose parameters are `names` in order.
    pub fn parse(
        params: &Params<'_>,
        method: &'static str,
        names: &'static [&'static str],
    ) -> Result<Self, ErrorObjectOwned> {
        let values = match params.as_str() {
            None => Vec::new(),
            Some(raw) => match serde_json::from_str::<Value>(raw) {
                Ok(Value::Array(values)) => values,
                Ok(Value::Object(mut object)) => {
                    if let Some(unknown) = object.keys().find(|key| !names.contains(&key.as_str())) {
                        return Err(invalid_params(format!(
                            "{method} has no parameter named {unknown:?}; its parameters are {names:?}"
                        )));
                    }
                    names.iter().map(|name| object.remove(*name).unwrap_or(Value::Null)).collect()
                }
                Ok(Value::Null) => Vec::new(),
                Ok(other) => {
                    return Err(invalid_params(format!(
                        "{method}: parameters must be an array or an object, got {other}"
                    )))
                }
                Err(error) => return Err(invalid_params(format!("{method}: parameters are not valid JSON: {error}"))),
            },
        };
        if values.len() > names.len() {
            return Err(invalid_params(format!(
                "{method} takes at most {} parameter(s) {names:?}, got {}",
                names.len(),
                values.len()
            )));
        }
        Ok(Self { method, names, values })
    }

    /// The parameter at `index`; `None` when it is missing or `null`.
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).filter(|value| !value.is_null())
    }

    /// The parameter at `index`, which must be given.
    pub fn required(&self, index: usize) -> Result<&Value, ErrorObjectOwned> {
        self.value(index).ok_or_else(|| self.error(index, "is required".into()))
    }

    /// An error about the parameter at `index`.
    pub fn error(&self, index: usize, reason: String) -> ErrorObjectOwned {
        let name = self.names.get(index).copied().unwrap_or("?");
        invalid_params(format!("{}: parameter `{name}` (position {index}) {reason}", self.method))
    }

    /// Hex bytes at `index`, if given.
    pub fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, ErrorObjectOwned> {
        self.value(index).map(|value| self.bytes_of(index, value)).transpose()
    }

    /// Hex bytes at `index`, which must be given.
    pub fn required_bytes(&self, index: usize) -> Result<Vec<u8>, ErrorObjectOwned> {
        self.bytes_of(index, self.required(index)?)
    }

    /// A 32-byte hash at `index`, if given.
    pub fn hash(&self, index: usize) -> Result<Option<H256>, ErrorObjectOwned> {
        self.value(index).map(|value| self.hash_of(index, value)).transpose()
    }

    /// A list of hex byte strings at `index`, if given.
    pub fn bytes_list(&self, index: usize) -> Result<Option<Vec<Vec<u8>>>, ErrorObjectOwned> {
        let Some(value) = self.value(index) else { return Ok(None) };
        let Value::Array(items) = value else {
            return Err(self.error(index, format!("must be an array of hex strings, got {}", kind(value))));
        };
        items
            .iter()
            .enumerate()
            .map(|(position, item)| {
                self.bytes_of(index, item).map_err(|_| {
                    self.error(index, format!("item {position} is not a hex string of bytes: {}", short(item)))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A `u32` at `index`, which must be given.
    pub fn required_u32(&self, index: usize) -> Result<u32, ErrorObjectOwned> {
        let value = self.required(index)?;
        value.as_u64().and_then(|number| u32::try_from(number).ok()).ok_or_else(|| {
            self.error(index, format!("must be an integer from 0 to {}, got {}", u32::MAX, short(value)))
        })
    }

    /// A string at `index`, which must be given.
    pub fn required_str(&self, index: usize) -> Result<&str, ErrorObjectOwned> {
        let value = self.required(index)?;
        value.as_str().ok_or_else(|| self.error(index, format!("must be a string, got {}", kind(value))))
    }

    fn bytes_of(&self, index: usize, value: &Value) -> Result<Vec<u8>, ErrorObjectOwned> {
        let Value::String(text) = value else {
            return Err(self.error(index, format!("must be a 0x-prefixed hex string, got {}", kind(value))));
        };
        decode_hex(text).map_err(|reason| self.error(index, reason))
    }

    fn hash_of(&self, index: usize, value: &Value) -> Result<H256, ErrorObjectOwned> {
        let bytes = self.bytes_of(index, value)?;
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| self.error(index, format!("must be a 32-byte hash, got {} bytes", bytes.len())))?;
        Ok(H256(array))
    }
}

/// What kind of JSON value this is, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value shortened for an error message, so that errors stay small whatever was sent.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `value` as a subscription notification's payload (`None` only if it cannot be serialized,
/// which none of this crate's types can fail).
pub fn message<T: Serialize>(value: &T) -> Option<SubscriptionMessage> {
    serde_json::value::to_raw_value(value).ok().map(SubscriptionMessage::from)
}

/// A header digest in JSON.
#[derive(Clone, Debug, Serialize)]
pub struct DigestJson {
    /// Each item's SCALE encoding in hex.
    pub logs: Vec<String>,
}

/// A header in JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderJson {
    /// The parent's hash.
    pub parent_hash: H256,
    /// The number in minimal hex.
    pub number: String,
    /// The state root.
    pub state_root: H256,
    /// The extrinsics root.
    pub extrinsics_root: H256,
    /// The digest.
    pub digest: DigestJson,
}

/// A block number in minimal hex, as Substrate writes it.
pub fn number_hex(number: BlockNumber) -> String {
    format!("{number:#x}")
}

/// `header` in JSON.
pub fn header_json(header: &Header) -> HeaderJson {
    HeaderJson {
        parent_hash: header.parent_hash,
        number: number_hex(header.number),
        state_root: header.state_root,
        extrinsics_root: header.extrinsics_root,
        digest: DigestJson { logs: header.digest.logs.iter().map(|item| to_hex(&item.encode())).collect() },
    }
}

/// A block's header and body in JSON.
#[derive(Clone, Debug, Serialize)]
pub struct BlockJson {
    /// The header.
    pub header: HeaderJson,
    /// Each extrinsic, length-prefixed, in hex.
    pub extrinsics: Vec<String>,
}

/// `sp_runtime::generic::SignedBlock` in JSON.
#[derive(Clone, Debug, Serialize)]
pub struct SignedBlockJson {
    /// The block.
    pub block: BlockJson,
    /// `null`, or `[[engine_id, justification]]` with both as arrays of numbers.
    pub justifications: Option<Vec<([u8; 4], Vec<u8>)>>,
}

/// `block` and its finality certificate in JSON.
pub fn block_json(block: &Block, justification: Option<Vec<u8>>) -> SignedBlockJson {
    SignedBlockJson {
        block: BlockJson {
            header: header_json(&block.header),
            extrinsics: block.extrinsics.iter().map(|extrinsic| to_hex(&extrinsic.encoded())).collect(),
        },
        justifications: justification.map(|certificate| vec![(tracechain_verify::ENGINE_ID, certificate)]),
    }
}

/// `sp_version::RuntimeVersion` in JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeVersionJson {
    /// Spec name.
    pub spec_name: String,
    /// Implementation name.
    pub impl_name: String,
    /// Authoring version.
    pub authoring_version: u32,
    /// Spec version.
    pub spec_version: u32,
    /// Implementation version.
    pub impl_version: u32,
    /// `[["0x<blake2_64(name)>", version]]`.
    pub apis: Vec<(String, u32)>,
    /// Transaction version.
    pub transaction_version: u32,
    /// The state trie version.
    pub system_version: u8,
    /// The same, under its old name, as Substrate still sends it.
    pub state_version: u8,
}

/// `version` in JSON.
pub fn runtime_version_json(version: &RuntimeVersion) -> RuntimeVersionJson {
    RuntimeVersionJson {
        spec_name: version.spec_name.clone(),
        impl_name: version.impl_name.clone(),
        authoring_version: version.authoring_version,
        spec_version: version.spec_version,
        impl_version: version.impl_version,
        apis: version.apis.iter().map(|(id, api_version)| (to_hex(id), *api_version)).collect(),
        transaction_version: version.transaction_version,
        system_version: version.system_version,
        state_version: version.system_version,
    }
}

/// `sp_core::storage::StorageChangeSet` in JSON: values at (or changed in) one block.
#[derive(Clone, Debug, Serialize)]
pub struct StorageChangeSetJson {
    /// The block.
    pub block: H256,
    /// `[key, value or null]` pairs in hex.
    pub changes: Vec<(String, Option<String>)>,
}

/// A transaction status as `sc_transaction_pool_api::TransactionStatus` serializes.
pub fn status_json(status: &TransactionStatus) -> Value {
    match status {
        TransactionStatus::Ready => Value::from("ready"),
        TransactionStatus::Future => Value::from("future"),
        TransactionStatus::InBlock(hash) => serde_json::json!({ "inBlock": hash }),
        TransactionStatus::Finalized(hash) => serde_json::json!({ "finalized": hash }),
        TransactionStatus::Invalid => Value::from("invalid"),
        TransactionStatus::Dropped => Value::from("dropped"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tracechain_primitives::header::{Digest, DigestItem, OpaqueExtrinsic};

    fn args(raw: &str, names: &'static [&'static str]) -> Result<Args, ErrorObjectOwned> {
        Args::parse(&Params::new(Some(raw)), "test_method", names)
    }

    fn reason(error: &ErrorObjectOwned) -> String {
        error.data().map(|data| data.get().to_string()).unwrap_or_default()
    }

    #[test]
    fn block_numbers_in_every_form() {
        assert_eq!(parse_block_number(&json!(7)), Ok(7));
        assert_eq!(parse_block_number(&json!("0x1a")), Ok(26));
        assert_eq!(parse_block_number(&json!("0x0")), Ok(0));
        assert_eq!(parse_block_number(&json!("0x0000000000000000000000ff")), Ok(255));
        assert_eq!(parse_block_number(&json!(u32::MAX)), Ok(u32::MAX));
        assert!(parse_block_number(&json!(u64::from(u32::MAX) + 1)).unwrap_err().contains("exceeds"));
        assert!(parse_block_number(&json!("0x100000000")).unwrap_err().contains("exceeds"));
        assert!(parse_block_number(&json!("0x1ffffffffffffffffffff")).unwrap_err().contains("exceeds"));
        assert!(parse_block_number(&json!(-1)).is_err());
        assert!(parse_block_number(&json!(1.5)).is_err());
        assert!(parse_block_number(&json!("12")).is_err());
        assert!(parse_block_number(&json!("0x")).is_err());
        assert!(parse_block_number(&json!("0xzz")).is_err());
        assert!(parse_block_number(&json!("0x١")).is_err());
        assert!(parse_block_number(&json!(true)).is_err());
    }

    #[test]
    fn hex_with_or_without_prefix() {
        assert_eq!(decode_hex("0x0102"), Ok(vec![1, 2]));
        assert_eq!(decode_hex("0102"), Ok(vec![1, 2]));
        assert_eq!(decode_hex("0x"), Ok(vec![]));
        assert!(decode_hex("0x123").unwrap_err().contains("Odd number of digits"));
        assert!(decode_hex("0xzz").unwrap_err().contains("Invalid character"));
        assert_eq!(to_hex(&[0xab, 1]), "0xab01");
    }

    #[test]
    fn positional_named_missing_and_null() {
        let names: &[&str] = &["key", "hash"];
        let positional = args(r#"["0x01", null]"#, names).unwrap();
        assert_eq!(positional.required_bytes(0).unwrap(), vec![1]);
        assert_eq!(positional.hash(1).unwrap(), None);
        let short = args(r#"["0x01"]"#, names).unwrap();
        assert_eq!(short.hash(1).unwrap(), None);
        let named = args(r#"{"hash": null, "key": "0x02"}"#, names).unwrap();
        assert_eq!(named.required_bytes(0).unwrap(), vec![2]);
        assert!(reason(&args(r#"{"nope": 1}"#, names).unwrap_err()).contains("no parameter named \\\"nope\\\""));
        assert!(reason(&args(r#"[1, 2, 3]"#, names).unwrap_err()).contains("at most 2"));
        assert!(reason(&args(r#"5"#, names).unwrap_err()).contains("array or an object"));
        let none = Args::parse(&Params::new(None), "m", names).unwrap();
        assert!(reason(&none.required(0).unwrap_err()).contains("`key` (position 0) is required"));
    }

    #[test]
    fn bad_values_are_named() {
        let names: &[&str] = &["keys", "hash"];
        let bad_hash = args(r#"[[], "0x1234"]"#, names).unwrap();
        assert!(reason(&bad_hash.hash(1).unwrap_err()).contains("32-byte hash, got 2 bytes"));
        let bad_list = args(r#"[["0x01", 5]]"#, names).unwrap();
        assert!(reason(&bad_list.bytes_list(0).unwrap_err()).contains("item 1 is not a hex string"));
        let not_list = args(r#"["0x01"]"#, names).unwrap();
        assert!(reason(&not_list.bytes_list(0).unwrap_err()).contains("must be an array"));
        let count = args(r#"[-3]"#, &["count"]).unwrap();
        assert!(reason(&count.required_u32(0).unwrap_err()).contains("integer from 0"));
        let long = args(&format!(r#"[[{}]]"#, vec!["1"; 500].join(",")), &["keys"]).unwrap();
        assert!(reason(&long.bytes_list(0).unwrap_err()).len() < 400);
    }

    #[test]
    fn header_and_block_shapes() {
        let header = Header {
            parent_hash: H256::repeat_byte(1),
            number: 26,
            state_root: H256::repeat_byte(2),
            extrinsics_root: H256::repeat_byte(3),
            digest: Digest { logs: vec![DigestItem::PreRuntime(*b"BFT0", vec![9])] },
        };
        let value = serde_json::to_value(header_json(&header)).unwrap();
        assert_eq!(value["parentHash"], json!(format!("0x{}", "01".repeat(32))));
        assert_eq!(value["number"], json!("0x1a"));
        assert_eq!(value["digest"]["logs"], json!(["0x06424654300409"]));
        let block = Block { header, extrinsics: vec![OpaqueExtrinsic(vec![4, 0])] };
        let value = serde_json::to_value(block_json(&block, Some(vec![7, 8]))).unwrap();
        assert_eq!(value["block"]["extrinsics"], json!(["0x080400"]));
        assert_eq!(value["justifications"], json!([[[66, 70, 84, 48], [7, 8]]]));
        assert_eq!(serde_json::to_value(block_json(&block, None)).unwrap()["justifications"], Value::Null);
    }

    #[test]
    fn runtime_version_shape() {
        let value = serde_json::to_value(runtime_version_json(&tracechain_runtime::VERSION)).unwrap();
        assert_eq!(value["specName"], json!("tracechain"));
        assert_eq!(value["apis"][0], json!(["0xdf6acb689907609b", 5]));
        assert_eq!(value["systemVersion"], json!(1));
        assert_eq!(value["stateVersion"], json!(1));
        assert_eq!(value["transactionVersion"], json!(tracechain_runtime::VERSION.transaction_version));
    }

    #[test]
    fn statuses() {
        let hash = H256::repeat_byte(0xaa);
        assert_eq!(status_json(&TransactionStatus::Ready), json!("ready"));
        assert_eq!(status_json(&TransactionStatus::Future), json!("future"));
        assert_eq!(
            status_json(&TransactionStatus::InBlock(hash)),
            json!({ "inBlock": format!("0x{}", "aa".repeat(32)) })
        );
        assert_eq!(
            status_json(&TransactionStatus::Finalized(hash))["finalized"],
            json!(format!("0x{}", "aa".repeat(32)))
        );
        assert_eq!(status_json(&TransactionStatus::Invalid), json!("invalid"));
        assert_eq!(status_json(&TransactionStatus::Dropped), json!("dropped"));
    }
}
