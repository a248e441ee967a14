//! # tracechain-rpc
//!
//! The JSON-RPC server of a Tracechain node, HTTP and WebSocket on one port: Substrate's legacy
//! method names and JSON shapes (`chain_*`, `state_*`, `author_*`, `system_*`, `rpc_methods`), so
//! that subxt, polkadot.js and py-substrate-interface work unmodified; and the `trace_*` domain
//! API ([`trace`]): products, items, journeys, customs and inspections as plain JSON.
//!
//! - [`start`] binds [`RpcConfig::addr`] and serves until [`RpcHandle::stop`] (or until the
//!   handle is dropped). HTTP takes `POST` with a JSON content type; WebSocket is an upgrade of the
//!   same port and is where subscriptions live.
//! - [`rpc_module`] is the method table alone, for embedding or in-process tests.
//! - The server reaches the node only through [`client::NodeClient`].
//! - Method lists and shapes: [`system`], [`chain`], [`state`], [`author`]; JSON conversions in
//!   [`json`]; error codes in [`error`]. `rpc_methods` lists every method and alias served.
//! - The new JSON-RPC interface (paritytech/json-rpc-interface-spec): [`chain_head`]
//!   (`chainHead_v1_*`), [`transaction_v1`] (`transaction_v1_*`, `transactionWatch_v1_*`),
//!   [`chain_spec_v1`] (`chainSpec_v1_*`) and [`archive`] (`archive_v1_*`), bounded by
//!   [`NewApiLimits`]. The spec lets a server list a group in `rpc_methods` only when it serves
//!   every function of it; all five groups are served whole, so all are listed (and subxt, which
//!   prefers `archive_v1_*` and `chainHead_v1_*` when listed, uses them).
//!
//! ## Access
//! Every HTTP request — JSON-RPC, WebSocket upgrade or page — first passes the Origin and Host
//! checks of [`origin_host`] (Substrate's `--rpc-cors` allow-list; a Host allow-list against
//! DNS rebinding). Substrate's unsafe methods ([`unsafe_methods::UNSAFE_METHODS`]) are served as
//! `--rpc-methods` says ([`unsafe_methods::RpcMethods`]: by default only on a loopback listener).
//! [`call_metrics`] reports every answered call.
//!
//! ## Limits
//! Every limit comes from [`RpcConfig`]: request and response size, batch length (a longer
//! batch is refused whole), open connections (all together, per IP, a few kept for loopback,
//! counted by the server's own accept loop, see [`connections`]), first-request and idle
//! timeouts, WebSocket ping, and subscriptions per WebSocket connection.
//! Beyond those, `state_getKeysPaged` returns at most 1000 keys, `chain_getBlockHash` resolves
//! at most 1000 numbers, and storage key lists are bounded per call, per subscription and per
//! connection ([`state::CostLimits`], see [`state`]). The new
//! interface's bounds are [`NewApiLimits`] (follows and broadcasts per connection, pinned blocks
//! and operations per follow, archive streams and items), each stated in its module's docs.
//!
//! ## Failure
//! Startup fails with an [`RpcError`]. A bad request gets a JSON-RPC error that says what was
//! wrong (see [`error`]); every parameter is parsed defensively, so no request can panic the
//! server.

pub mod archive;
pub mod author;
pub mod call_hooks;
pub mod call_metrics;
pub mod chain;
pub mod chain_head;
pub mod chain_spec_v1;
pub mod client;
pub mod connection_slots;
pub mod connections;
pub mod error;
pub mod json;
pub mod listener;
pub mod origin_host;
pub mod pages;
pub mod pages_listener;
pub mod proof;
pub mod state;
pub mod storage_query;
pub mod system;
pub mod trace;
pub mod transaction_v1;
pub mod unsafe_methods;

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use jsonrpsee::{
    server::{BatchRequestConfig, PingConfig, RandomStringIdProvider, Server, ServerConfig, ServerHandle},
    RpcModule,
};
use tokio::net::TcpListener;

