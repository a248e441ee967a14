//! Counting calls and errors per method, for the node's metrics: a [`CallHook`].
//!
//! The server tells a [`CallObserver`] about every call it answers: the method (any name that is
//! not one of the server's methods is reported as `unknown`, so a client cannot grow the set of
//! metric labels) and whether the answer was an error (refusals included).

use std::{collections::BTreeSet, sync::Arc};

use crate::call_hooks::CallHook;

/// What the node does with each answered call.
pub trait CallObserver: Send + Sync + 'static {
    /// `method` (one of the server's, or `unknown`) was called; `failed` if it answered an error.
    fn on_call(&self, method: &str, failed: bool);
}

/// The hook that reports to a [`CallObserver`].
pub struct CallMetrics {
    observer: Arc<dyn CallObserver>,
    methods: BTreeSet<String>,
}

impl CallMetrics {
    /// Reports to `observer` the calls of `methods` (every other name as `unknown`).
    pub fn new(observer: Arc<dyn CallObserver>, methods: impl IntoIterator<Item = String>) -> Self {
        Self { observer, methods: methods.into_iter().collect() }
    }
}

impl CallHook for CallMetrics {
    fn after(&self, method: &str, failed: bool) {
        let label = if self.methods.contains(method) { method } else { "unknown" };
        self.observer.on_call(label, failed);
    }
}
