//! The consumer page: what a phone shows after scanning a bottle's QR code. The node serves it at
//! the item's GS1 Digital Link path (`/01/<gtin>/21/<serial>`, `/01/<gtin>/10/<lot>`), so a code
//! printed with the node's resolver domain opens it directly.
//!
//! The page is built from a journey proof ([`tracechain_rpc::proof`]) that the node checks with
//! the same verifier an auditor runs ([`crate::verify`]), against its own chain spec: the
//! "verified at finalized block #N" badge appears only when every proof checked. The same path
//! answers `Accept: application/linkset+json` with a GS1 resolver linkset (RFC 9264).
//!
//! Plain HTML and CSS, readable on a phone; every value from the chain is HTML-escaped.

use std::sync::Arc;

use serde_json::json;
use tracechain_primitives::calendar::UtcDateTime;
use tracechain_rpc::{
    pages::{HttpPages, PageResponse},
    proof::journey_proof,
    trace::ItemRef,
    NodeClient,
};
use tracechain_runtime::journey::{Journey, Notice, Step};

use tracechain_verify::verify_journey_proof;

use crate::service::Node;

/// The consumer pages of a node.
pub struct ConsumerPages {
    node: Arc<Node>,
}

impl ConsumerPages {
    /// The pages of `node`.
    pub fn new(node: Arc<Node>) -> Self {
        Self { node }
    }
}

/// Whether `path` is a Digital Link path of an item: `/01/<gtin>/21/<serial>`, `/01/<gtin>/10/<lot>`
/// or `/01/<gtin>/10/<lot>/21/<serial>` (a serial qualified by its lot, as many labels print it).
fn is_item_path(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["01", gtin, "21" | "10", key] => !gtin.is_empty() && !key.is_empty(),
        ["01", gtin, "10", lot, "21", serial] => !gtin.is_empty() && !lot.is_empty() && !serial.is_empty(),
        _ => false,
    }
}

impl HttpPages for ConsumerPages {
    fn is_page(&self, path: &str) -> bool {
        is_item_path(path)
    }

    fn cache_version(&self) -> [u8; 32] {
        self.node.chain().finalized().hash().0
    }

    fn get(&self, path: &str, accept: &str) -> Option<PageResponse> {
        if !is_item_path(path) {
            return None;
        }
        // Any resolver host parses; the identity is the path.
        let uri = format!("https://resolver{path}");
        if pallet_identity::parse_digital_link(&uri).is_err() {
            return Some(html(400, &not_found_page(path, "This is not a valid GS1 Digital Link.")));
        }
        let linkset = accept.contains("application/linkset+json");
        let client: &dyn NodeClient = self.node.as_ref();
        let proof = match journey_proof(client, &ItemRef::Uri(uri.clone()), None) {
            Ok(Some(proof)) => proof,
            Ok(None) => {
                let reason = "This code is not registered on Tracechain. The product may not be genuine.";
                return Some(if linkset {
                    json_response(404, "application/json", json!({ "error": reason }))
                } else {
                    html(404, &not_found_page(path, reason))
                });
            }
            Err(error) => {
                return Some(html(
                    503,
                    &not_found_page(path, &format!("The chain cannot be read: {}", error.message())),
                ))
            }
        };
        let verified = verify_journey_proof(self.node.chain().spec(), &uri, &proof);
        let journey: Option<Journey> = match &verified {
            Ok(verified) => Some(verified.journey.clone()),
            Err(_) => serde_json::from_value(proof.journey.clone()).ok(),
        };
        let journey = journey?;
        if linkset {
            return Some(json_response(200, "application/linkset+json", linkset_json(&journey, path)));
        }
        let badge = match &verified {
            Ok(verified) => Badge::Verified { block: verified.block, hash: format!("{:?}", verified.hash) },
            Err(error) => Badge::Unverified { reason: error.to_string() },
        };
        Some(html(200, &journey_page(&journey, &badge)))
    }
}

fn html(status: u16, body: &str) -> PageResponse {
    PageResponse { status, content_type: "text/html; charset=utf-8".into(), body: body.as_bytes().to_vec() }
}

fn json_response(status: u16, content_type: &str, value: serde_json::Value) -> PageResponse {
    PageResponse { status, content_type: content_type.into(), body: value.to_string().into_bytes() }
}

