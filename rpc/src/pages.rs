//! Plain `GET` pages served on the JSON-RPC port beside the API — the consumer page a printed
//! QR code opens (its GS1 Digital Link path, e.g. `/01/<gtin>/21/<serial>`).
//!
//! The node decides what a path shows through [`HttpPages`]; this layer only routes: a `GET`
//! whose path the node answers gets that answer, everything else (JSON-RPC `POST`s, WebSocket
//! upgrades) goes to the JSON-RPC service unchanged. Rendering runs on a blocking thread, as it
//! reads (and proves) state.

use crate::BoxError;
use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use jsonrpsee::server::HttpBody;

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
}

/// The HTTP middleware layer.
#[derive(Clone)]
pub struct PagesLayer(pub Arc<dyn HttpPages>);

impl<S> tower::Layer<S> for PagesLayer {
    type Service = Pages<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Pages { inner, pages: self.0.clone() }
    }
}

/// The HTTP middleware service.
#[derive(Clone)]
pub struct Pages<S> {
    inner: S,
    pages: Arc<dyn HttpPages>,
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
        if request.method() != http::Method::GET || request.uri().path() == "/" {
            return Box::pin(self.inner.call(request));
        }
        let path = request.uri().path().to_string();
        let accept = request
            .headers()
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("text/html")
            .to_string();
        let pages = self.pages.clone();
        // The ready service handles the request; a fresh clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let page = tokio::task::spawn_blocking(move || pages.get(&path, &accept)).await.ok().flatten();
            match page {
                Some(page) => http::Response::builder()
                    .status(page.status)
                    .header(http::header::CONTENT_TYPE, page.content_type)
                    .header(http::header::CACHE_CONTROL, "no-store")
                    .body(HttpBody::from(page.body))
                    .map_err(|error| Box::new(error) as BoxError),
                None => inner.call(request).await,
            }
        })
    }
}
