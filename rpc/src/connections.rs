//! Connection limits and timeouts, enforced by the server's own accept loop on every accepted
//! TCP connection — JSON-RPC over HTTP (keep-alive included), WebSocket and page `GET`s alike —
//! before a byte of it is read.
//!
//! ## Limits
//! - **All connections** ([`ConnectionLimits::max_connections`], `--rpc-max-connections`,
//!   default 100): open TCP connections at once, the loopback reserve included.
//! - **Per IP** ([`ConnectionLimits::max_per_ip`], `--rpc-max-connections-per-ip`, default 32):
//!   open connections from one IPv4 address or one IPv6 /64 (what one host can usually pick its
//!   addresses from). Loopback callers count too, as one address.
//! - **Loopback reserve** ([`ConnectionLimits::loopback_reserved`],
//!   `--rpc-reserved-loopback-connections`, default 4): slots only callers on this machine may
//!   take, once the others are full or their own per-IP share is used up, so that an operator can
//!   always get in however many connections outside callers hold.
//!
//! A refused connection is answered at once, before its request is read, with
//! `503 Service Unavailable` (all slots taken) or `429 Too Many Requests` (this address holds its
//! share), the body naming the limit and its flag; then it is closed.
//!
//! ## Timeouts
//! - **First request** (`--rpc-first-request-timeout-secs`, default 10 s): a connection that has
//!   not sent a complete request (headers and body) by then is closed.
//! - **Idle** (`--rpc-idle-timeout-secs`, default 60 s): an HTTP keep-alive connection that has
//!   no request in progress and has sent nothing for that long is closed. A WebSocket is pinged
//!   every `--rpc-ws-ping-interval-secs` (default 30 s) and closed once it has not answered for
//!   the idle timeout: a client that answers pings (as every WebSocket library does) keeps its
//!   subscriptions; a dead one gives its slot back.

use std::{
    collections::HashMap,
    future::Future,
    io,
    net::{IpAddr, Ipv6Addr},
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex, PoisonError,
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::TcpStream,
    sync::Semaphore,
    time::Instant,
};

use crate::BoxError;

/// How long a refused connection is kept to read what its client sends (so that closing it does
/// not reset the connection before the client has read the refusal).
const REFUSAL_LINGER: Duration = Duration::from_secs(2);
/// Refused connections lingering at once; beyond, a refusal is written and the socket closed.
const MAX_LINGERING_REFUSALS: usize = 64;
/// Most bytes read from a refused connection before it is closed.
const REFUSAL_DRAIN_BYTES: usize = 64 * 1024;
/// Streams one HTTP/2 connection may run at once.
pub(crate) const HTTP2_MAX_STREAMS: u32 = 4;

/// How many connections the server holds open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open TCP connections at once, the loopback reserve included.
    pub max_connections: u32,
    /// Open connections from one IPv4 address or IPv6 /64.
    pub max_per_ip: u32,
    /// Of `max_connections`, slots kept for callers on this machine.
    pub loopback_reserved: u32,
}

/// The listener a [`Connections`] counts for, and the flags that set its limits, for the
/// refusals to name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitFlags {
    /// What the connections are for, e.g. "JSON-RPC".
    pub listener: &'static str,
    /// The flag of [`ConnectionLimits::max_connections`].
    pub max_connections: &'static str,
    /// The flag of [`ConnectionLimits::max_per_ip`].
    pub max_per_ip: &'static str,
    /// The flag of [`ConnectionLimits::loopback_reserved`].
    pub loopback_reserved: &'static str,
}

/// The JSON-RPC listener's flags.
pub const RPC_FLAGS: LimitFlags = LimitFlags {
    listener: "JSON-RPC",
    max_connections: "--rpc-max-connections",
    max_per_ip: "--rpc-max-connections-per-ip",
    loopback_reserved: "--rpc-reserved-loopback-connections",
};