/// The GS1 resolver linkset of an item: its page, and where to verify and trace it.
fn linkset_json(journey: &Journey, path: &str) -> serde_json::Value {
    let title = journey.product.as_ref().map_or_else(|| "Product".to_string(), |product| product.name.clone());
    json!({ "linkset": [{
        "anchor": journey.digital_link,
        "https://gs1.org/voc/defaultLink": [{ "href": path, "title": title, "type": "text/html" }],
        "https://gs1.org/voc/pip": [{ "href": path, "title": format!("{title}: journey and verification"), "type": "text/html" }],
        "https://gs1.org/voc/traceability": [{
            "href": "/", "title": "JSON-RPC trace_getJourney (POST)", "type": "application/json"
        }],
        "https://gs1.org/voc/verificationService": [{
            "href": "/", "title": "JSON-RPC trace_getJourneyProof (POST); check it with `tracechain verify`", "type": "application/json"
        }],
    }]})
}

/// Whether the page could check the proofs.
enum Badge {
    Verified { block: u32, hash: String },
    Unverified { reason: String },
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn when(time: Option<u64>) -> String {
    time.map_or_else(|| "time not recorded".to_string(), |time| UtcDateTime::from_unix_ms(time).to_string())
}

fn words(identifier: &str) -> String {
    let spaced = identifier.replace('_', " ");
    let mut characters = spaced.chars();
    characters.next().map_or_else(String::new, |first| first.to_uppercase().chain(characters).collect())
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f5f2;color:#1d1d1f;line-height:1.4}
main{max-width:640px;margin:0 auto;padding:16px}
h1{font-size:1.4rem;margin:.2rem 0}
.brand{color:#6b6b6b;margin:0}
.card{background:#fff;border-radius:12px;padding:14px 16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.badge{display:inline-block;border-radius:999px;padding:6px 12px;font-weight:600;font-size:.9rem}
.verified{background:#e3f6e8;color:#145c2c}
.unverified{background:#fdecea;color:#8a1c12}
.warning{background:#fff4e5;border-left:5px solid #e07b00}
.danger{background:#fdecea;border-left:5px solid #c62828}
.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}
.facts dt{color:#6b6b6b}.facts dd{margin:0}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid #c9b48a}
ol.timeline li{position:relative;padding:0 0 14px 16px}
ol.timeline li::before{content:'';position:absolute;left:-8px;top:4px;width:13px;height:13px;border-radius:50%;background:#8c6d2c}
.step{font-weight:600}.meta{color:#555;font-size:.9rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:.2rem 0 .6rem}
footer{color:#888;font-size:.8rem;text-align:center;margin:20px 0}
";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}<footer>Tracechain · GS1 Digital Link</footer></main></body></html>",
        escape(title)
    )
}

fn not_found_page(path: &str, reason: &str) -> String {
    page(
        "Unknown product",
        &format!(
            "<div class=\"card danger\"><h1>Unknown product</h1><p>{}</p><p class=\"meta\">{}</p></div>",
            escape(reason),
            escape(path)
        ),
    )
}

fn notice_card(class: &str, title: &str, notice: &Notice, text: &str) -> String {
    format!(
        "<div class=\"card {class}\" id=\"{}\"><strong>{}</strong><p>{}</p><p class=\"meta\">{} · {} · block #{}</p></div>",
        escape(&title.to_lowercase().replace(' ', "-")),
        escape(title),
        escape(text),
        escape(&notice.by.name),
        escape(&when(Some(notice.time))),
        notice.block
    )
}

fn step_item(step: &Step) -> String {
    let place = step.location.as_ref().map(|location| format!(" · {}", escape(location))).unwrap_or_default();
    let counterparty =
        step.counterparty.as_ref().map(|party| format!(" · with {}", escape(&party.name))).unwrap_or_default();
    format!(
        "<li><div class=\"step\">{}</div><div>{}</div><div class=\"meta\">{} ({}){counterparty}{place}</div>\
         <div class=\"meta\">{} · block #{}</div></li>",
        escape(&words(&step.biz_step)),
        escape(&step.action),
        escape(&step.party.name),
        escape(&step.party.roles.join(", ")),
        escape(&when(step.time)),
        step.block
    )
}

fn journey_page(journey: &Journey, badge: &Badge) -> String {
    let mut body = String::new();
    let (name, brand, origin) = journey.product.as_ref().map_or(("Unregistered product", "", ""), |product| {
        (product.name.as_str(), product.brand.as_str(), product.origin.as_str())
    });
    body.push_str(&format!(
        "<h1>{}</h1><p class=\"brand\">{} · origin {}</p>",
        escape(name),
        escape(brand),
        escape(origin)
    ));
    body.push_str(&match badge {
        Badge::Verified { block, hash } => format!(
            "<p><span class=\"badge verified\" id=\"verified\">✓ Verified at finalized block #{block}</span></p>\
             <p class=\"meta\">Every fact below is proven against block {} and its validators' signatures.</p>",
            escape(hash)
        ),
        Badge::Unverified { reason } => format!(
            "<p><span class=\"badge unverified\" id=\"unverified\">⚠ Not verified</span></p><p class=\"meta\">{}</p>",
            escape(reason)
        ),
    });
    if let Some(recall) = &journey.recall {
        let text = format!("Recalled: {}", recall.reason.as_deref().unwrap_or("no reason given"));
        body.push_str(&notice_card("danger", "Recall", recall, &text));
    }
    if let Some(report) = &journey.counterfeit {
        let text = "The brand reports that this code was found on counterfeit goods.";
        body.push_str(&notice_card("danger", "Counterfeit report", report, text));
    }
    if let Some(destroyed) = &journey.destroyed {
        body.push_str(&notice_card("danger", "Destroyed", destroyed, "This item was recorded as destroyed."));
    }
    if let Some(sale) = &journey.sale {
        let text = format!(
            "This item was already sold to a consumer on {} by {}. If you are buying it as new, it may be a copy of a genuine code.",
            when(Some(sale.time)),
            sale.by.name
        );
        body.push_str(&notice_card("warning", "Already sold", sale, &text));
    }
    let identity = match (&journey.serial, &journey.lot) {
        (Some(serial), lot) => format!(
            "serial {}{}",
            escape(serial),
            lot.as_ref().map(|lot| format!(", lot {}", escape(lot))).unwrap_or_default()
        ),
        (None, Some(lot)) => format!("lot {}", escape(lot)),
        (None, None) => String::new(),
    };
    body.push_str(&format!(
        "<div class=\"card\"><dl class=\"facts\"><dt>GTIN</dt><dd>{}</dd><dt>Item</dt><dd>{identity}</dd>\
         <dt>Status</dt><dd id=\"status\">{}</dd><dt>Customs</dt><dd id=\"customs\">{}</dd>\
         <dt>Owner</dt><dd>{}</dd><dt>Custodian</dt><dd>{}</dd><dt>Location</dt><dd>{}</dd></dl></div>",
        escape(&journey.gtin),
        escape(&words(&journey.status)),
        escape(&words(&journey.customs)),
        escape(&journey.owner.name),
        escape(&journey.custodian.name),
        escape(&journey.location),
    ));
    if !journey.inspections.is_empty() {
        body.push_str("<div class=\"card\"><h2>Inspections</h2><ul>");
        for inspection in &journey.inspections {
            body.push_str(&format!(
                "<li><strong>{}</strong>: {} — {} ({}), {}</li>",
                escape(&words(&inspection.scope)),
                escape(&inspection.result),
                escape(&inspection.inspector.name),
                escape(&words(&inspection.status)),
                escape(&when(Some(inspection.time)))
            ));
        }
        body.push_str("</ul></div>");
    }
    body.push_str("<div class=\"card\"><h2>Journey</h2><ol class=\"timeline\" id=\"journey\">");
    for step in &journey.steps {
        body.push_str(&step_item(step));
    }
    body.push_str("</ol></div>");
    page(name, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_digital_link_item_paths_are_pages() {
        assert!(is_item_path("/01/03760001000016/21/17"));
        assert!(is_item_path("/01/03760001000016/10/L2019-01"));
        assert!(is_item_path("/01/03760001000016/10/L2019-01/21/17"));
        assert!(!is_item_path("/01/03760001000016/10/L2019-01/22/17"));
        assert!(!is_item_path("/01/03760001000016/10//21/17"));
        assert!(!is_item_path("/"));
        assert!(!is_item_path("/01/03760001000016"));
        assert!(!is_item_path("/01/03760001000016/22/17"));
        assert!(!is_item_path("/metrics"));
    }

    #[test]
    fn chain_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(words("retail_selling"), "Retail selling");
    }
}
