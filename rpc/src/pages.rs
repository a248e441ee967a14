//! Plain `GET` pages served on the JSON-RPC port beside the API — the consumer page a printed
//! QR code opens (its GS1 Digital Link path, e.g. `/01/<gtin>/21/<serial>`).
//!
//! The node decides what a path shows through [`HttpPages`]; this layer routes and protects: a
//! `GET` whose path the node answers gets that answer, everything else (JSON-RPC `POST`s,
//! WebSocket upgrades) goes to the JSON-RPC service unchanged.
//!
//! ## Isolation and bounds ([`PageLimits`])
//! Pages are public (anyone who scans a label) and each one builds and checks a journey proof,
//! so a flood of page requests must not slow consensus or lock out JSON-RPC:
//!
//! - **Own workers**: pages render on [`PageLimits::workers`] threads of their own (default 2),
//!   never on the blocking pool that block building and re-execution use; at most
//!   [`PageLimits::queue`] requests wait (default 64), one more is `503` at once.
//! - **Cache**: an answer is kept per (path, `Accept`) for as long as the finalized block is the
//!   same ([`HttpPages::cache_version`]): a page shows what is proven at the finalized block, so
//!   it cannot change before the next one. At most [`PageLimits::cache_entries`] (default 256).
//! - **Per-IP rate**: a token bucket per caller address, [`PageLimits::per_ip_per_second`]
//!   (default 10) with bursts of [`PageLimits::per_ip_burst`] (default 30); beyond it `429` with
//!   `Retry-After`. At most [`PageLimits::tracked_ips`] addresses are remembered (default 4,096;
//!   the one seen longest ago is forgotten). Behind a reverse proxy every caller has the proxy's
//!   address: rate-limit at the proxy.
//! - **Headers**: every page says `Content-Security-Policy` (no scripts, no frames, no forms,
//!   styles inline only, `frame-ancestors 'none'`), `X-Content-Type-Options: nosniff`,
//!   `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`.

use crate::{config::CallerAddr, BoxError};
use std::{
    collections::{BTreeMap, VecDeque},
    future::Future,
    net::IpAddr,
    pin::Pin,
    sync::{mpsc, Arc, Mutex, PoisonError},
    task::{Context, Poll},
    time::Instant,
};

use jsonrpsee::server::HttpBody;

/// The `Content-Security-Policy` of every page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Bounds of the page service (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLimits {
    /// Threads that render pages.
    pub workers: usize,
    /// Requests that may wait for a worker.
    pub queue: usize,
    /// Answers kept.
    pub cache_entries: usize,
    /// Requests per second per caller address, sustained.
    pub per_ip_per_second: u32,
    /// Requests per caller address in a burst.
    pub per_ip_burst: u32,
    /// Caller addresses remembered by the rate limit.
    pub tracked_ips: usize,
}

impl Default for PageLimits {
    fn default() -> Self {
        Self { workers: 2, queue: 64, cache_entries: 256, per_ip_per_second: 10, per_ip_burst: 30, tracked_ips: 4_096 }
    }
}