/// The pages listener's flags.
pub const PAGES_FLAGS: LimitFlags = LimitFlags {
    listener: "page",
    max_connections: "--pages-max-connections",
    max_per_ip: "--pages-max-connections-per-ip",
    loopback_reserved: "(none)",
};

/// Why a connection was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Every slot open to this caller is taken.
    Full {
        /// The connection limit.
        max: u32,
        /// Of those, the slots kept for loopback.
        reserved: u32,
        /// The listener's flags.
        flags: LimitFlags,
    },
    /// This caller's address holds its share.
    PerIp {
        /// The caller's address.
        ip: IpAddr,
        /// The per-IP limit.
        max: u32,
        /// The listener's flags.
        flags: LimitFlags,
    },
}

impl Refusal {
    /// The HTTP status of the refusal.
    pub fn status(&self) -> u16 {
        match self {
            Self::Full { .. } => 503,
            Self::PerIp { .. } => 429,
        }
    }

    /// The refusal's body: which limit was reached.
    pub fn message(&self) -> String {
        match self {
            Self::Full { max, reserved, flags } => format!(
                "too many {} connections: all {max} are open ({}; {reserved} of them kept for callers on the node's \
                 machine, {}); try again later",
                flags.listener, flags.max_connections, flags.loopback_reserved
            ),
            Self::PerIp { ip, max, flags } => format!(
                "too many {} connections from {ip}: {max} are open ({}); close one or try again later",
                flags.listener, flags.max_per_ip
            ),
        }
    }

    /// The whole HTTP response: status, `Connection: close` and the message.
    fn http_response(&self) -> Vec<u8> {
        let (status, reason) = match self.status() {
            503 => (503, "Service Unavailable"),
            _ => (429, "Too Many Requests"),
        };
        let body = self.message();
        format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: \
             close\r\nRetry-After: 1\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }
}

#[derive(Debug, Default)]
struct Counts {
    /// Regular (not reserved) slots taken.
    regular: u32,
    /// Reserved loopback slots taken.
    reserved: u32,
    /// Regular slots taken per address key.
    per_ip: HashMap<IpAddr, u32>,
}

/// The open connections, counted against [`ConnectionLimits`].
#[derive(Debug)]
pub(crate) struct Connections {
    limits: ConnectionLimits,
    flags: LimitFlags,
    counts: Mutex<Counts>,
    lingering: Arc<Semaphore>,
}

/// The address a per-IP count is kept under: IPv4 (mapped ones included) as is, IPv6 by /64.
fn ip_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) if !v6.is_loopback() => {
            let segments = v6.segments();
            IpAddr::V6(Ipv6Addr::new(segments[0], segments[1], segments[2], segments[3], 0, 0, 0, 0))
        }
        other => other,
    }
}

impl Connections {
    pub(crate) fn new(limits: ConnectionLimits, flags: LimitFlags) -> Arc<Self> {
        Arc::new(Self {
            limits,
            flags,
            counts: Mutex::new(Counts::default()),
            lingering: Arc::new(Semaphore::new(MAX_LINGERING_REFUSALS)),
        })
    }

