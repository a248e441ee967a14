//! Methods that change the node are served only to callers on the node's own machine.
//!
//! The server's accept loop records each connection's peer address ([`CallerAddr`]) in the
//! request; this middleware refuses a method of [`NODE_CHANGING_METHODS`] to any caller whose
//! address is not a loopback address — whatever interface the server listens on, so
//! `--rpc-external` exposes the chain, never the node's controls. A request without a recorded
//! address (an in-process caller) is treated as remote.

use std::net::SocketAddr;

use jsonrpsee::types::{ErrorObjectOwned, Request};

use crate::{call_hooks::CallHook, error::codes};

/// The methods that change the node rather than read the chain or submit to it.
pub const NODE_CHANGING_METHODS: &[&str] =
    &["author_removeExtrinsic", "system_addReservedPeer", "system_removeReservedPeer"];

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

/// The hook that refuses node-changing methods to remote callers.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalOnly;

impl CallHook for LocalOnly {
    fn before(&self, request: &Request<'_>) -> Result<(), ErrorObjectOwned> {
        let method = request.method_name();
        if allowed(method, request.extensions().get::<CallerAddr>()) {
            Ok(())
        } else {
            Err(refusal(method))
        }
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
        assert!(!allowed("system_addReservedPeer", Some(&remote)));
        assert!(!allowed("system_removeReservedPeer", Some(&remote)));
        assert!(allowed("system_addReservedPeer", Some(&local)));
        assert!(allowed("chain_getHeader", Some(&remote)));
        assert!(allowed("author_submitExtrinsic", None));
    }
}
