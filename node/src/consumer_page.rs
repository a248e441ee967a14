//! The consumer page and the node's GS1-conformant resolver: what a phone shows after scanning a
//! bottle's QR code. The node serves it at the item's GS1 Digital Link path
//! (`/01/<gtin>/21/<serial>`, `/01/<gtin>/10/<lot>`), so a code printed with the node's resolver
//! domain opens it directly.
//!
//! The page is built from a journey proof ([`tracechain_rpc::proof`]) that the node checks with
//! the same verifier an auditor runs ([`crate::verify`]), against its own chain spec: the
//! "verified at finalized block #N" badge appears only when every proof checked.
//!
//! ## Paths
//! - `/01/…` — the resolver ([`crate::resolver`] decides): the page, the linkset
//!   (`?linkType=linkset`, `Accept: application/linkset+json`), or a `307` to one link type.
//!   A request that is not a valid Digital Link is `400` naming the rule it breaks
//!   ([`tracechain_primitives::digital_link`]). An unknown serial or lot of a registered GTIN
//!   walks up to the product class (`200`, its page saying that the code is not registered);
//!   an unregistered GTIN is `404`.
//! - `/.well-known/gs1resolver` — the resolver description (`resolverRoot` is the chain's
//!   resolver domain).
//! - `/journey/01/…` (`gs1:traceability`) — the journey as JSON, with the block it was verified
//!   at; `/proof/01/…` (`gs1:verificationService`) — the journey proof `tracechain verify`
//!   checks; `/page/01/…` — the page, never redirected (the `gs1:pip` link when a default link
//!   is configured elsewhere).
//!
//! Errors are HTML for a browser (`Accept: text/html`), JSON otherwise. Plain HTML and CSS,
//! readable on a phone; every value from the chain is HTML-escaped.

use std::sync::Arc;

use serde_json::json;
use tracechain_primitives::{
    calendar::UtcDateTime,
    digital_link::{self, DigitalLink, DigitalLinkError},
};
use tracechain_rpc::{
    pages::{HttpPages, PageRequest, PageResponse},
    proof::journey_proof,
    trace::{product_class_at_finalized, resolver_domain_at_finalized, ItemRef},
    NodeClient,
};
use tracechain_runtime::journey::{Journey, Notice, Product, Step};

use tracechain_verify::verify_journey_proof;

use crate::{
    resolver::{self, gs1, Answer, Link, Linkset, ResolverConfig, LINKSET_MEDIA_TYPE},
    service::Node,
};

/// The resolver description's path.
const WELL_KNOWN: &str = "/.well-known/gs1resolver";

/// The consumer pages of a node.
pub struct ConsumerPages {
    node: Arc<Node>,
    config: ResolverConfig,
}

impl ConsumerPages {
    /// The pages of `node`, with the resolver's defaults.
    pub fn new(node: Arc<Node>) -> Self {
        Self::with_config(node, ResolverConfig::default())
    }

    /// The pages of `node` with the operator's resolver settings.
    pub fn with_config(node: Arc<Node>, config: ResolverConfig) -> Self {
        Self { node, config }
    }
}

