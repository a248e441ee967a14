//! The label of an item for `tracechain qr <item> --out label.svg|label.png [--rpc URL]`: its
//! GS1 Digital Link as a QR code, with the human-readable GS1 keys under it (see [`crate::label`]).
//!
//! A Digital Link URI is checked with the identity pallet's parser and encoded as given, with no
//! node needed; with `--rpc` the node must know the item (and the line shows its lot too). An
//! item id is looked up with `trace_getItem` (default node `http://127.0.0.1:9944`).

use pallet_identity::types::DigitalLinkKey;
use serde_json::{json, Value};

use super::ToolError;
use crate::{label::Label, rpc::call};

/// The node asked for an item id when no node is given.
pub const DEFAULT_RPC: &str = "http://127.0.0.1:9944";

/// The label of `item` (a Digital Link URI or an item id), looked up on `rpc` if given (and for
/// an id, on the default node).
pub fn label_for(item: &str, rpc: Option<&str>) -> Result<Label, ToolError> {
    let item = item.trim();
    let is_uri = item.starts_with("https://") || item.starts_with("http://");
    if is_uri {
        let (gtin, key) = pallet_identity::parse_digital_link(item)
            .map_err(|error| ToolError::Usage(format!("{item} is not a GS1 Digital Link of an item: {error}")))?;
        let text = match rpc {
            Some(url) => human_readable_from_node(&lookup(url, item)?, item)?,
            None => {
                let (serial, lot) = match &key {
                    DigitalLinkKey::Serial(serial) => (Some(lossy(serial)), None),
                    DigitalLinkKey::Lot(lot) => (None, Some(lossy(lot))),
                };
                human_readable(gtin.as_str(), lot.as_deref(), serial.as_deref())
            }
        };
        return Ok(Label { data: item.to_string(), text });
    }
    if !item.starts_with("0x") {
        return Err(ToolError::Usage(format!(
            "{item}: expected a GS1 Digital Link URI or an item id (0x + 64 hex digits)"
        )));
    }
    let answer = lookup(rpc.unwrap_or(DEFAULT_RPC), item)?;
    let data = answer["digitalLink"]
        .as_str()
        .ok_or_else(|| ToolError::Usage(format!("the node's item {item} has no digitalLink: {answer}")))?
        .to_string();
    Ok(Label { text: human_readable_from_node(&answer, item)?, data })
}

/// `trace_getItem` of `item`; an unknown item is an error.
fn lookup(url: &str, item: &str) -> Result<Value, ToolError> {
    let answer = call(url, "trace_getItem", json!([item]))?;
    if answer.is_null() {
        return Err(ToolError::UnknownItem { url: url.to_string(), item: item.to_string() });
    }
    Ok(answer)
}

fn human_readable_from_node(answer: &Value, item: &str) -> Result<String, ToolError> {
    let gtin = answer["gtin"]
        .as_str()
        .ok_or_else(|| ToolError::Usage(format!("the node's item {item} has no gtin: {answer}")))?;
    Ok(human_readable(gtin, answer["lot"].as_str(), answer["serial"].as_str()))
}

/// GS1 human-readable interpretation: `(01) <GTIN-14> (10) <lot> (21) <serial>`.
pub fn human_readable(gtin: &str, lot: Option<&str>, serial: Option<&str>) -> String {
    let mut text = format!("(01) {gtin}");
    if let Some(lot) = lot {
        text.push_str(&format!(" (10) {lot}"));
    }
    if let Some(serial) = serial {
        text.push_str(&format!(" (21) {serial}"));
    }
    text
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_need_no_node() {
        let label = label_for("https://id.tracechain.localhost/01/03760001000016/21/R10-17", None).expect("label");
        assert_eq!(label.data, "https://id.tracechain.localhost/01/03760001000016/21/R10-17");
        assert_eq!(label.text, "(01) 03760001000016 (21) R10-17");
        let lot = label_for("https://id.example/01/3760001000016/10/L2019-01", None).expect("a GTIN-13 lot link");
        assert_eq!(lot.text, "(01) 03760001000016 (10) L2019-01");
    }

    #[test]
    fn bad_items_are_refused_with_the_reason() {
        let bad = label_for("https://id.example/01/03760001000017/21/1", None).expect_err("check digit");
        assert!(bad.to_string().contains("check digit"), "{bad}");
        let neither = label_for("bottle 17", None).expect_err("not an item");
        assert!(neither.to_string().contains("expected a GS1 Digital Link"), "{neither}");
    }
}
