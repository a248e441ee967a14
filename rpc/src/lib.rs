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
pub mod config;
pub mod connection_slots;
pub mod connections;
pub mod error;
pub mod json;
pub mod listener;
pub mod origin_host;
pub mod pages;
pub mod pages_listener;
pub mod peers;
pub mod proof;
pub mod state;
pub mod storage_query;
pub mod system;
pub mod trace;
pub mod transaction_v1;
pub mod unsafe_methods;

use std::{net::SocketAddr, sync::Arc};

use jsonrpsee::{
    server::{BatchRequestConfig, PingConfig, RandomStringIdProvider, Server, ServerConfig, ServerHandle},
    RpcModule,
};
use tokio::net::TcpListener;

/// The error type of the tower services that wrap the JSON-RPC server (pages, Origin/Host checks).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub use client::NodeClient;
pub use config::{CallerAddr, NewApiLimits, RpcConfig, Shared};
pub use connections::{ConnectionLimits, Refusal};
pub use error::RpcError;
pub use origin_host::{AllowedHosts, AllowedOrigins};
pub use unsafe_methods::RpcMethods;

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