/// What a page path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route<'a> {
    /// `/.well-known/gs1resolver`.
    Description,
    /// `/01/…`: the resolver.
    Resolve(&'a str),
    /// `/page/01/…`: the consumer page, never redirected.
    Page(&'a str),
    /// `/journey/01/…`: the item's journey as JSON (`gs1:traceability`).
    Journey(&'a str),
    /// `/proof/01/…`: the item's journey proof (`gs1:verificationService`).
    Proof(&'a str),
}

/// The route of `path` (cheap: no state is read).
fn route(path: &str) -> Option<Route<'_>> {
    let is_link = |rest: &str| rest == "/01" || rest.starts_with("/01/");
    let under = |prefix: &str| path.strip_prefix(prefix).filter(|rest| is_link(rest));
    if path == WELL_KNOWN {
        Some(Route::Description)
    } else if is_link(path) {
        Some(Route::Resolve(path))
    } else if let Some(rest) = under("/page") {
        Some(Route::Page(rest))
    } else if let Some(rest) = under("/journey") {
        Some(Route::Journey(rest))
    } else {
        under("/proof").map(Route::Proof)
    }
}

impl HttpPages for ConsumerPages {
    fn is_page(&self, path: &str) -> bool {
        route(path).is_some()
    }

    fn cache_version(&self) -> [u8; 32] {
        self.node.chain().finalized().hash().0
    }

    fn get(&self, request: &PageRequest) -> Option<PageResponse> {
        let accept = request.accept.as_str();
        let answer = match route(&request.path)? {
            Route::Description => match resolver_domain_at_finalized(self.node.as_ref()) {
                Ok(domain) => json_response(200, "application/json", resolver::description(&domain)),
                Err(error) => unreadable(accept, error.message()),
            },
            Route::Resolve(path) => match digital_link::parse(path, &request.query) {
                Ok(link) => self.resolve(&link, accept, false),
                Err(error) => bad_request(accept, path, &error),
            },
            Route::Page(path) => match digital_link::parse(path, &request.query) {
                Ok(link) => self.resolve(&link, "text/html", true),
                Err(error) => bad_request(accept, path, &error),
            },
            Route::Journey(path) => match digital_link::parse(path, &request.query) {
                Ok(link) => self.data(&link, false),
                Err(error) => bad_request("application/json", path, &error),
            },
            Route::Proof(path) => match digital_link::parse(path, &request.query) {
                Ok(link) => self.data(&link, true),
                Err(error) => bad_request("application/json", path, &error),
            },
        };
        Some(answer)
    }
}

/// The URI the chain's identity pallet parses for `link` (any resolver host parses).
fn chain_uri(link: &DigitalLink) -> String {
    format!("https://resolver{}", link.path())
}

impl ConsumerPages {
    /// The resolver's answer for `link`: the item's, or its product class's (walk-up).
    fn resolve(&self, link: &DigitalLink, accept: &str, page_only: bool) -> PageResponse {
        let client: &dyn NodeClient = self.node.as_ref();
        let has_key = link.serial.is_some() || link.lot.is_some();
        let uri = chain_uri(link);
        let proof = if has_key { journey_proof(client, &ItemRef::Uri(uri.clone()), None) } else { Ok(None) };
        let proof = match proof {
            Ok(proof) => proof,
            Err(error) => return unreadable(accept, error.message()),
        };
        let Some(proof) = proof else { return self.resolve_class(link, accept, page_only) };
        let Ok(journey) = serde_json::from_value::<Journey>(proof.journey.clone()) else {
            return unreadable(accept, "the journey proof does not hold a journey");
        };
        let path = link.path();
        let linkset = self.item_linkset(&journey, &path);
        let answer = if page_only { Answer::Page } else { resolver::decide(link, accept, &linkset, &self.config) };
        // Only the page shows facts as verified, so only the page pays for checking the proof
        // (certificate signatures and trie walks); a redirect or a linkset names links alone.
        let response = match answer {
            Answer::Page => match verify_journey_proof(self.node.chain().spec(), &uri, &proof) {
                Ok(verified) => {
                    let badge = Badge::Verified { block: verified.block, hash: format!("{:?}", verified.hash) };
                    html(200, &journey_page(&verified.journey, &badge))
                }
                Err(error) => html(200, &journey_page(&journey, &Badge::Unverified { reason: error.to_string() })),
            },
            other => self.linkset_answer(other, &linkset, accept),
        };
        with_link(response, &path)
    }

    /// The walk-up: the product class of `link`'s GTIN, or `404` for an unregistered GTIN.
    fn resolve_class(&self, link: &DigitalLink, accept: &str, page_only: bool) -> PageResponse {
        let client: &dyn NodeClient = self.node.as_ref();
        let class = pallet_products::types::Gtin::parse(link.gtin.as_bytes())
            .ok()
            .map(|gtin| product_class_at_finalized(client, &gtin))
            .transpose();
        let (product, recalled) = match class {
            Ok(Some(Some(class))) => class,
            Ok(_) => {
                let reason = "This code is not registered on Tracechain. The product may not be genuine.";
                return not_found(accept, &link.path(), reason);
            }
            Err(error) => return unreadable(accept, error.message()),
        };
        let domain = match resolver_domain_at_finalized(client) {
            Ok(domain) => domain,
            Err(error) => return unreadable(accept, error.message()),
        };
        let path = link.class_path();
        let page = self.page_link(&path, format!("{}: product", product.name));
        let linkset = Linkset {
            anchor: format!("https://{domain}{path}"),
            item_description: format!("{} ({})", product.name, product.brand),
            links: vec![(gs1("defaultLink"), self.default_link(&page)), (gs1("pip"), page)],
        };
        let answer = if page_only { Answer::Page } else { resolver::decide(link, accept, &linkset, &self.config) };
        let response = match answer {
            Answer::Page => html(200, &class_page(&product, recalled, link)),
            other => self.linkset_answer(other, &linkset, accept),
        };
        with_link(response, &path)
    }

    /// The answer to `/journey/…` or `/proof/…`: JSON, never a page.
    fn data(&self, link: &DigitalLink, proof_wanted: bool) -> PageResponse {
        let accept = "application/json";
        let client: &dyn NodeClient = self.node.as_ref();
        let uri = chain_uri(link);
        let proof = match journey_proof(client, &ItemRef::Uri(uri.clone()), None) {
            Ok(Some(proof)) => proof,
            Ok(None) => return not_found(accept, &link.path(), "This code is not registered on Tracechain."),
            Err(error) => return unreadable(accept, error.message()),
        };
        let value = if proof_wanted {
            serde_json::to_value(&proof).unwrap_or_default()
        } else {
            match verify_journey_proof(self.node.chain().spec(), &uri, &proof) {
                Ok(verified) => json!({
                    "verified": { "block": verified.block, "hash": format!("{:?}", verified.hash) },
                    "journey": serde_json::to_value(&verified.journey).unwrap_or_default(),
                }),
                Err(error) => {
                    json!({ "verified": null, "reason": error.to_string(), "journey": proof.journey.clone() })
                }
            }
        };
        with_link(json_response(200, "application/json", value), &link.path())
    }

    /// The consumer page's link at `path`: the path itself, or `/page…` when the default link
    /// goes elsewhere (so that the page stays reachable).
    fn page_link(&self, path: &str, title: String) -> Link {
        let href = match self.config.default_link {
            Some(_) => format!("/page{path}"),
            None => path.to_string(),
        };
        Link { href, title, media_type: "text/html" }
    }

    /// The default link: the configured one, or `page`.
    fn default_link(&self, page: &Link) -> Link {
        match self.config.default_link.as_deref() {
            Some(target) if target != "linkset" => {
                Link { href: target.to_string(), title: "Default link".into(), media_type: "text/html" }
            }
            _ => page.clone(),
        }
    }

    /// The GS1 resolver linkset of an item: its page, its journey and its proof.
    fn item_linkset(&self, journey: &Journey, path: &str) -> Linkset {
        let title = journey.product.as_ref().map_or_else(|| "Product".to_string(), |product| product.name.clone());
        let page = self.page_link(path, format!("{title}: journey and verification"));
        Linkset {
            anchor: journey.digital_link.clone(),
            item_description: title.clone(),
            links: vec![
                (gs1("defaultLink"), self.default_link(&page)),
                (gs1("pip"), page),
                (
                    gs1("traceability"),
                    Link {
                        href: format!("/journey{path}"),
                        title: format!("{title}: journey (JSON)"),
                        media_type: "application/json",
                    },
                ),
                (
                    gs1("verificationService"),
                    Link {
                        href: format!("/proof{path}"),
                        title: "Journey proof against a finalized block; check it with `tracechain verify`".into(),
                        media_type: "application/json",
                    },
                ),
            ],
        }
    }

    /// A linkset, redirect or missing-link-type answer.
    fn linkset_answer(&self, answer: Answer, linkset: &Linkset, accept: &str) -> PageResponse {
        match answer {
            Answer::Redirect(target) => PageResponse {
                status: 307,
                content_type: "text/plain; charset=utf-8".into(),
                body: format!("Redirecting to {target}\n").into_bytes(),
                location: Some(target),
                ..PageResponse::default()
            },
            Answer::NoSuchLinkType(kind) => {
                not_found(accept, &linkset.anchor, &format!("This product has no link of type {kind}."))
            }
            Answer::Page | Answer::Linkset => json_response(200, LINKSET_MEDIA_TYPE, linkset.to_json()),
        }
    }
}

/// `response` with the `Link` header to the linkset of the identity at `path`.
fn with_link(response: PageResponse, path: &str) -> PageResponse {
    PageResponse { link: Some(resolver::linkset_header(path)), ..response }
}

/// Whether an error answer should be a page (a browser) rather than JSON.
fn wants_html(accept: &str) -> bool {
    accept.to_ascii_lowercase().contains("text/html") && !resolver::wants_linkset(accept)
}

/// `400` naming what is wrong with a Digital Link.
fn bad_request(accept: &str, path: &str, error: &DigitalLinkError) -> PageResponse {
    let reason = error.to_string();
    if wants_html(accept) {
        html(400, &not_found_page(path, &format!("This is not a valid GS1 Digital Link: {reason}.")))
    } else {
        json_response(
            400,
            "application/json",
            json!({ "status": 400, "error": "invalid GS1 Digital Link", "reason": reason }),
        )
    }
}

fn not_found(accept: &str, path: &str, reason: &str) -> PageResponse {
    if wants_html(accept) {
        html(404, &not_found_page(path, reason))
    } else {
        json_response(404, "application/json", json!({ "status": 404, "error": reason }))
    }
}

fn unreadable(accept: &str, message: &str) -> PageResponse {
    let reason = format!("The chain cannot be read: {message}");
    if wants_html(accept) {
        html(503, &not_found_page("", &reason))
    } else {
        json_response(503, "application/json", json!({ "status": 503, "error": reason }))
    }
}

fn html(status: u16, body: &str) -> PageResponse {
    PageResponse {
        status,
        content_type: "text/html; charset=utf-8".into(),
        body: body.as_bytes().to_vec(),
        ..PageResponse::default()
    }
}

fn json_response(status: u16, content_type: &str, value: serde_json::Value) -> PageResponse {
    PageResponse {
        status,
        content_type: content_type.into(),
        body: value.to_string().into_bytes(),
        ..PageResponse::default()
    }
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

/// The product class's page (a walk-up): what the chain knows of the GTIN, and, when a serial or
/// lot was asked for, that it is not registered.
fn class_page(product: &Product, recalled: bool, link: &DigitalLink) -> String {
    let mut body = format!(
        "<h1>{}</h1><p class=\"brand\">{} · origin {}</p>",
        escape(&product.name),
        escape(&product.brand),
        escape(&product.origin)
    );
    let asked = match (&link.serial, &link.lot) {
        (Some(serial), _) => Some(format!("serial {serial}")),
        (None, Some(lot)) => Some(format!("lot {lot}")),
        (None, None) => None,
    };
    if let Some(asked) = asked {
        body.push_str(&format!(
            "<div class=\"card danger\" id=\"unregistered\"><strong>Unknown item</strong><p>This code ({}) is not \
             registered on Tracechain for this product. The product may not be genuine.</p></div>",
            escape(&asked)
        ));
    }
    if recalled {
        body.push_str(
            "<div class=\"card danger\" id=\"recall\"><strong>Recall</strong><p>This product is recalled.</p></div>",
        );
    }
    body.push_str(&format!(
        "<div class=\"card\"><dl class=\"facts\"><dt>GTIN</dt><dd>{}</dd><dt>Brand</dt><dd>{}</dd>\
         <dt>HS code</dt><dd>{}</dd></dl></div>",
        escape(&link.gtin),
        escape(&product.brand_organisation.name),
        escape(&product.hs_code)
    ));
    page(&product.name, &body)
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
    fn page_routes() {
        assert_eq!(route("/01/03760001000016/21/17"), Some(Route::Resolve("/01/03760001000016/21/17")));
        assert_eq!(route("/01/03760001000016"), Some(Route::Resolve("/01/03760001000016")));
        assert_eq!(route("/01/x/y"), Some(Route::Resolve("/01/x/y")), "malformed links are the resolver's (400)");
        assert_eq!(route("/.well-known/gs1resolver"), Some(Route::Description));
        assert_eq!(route("/journey/01/03760001000016/21/17"), Some(Route::Journey("/01/03760001000016/21/17")));
        assert_eq!(route("/proof/01/03760001000016/21/17"), Some(Route::Proof("/01/03760001000016/21/17")));
        assert_eq!(route("/page/01/03760001000016/21/17"), Some(Route::Page("/01/03760001000016/21/17")));
        assert_eq!(route("/"), None);
        assert_eq!(route("/010"), None);
        assert_eq!(route("/journey"), None);
        assert_eq!(route("/metrics"), None);
        assert_eq!(route("/00/376000100000000016"), None);
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