    /// A slot for a connection from `ip`, or why there is none.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Refusal> {
        let limits = self.limits;
        let key = ip_key(ip);
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let regular_max = limits.max_connections.saturating_sub(limits.loopback_reserved);
        let from_ip = counts.per_ip.get(&key).copied().unwrap_or(0);
        if counts.regular < regular_max && from_ip < limits.max_per_ip {
            counts.regular += 1;
            *counts.per_ip.entry(key).or_insert(0) += 1;
            return Ok(Admitted { connections: Arc::clone(self), key, reserved: false });
        }
        if key.is_loopback() && counts.reserved < limits.loopback_reserved {
            counts.reserved += 1;
            return Ok(Admitted { connections: Arc::clone(self), key, reserved: true });
        }
        if from_ip >= limits.max_per_ip {
            Err(Refusal::PerIp { ip: key, max: limits.max_per_ip, flags: self.flags })
        } else {
            Err(Refusal::Full { max: limits.max_connections, reserved: limits.loopback_reserved, flags: self.flags })
        }
    }

    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        (counts.regular + counts.reserved) as usize
    }

    /// Answers a refused connection with its refusal and closes it (after reading, for a short
    /// while, what the client sends, so that it can read the answer).
    pub(crate) fn refuse(&self, socket: TcpStream, refusal: &Refusal) {
        let response = refusal.http_response();
        let Ok(permit) = Arc::clone(&self.lingering).try_acquire_owned() else {
            // Too many refusals at once: best effort, without a task.
            let _ = socket.try_write(&response);
            return;
        };
        tokio::spawn(async move {
            let _permit = permit;
            let mut socket = socket;
            let _ = tokio::time::timeout(REFUSAL_LINGER, async {
                socket.write_all(&response).await?;
                socket.shutdown().await?;
                let mut sink = [0u8; 4096];
                let mut drained = 0;
                while drained < REFUSAL_DRAIN_BYTES {
                    match socket.read(&mut sink).await? {
                        0 => break,
                        read => drained += read,
                    }
                }
                Ok::<_, io::Error>(())
            })
            .await;
        });
    }
}

/// One admitted connection's slot; dropping it (when the socket is closed) gives it back.
#[derive(Debug)]
pub(crate) struct Admitted {
    connections: Arc<Connections>,
    key: IpAddr,
    reserved: bool,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut counts = self.connections.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if self.reserved {
            counts.reserved = counts.reserved.saturating_sub(1);
            return;
        }
        counts.regular = counts.regular.saturating_sub(1);
        if let Some(count) = counts.per_ip.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.per_ip.remove(&self.key);
            }
        }
    }
}

/// What a connection has done, for its timeouts.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    /// Milliseconds after `start` of the last read or answer.
    last_ms: AtomicU64,
    /// Requests being answered.
    in_flight: AtomicUsize,
    /// Whether a request has been answered.
    answered: AtomicBool,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            answered: AtomicBool::new(false),
        })
    }

    fn touch(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(elapsed, Ordering::Relaxed);
    }

    /// A request has arrived (its headers, at least).
    pub(crate) fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.touch();
    }

    /// A request has been answered (its body read whole).
    pub(crate) fn end(&self) {
        self.touch();
        self.answered.store(true, Ordering::SeqCst);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    /// Resolves, with the reason, when the connection has passed a timeout; never otherwise.
    pub(crate) async fn expired(&self, first_request: Duration, idle: Duration) -> &'static str {
        loop {
            let now = Instant::now();
            let deadline = if !self.answered.load(Ordering::SeqCst) {
                let deadline = self.start + first_request;
                if now >= deadline {
                    return "no complete request within the first-request timeout";
                }
                deadline
            } else if self.in_flight.load(Ordering::SeqCst) > 0 {
                now + idle
            } else {
                let deadline = self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed)) + idle;
                if now >= deadline {
                    return "idle for the idle timeout";
                }
                deadline
            };
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A connection's socket with its slot: the slot is given back when the socket is closed,
/// whoever holds it last (the HTTP connection or, after an upgrade, the WebSocket).
pub(crate) struct Counted {
    socket: TcpStream,
    activity: Arc<Activity>,
    _slot: Admitted,
}

impl Counted {
    pub(crate) fn new(socket: TcpStream, slot: Admitted, activity: Arc<Activity>) -> Self {
        Self { socket, activity, _slot: slot }
    }
}

impl AsyncRead for Counted {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.socket).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Counted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }
}

