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
//! - **Cache**: an answer (`200`, `307`, `400` or `404`) is kept per (path, query, `Accept`) —
//!   everything a [`PageRequest`] carries — for as long as the finalized block is the same
//!   ([`HttpPages::cache_version`]): a page shows what is proven at the finalized block, so it
//!   cannot change before the next one. At most [`PageLimits::cache_entries`] (default 256).
//! - **Requests**: `GET` and `HEAD` (the same answer without its body) of a page path; a query
//!   string longer than [`MAX_QUERY_BYTES`] is `414` at once; `Accept` is cut to 256 characters.
//! - **Per-IP rate**: a token bucket per caller address, [`PageLimits::per_ip_per_second`]
//!   (default 10) with bursts of [`PageLimits::per_ip_burst`] (default 30); beyond it `429` with
//!   `Retry-After`. At most [`PageLimits::tracked_ips`] addresses are remembered (default 4,096;
//!   the one seen longest ago is forgotten). Behind a reverse proxy every caller has the proxy's
//!   address: rate-limit at the proxy.
//! - **Headers**: every page says `Content-Security-Policy` (no scripts, no frames, no forms,
//!   styles inline only, `frame-ancestors 'none'`), `X-Content-Type-Options: nosniff`,
//!   `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` and `Vary: Accept`, and the
//!   answer's own `Location` and `Link` ([`PageResponse`]).
//! - **CORS** ([`PagesLayer::with_open_cors`], the pages listener): a GS1 resolver is read by
//!   scripts on any site, so every page answer says `Access-Control-Allow-Origin: *` and exposes
//!   `Link` and `Location`, and an `OPTIONS` preflight of a page path is `204` allowing `GET`
//!   and `HEAD` only. Nothing there acts for the caller (no credentials are allowed). On the
//!   JSON-RPC port the pages follow the JSON-RPC port's own CORS policy instead.

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

/// Longest query string passed to the pages; a longer one is `414`.
pub const MAX_QUERY_BYTES: usize = 4_096;

/// What a page answer may depend on: all of it is part of the cache key.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageRequest {
    /// The path, as sent (still percent-encoded).
    pub path: String,
    /// The query string without its `?` (empty when there is none), as sent.
    pub query: String,
    /// The `Accept` header (`text/html` when there is none), at most 256 characters.
    pub accept: String,
}

/// A page's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
    /// `Location` (a redirect's target).
    pub location: Option<String>,
    /// `Link` (e.g. a resolver's `<…?linkType=linkset>; rel="linkset"`).
    pub link: Option<String>,
}

/// What the node serves on `GET`.
pub trait HttpPages: Send + Sync + 'static {
    /// The answer to a `GET` of a page, or `None` if its path is not a page (the request then
    /// goes to JSON-RPC, which refuses a `GET`).
    fn get(&self, request: &PageRequest) -> Option<PageResponse>;

    /// Whether `path` is one of the pages at all (cheap: no state is read), so that other paths
    /// go to JSON-RPC without queueing for a worker.
    fn is_page(&self, path: &str) -> bool;

    /// What the answers depend on (the finalized block's hash): a cached answer is served while
    /// this stays the same.
    fn cache_version(&self) -> [u8; 32];
}

type Job = (PageRequest, tokio::sync::oneshot::Sender<Option<PageResponse>>);

/// What the layer's services share: the workers' queue, the cache and the rate limit.
struct PageService {
    pages: Arc<dyn HttpPages>,
    limits: PageLimits,
    open_cors: bool,
    jobs: mpsc::SyncSender<Job>,
    cache: Mutex<PageCache>,
    rates: Mutex<BTreeMap<IpAddr, Bucket>>,
}

#[derive(Default)]
struct PageCache {
    version: [u8; 32],
    answers: BTreeMap<PageRequest, PageResponse>,
    order: VecDeque<PageRequest>,
}

#[derive(Clone, Copy)]
struct Bucket {
    /// Tokens, in thousandths of a request.
    tokens: u64,
    last: Instant,
}

