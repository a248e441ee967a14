//! What the node's GS1-conformant resolver answers (GS1 Digital Link and GS1-Conformant Resolver
//! standards) once a request is parsed ([`tracechain_primitives::digital_link::parse`]) and its
//! links are known: the decision alone, so that every rule is tested without a chain. The
//! consumer pages ([`crate::consumer_page`]) read the chain and render.
//!
//! ## Rules
//! - `Accept: application/linkset+json` or `application/json`: the linkset (`200`), never a
//!   redirect, whatever `linkType` says.
//! - `linkType=linkset` or `all`: the linkset (RFC 9264, `application/linkset+json`), in GS1's
//!   shape: `anchor` (the identity's Digital Link on the chain's resolver domain),
//!   `itemDescription`, and one array of `{href, title, type}` per link type URI.
//! - A link type (`gs1:pip`, `https://gs1.org/voc/traceability`, …): `307` to that link, the
//!   request's other query parameters (GS1 data attributes such as `17=261231`) carried onto
//!   the target's query string. A link type the identity has no link of: `404`.
//! - No `linkType` or `gs1:defaultLink`: the consumer page itself (the default link), or `307`
//!   to [`ResolverConfig::default_link`] when one is configured, or the linkset when it is
//!   `linkset` (`linkTypeDefaultCanBeLinkset`).
//! - Every answer about an identity carries `Link: <…?linkType=linkset>; rel="linkset"`.
//!
//! Link targets are relative to the resolver (the node does not know the public host a proxy
//! gives it); anchors are absolute, on the chain's resolver domain.

use serde_json::{json, Map, Value};
use tracechain_primitives::digital_link::{DigitalLink, LinkTypeRequest, GS1_VOC};

/// RFC 9264's media type of a linkset in JSON.
pub const LINKSET_MEDIA_TYPE: &str = "application/linkset+json";

/// The operator's resolver settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolverConfig {
    /// Where the default link points (`--resolver-default-link`): an `https://` URL every
    /// identity's default link redirects to, or `linkset` to answer the linkset by default;
    /// `None` serves the consumer page.
    pub default_link: Option<String>,
}

/// One link of a linkset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The target (relative to the resolver, or absolute).
    pub href: String,
    /// A human-readable title.
    pub title: String,
    /// The target's media type.
    pub media_type: &'static str,
}

/// The links of one identity (an item or a product class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linkset {
    /// The identity's Digital Link URI.
    pub anchor: String,
    /// What it is, for people.
    pub item_description: String,
    /// Link type URI and its link, the default link first.
    pub links: Vec<(String, Link)>,
}

impl Linkset {
    /// The link of `link_type` (a full URI), if any.
    pub fn find(&self, link_type: &str) -> Option<&Link> {
        self.links.iter().find(|(kind, _)| kind == link_type).map(|(_, link)| link)
    }

    /// The linkset document (RFC 9264 JSON, GS1's shape).
    pub fn to_json(&self) -> Value {
        let mut context = Map::new();
        context.insert("anchor".into(), Value::String(self.anchor.clone()));
        context.insert("itemDescription".into(), Value::String(self.item_description.clone()));
        for (kind, link) in &self.links {
            let target = json!({ "href": link.href, "title": link.title, "type": link.media_type });
            match context.get_mut(kind) {
                Some(Value::Array(targets)) => targets.push(target),
                _ => {
                    context.insert(kind.clone(), Value::Array(vec![target]));
                }
            }
        }
        json!({ "linkset": [Value::Object(context)] })
    }
}

/// What to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The consumer page (HTML).
    Page,
    /// The linkset.
    Linkset,
    /// `307` to this target.
    Redirect(String),
    /// `404`: the identity has no link of this type.
    NoSuchLinkType(String),
}

/// Whether `accept` asks for the linkset rather than a page.
pub fn wants_linkset(accept: &str) -> bool {
    let accept = accept.to_ascii_lowercase();
    accept.contains(LINKSET_MEDIA_TYPE) || accept.contains("application/json")
}

/// The answer to `request` with `accept`, for an identity with `linkset`.
pub fn decide(request: &DigitalLink, accept: &str, linkset: &Linkset, config: &ResolverConfig) -> Answer {
    if wants_linkset(accept) {
        return Answer::Linkset;
    }
    let query = request.carried_query();
    match &request.link_type {
        LinkTypeRequest::Linkset => Answer::Linkset,
        LinkTypeRequest::Default => match config.default_link.as_deref() {
            Some("linkset") => Answer::Linkset,
            Some(target) => Answer::Redirect(with_query(target, &query)),
            None => Answer::Page,
        },
        LinkTypeRequest::Named(kind) => match linkset.find(kind) {
            Some(link) => Answer::Redirect(with_query(&link.href, &query)),
            None => Answer::NoSuchLinkType(kind.clone()),
        },
    }
}