/// The error type of the tower services that wrap the JSON-RPC server (pages, Origin/Host checks).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub use client::NodeClient;
pub use connections::{ConnectionLimits, Refusal};
pub use error::RpcError;
pub use origin_host::{AllowedHosts, AllowedOrigins};
pub use unsafe_methods::RpcMethods;

/// One mebibyte.
const MIB: u32 = 1024 * 1024;
/// How much larger than the largest request a response limit must be: a response echoes the
/// request's id, and a subscription's first response must always fit.
const RESPONSE_MARGIN: u32 = 1024;

/// A handle shared with the server through its configuration; configurations compare it by
/// identity.
pub struct Shared<T: ?Sized>(pub Arc<T>);

impl<T: ?Sized> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: ?Sized> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shared<{}>", std::any::type_name::<T>())
    }
}

impl<T: ?Sized> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> Eq for Shared<T> {}

/// The peer address of the connection a request came on (in the request's extensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallerAddr(pub SocketAddr);

/// Where and how the server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcConfig {
    /// The address to listen on; port 0 picks a free port (see [`RpcHandle::local_addr`]).
    pub addr: SocketAddr,
    /// Browser origins allowed to call (`--rpc-cors`); others are refused before any method runs.
    pub cors: AllowedOrigins,
    /// Host names requests may name besides IP literals and `localhost` (`--rpc-allowed-hosts`).
    pub allowed_hosts: AllowedHosts,
    /// Which methods are exposed (`--rpc-methods`).
    pub rpc_methods: RpcMethods,
    /// Largest request body (HTTP) or message (WebSocket), in bytes.
    pub max_request_bytes: u32,
    /// Largest response, in bytes; at least `max_request_bytes` + 1 KiB.
    pub max_response_bytes: u32,
    /// Most TCP connections open at once — HTTP keep-alive, WebSocket and pages together, the
    /// loopback reserve included (`--rpc-max-connections`). Default 100 (Substrate's).
    pub max_connections: u32,
    /// Most connections open at once from one IPv4 address or IPv6 /64, loopback included
    /// (`--rpc-max-connections-per-ip`). Default 32.
    pub max_connections_per_ip: u32,
    /// Of `max_connections`, slots only callers on this machine may take once the others (or
    /// their per-IP share) are used up (`--rpc-reserved-loopback-connections`). Default 4.
    pub reserved_loopback_connections: u32,
    /// A connection that has not sent a complete request by then is closed
    /// (`--rpc-first-request-timeout-secs`). Default 10 s.
    pub first_request_timeout: Duration,
    /// An HTTP keep-alive connection with no request in progress that sends nothing for this long
    /// is closed, and so is a WebSocket that answers no ping for this long
    /// (`--rpc-idle-timeout-secs`). Default 60 s.
    pub idle_timeout: Duration,
    /// How often each WebSocket is pinged (`--rpc-ws-ping-interval-secs`); below
    /// `idle_timeout`. Default 30 s.
    pub ws_ping_interval: Duration,
    /// Most subscriptions one WebSocket connection may hold.
    pub max_subscriptions_per_connection: u32,
    /// Most calls in one batch; 0 refuses batches.
    pub max_batch_len: u32,
    /// Told about every answered call (for metrics), if set.
    pub call_observer: Option<Shared<dyn call_metrics::CallObserver>>,
    /// Pages served on `GET` (the consumer page), if set.
    pub pages: Option<Shared<dyn pages::HttpPages>>,
    /// Bounds of the page service: its workers, cache and per-IP rate.
    pub page_limits: pages::PageLimits,
    /// Bounds of the new JSON-RPC interface (`chainHead_v1_*`, `transaction_v1_*`, `archive_v1_*`).
    pub new_api: NewApiLimits,
    /// Bounds on storage key lists (`state_queryStorageAt`, `state_getReadProof`,
    /// `state_subscribeStorage`).
    pub cost: state::CostLimits,
}