impl PageService {
    fn new(pages: Arc<dyn HttpPages>, limits: PageLimits, open_cors: bool) -> Arc<Self> {
        let (jobs, queue) = mpsc::sync_channel::<Job>(limits.queue);
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..limits.workers.max(1) {
            let (queue, pages) = (queue.clone(), pages.clone());
            let spawned = std::thread::Builder::new().name(format!("pages-{index}")).spawn(move || loop {
                let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok((request, reply)) = job else { return };
                let _ = reply.send(pages.get(&request));
            });
            if let Err(error) = spawned {
                tracing::error!(target: "rpc", "starting a page worker: {error}");
            }
        }
        Arc::new(Self {
            pages,
            limits,
            open_cors,
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

    fn cached(&self, key: &PageRequest, version: [u8; 32]) -> Option<PageResponse> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        (cache.version == version).then(|| cache.answers.get(key).cloned()).flatten()
    }

    fn keep(&self, key: PageRequest, version: [u8; 32], page: &PageResponse) {
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
    async fn answer(self: Arc<Self>, caller: Option<IpAddr>, key: PageRequest) -> PageResponse {
        if let Some(caller) = caller {
            if !self.admit(caller, Instant::now()) {
                return refusal(429, "Too many page requests from this address; try again in a second.");
            }
        }
        let version = self.pages.cache_version();
        if let Some(page) = self.cached(&key, version) {
            return page;
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self.jobs.try_send((key.clone(), reply)).is_err() {
            return refusal(503, "The page service is busy; try again in a moment.");
        }
        match answer.await {
            Ok(Some(page)) => {
                if matches!(page.status, 200 | 307 | 400 | 404) {
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
    PageResponse {
        status,
        content_type: "text/plain; charset=utf-8".into(),
        body: message.as_bytes().to_vec(),
        ..PageResponse::default()
    }
}

/// The HTTP middleware layer.
#[derive(Clone)]
pub struct PagesLayer(Arc<PageService>);

impl PagesLayer {
    /// Serves `pages` within `limits`, starting the page workers.
    pub fn new(pages: Arc<dyn HttpPages>, limits: PageLimits) -> Self {
        Self(PageService::new(pages, limits, false))
    }

    /// Serves `pages` within `limits` to scripts of any origin (module docs, CORS): for the
    /// pages listener, where nothing but pages is reachable.
    pub fn with_open_cors(pages: Arc<dyn HttpPages>, limits: PageLimits) -> Self {
        Self(PageService::new(pages, limits, true))
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
        let method = request.method();
        let page_method = method == http::Method::GET || method == http::Method::HEAD;
        let preflight = method == http::Method::OPTIONS && self.service.open_cors;
        if !(page_method || preflight) || path == "/" || !self.service.pages.is_page(path) {
            return Box::pin(self.inner.call(request));
        }
        let open_cors = self.service.open_cors;
        if preflight {
            return Box::pin(std::future::ready(preflight_answer()));
        }
        let head = method == http::Method::HEAD;
        let query = request.uri().query().unwrap_or("");
        if query.len() > MAX_QUERY_BYTES {
            let page = refusal(414, "The query string is too long.");
            return Box::pin(std::future::ready(respond(page, head, open_cors)));
        }
        let key = PageRequest {
            path: path.to_string(),
            query: query.to_string(),
            accept: request
                .headers()
                .get(http::header::ACCEPT)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("text/html")
                .chars()
                .take(256)
                .collect::<String>(),
        };
        let caller = request.extensions().get::<CallerAddr>().map(|caller| caller.0.ip());
        let service = self.service.clone();
        Box::pin(async move {
            let page = service.answer(caller, key).await;
            respond(page, head, open_cors)
        })
    }
}

/// The HTTP response of a page answer (without its body for a `HEAD`).
fn respond(page: PageResponse, head: bool, open_cors: bool) -> Result<http::Response<HttpBody>, BoxError> {
    let mut response = http::Response::builder()
        .status(page.status)
        .header(http::header::CONTENT_TYPE, page.content_type)
        .header(http::header::CACHE_CONTROL, "no-store")
        .header(http::header::VARY, "Accept")
        .header(http::header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
        .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(http::header::X_FRAME_OPTIONS, "DENY")
        .header(http::header::REFERRER_POLICY, "no-referrer");
    if page.status == 429 {
        response = response.header(http::header::RETRY_AFTER, "1");
    }
    if let Some(location) = page.location {
        response = response.header(http::header::LOCATION, location);
    }
    if let Some(link) = page.link {
        response = response.header(http::header::LINK, link);
    }
    if open_cors {
        response = response
            .header(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .header(http::header::ACCESS_CONTROL_EXPOSE_HEADERS, "Link, Location");
    }
    let body = if head { HttpBody::empty() } else { HttpBody::from(page.body) };
    response.body(body).map_err(|error| Box::new(error) as BoxError)
}

/// The answer to a CORS preflight of a page path: `GET` and `HEAD` from any origin, no
/// credentials.
fn preflight_answer() -> Result<http::Response<HttpBody>, BoxError> {
    http::Response::builder()
        .status(204)
        .header(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(http::header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD")
        .header(http::header::ACCESS_CONTROL_ALLOW_HEADERS, "Accept, Accept-Language")
        .header(http::header::ACCESS_CONTROL_MAX_AGE, "86400")
        .header(http::header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
        .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(HttpBody::empty())
        .map_err(|error| Box::new(error) as BoxError)
}