impl PageLimits {
    /// Checks that the page service can work within these bounds.
    pub fn validate(&self) -> Result<(), crate::RpcError> {
        if self.workers == 0 || self.per_ip_burst == 0 || self.per_ip_per_second == 0 || self.tracked_ips == 0 {
            return Err(crate::RpcError::Config(
                "the page service needs at least 1 worker, a per-IP rate and burst of at least 1, and at least 1 \
                 tracked address"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// A page's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// What the node serves on `GET`.
pub trait HttpPages: Send + Sync + 'static {
    /// The answer to `GET path` with the request's `Accept` header, or `None` if `path` is not a
    /// page (the request then goes to JSON-RPC, which refuses a `GET`).
    fn get(&self, path: &str, accept: &str) -> Option<PageResponse>;

    /// Whether `path` is one of the pages at all (cheap: no state is read), so that other paths
    /// go to JSON-RPC without queueing for a worker.
    fn is_page(&self, path: &str) -> bool;

    /// What the answers depend on (the finalized block's hash): a cached answer is served while
    /// this stays the same.
    fn cache_version(&self) -> [u8; 32];
}

type Job = (String, String, tokio::sync::oneshot::Sender<Option<PageResponse>>);

/// What the layer's services share: the workers' queue, the cache and the rate limit.
struct PageService {
    pages: Arc<dyn HttpPages>,
    limits: PageLimits,
    jobs: mpsc::SyncSender<Job>,
    cache: Mutex<PageCache>,
    rates: Mutex<BTreeMap<IpAddr, Bucket>>,
}

#[derive(Default)]
struct PageCache {
    version: [u8; 32],
    answers: BTreeMap<(String, String), PageResponse>,
    order: VecDeque<(String, String)>,
}

#[derive(Clone, Copy)]
struct Bucket {
    /// Tokens, in thousandths of a request.
    tokens: u64,
    last: Instant,
}

impl PageService {
    fn new(pages: Arc<dyn HttpPages>, limits: PageLimits) -> Arc<Self> {
        let (jobs, queue) = mpsc::sync_channel::<Job>(limits.queue);
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..limits.workers.max(1) {
            let (queue, pages) = (queue.clone(), pages.clone());
            let spawned = std::thread::Builder::new().name(format!("pages-{index}")).spawn(move || loop {
                let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok((path, accept, reply)) = job else { return };
                let _ = reply.send(pages.get(&path, &accept));
            });
            if let Err(error) = spawned {
                tracing::error!(target: "rpc", "starting a page worker: {error}");
            }
        }
        Arc::new(Self {
            pages,
            limits,
            jobs,
            cache: Mutex::new(PageCache::default()),
            rates: Mutex::new(BTreeMap::new()),
        })
    }

    /// Takes a token for `caller`; `false` when its bucket is empty.
    fn admit(&self, caller: IpAddr, now: Instant) -> bool {
        let mut rates = self.rates.lock().unwrap_or_else(PoisonError::into_inner);
        let capacity = u64::from(self.limits.per_ip_burst.max(1)) * 1_000;
        if !rates.contains_key(&caller) && rates.len() >= self.limits.tracked_ips.max(1) {
            let oldest = rates.iter().min_by_key(|(_, bucket)| bucket.last).map(|(address, _)| *address);
            if let Some(oldest) = oldest {
                rates.remove(&oldest);
            }
        }
        let bucket = rates.entry(caller).or_insert(Bucket { tokens: capacity, last: now });
        let elapsed_ms = now.saturating_duration_since(bucket.last).as_millis() as u64;
        bucket.tokens = capacity.min(bucket.tokens + elapsed_ms * u64::from(self.limits.per_ip_per_second));
        bucket.last = now;
        if bucket.tokens < 1_000 {
            return false;
        }
        bucket.tokens -= 1_000;
        true
    }

    fn cached(&self, key: &(String, String), version: [u8; 32]) -> Option<PageResponse> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        (cache.version == version).then(|| cache.answers.get(key).cloned()).flatten()
    }

    fn keep(&self, key: (String, String), version: [u8; 32], page: &PageResponse) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.version != version {
            *cache = PageCache { version, ..PageCache::default() };
        }
        if self.limits.cache_entries == 0 || cache.answers.contains_key(&key) {
            return;
        }
        if cache.answers.len() >= self.limits.cache_entries {
            if let Some(oldest) = cache.order.pop_front() {
                cache.answers.remove(&oldest);
            }
        }
        cache.order.push_back(key.clone());
        cache.answers.insert(key, page.clone());
    }

    /// The answer to a page request from `caller`.
    async fn answer(self: Arc<Self>, caller: Option<IpAddr>, path: String, accept: String) -> PageResponse {
        if let Some(caller) = caller {
            if !self.admit(caller, Instant::now()) {
                return refusal(429, "Too many page requests from this address; try again in a second.");
            }
        }
        let version = self.pages.cache_version();
        let key = (path, accept);
        if let Some(page) = self.cached(&key, version) {
            return page;
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self.jobs.try_send((key.0.clone(), key.1.clone(), reply)).is_err() {
            return refusal(503, "The page service is busy; try again in a moment.");
        }
        match answer.await {
            Ok(Some(page)) => {
                if page.status == 200 || page.status == 404 {
                    self.keep(key, version, &page);
                }
                page
            }
            Ok(None) => refusal(404, "Not found."),
            Err(_) => refusal(503, "The page could not be rendered; try again in a moment."),
        }
    }
}

fn refusal(status: u16, message: &str) -> PageResponse {
    PageResponse { status, content_type: "text/plain; charset=utf-8".into(), body: message.as_bytes().to_vec() }
}

/// The HTTP middleware layer.
#[derive(Clone)]
pub struct PagesLayer(Arc<PageService>);

impl PagesLayer {
    /// Serves `pages` within `limits`, starting the page workers.
    pub fn new(pages: Arc<dyn HttpPages>, limits: PageLimits) -> Self {
        Self(PageService::new(pages, limits))
    }
}

impl<S> tower::Layer<S> for PagesLayer {
    type Service = Pages<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Pages { inner, service: self.0.clone() }
    }
}

/// The HTTP middleware service.
#[derive(Clone)]
pub struct Pages<S> {
    inner: S,
    service: Arc<PageService>,
}

impl<S, B> tower::Service<http::Request<B>> for Pages<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<HttpBody>, Error = BoxError> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<HttpBody>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        if request.method() != http::Method::GET || path == "/" || !self.service.pages.is_page(path) {
            return Box::pin(self.inner.call(request));
        }
        let path = path.to_string();
        let accept = request
            .headers()
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("text/html")
            .chars()
            .take(256)
            .collect::<String>();
        let caller = request.extensions().get::<CallerAddr>().map(|caller| caller.0.ip());
        let service = self.service.clone();
        Box::pin(async move {
            let page = service.answer(caller, path, accept).await;
            let mut response = http::Response::builder()
                .status(page.status)
                .header(http::header::CONTENT_TYPE, page.content_type)
                .header(http::header::CACHE_CONTROL, "no-store")
                .header(http::header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .header(http::header::X_FRAME_OPTIONS, "DENY")
                .header(http::header::REFERRER_POLICY, "no-referrer");
            if page.status == 429 {
                response = response.header(http::header::RETRY_AFTER, "1");
            }
            response.body(HttpBody::from(page.body)).map_err(|error| Box::new(error) as BoxError)
        })
    }
}
