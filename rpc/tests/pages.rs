//! The page service as an attacker meets it: every page with its security headers, answers
//! cached per finalized block, a per-IP rate, and a bounded queue in front of its own workers.

mod common;

use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use tracechain_rpc::pages::{HttpPages, PageLimits, PageRequest, PageResponse, CONTENT_SECURITY_POLICY};

/// Pages under `/p/`, counting how often one is rendered; rendering takes `delay`.
struct CountingPages {
    renders: AtomicU32,
    version: AtomicU8,
    delay: Duration,
}

impl HttpPages for CountingPages {
    fn get(&self, request: &PageRequest) -> Option<PageResponse> {
        let path = &request.path;
        if path == "/p/redirect" {
            return Some(PageResponse {
                status: 307,
                content_type: "text/plain".into(),
                location: Some(format!("/p/item?{}", request.query)),
                link: Some("</p/item?linkType=linkset>; rel=\"linkset\"".into()),
                ..PageResponse::default()
            });
        }
        let body = if request.query.is_empty() { path.clone() } else { format!("{path}?{}", request.query) };
        std::thread::sleep(self.delay);
        self.renders.fetch_add(1, Ordering::SeqCst);
        Some(PageResponse {
            status: 200,
            content_type: "text/html".into(),
            body: body.into_bytes(),
            ..PageResponse::default()
        })
    }

    fn is_page(&self, path: &str) -> bool {
        path.starts_with("/p/")
    }

    fn cache_version(&self) -> [u8; 32] {
        [self.version.load(Ordering::SeqCst); 32]
    }
}

fn pages(delay: Duration) -> Arc<CountingPages> {
    Arc::new(CountingPages { renders: AtomicU32::new(0), version: AtomicU8::new(0), delay })
}

/// `GET url`: status, headers asked for, body.
async fn get(url: String, headers: &'static [&'static str]) -> (u16, Vec<Option<String>>, String) {
    tokio::task::spawn_blocking(move || {
        let response = match ureq::get(&url).timeout(Duration::from_secs(20)).call() {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("GET {url}: {error}"),
        };
        let values = headers.iter().map(|name| response.header(name).map(str::to_string)).collect();
        (response.status(), values, response.into_string().expect("body"))
    })
    .await
    .expect("GET task")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_are_cached_per_finalized_block() {
    let counting = pages(Duration::ZERO);
    let shared: Arc<dyn HttpPages> = counting.clone();
    let (_node, server) = serve_with(|config| config.pages = Some(tracechain_rpc::Shared(shared))).await;
    let url = format!("{}/p/item", server.http_url());
    let names = &["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"];
    let (status, headers, body) = get(url.clone(), names).await;
    assert_eq!((status, body.as_str()), (200, "/p/item"));
    assert_eq!(
        headers,
        vec![
            Some(CONTENT_SECURITY_POLICY.to_string()),
            Some("nosniff".into()),
            Some("DENY".into()),
            Some("no-referrer".into())
        ]
    );
    assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    get(url.clone(), names).await;
    assert_eq!(counting.renders.load(Ordering::SeqCst), 1, "the second answer comes from the cache");
    counting.version.store(1, Ordering::SeqCst);
    get(url, names).await;
    assert_eq!(counting.renders.load(Ordering::SeqCst), 2, "a new finalized block renders again");
    // Other paths are JSON-RPC's, which refuses a GET.
    let (status, _, _) = get(format!("{}/other", server.http_url()), &[]).await;
    assert_ne!(status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_flooding_pages_is_rate_limited() {
    let shared: Arc<dyn HttpPages> = pages(Duration::ZERO);
    let (_node, server) = serve_with(|config| {
        config.pages = Some(tracechain_rpc::Shared(shared));
        config.page_limits = PageLimits { per_ip_burst: 3, per_ip_per_second: 1, ..PageLimits::default() };
    })
    .await;
    let mut statuses = Vec::new();
    for index in 0..6 {
        let (status, headers, _) = get(format!("{}/p/{index}", server.http_url()), &["retry-after"]).await;
        statuses.push((status, headers[0].clone()));
    }
    assert_eq!(statuses[..3], [(200, None), (200, None), (200, None)]);
    assert!(
        statuses[3..].iter().any(|(status, retry)| *status == 429 && retry.as_deref() == Some("1")),
        "{statuses:?}"
    );
    // JSON-RPC is not rate-limited by the page service.
    assert_eq!(result(&server.http_url(), "system_name", serde_json::json!([])).await, "Tracechain Node");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_pages_wait_in_a_bounded_queue_and_the_rest_are_refused_at_once() {
    let shared: Arc<dyn HttpPages> = pages(Duration::from_millis(400));
    let (_node, server) = serve_with(|config| {
        config.pages = Some(tracechain_rpc::Shared(shared));
        config.page_limits = PageLimits { workers: 1, queue: 1, per_ip_burst: 100, ..PageLimits::default() };
    })
    .await;
    let requests: Vec<_> =
        (0..6).map(|index| tokio::spawn(get(format!("{}/p/slow-{index}", server.http_url()), &[]))).collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.expect("request").0);
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.contains(&503), "a full queue refuses at once: {statuses:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_listener_serves_pages_only_within_its_own_connection_limits() {
    use tracechain_rpc::pages_listener::{self, PagesListenerConfig};
    let counting = pages(Duration::ZERO);
    let config = PagesListenerConfig {
        connections: tracechain_rpc::ConnectionLimits { max_connections: 8, max_per_ip: 2, loopback_reserved: 0 },
        ..PagesListenerConfig::default()
    };
    let listener = pages_listener::start(config, counting.clone()).await.expect("pages listener");
    let base = listener.http_url();
    let names = &["content-security-policy", "x-frame-options"];
    let (status, headers, body) = get(format!("{base}/p/item"), names).await;
    assert_eq!((status, body.as_str()), (200, "/p/item"));
    assert_eq!(headers[0].as_deref(), Some(CONTENT_SECURITY_POLICY));
    // No JSON-RPC here: a call, a WebSocket upgrade and `/` are 404 with the same headers.
    let call = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "author_removeExtrinsic", "params": [[]]});
    let posted = tokio::task::spawn_blocking({
        let base = base.clone();
        move || match ureq::post(&base).timeout(Duration::from_secs(10)).send_json(call) {
            Ok(response) | Err(ureq::Error::Status(_, response)) => {
                (response.status(), response.header("x-frame-options").map(str::to_string))
            }
            Err(error) => panic!("POST: {error}"),
        }
    })
    .await
    .unwrap();
    assert_eq!(posted, (404, Some("DENY".to_string())));
    assert!(raw_websocket_from(LOOPBACK, listener.local_addr()).await.is_err(), "a WebSocket was upgraded");
    let (status, _, body) = get(format!("{base}/"), &[]).await;
    assert_eq!(status, 404, "{body}");
    // Its own per-IP limit, naming its own flag.
    let _held: Vec<_> = hold_connections(listener.local_addr(), 2).await;
    // A fresh connection (a pooled one of the calls above would hold a slot already).
    let (status, body) = raw_websocket_from(LOOPBACK, listener.local_addr()).await.expect_err("over the limit");
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("--pages-max-connections-per-ip"), "{body}");
    listener.stop().await;
}

