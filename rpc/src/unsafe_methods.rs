//! Substrate's RPC safety model: which callers may use the methods that change or expose the
//! node rather than read the chain.
//!
//! [`RpcMethods`] is `--rpc-methods` with Substrate's meaning:
//! - `safe`: the [`UNSAFE_METHODS`] are refused to every caller;
//! - `unsafe`: every method is served to every caller who reaches the server;
//! - `auto` (the default): unsafe methods are served only when the server listens on a loopback
//!   address, so `--rpc-external` exposes the chain, never the node's controls.
//!
//! The decision is the listener's, not the caller's: behind a reverse proxy on the node's own
//! machine every caller looks local, so a caller's address proves nothing. Browsers are kept
//! out separately, by the Origin and Host checks of [`crate::origin_host`].
//!
//! A refused call gets Substrate's answer: code -32601, "RPC call is unsafe to be called
//! externally", inside batches too.

use std::{net::IpAddr, str::FromStr};

use jsonrpsee::types::{ErrorObjectOwned, Request};

use crate::{call_hooks::CallHook, error::codes};

/// The methods Substrate marks unsafe that this node serves: they change the node (its pool,
/// its peers), expose its network view, or run a caller's extrinsic (`system_dryRun`).
pub const UNSAFE_METHODS: &[&str] =
    &["author_removeExtrinsic", "system_addReservedPeer", "system_dryRun", "system_peers", "system_removeReservedPeer"];

/// Substrate's message for a refused unsafe call.
pub const UNSAFE_REFUSAL: &str = "RPC call is unsafe to be called externally";

/// `--rpc-methods`: which methods the server exposes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RpcMethods {
    /// Unsafe methods only on a loopback listener.
    #[default]
    Auto,
    /// Safe methods only.
    Safe,
    /// Every method, to every caller.
    Unsafe,
}

impl RpcMethods {
    /// Whether unsafe methods are served by a server listening on `listen`.
    pub fn allows_unsafe_on(self, listen: IpAddr) -> bool {
        match self {
            Self::Auto => listen.is_loopback(),
            Self::Safe => false,
            Self::Unsafe => true,
        }
    }
}

impl FromStr for RpcMethods {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "auto" => Ok(Self::Auto),
            "safe" => Ok(Self::Safe),
            "unsafe" => Ok(Self::Unsafe),
            other => Err(format!("unknown --rpc-methods {other:?}: expected auto, safe or unsafe")),
        }
    }
}

/// The hook that refuses unsafe methods when the server does not expose them.
#[derive(Clone, Copy, Debug)]
pub struct UnsafeMethods {
    /// Whether unsafe methods are served (decided once, from the policy and the listener).
    pub allowed: bool,
}

impl CallHook for UnsafeMethods {
    fn before(&self, request: &Request<'_>) -> Result<(), ErrorObjectOwned> {
        let method = request.method_name();
        if self.allowed || !UNSAFE_METHODS.contains(&method) {
            Ok(())
        } else {
            Err(ErrorObjectOwned::owned(codes::UNSAFE_METHOD, UNSAFE_REFUSAL, None::<()>))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrate_meaning_of_rpc_methods() {
        let loopback: IpAddr = "127.0.0.1".parse().expect("address");
        let loopback6: IpAddr = "::1".parse().expect("address");
        let external: IpAddr = "0.0.0.0".parse().expect("address");
        assert!(RpcMethods::Auto.allows_unsafe_on(loopback));
        assert!(RpcMethods::Auto.allows_unsafe_on(loopback6));
        assert!(!RpcMethods::Auto.allows_unsafe_on(external));
        assert!(!RpcMethods::Safe.allows_unsafe_on(loopback));
        assert!(RpcMethods::Unsafe.allows_unsafe_on(external));
        assert_eq!("unsafe".parse(), Ok(RpcMethods::Unsafe));
        assert!("everything".parse::<RpcMethods>().is_err());
    }
}