/// `target` with `query` appended to its query string.
pub fn with_query(target: &str, query: &str) -> String {
    if query.is_empty() {
        target.to_string()
    } else if target.contains('?') {
        format!("{target}&{query}")
    } else {
        format!("{target}?{query}")
    }
}

/// The `Link` header of every answer about the identity at `path`.
pub fn linkset_header(path: &str) -> String {
    format!("<{path}?linkType=linkset>; rel=\"linkset\"; type=\"{LINKSET_MEDIA_TYPE}\"")
}

/// The link type URI of a `gs1:` name.
pub fn gs1(name: &str) -> String {
    format!("{GS1_VOC}{name}")
}

/// The resolver description served at `/.well-known/gs1resolver` (GS1's description file
/// schema).
pub fn description(resolver_domain: &str) -> Value {
    json!({
        "name": "Tracechain",
        "resolverRoot": format!("https://{resolver_domain}"),
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{ "namespace": GS1_VOC, "prefix": "gs1:" }],
        "linkTypeDefaultCanBeLinkset": true,
        "supportedContextValuesEnumerated": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracechain_primitives::digital_link::parse;

    const PATH: &str = "/01/03760001000016/21/17";

    fn linkset() -> Linkset {
        let page = Link { href: PATH.into(), title: "page".into(), media_type: "text/html" };
        Linkset {
            anchor: format!("https://id.example{PATH}"),
            item_description: "Château X".into(),
            links: vec![
                (gs1("defaultLink"), page.clone()),
                (gs1("pip"), page),
                (
                    gs1("traceability"),
                    Link { href: format!("/journey{PATH}"), title: "journey".into(), media_type: "application/json" },
                ),
            ],
        }
    }

    fn answer(query: &str, accept: &str, config: &ResolverConfig) -> Answer {
        decide(&parse(PATH, query).expect("parses"), accept, &linkset(), config)
    }

    #[test]
    fn link_types_redirect_and_carry_the_query() {
        let config = ResolverConfig::default();
        assert_eq!(
            answer("linkType=gs1:pip&17=261231", "text/html", &config),
            Answer::Redirect(format!("{PATH}?17=261231"))
        );
        assert_eq!(
            answer("3103=000189&linkType=https://gs1.org/voc/traceability", "*/*", &config),
            Answer::Redirect(format!("/journey{PATH}?3103=000189"))
        );
        assert_eq!(
            answer("linkType=gs1:recallStatus", "*/*", &config),
            Answer::NoSuchLinkType("https://gs1.org/voc/recallStatus".into())
        );
    }

    #[test]
    fn the_default_link_is_the_page_unless_configured() {
        let none = ResolverConfig::default();
        assert_eq!(answer("", "text/html", &none), Answer::Page);
        assert_eq!(answer("linkType=gs1:defaultLink", "text/html", &none), Answer::Page);
        let brand = ResolverConfig { default_link: Some("https://brand.example/wine".into()) };
        assert_eq!(
            answer("17=261231", "text/html", &brand),
            Answer::Redirect("https://brand.example/wine?17=261231".into())
        );
        let linkset_default = ResolverConfig { default_link: Some("linkset".into()) };
        assert_eq!(answer("", "text/html", &linkset_default), Answer::Linkset);
    }

    #[test]
    fn a_linkset_is_asked_for_by_link_type_or_accept_and_never_redirects() {
        let config = ResolverConfig { default_link: Some("https://brand.example/".into()) };
        assert_eq!(answer("linkType=linkset", "text/html", &config), Answer::Linkset);
        assert_eq!(answer("linkType=all", "text/html", &config), Answer::Linkset);
        assert_eq!(answer("linkType=gs1:pip", LINKSET_MEDIA_TYPE, &config), Answer::Linkset);
        assert_eq!(answer("", "application/json", &config), Answer::Linkset);
        assert_eq!(answer("linkType=gs1:nothing", "Application/JSON", &config), Answer::Linkset);
    }

    #[test]
    fn linkset_document_and_header() {
        let document = linkset().to_json();
        let context = &document["linkset"][0];
        assert_eq!(context["anchor"], format!("https://id.example{PATH}"));
        assert_eq!(context["itemDescription"], "Château X");
        assert_eq!(context["https://gs1.org/voc/pip"][0]["href"], PATH);
        assert_eq!(context["https://gs1.org/voc/traceability"][0]["type"], "application/json");
        assert_eq!(
            linkset_header(PATH),
            format!("<{PATH}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"")
        );
        assert_eq!(with_query("/a?b=1", "c=2"), "/a?b=1&c=2");
        let description = description("id.example");
        assert_eq!(description["resolverRoot"], "https://id.example");
        assert_eq!(description["supportedPrimaryKeys"], json!(["01"]));
        assert_eq!(description["linkTypeDefaultCanBeLinkset"], true);
    }
}
