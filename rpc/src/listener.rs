//! The accept loop that the JSON-RPC listener and the pages listener share: every accepted TCP
//! connection is admitted against [`Connections`] before a byte of it is read, carries its
//! caller's address into each request ([`CallerAddr`]), and is served with the first-request
//! and idle timeouts of [`connections::serve`].
//!
//! ## Accept errors
//! An accept that fails — out of descriptors (RocksDB shares the process's table), or a
//! connection reset before it was taken — is logged and retried after [`ACCEPT_ERROR_BACKOFF`],
//! never spun on and never fatal: [`accept_with_backoff`] only returns a connection. The node's
//! metrics listener uses it too.

use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::{TcpListener, TcpStream};

use crate::{
    connections::{self, Connections},
    BoxError, CallerAddr,
};

/// How long an accept loop waits after a failed accept before trying again.
pub const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(100);

/// Something connections are accepted from: a [`TcpListener`], or a scripted one in tests.
pub trait Acceptor {
    /// The accepted connection.
    type Connection;

    /// Waits for the next connection, or fails as `accept(2)` fails.
    fn accept_once(&self) -> impl Future<Output = io::Result<(Self::Connection, SocketAddr)>> + Send;
}

impl Acceptor for TcpListener {
    type Connection = TcpStream;

    fn accept_once(&self) -> impl Future<Output = io::Result<(TcpStream, SocketAddr)>> + Send {
        self.accept()
    }
}

/// The next connection of `listener`: a failed accept is logged (as `what`) and retried after
/// [`ACCEPT_ERROR_BACKOFF`], however often it fails.
pub async fn accept_with_backoff<A: Acceptor + Sync>(listener: &A, what: &str) -> (A::Connection, SocketAddr) {
    loop {
        match listener.accept_once().await {
            Ok(accepted) => return accepted,
            Err(error) => {
                tracing::warn!(target: "rpc", "accepting a {what} connection failed: {error}; retrying in {ACCEPT_ERROR_BACKOFF:?}");
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
            }
        }
    }
}

/// The timeouts every connection of a listener is served with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub(crate) first_request: Duration,
    pub(crate) idle: Duration,
}

/// Accepts connections on `listener` until `stop` shuts down, admitting each against
/// `connections` and serving it with the service `make_service` builds (one per request, as
/// jsonrpsee's builder wants), under `timeouts`. `what` names the listener in logs.
pub(crate) fn spawn_accept_loop<M, S, B>(
    listener: TcpListener,
    connections: Arc<Connections>,
    stop: jsonrpsee::server::StopHandle,
    timeouts: Timeouts,
    what: &'static str,
    make_service: M,
) where
    M: Fn() -> S + Clone + Send + Sync + 'static,
    S: tower::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: hyper::body::Body<Data = hyper::body::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    tokio::spawn(async move {
        loop {
            let (socket, caller) = tokio::select! {
                accepted = accept_with_backoff(&listener, what) => accepted,
                _ = stop.clone().shutdown() => break,
            };
            let slot = match connections.admit(caller.ip()) {
                Ok(slot) => slot,
                Err(refusal) => {
                    tracing::debug!(target: "rpc", "refused a {what} connection from {caller}: {}", refusal.message());
                    connections.refuse(socket, &refusal);
                    continue;
                }
            };
            let activity = connections::Activity::new();
            let io = connections::Counted::new(socket, slot, Arc::clone(&activity));
            let requests = Arc::clone(&activity);
            let make_service = make_service.clone();
            let service = tower::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(CallerAddr(caller));
                let mut service = make_service();
                let requests = Arc::clone(&requests);
                requests.begin();
                async move {
                    let response = tower::Service::call(&mut service, request).await.map_err(Into::into);
                    requests.end();
                    response
                }
            });
            let stopped = stop.clone().shutdown();
            // A connection's end (its error included) needs no handling: the client is gone.
            tokio::spawn(connections::serve(io, activity, service, stopped, timeouts.first_request, timeouts.idle));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Fails its first `failures` accepts as an exhausted descriptor table does, then accepts.
    struct Exhausted {
        failures: usize,
        calls: AtomicUsize,
    }

    impl Acceptor for Exhausted {
        type Connection = usize;

        fn accept_once(&self) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            let failures = self.failures;
            async move {
                if call < failures {
                    Err(io::Error::from_raw_os_error(24)) // EMFILE
                } else {
                    Ok((call, "127.0.0.1:1".parse().unwrap()))
                }
            }
        }
    }

    #[tokio::test]
    async fn accept_errors_are_backed_off_and_the_loop_carries_on() {
        let listener = Exhausted { failures: 3, calls: AtomicUsize::new(0) };
        let started = std::time::Instant::now();
        let (connection, _) = accept_with_backoff(&listener, "test").await;
        assert_eq!(connection, 3, "the first accept after the failures is returned");
        assert_eq!(listener.calls.load(Ordering::SeqCst), 4, "each failure is retried once, not spun on");
        assert!(started.elapsed() >= ACCEPT_ERROR_BACKOFF * 3, "each failure waits for the backoff");
    }
}