/// Bounds of the new JSON-RPC interface; the defaults are the documented ones, each at least
/// what the spec requires a server to accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiLimits {
    /// `chainHead_v1_follow` subscriptions one connection may hold (spec: at least 2); one more is
    /// refused with error -32800. Default 4.
    pub follows_per_connection: usize,
    /// Blocks one follow subscription may hold pinned; the block that would pass it ends the
    /// subscription with a `stop` event. Default 512.
    pub pinned_blocks_per_follow: usize,
    /// Finalized blocks reported (and pinned) by the `initialized` event, the current one
    /// included. Default 16.
    pub initial_finalized_blocks: usize,
    /// Operations in progress per follow subscription, each storage item counting as one (spec:
    /// at least 16); items beyond are `discardedItems`, a call beyond is `limitReached`. Default 32.
    pub operations_per_follow: usize,
    /// Descendant entries a `chainHead_v1_storage` operation sends before it waits for
    /// `chainHead_v1_continue` (`operationWaitingForContinue`). Default 64.
    pub storage_items_per_continue: usize,
    /// Transactions one connection may broadcast at once (spec: at least 4); one more gets `null`.
    /// Default 16.
    pub broadcasts_per_connection: usize,
    /// `archive_v1_storage` and `archive_v1_storageDiff` streams one connection may run at once;
    /// one more is refused with error -32800. Default 4.
    pub archive_streams_per_connection: usize,
    /// Items in one `archive_v1_storage` or `archive_v1_storageDiff` call; more is refused with
    /// -32602. Default 64.
    pub archive_items_per_call: usize,
}

impl Default for NewApiLimits {
    fn default() -> Self {
        Self {
            follows_per_connection: 4,
            pinned_blocks_per_follow: 512,
            initial_finalized_blocks: 16,
            operations_per_follow: 32,
            storage_items_per_continue: 64,
            broadcasts_per_connection: 16,
            archive_streams_per_connection: 4,
            archive_items_per_call: 64,
        }
    }
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 9944),
            cors: AllowedOrigins::default(),
            allowed_hosts: AllowedHosts::default(),
            rpc_methods: RpcMethods::Auto,
            max_request_bytes: 10 * MIB,
            // A full block (5 MiB) is 10 MiB in hex, plus the JSON around it.
            max_response_bytes: 16 * MIB,
            max_connections: 100,
            max_connections_per_ip: 32,
            reserved_loopback_connections: 4,
            first_request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ws_ping_interval: Duration::from_secs(30),
            max_subscriptions_per_connection: 1024,
            max_batch_len: 64,
            call_observer: None,
            pages: None,
            page_limits: pages::PageLimits::default(),
            new_api: NewApiLimits::default(),
            cost: state::CostLimits::default(),
        }
    }
}

