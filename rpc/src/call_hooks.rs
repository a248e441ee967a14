//! One JSON-RPC middleware that runs [`CallHook`]s around every call, batched calls included:
//! a hook may refuse a call before it runs ([`crate::local_only`]) and hears how every call
//! ended ([`crate::call_metrics`]).
//!
//! Calls inside a batch do not pass through a middleware's `call`, so the hooks run for each
//! entry of a batch here too; a batch answer is one response, so the hooks hear the batch's
//! error status for each of its calls.

use std::{future::Future, sync::Arc};

use jsonrpsee::{
    core::middleware::{Batch, BatchEntry, BatchEntryErr, Notification, RpcServiceT},
    types::{ErrorObjectOwned, Request},
    MethodResponse,
};

/// Something that runs around every call.
pub trait CallHook: Send + Sync + 'static {
    /// Before `request` runs; an error refuses it with that error.
    fn before(&self, request: &Request<'_>) -> Result<(), ErrorObjectOwned> {
        let _ = request;
        Ok(())
    }

    /// After `method` was answered (`failed`: with an error, a refusal included).
    fn after(&self, method: &str, failed: bool) {
        let _ = (method, failed);
    }
}

/// The middleware layer, with its hooks in order.
#[derive(Clone)]
pub struct CallHooksLayer(Arc<[Arc<dyn CallHook>]>);

impl CallHooksLayer {
    /// Runs `hooks`, in order, around every call.
    pub fn new(hooks: Vec<Arc<dyn CallHook>>) -> Self {
        Self(hooks.into())
    }

    fn before(&self, request: &Request<'_>) -> Result<(), ErrorObjectOwned> {
        self.0.iter().try_for_each(|hook| hook.before(request))
    }
}

impl<S> tower::Layer<S> for CallHooksLayer {
    type Service = CallHooks<S>;

    fn layer(&self, service: S) -> Self::Service {
        CallHooks { hooks: self.clone(), service }
    }
}

/// The middleware service.
#[derive(Clone)]
pub struct CallHooks<S> {
    hooks: CallHooksLayer,
    service: S,
}

impl<S> RpcServiceT for CallHooks<S>
where
    S: RpcServiceT<MethodResponse = MethodResponse, BatchResponse = MethodResponse> + Send + Sync + Clone + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = Self::MethodResponse> + Send + 'a {
        let hooks = self.hooks.clone();
        let service = self.service.clone();
        async move {
            let method = request.method_name().to_string();
            let response = match hooks.before(&request) {
                Ok(()) => service.call(request).await,
                Err(error) => MethodResponse::error(request.id().clone().into_owned(), error),
            };
            hooks.0.iter().for_each(|hook| hook.after(&method, response.is_error()));
            response
        }
    }

    fn batch<'a>(&self, mut batch: Batch<'a>) -> impl Future<Output = Self::BatchResponse> + Send + 'a {
        let mut methods = Vec::new();
        for entry in batch.iter_mut() {
            if let Ok(BatchEntry::Call(request)) = entry {
                methods.push(request.method_name().to_string());
                if let Err(error) = self.hooks.before(request) {
                    *entry = Err(BatchEntryErr::new(request.id().clone().into_owned(), error));
                }
            }
        }
        let hooks = self.hooks.clone();
        let service = self.service.clone();
        async move {
            let response = service.batch(batch).await;
            for method in &methods {
                hooks.0.iter().for_each(|hook| hook.after(method, response.is_error()));
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
