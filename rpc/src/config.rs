//! [`RpcConfig`]: where and how the JSON-RPC server listens, with every limit it enforces, and
//! [`NewApiLimits`], the bounds of the new JSON-RPC interface; both checked by `validate`
//! before the server starts.

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use crate::{
    call_metrics, error::RpcError, origin_host::AllowedHosts, origin_host::AllowedOrigins, pages, state,
    unsafe_methods::RpcMethods,
};

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