/// `method url` without following redirects: status, headers asked for, body.
async fn request(
    method: &'static str,
    url: String,
    headers: &'static [&'static str],
) -> (u16, Vec<Option<String>>, String) {
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let response = match agent.request(method, &url).timeout(Duration::from_secs(20)).call() {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("{method} {url}: {error}"),
        };
        let values = headers.iter().map(|name| response.header(name).map(str::to_string)).collect();
        (response.status(), values, response.into_string().expect("body"))
    })
    .await
    .expect("request task")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_listener_answers_browsers_of_any_origin_with_get_and_head_only() {
    use tracechain_rpc::pages_listener::{self, PagesListenerConfig};
    let counting = pages(Duration::ZERO);
    let listener = pages_listener::start(PagesListenerConfig::default(), counting.clone()).await.expect("listener");
    let base = listener.http_url();
    let cors = &["access-control-allow-origin", "access-control-expose-headers", "vary"];
    let (status, headers, body) = request("GET", format!("{base}/p/item?17=261231"), cors).await;
    assert_eq!((status, body.as_str()), (200, "/p/item?17=261231"), "the query reaches the page");
    assert_eq!(headers, [Some("*".to_string()), Some("Link, Location".to_string()), Some("Accept".to_string())]);
    // The query is part of the cache key.
    let (_, _, other) = request("GET", format!("{base}/p/item?17=270101"), &[]).await;
    assert_eq!(other, "/p/item?17=270101");
    // HEAD: the same answer without a body.
    let (status, _, body) = request("HEAD", format!("{base}/p/item"), &[]).await;
    assert_eq!((status, body.as_str()), (200, ""));
    // A redirect carries its Location and Link.
    let (status, headers, _) = request("GET", format!("{base}/p/redirect?a=1"), &["location", "link"]).await;
    assert_eq!(status, 307);
    assert_eq!(headers[0].as_deref(), Some("/p/item?a=1"));
    assert_eq!(headers[1].as_deref(), Some("</p/item?linkType=linkset>; rel=\"linkset\""));
    // A preflight of a page: GET and HEAD from anywhere; of anything else: 404.
    let names = &["access-control-allow-origin", "access-control-allow-methods"];
    let (status, headers, _) = request("OPTIONS", format!("{base}/p/item"), names).await;
    assert_eq!(status, 204);
    assert_eq!(headers, [Some("*".to_string()), Some("GET, HEAD".to_string())]);
    let (status, headers, _) = request("OPTIONS", format!("{base}/"), names).await;
    assert_eq!((status, headers[0].clone()), (404, None));
    // Other methods on a page path are not pages.
    let (status, _, _) = request("POST", format!("{base}/p/item"), &[]).await;
    assert_eq!(status, 404);
    // An over-long query is refused before a worker sees it.
    let (status, _, _) = request("GET", format!("{base}/p/item?{}", "a".repeat(5_000)), &[]).await;
    assert_eq!(status, 414);
    listener.stop().await;
}

/// `count` open connections to `addr`, each having sent nothing.
async fn hold_connections(addr: std::net::SocketAddr, count: usize) -> Vec<tokio::net::TcpStream> {
    let mut held = Vec::new();
    for _ in 0..count {
        held.push(connect_from(LOOPBACK, addr).await);
    }
    // Let the accept loop take them before the next caller arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    held
}
