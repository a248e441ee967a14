//! Origin and Host checks on every HTTP request the server receives — JSON-RPC `POST`s,
//! WebSocket upgrades and page `GET`s alike — before any method runs.
//!
//! ## Rules
//! - **Origin** (sent by browsers, never needed by other clients): a request without one passes.
//!   With one, it passes when [`AllowedOrigins`] allows it (`--rpc-cors`; Substrate's default
//!   list: `http://localhost:*`, `http://127.0.0.1:*`, `https://localhost:*`,
//!   `https://127.0.0.1:*`, where `:*` means any port or none), or when it is the request's own
//!   origin (`http://` or `https://` followed by the request's allowed `Host`). Anything else,
//!   `null` included, is refused with `403 Forbidden`: a web page open in the operator's
//!   browser cannot call the node.
//! - **Host** (defeats DNS rebinding, where an attacker's domain resolves to the node): a
//!   request without one passes (browsers always send it). An IP literal and `localhost` pass —
//!   a rebinding attack needs a domain name — as does any name in [`AllowedHosts`]
//!   (`--rpc-allowed-hosts`, e.g. the resolver domain a proxy forwards); any other name is
//!   refused with `403 Forbidden`.
//!
//! An allowed cross-origin request gets CORS headers naming its origin (or `*` with
//! `--rpc-cors all`), from [`cors_layer`].

use crate::BoxError;
use std::{
    future::Future,
    net::IpAddr,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use jsonrpsee::server::HttpBody;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

/// Browser origins allowed to call (`--rpc-cors`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// Any origin (`--rpc-cors all`).
    All,
    /// Exactly these origins; an entry ending in `:*` allows any port (or none).
    List(Vec<String>),
}

impl Default for AllowedOrigins {
    /// Substrate's default: pages served from this machine.
    fn default() -> Self {
        Self::List(
            ["http://localhost:*", "http://127.0.0.1:*", "https://localhost:*", "https://127.0.0.1:*"]
                .map(str::to_string)
                .to_vec(),
        )
    }
}

impl AllowedOrigins {
    /// From `--rpc-cors`: `all` (or `*`), or a comma-separated list.
    pub fn parse(flag: &str) -> Self {
        let entries: Vec<String> =
            flag.split(',').map(|entry| entry.trim().to_string()).filter(|entry| !entry.is_empty()).collect();
        if entries.iter().any(|entry| entry == "all" || entry == "*") {
            Self::All
        } else {
            Self::List(entries)
        }
    }

    /// Whether `origin` may call, on a request whose Host header is `host` (already allowed).
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.to_ascii_lowercase();
        match self {
            Self::All => true,
            Self::List(entries) => {
                let same_origin = host.is_some_and(|host| {
                    let host = host.to_ascii_lowercase();
                    origin == format!("http://{host}") || origin == format!("https://{host}")
                });
                same_origin || entries.iter().any(|entry| origin_matches(&entry.to_ascii_lowercase(), &origin))
            }
        }
    }
}

/// Whether `origin` matches the allow-list entry `entry` (both lower-case).
fn origin_matches(entry: &str, origin: &str) -> bool {
    match entry.strip_suffix(":*") {
        Some(base) => {
            origin == base
                || origin.strip_prefix(base).and_then(|rest| rest.strip_prefix(':')).is_some_and(|port| {
                    !port.is_empty() && port.len() <= 5 && port.bytes().all(|byte| byte.is_ascii_digit())
                })
        }
        None => origin == entry,
    }
}

/// Host names, besides IP literals and `localhost`, that requests may name (`--rpc-allowed-hosts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowedHosts {
    /// Any host (`--rpc-allowed-hosts all`): no DNS-rebinding protection.
    All,
    /// These names, lower-case, without ports; the default is none.
    List(Vec<String>),
}

impl Default for AllowedHosts {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

impl AllowedHosts {
    /// From `--rpc-allowed-hosts`: `all`, or a comma-separated list of names.
    pub fn parse(flag: &str) -> Self {
        let entries: Vec<String> = flag
            .split(',')
            .map(|entry| host_name(entry.trim()).to_ascii_lowercase())
            .filter(|entry| !entry.is_empty())
            .collect();
        if entries.iter().any(|entry| entry == "all" || entry == "*") {
            Self::All
        } else {
            Self::List(entries)
        }
    }

    /// Whether a request may name `host` (a Host header: a name or address, with or without a
    /// port).
    pub fn allows(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        match self {
            Self::All => true,
            _ if name == "localhost" || literal.parse::<IpAddr>().is_ok() => true,
            Self::List(names) => names.contains(&name),
        }
    }
}

/// `host` without its port: `example.com:9944` → `example.com`, `[::1]:9944` → `[::1]`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|byte| byte.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Why a request was refused, for the 403 body.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The Host header names a host that is not allowed.
    Host(String),
    /// The Origin header names an origin that is not allowed.
    Origin(String),
}

impl Refusal {
    fn message(&self) -> String {
        match self {
            Self::Host(host) => format!(
                "Host {host:?} is not allowed: name the node by IP address or localhost, or start it with \
                 --rpc-allowed-hosts {host}\n"
            ),
            Self::Origin(origin) => {
                format!("Origin {origin:?} is not allowed: start the node with --rpc-cors {origin} to allow it\n")
            }
        }
    }
}