impl RpcConfig {
    /// Checks that the limits can work together.
    pub fn validate(&self) -> Result<(), RpcError> {
        if self.max_request_bytes == 0 {
            return Err(RpcError::Config("max_request_bytes must be at least 1".into()));
        }
        if self.max_response_bytes < self.max_request_bytes.saturating_add(RESPONSE_MARGIN) {
            return Err(RpcError::Config(format!(
                "max_response_bytes ({}) must be at least max_request_bytes ({}) + {RESPONSE_MARGIN}: a response \
                 echoes its request's id",
                self.max_response_bytes, self.max_request_bytes
            )));
        }
        if self.max_connections == 0 {
            return Err(RpcError::Config("max_connections must be at least 1".into()));
        }
        if self.max_connections_per_ip == 0 {
            return Err(RpcError::Config("max_connections_per_ip must be at least 1".into()));
        }
        if self.reserved_loopback_connections >= self.max_connections {
            return Err(RpcError::Config(format!(
                "reserved_loopback_connections ({}) must be below max_connections ({}): the rest are for every caller",
                self.reserved_loopback_connections, self.max_connections
            )));
        }
        if self.first_request_timeout.is_zero() || self.idle_timeout.is_zero() || self.ws_ping_interval.is_zero() {
            return Err(RpcError::Config(
                "first_request_timeout, idle_timeout and ws_ping_interval must be above zero".into(),
            ));
        }
        if self.ws_ping_interval >= self.idle_timeout {
            return Err(RpcError::Config(format!(
                "ws_ping_interval ({:?}) must be below idle_timeout ({:?}): a WebSocket is closed when it answers no                  ping for the idle timeout",
                self.ws_ping_interval, self.idle_timeout
            )));
        }
        if self.pages.is_some() {
            self.page_limits.validate()?;
        }
        let limits = &self.new_api;
        if limits.follows_per_connection < 2
            || limits.operations_per_follow < 16
            || limits.broadcasts_per_connection < 4
        {
            return Err(RpcError::Config(
                "the new JSON-RPC interface requires at least 2 follows per connection, 16 operations per follow and \
                 4 broadcasts per connection"
                    .into(),
            ));
        }
        if limits.initial_finalized_blocks == 0
            || limits.pinned_blocks_per_follow <= limits.initial_finalized_blocks
            || limits.storage_items_per_continue == 0
            || limits.archive_items_per_call == 0
        {
            return Err(RpcError::Config(
                "new_api: initial_finalized_blocks, storage_items_per_continue and archive_items_per_call must be at \
                 least 1, and pinned_blocks_per_follow above initial_finalized_blocks"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// A running listener: the JSON-RPC server ([`start`]) or the pages listener
/// ([`pages_listener::start`]).
#[derive(Debug)]
#[must_use = "the server stops when its handle is dropped"]
pub struct RpcHandle {
    pub(crate) local_addr: SocketAddr,
    pub(crate) handle: ServerHandle,
    pub(crate) connections: Arc<connections::Connections>,
}

impl RpcHandle {
    /// The address the server is bound to (with the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// TCP connections open now (HTTP and WebSocket together).
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    /// `http://<address>`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// `ws://<address>`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.local_addr)
    }

    /// Stops accepting connections, closes the open ones and waits until the server is down.
    pub async fn stop(self) {
        // An error means it was already stopped, which is what is asked.
        let _ = self.handle.stop();
        self.handle.stopped().await;
    }
}

/// Starts the server for `client` on `config.addr`.
pub async fn start(config: RpcConfig, client: Arc<dyn NodeClient>) -> Result<RpcHandle, RpcError> {
    config.validate()?;
    let module = rpc_module_with(client, &config.new_api, &config.cost)?;
    let mut hooks: Vec<Arc<dyn call_hooks::CallHook>> = Vec::new();
    if let Some(observer) = &config.call_observer {
        let methods = module.method_names().map(str::to_string);
        hooks.push(Arc::new(call_metrics::CallMetrics::new(observer.0.clone(), methods)));
    }
    let allows_unsafe = config.rpc_methods.allows_unsafe_on(config.addr.ip());
    hooks.push(Arc::new(unsafe_methods::UnsafeMethods { allowed: allows_unsafe }));
    let batch = match config.max_batch_len {
        0 => BatchRequestConfig::Disabled,
        limit => BatchRequestConfig::Limit(limit),
    };
    let server_config = ServerConfig::builder()
        .max_request_body_size(config.max_request_bytes)
        .max_response_body_size(config.max_response_bytes)
        // The accept loop bounds TCP connections; jsonrpsee counts requests in progress and
        // WebSockets, of which each HTTP/2 connection may run a few at once.
        .max_connections(config.max_connections.saturating_mul(connections::HTTP2_MAX_STREAMS))
        // A WebSocket that answers no ping for the idle timeout is closed.
        .enable_ws_ping(
            PingConfig::new()
                .ping_interval(config.ws_ping_interval)
                .inactive_limit(config.idle_timeout)
                .max_failures(1),
        )
        .max_subscriptions_per_connection(config.max_subscriptions_per_connection)
        .set_batch_request_config(batch)
        // Substrate's subscription ids: 16 random alphanumeric characters.
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();
    let http_middleware = tower::ServiceBuilder::new()
        .layer(origin_host::OriginHostLayer::new(config.cors.clone(), config.allowed_hosts.clone()))
        .layer(origin_host::cors_layer(&config.cors))
        .option_layer(config.pages.clone().map(|pages| pages::PagesLayer::new(pages.0, config.page_limits.clone())));
    let rpc_middleware =
        jsonrpsee::server::middleware::rpc::RpcServiceBuilder::new().layer(call_hooks::CallHooksLayer::new(hooks));
    let service_builder = Server::builder()
        .set_config(server_config)
        .set_http_middleware(http_middleware)
        .set_rpc_middleware(rpc_middleware)
        .to_service_builder();
    let listener = TcpListener::bind(config.addr).await.map_err(|source| RpcError::Bind {
        listener: "JSON-RPC",
        addr: config.addr,
        source,
    })?;
    let local_addr = listener.local_addr().map_err(RpcError::LocalAddr)?;
    let (stop_handle, handle) = jsonrpsee::server::stop_channel();
    let methods: jsonrpsee::Methods = module.into();
    let connections = connections::Connections::new(
        ConnectionLimits {
            max_connections: config.max_connections,
            max_per_ip: config.max_connections_per_ip,
            loopback_reserved: config.reserved_loopback_connections,
        },
        connections::RPC_FLAGS,
    );
    let timeouts = listener::Timeouts { first_request: config.first_request_timeout, idle: config.idle_timeout };
    // Our own accept loop, so that each request carries its connection's peer address
    // (jsonrpsee's own loop does not pass it on), and so that every TCP connection is counted
    // and timed from its accept.
    let connection_stop = stop_handle.clone();
    listener::spawn_accept_loop(listener, Arc::clone(&connections), stop_handle, timeouts, "JSON-RPC", move || {
        service_builder.clone().build(methods.clone(), connection_stop.clone())
    });
    tracing::debug!(target: "rpc", "JSON-RPC server listening on {local_addr}");
    Ok(RpcHandle { local_addr, handle, connections })
}

/// Every method of this server, on `client`, with the default [`NewApiLimits`].
pub fn rpc_module(client: Arc<dyn NodeClient>) -> Result<RpcModule<()>, RpcError> {
    rpc_module_with_limits(client, &NewApiLimits::default())
}

/// Every method of this server, on `client`, the new interface bounded by `limits`.
pub fn rpc_module_with_limits(client: Arc<dyn NodeClient>, limits: &NewApiLimits) -> Result<RpcModule<()>, RpcError> {
    rpc_module_with(client, limits, &state::CostLimits::default())
}

/// Every method of this server, on `client`, bounded by `limits` and `cost`.
pub fn rpc_module_with(
    client: Arc<dyn NodeClient>,
    limits: &NewApiLimits,
    cost: &state::CostLimits,
) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(client);
    system::register(&mut module)?;
    chain::register(&mut module)?;
    state::register(&mut module, cost)?;
    author::register(&mut module)?;
    trace::register(&mut module)?;
    proof::register(&mut module)?;
    chain_head::register(&mut module, limits)?;
    transaction_v1::register(&mut module, limits)?;
    chain_spec_v1::register(&mut module)?;
    archive::register(&mut module, limits)?;
    let mut module = module.remove_context();
    let mut names: Vec<&str> = module.method_names().chain(["rpc_methods"]).collect();
    names.sort_unstable();
    let methods = serde_json::json!({ "methods": names });
    module.register_method("rpc_methods", move |_, _, _| methods.clone())?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        let config = RpcConfig::default();
        assert_eq!(config.addr.to_string(), "127.0.0.1:9944");
        assert_eq!(config.max_request_bytes, 10 * MIB);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn unworkable_limits_are_refused() {
        let tight = RpcConfig { max_response_bytes: 10 * MIB, ..RpcConfig::default() };
        assert!(matches!(tight.validate(), Err(RpcError::Config(reason)) if reason.contains("echoes")));
        let closed = RpcConfig { max_connections: 0, ..RpcConfig::default() };
        assert!(closed.validate().is_err());
        let all_reserved = RpcConfig { max_connections: 4, reserved_loopback_connections: 4, ..RpcConfig::default() };
        assert!(matches!(all_reserved.validate(), Err(RpcError::Config(reason)) if reason.contains("reserved")));
        let slow_ping = RpcConfig { ws_ping_interval: Duration::from_secs(60), ..RpcConfig::default() };
        assert!(matches!(slow_ping.validate(), Err(RpcError::Config(reason)) if reason.contains("ws_ping_interval")));
    }
}
