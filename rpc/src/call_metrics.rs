//! Counting calls and errors per method, for the node's metrics, as a JSON-RPC middleware.
//!
//! The server tells a [`CallObserver`] about every call it answers: the method (any name that is
//! not one of the server's methods is reported as `unknown`, so a client cannot grow the set of
//! metric labels) and whether the answer was an error. Calls inside a batch are each reported
//! too; a batch answer is one response, so their error status is that of the batch as a whole.

use std::{collections::BTreeSet, future::Future, sync::Arc};

use jsonrpsee::{
    core::middleware::{Batch, BatchEntry, Notification, RpcServiceT},
    types::Request,
    MethodResponse,
};

/// What the node does with each answered call.
pub trait CallObserver: Send + Sync + 'static {
    /// `method` (one of the server's, or `unknown`) was called; `failed` if it answered an error.
    fn on_call(&self, method: &str, failed: bool);
}

/// A shared [`CallObserver`] in a configuration (compared by identity).
#[derive(Clone)]
pub struct SharedObserver(pub Arc<dyn CallObserver>);

impl std::fmt::Debug for SharedObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallObserver")
    }
}

impl PartialEq for SharedObserver {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedObserver {}

/// The middleware layer: wraps the server's method service.
#[derive(Clone)]
pub struct CallMetricsLayer {
    observer: Arc<dyn CallObserver>,
    methods: Arc<BTreeSet<String>>,
}

impl CallMetricsLayer {
    /// Reports to `observer` the calls of `methods` (every other name as `unknown`).
    pub fn new(observer: Arc<dyn CallObserver>, methods: impl IntoIterator<Item = String>) -> Self {
        Self { observer, methods: Arc::new(methods.into_iter().collect()) }
    }

    fn label(&self, method: &str) -> String {
        if self.methods.contains(method) {
            method.to_string()
        } else {
            "unknown".to_string()
        }
    }
}

impl<S> tower::Layer<S> for CallMetricsLayer {
    type Service = CallMetrics<S>;

    fn layer(&self, service: S) -> Self::Service {
        CallMetrics { layer: self.clone(), service }
    }
}

/// The middleware service.
#[derive(Clone)]
pub struct CallMetrics<S> {
    layer: CallMetricsLayer,
    service: S,
}

impl<S> RpcServiceT for CallMetrics<S>
where
    S: RpcServiceT<MethodResponse = MethodResponse, BatchResponse = MethodResponse> + Send + Sync + Clone + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = Self::MethodResponse> + Send + 'a {
        let method = self.layer.label(request.method_name());
        let observer = self.layer.observer.clone();
        let service = self.service.clone();
        async move {
            let response = service.call(request).await;
            observer.on_call(&method, response.is_error());
            response
        }
    }

    fn batch<'a>(&self, batch: Batch<'a>) -> impl Future<Output = Self::BatchResponse> + Send + 'a {
        let methods: Vec<String> = batch
            .iter()
            .filter_map(|entry| match entry {
                Ok(BatchEntry::Call(request)) => Some(self.layer.label(request.method_name())),
                _ => None,
            })
            .collect();
        let observer = self.layer.observer.clone();
        let service = self.service.clone();
        async move {
            let response = service.batch(batch).await;
            for method in &methods {
                observer.on_call(method, response.is_error());
            }
            response
        }
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = Self::NotificationResponse> + Send + 'a {
        self.service.notification(notification)
    }
}