/// The checks, as a pure function of the request's Host and Origin headers.
pub fn check(
    origins: &AllowedOrigins,
    hosts: &AllowedHosts,
    host: Option<&str>,
    origin: Option<&str>,
) -> Result<(), Refusal> {
    if let Some(host) = host {
        if !hosts.allows(host) {
            return Err(Refusal::Host(host.to_string()));
        }
    }
    match origin {
        Some(origin) if !origins.allows(origin, host) => Err(Refusal::Origin(origin.to_string())),
        _ => Ok(()),
    }
}

/// The CORS layer: requests that reach it passed [`check`], so it names the request's origin
/// back (or `*` for [`AllowedOrigins::All`]).
pub fn cors_layer(origins: &AllowedOrigins) -> CorsLayer {
    let layer = CorsLayer::new().allow_methods([http::Method::POST]).allow_headers([http::header::CONTENT_TYPE]);
    match origins {
        AllowedOrigins::All => layer.allow_origin(Any),
        AllowedOrigins::List(_) => layer.allow_origin(AllowOrigin::mirror_request()),
    }
}

/// The HTTP middleware layer that runs [`check`] on every request.
#[derive(Clone, Debug)]
pub struct OriginHostLayer {
    origins: Arc<AllowedOrigins>,
    hosts: Arc<AllowedHosts>,
}

impl OriginHostLayer {
    /// Checks every request against `origins` and `hosts`.
    pub fn new(origins: AllowedOrigins, hosts: AllowedHosts) -> Self {
        Self { origins: Arc::new(origins), hosts: Arc::new(hosts) }
    }
}

impl<S> tower::Layer<S> for OriginHostLayer {
    type Service = OriginHost<S>;

    fn layer(&self, inner: S) -> Self::Service {
        OriginHost { inner, layer: self.clone() }
    }
}

/// The HTTP middleware service.
#[derive(Clone, Debug)]
pub struct OriginHost<S> {
    inner: S,
    layer: OriginHostLayer,
}

impl<S, B> tower::Service<http::Request<B>> for OriginHost<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<HttpBody>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = http::Response<HttpBody>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let headers = request.headers();
        // A header that is not text cannot be matched: it is treated as a name nobody allowed.
        let text = |name| headers.get(name).map(|value: &http::HeaderValue| value.to_str().unwrap_or("\u{fffd}"));
        let host = text(http::header::HOST).or_else(|| request.uri().authority().map(|authority| authority.as_str()));
        match check(&self.layer.origins, &self.layer.hosts, host, text(http::header::ORIGIN)) {
            Ok(()) => Box::pin(self.inner.call(request)),
            Err(refusal) => {
                tracing::debug!(target: "rpc", "refused: {refusal:?}");
                let response = http::Response::builder()
                    .status(http::StatusCode::FORBIDDEN)
                    .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                    .body(HttpBody::from(refusal.message()))
                    .map_err(|error| Box::new(error) as BoxError);
                Box::pin(async move { response })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrate_default_origins() {
        let origins = AllowedOrigins::default();
        for allowed in ["http://localhost", "http://localhost:3000", "https://127.0.0.1:8443", "HTTP://LOCALHOST:1"] {
            assert!(origins.allows(allowed, None), "{allowed}");
        }
        for refused in
            ["https://evil.example", "null", "http://localhost.evil.example", "http://localhost:", "http://127.0.0.1:x"]
        {
            assert!(!origins.allows(refused, None), "{refused}");
        }
        // The request's own origin (a page the node serves under an allowed host name).
        assert!(origins.allows("https://resolver.example", Some("resolver.example")));
        assert!(!origins.allows("https://evil.example", Some("resolver.example")));
        assert!(AllowedOrigins::parse("all").allows("https://anyone.example", None));
        let listed = AllowedOrigins::parse("https://erp.example, http://localhost:*");
        assert!(listed.allows("https://erp.example", None));
        assert!(!listed.allows("https://erp.example:8443", None));
    }

    #[test]
    fn hosts_that_a_rebinding_attack_cannot_use_pass() {
        let hosts = AllowedHosts::default();
        for allowed in ["127.0.0.1:9944", "localhost:9944", "[::1]:9944", "192.0.2.7", "LOCALHOST"] {
            assert!(hosts.allows(allowed), "{allowed}");
        }
        assert!(!hosts.allows("evil.example:9944"));
        assert!(!hosts.allows("localhost.evil.example"));
        let listed = AllowedHosts::parse("resolver.example:443, Other.Example");
        assert!(listed.allows("resolver.example"));
        assert!(listed.allows("other.example:9944"));
        assert!(!listed.allows("evil.example"));
        assert!(AllowedHosts::parse("all").allows("anything.example"));
    }

    #[test]
    fn host_is_checked_before_origin() {
        let (origins, hosts) = (AllowedOrigins::default(), AllowedHosts::default());
        assert_eq!(check(&origins, &hosts, Some("127.0.0.1:9944"), None), Ok(()));
        assert_eq!(check(&origins, &hosts, None, Some("http://localhost:3000")), Ok(()));
        assert_eq!(
            check(&origins, &hosts, Some("evil.example:9944"), Some("http://evil.example:9944")),
            Err(Refusal::Host("evil.example:9944".into()))
        );
        assert_eq!(
            check(&origins, &hosts, Some("127.0.0.1:9944"), Some("https://evil.example")),
            Err(Refusal::Origin("https://evil.example".into()))
        );
    }
}
