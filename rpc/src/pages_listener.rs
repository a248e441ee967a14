//! The pages listener (`--pages-addr`): the consumer pages alone, on an address of their own, so
//! that a public resolver domain (where printed QR codes point) never reaches JSON-RPC.
//!
//! ## Rules
//! - Only page `GET`s are served ([`HttpPages::is_page`]), through the same [`PagesLayer`] as on
//!   the JSON-RPC port: own workers, cache per finalized block, per-IP rate, security headers.
//!   Everything else — a JSON-RPC `POST`, a WebSocket upgrade, `/` — is `404` with the same
//!   headers; no method of the node is reachable here.
//! - Its connections are bounded on their own ([`PagesListenerConfig::connections`]), so a page
//!   flood takes none of the JSON-RPC slots, and are timed out as JSON-RPC's are.
//! - No Origin or Host check: the pages are public, read-only, and meant to be reached under any
//!   domain a brand or resolver points at them; nothing here acts for the caller.
//! - Open CORS ([`PagesLayer::with_open_cors`]): every page answer allows any origin and an
//!   `OPTIONS` preflight of a page path allows `GET` and `HEAD`, since GS1 resolver clients run
//!   in browsers; a preflight of anything else is `404` like every other non-page request.

use std::{
    future::{ready, Ready},
    net::SocketAddr,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use jsonrpsee::server::HttpBody;
use tokio::net::TcpListener;

use crate::{
    connections::{ConnectionLimits, Connections, PAGES_FLAGS},
    listener::{self, Timeouts},
    pages::{HttpPages, PageLimits, PagesLayer, CONTENT_SECURITY_POLICY},
    BoxError, RpcError, RpcHandle,
};

/// Where and how the pages listener listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagesListenerConfig {
    /// The address to listen on (`--pages-addr`); port 0 picks a free port.
    pub addr: SocketAddr,
    /// The page service's workers, cache and per-IP rate.
    pub limits: PageLimits,
    /// Connections open at once, in all and per IP (`--pages-max-connections`,
    /// `--pages-max-connections-per-ip`). No slots are kept for loopback: nothing here is for
    /// the operator.
    pub connections: ConnectionLimits,
    /// A connection that has not sent a complete request by then is closed.
    pub first_request_timeout: Duration,
    /// A keep-alive connection idle for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for PagesListenerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            limits: PageLimits::default(),
            connections: ConnectionLimits { max_connections: 1_024, max_per_ip: 32, loopback_reserved: 0 },
            first_request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

impl PagesListenerConfig {
    /// Checks that the limits can work together.
    pub fn validate(&self) -> Result<(), RpcError> {
        let limits = &self.connections;
        if limits.max_connections == 0 || limits.max_per_ip == 0 {
            return Err(RpcError::Config("the pages listener needs at least 1 connection in all and per IP".into()));
        }
        if limits.loopback_reserved >= limits.max_connections {
            return Err(RpcError::Config(
                "the pages listener's loopback reserve must be below its connection limit".into(),
            ));
        }
        if self.first_request_timeout.is_zero() || self.idle_timeout.is_zero() {
            return Err(RpcError::Config("the pages listener's timeouts must be above zero".into()));
        }
        self.limits.validate()
    }
}

/// Serves `pages` on `config.addr` until the handle is stopped or dropped.
pub async fn start(config: PagesListenerConfig, pages: Arc<dyn HttpPages>) -> Result<RpcHandle, RpcError> {
    config.validate()?;
    let socket = TcpListener::bind(config.addr).await.map_err(|source| RpcError::Bind {
        listener: "pages",
        addr: config.addr,
        source,
    })?;
    let local_addr = socket.local_addr().map_err(RpcError::LocalAddr)?;
    let (stop, handle) = jsonrpsee::server::stop_channel();
    let connections = Connections::new(config.connections, PAGES_FLAGS);
    let layer = PagesLayer::with_open_cors(pages, config.limits.clone());
    let timeouts = Timeouts { first_request: config.first_request_timeout, idle: config.idle_timeout };
    listener::spawn_accept_loop(socket, Arc::clone(&connections), stop, timeouts, "pages", move || {
        tower::Layer::layer(&layer, NotAPage)
    });
    tracing::debug!(target: "rpc", "pages listening on {local_addr}");
    Ok(RpcHandle { local_addr, handle, connections })
}

/// What the pages listener answers to anything but a page.
#[derive(Clone, Copy, Debug)]
struct NotAPage;

impl<B> tower::Service<http::Request<B>> for NotAPage {
    type Response = http::Response<HttpBody>;
    type Error = BoxError;
    type Future = Ready<Result<Self::Response, BoxError>>;

    fn poll_ready(&mut self, _context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: http::Request<B>) -> Self::Future {
        let response = http::Response::builder()
            .status(http::StatusCode::NOT_FOUND)
            .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(http::header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
            .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(http::header::X_FRAME_OPTIONS, "DENY")
            .header(http::header::REFERRER_POLICY, "no-referrer")
            .body(HttpBody::from("Not found: this address serves product pages only.\n"))
            .map_err(|error| Box::new(error) as BoxError);
        ready(response)
    }
}