/// Serves one admitted connection with `service` (which reports its requests to `activity`) until it ends, the server stops (`stopped`:
/// requests in progress are finished), or it passes its first-request or idle timeout (it is
/// closed). After a WebSocket upgrade the WebSocket lives on, with its ping, in jsonrpsee.
pub(crate) async fn serve<S, B>(
    io: Counted,
    activity: Arc<Activity>,
    service: S,
    stopped: impl Future<Output = ()>,
    first_request: Duration,
    idle: Duration,
) -> Result<(), BoxError>
where
    S: tower::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Response: Send,
    S::Error: Into<BoxError>,
    B: hyper::body::Body<Data = hyper::body::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let mut builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    builder.http2().max_concurrent_streams(HTTP2_MAX_STREAMS);
    let connection = builder.serve_connection_with_upgrades(
        hyper_util::rt::TokioIo::new(io),
        hyper_util::service::TowerToHyperService::new(service),
    );
    tokio::pin!(connection, stopped);
    tokio::select! {
        served = &mut connection => served,
        () = &mut stopped => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
        reason = activity.expired(first_request, idle) => {
            tracing::debug!(target: "rpc", "closing a JSON-RPC connection: {reason}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_connections: u32, max_per_ip: u32, loopback_reserved: u32) -> Arc<Connections> {
        Connections::new(ConnectionLimits { max_connections, max_per_ip, loopback_reserved }, RPC_FLAGS)
    }

    #[test]
    fn per_ip_total_and_loopback_reserve() {
        let connections = limits(6, 2, 2);
        let outside: IpAddr = "198.51.100.7".parse().unwrap();
        let other: IpAddr = "198.51.100.8".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let a = connections.admit(outside).unwrap();
        let _b = connections.admit(outside).unwrap();
        assert_eq!(connections.admit(outside).unwrap_err(), Refusal::PerIp { ip: outside, max: 2, flags: RPC_FLAGS });
        let _c = connections.admit(other).unwrap();
        let _d = connections.admit(other).unwrap();
        let third: IpAddr = "203.0.113.1".parse().unwrap();
        // 4 regular slots taken: outside callers are refused, loopback gets the reserve.
        assert_eq!(connections.admit(third).unwrap_err(), Refusal::Full { max: 6, reserved: 2, flags: RPC_FLAGS });
        let _l1 = connections.admit(local).unwrap();
        let _l2 = connections.admit(local).unwrap();
        assert!(matches!(connections.admit(local), Err(Refusal::Full { .. })));
        assert_eq!(connections.open(), 6);
        drop(a);
        assert_eq!(connections.open(), 5);
        assert!(connections.admit(third).is_ok());
    }

    #[test]
    fn loopback_beyond_its_per_ip_share_uses_the_reserve() {
        let connections = limits(10, 1, 1);
        let local: IpAddr = "::1".parse().unwrap();
        let _first = connections.admit(local).unwrap();
        let _reserved = connections.admit(local).unwrap();
        assert_eq!(connections.admit(local).unwrap_err(), Refusal::PerIp { ip: local, max: 1, flags: RPC_FLAGS });
    }

    #[test]
    fn ipv6_is_counted_by_64_and_mapped_ipv4_as_ipv4() {
        let connections = limits(10, 1, 0);
        let _a = connections.admit("2001:db8:1:2::1".parse().unwrap()).unwrap();
        assert!(connections.admit("2001:db8:1:2::ffff".parse().unwrap()).is_err());
        assert!(connections.admit("2001:db8:1:3::1".parse().unwrap()).is_ok());
        let _v4 = connections.admit("192.0.2.1".parse().unwrap()).unwrap();
        assert!(connections.admit("::ffff:192.0.2.1".parse().unwrap()).is_err());
    }

    #[test]
    fn refusals_name_their_flag() {
        let full = Refusal::Full { max: 100, reserved: 4, flags: RPC_FLAGS };
        assert_eq!(full.status(), 503);
        assert!(full.message().contains("--rpc-max-connections"));
        let per_ip = Refusal::PerIp { ip: "192.0.2.1".parse().unwrap(), max: 32, flags: RPC_FLAGS };
        assert_eq!(per_ip.status(), 429);
        assert!(per_ip.message().contains("--rpc-max-connections-per-ip"));
        let response = String::from_utf8(per_ip.http_response()).unwrap();
        assert!(response.starts_with("HTTP/1.1 429 Too Many Requests\r\n"), "{response}");
        assert!(response.ends_with(&per_ip.message()));
    }
}
