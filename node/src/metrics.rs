//! Prometheus metrics, served as text at `http://<addr>/metrics`.
//!
//! Names are prefixed `tracechain_`: best and finalized height, blocks and transactions imported,
//! block import time, pool size, and JSON-RPC calls and errors per method.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracechain_primitives::BlockNumber;

/// The node's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    best_height: Gauge,
    finalized_height: Gauge,
    blocks_imported: Counter,
    transactions_imported: Counter,
    import_seconds: Histogram,
    pool_size: Gauge,
    peers: Gauge,
    rounds_per_height: Histogram,
    finality_seconds: Histogram,
    rpc_calls: Family<MethodLabel, Counter>,
    rpc_errors: Family<MethodLabel, Counter>,
}

/// The `method` label of the JSON-RPC metrics (the server reports unknown names as `unknown`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabel {
    /// The JSON-RPC method.
    pub method: String,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Fresh metrics in their own registry.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tracechain");
        let best_height = Gauge::default();
        let finalized_height = Gauge::default();
        let blocks_imported = Counter::default();
        let transactions_imported = Counter::default();
        // Buckets from 1 ms to about 4 s.
        let import_seconds = Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 13));
        let pool_size = Gauge::default();
        let peers = Gauge::default();
        let rounds_per_height = Histogram::new([1.0, 2.0, 3.0, 4.0, 6.0, 10.0]);
        // Buckets from 50 ms to about 51 s.
        let finality_seconds =
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.05, 2.0, 11));
        registry.register("best_height", "Number of the best block", best_height.clone());
        registry.register("finalized_height", "Number of the last finalized block", finalized_height.clone());
        registry.register("blocks_imported", "Blocks imported", blocks_imported.clone());
        registry.register(
            "transactions_imported",
            "Signed transactions in imported blocks",
            transactions_imported.clone(),
        );
        registry.register("block_import_seconds", "Time to execute and store a block", import_seconds.clone());
        registry.register("pool_transactions", "Transactions in the pool", pool_size.clone());
        registry.register("peers", "Connected peers", peers.clone());
        registry.register(
            "consensus_rounds_per_height",
            "Rounds each height took to decide (1 = first proposal decided)",
            rounds_per_height.clone(),
        );
        registry.register(
            "finality_seconds",
            "Time from the start of a height to its block being final",
            finality_seconds.clone(),
        );
        let rpc_calls = Family::<MethodLabel, Counter>::default();
        let rpc_errors = Family::<MethodLabel, Counter>::default();
        registry.register("rpc_calls", "JSON-RPC calls answered, per method", rpc_calls.clone());
        registry.register("rpc_errors", "JSON-RPC calls answered with an error, per method", rpc_errors.clone());
        Self {
            registry: Arc::new(registry),
            best_height,
            finalized_height,
            blocks_imported,
            transactions_imported,
            import_seconds,
            pool_size,
            peers,
            rounds_per_height,
            finality_seconds,
            rpc_calls,
            rpc_errors,
        }
    }

    /// Records an answered JSON-RPC call.
    pub fn on_rpc_call(&self, method: &str, failed: bool) {
        let label = MethodLabel { method: method.to_string() };
        self.rpc_calls.get_or_create(&label).inc();
        if failed {
            self.rpc_errors.get_or_create(&label).inc();
        }
    }

    /// Records the heights.
    pub fn set_heights(&self, best: BlockNumber, finalized: BlockNumber) {
        self.best_height.set(i64::from(best));
        self.finalized_height.set(i64::from(finalized));
    }

    /// Records an imported (final) block.
    pub fn on_import(&self, number: BlockNumber, transactions: usize, took: Duration, pool_size: usize) {
        self.set_heights(number, number);
        self.blocks_imported.inc();
        self.transactions_imported.inc_by(transactions as u64);
        self.import_seconds.observe(took.as_secs_f64());
        self.set_pool_size(pool_size);
    }

    /// Records the number of connected peers.
    pub fn set_peers(&self, peers: usize) {
        self.peers.set(peers as i64);
    }

    /// Records a decided height: the round it was decided in and how long it took.
    pub fn on_decided(&self, round: u32, took: Duration) {
        self.rounds_per_height.observe(f64::from(round.saturating_add(1)));
        self.finality_seconds.observe(took.as_secs_f64());
    }

    /// Records the pool size.
    pub fn set_pool_size(&self, size: usize) {
        self.pool_size.set(size as i64);
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }

    /// Serves `GET /metrics` on `addr` until the task is dropped. A failed accept (out of
    /// descriptors, say) is retried after a pause, never the end of the listener; at most
    /// [`MAX_METRICS_CONNECTIONS`] scrapes are answered at once, and one that sends nothing in
    /// 5 s is closed.
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<tokio::task::JoinHandle<()>> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!(target: "node", "Prometheus metrics on http://{}/metrics", listener.local_addr()?);
        let scrapes = Arc::new(tokio::sync::Semaphore::new(MAX_METRICS_CONNECTIONS));
        Ok(tokio::spawn(async move {
            loop {
                let (mut stream, _) = tracechain_rpc::listener::accept_with_backoff(&listener, "metrics").await;
                // Beyond the bound the connection is closed unanswered: a scraper retries.
                let Ok(permit) = Arc::clone(&scrapes).try_acquire_owned() else { continue };
                let metrics = self.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    let mut request = [0u8; 1024];
                    let Ok(Ok(read)) = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut request)).await
                    else {
                        return;
                    };
                    let is_metrics = request[..read].starts_with(b"GET /metrics ");
                    let (status, body) = if is_metrics {
                        ("200 OK", metrics.render())
                    } else {
                        ("404 Not Found", "not found\n".to_string())
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        }))
    }
}

/// Scrapes answered at once by the metrics listener.
pub const MAX_METRICS_CONNECTIONS: usize = 16;

impl tracechain_rpc::call_metrics::CallObserver for Metrics {
    fn on_call(&self, method: &str, failed: bool) {
        self.on_rpc_call(method, failed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpc_calls_and_errors_are_counted_per_method() {
        let metrics = Metrics::new();
        metrics.on_rpc_call("chain_getHeader", false);
        metrics.on_rpc_call("chain_getHeader", false);
        metrics.on_rpc_call("trace_getJourney", true);
        let text = metrics.render();
        assert!(text.contains("tracechain_rpc_calls_total{method=\"chain_getHeader\"} 2"), "{text}");
        assert!(text.contains("tracechain_rpc_calls_total{method=\"trace_getJourney\"} 1"), "{text}");
        assert!(text.contains("tracechain_rpc_errors_total{method=\"trace_getJourney\"} 1"), "{text}");
        assert!(!text.contains("tracechain_rpc_errors_total{method=\"chain_getHeader\"}"), "{text}");
    }
}
