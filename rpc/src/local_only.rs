//! Methods that change the node are served only to callers on the node's own machine.
//!
//! The server's accept loop records each connection's peer address ([`CallerAddr`]) in the
//! request; this middleware refuses a method of [`NODE_CHANGING_METHODS`] to any caller whose
//! address is not a loopback address — whatever interface the server listens on, so
//! `--rpc-external` exposes the chain, never the node's controls. A request without a recorded
//! address (an in-process caller) is treated as remote.

use std::{future::Future, net::SocketAddr};

use jsonrpsee::{
    core::middleware::{Batch, BatchEntry, Notification, RpcServiceT},
    types::{ErrorObjectOwned, Request},
    MethodResponse,
};

use crate::error::codes;

/// The methods that change the node rather than read the chain or submit to it.
pub const NODE_CHANGING_METHODS: &[&str] = &["author_removeExtrinsic"];

/// The peer address of the connection a request came on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallerAddr(pub SocketAddr);

/// Whether `request` may call `method`.
fn allowed(method: &str, caller: Option<&CallerAddr>) -> bool {
    !NODE_CHANGING_METHODS.contains(&method) || caller.is_some_and(|caller| caller.0.ip().is_loopback())
}

fn refusal(method: &str) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        codes::NOT_LOCAL,
        format!("{method} changes the node and is only served to callers on the node's machine"),
        None::<()>,
    )
}

/// The middleware layer.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalOnlyLayer;

impl<S> tower::Layer<S> for LocalOnlyLayer {
    type Service = LocalOnly<S>;

    fn layer(&self, service: S) -> Self::Service {
        LocalOnly { service }
    }
}

/// The middleware service.
#[derive(Clone, Debug)]
pub struct LocalOnly<S> {
    service: S,
}

impl<S> RpcServiceT for LocalOnly<S>
where
    S: RpcServiceT<MethodResponse = MethodResponse, BatchResponse = MethodResponse> + Send + Sync + Clone + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = Self::MethodResponse> + Send + 'a {
        let service = self.service.clone();
        async move {
            let method = request.method_name();
            if allowed(method, request.extensions().get::<CallerAddr>()) {
                service.call(request).await
            } else {
                MethodResponse::error(request.id().clone().into_owned(), refusal(method))
            }
        }
    }

    fn batch<'a>(&self, mut batch: Batch<'a>) -> impl Future<Output = Self::BatchResponse> + Send + 'a {
        // Calls inside a batch do not pass through `call`: refuse them here, one by one.
        for entry in batch.iter_mut() {
            if let Ok(BatchEntry::Call(request)) = entry {
                let method = request.method_name().to_string();
                if !allowed(&method, request.extensions().get::<CallerAddr>()) {
                    let id = request.id().clone().into_owned();
                    *entry = Err(jsonrpsee::core::middleware::BatchEntryErr::new(id, refusal(&method)));
                }
            }
        }
        self.service.batch(batch)
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = Self::NotificationResponse> + Send + 'a {
        self.service.notification(notification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_callers_may_change_the_node() {
        let local = CallerAddr("127.0.0.1:40000".parse().expect("address"));
        let local6 = CallerAddr("[::1]:40000".parse().expect("address"));
        let remote = CallerAddr("192.0.2.7:40000".parse().expect("address"));
        assert!(allowed("author_removeExtrinsic", Some(&local)));
        assert!(allowed("author_removeExtrinsic", Some(&local6)));
        assert!(!allowed("author_removeExtrinsic", Some(&remote)));
        assert!(!allowed("author_removeExtrinsic", None));
        assert!(allowed("chain_getHeader", Some(&remote)));
        assert!(allowed("author_submitExtrinsic", None));
    }
}
