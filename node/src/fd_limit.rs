//! The open-file limit (`RLIMIT_NOFILE`) raised to its hard limit at start, as Substrate does:
//! RocksDB and every JSON-RPC and peer connection share the process's descriptors, and the soft
//! limit many systems start a process with (1,024) is soon used up.

/// Below this many descriptors the node warns (Substrate's recommendation).
pub const RECOMMENDED: u64 = 10_000;

/// What raising the limit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raised {
    /// The soft limit went from `from` to `to` (the hard limit).
    Raised {
        /// The soft limit before.
        from: u64,
        /// The soft limit now.
        to: u64,
    },
    /// The soft limit was already the hard limit.
    AtHardLimit(u64),
}

impl Raised {
    /// The soft limit now.
    pub fn current(self) -> u64 {
        match self {
            Self::Raised { to, .. } => to,
            Self::AtHardLimit(limit) => limit,
        }
    }
}

/// The soft limit set when the hard limit is infinite (Linux's default `fs.nr_open`).
const UNLIMITED_TARGET: u64 = 1_048_576;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit.
#[cfg(unix)]
pub fn raise() -> std::io::Result<Raised> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let from = limit.current.unwrap_or(u64::MAX);
    #[allow(unused_mut)]
    let mut to = limit.maximum.unwrap_or(UNLIMITED_TARGET);
    // macOS refuses a soft limit above OPEN_MAX, whatever the hard limit says.
    #[cfg(target_os = "macos")]
    {
        to = to.min(10_240);
    }
    if from >= to {
        return Ok(Raised::AtHardLimit(from));
    }
    setrlimit(Resource::Nofile, Rlimit { current: Some(to), maximum: limit.maximum }).map_err(std::io::Error::from)?;
    Ok(Raised::Raised { from, to })
}

/// Elsewhere the limit is left as it is.
#[cfg(not(unix))]
pub fn raise() -> std::io::Result<Raised> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no RLIMIT_NOFILE on this platform"))
}

/// Raises the limit and logs what it did; a limit below [`RECOMMENDED`] is warned about.
pub fn raise_and_log() {
    match raise() {
        Ok(raised) => {
            match raised {
                Raised::Raised { from, to } => {
                    tracing::info!(target: "node", "Open file limit raised from {from} to {to}")
                }
                Raised::AtHardLimit(limit) => tracing::info!(target: "node", "Open file limit: {limit}"),
            }
            if raised.current() < RECOMMENDED {
                tracing::warn!(
                    target: "node",
                    "Low open file descriptor limit configured for the process. Current value: {}, recommended value: \
                     {RECOMMENDED} (raise the hard limit, e.g. LimitNOFILE= in the systemd unit)",
                    raised.current()
                );
            }
        }
        Err(error) => tracing::warn!(target: "node", "Could not raise the open file limit: {error}"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_ends_at_the_hard_limit() {
        let first = raise().expect("raise");
        // A second call finds it already there.
        assert_eq!(raise().expect("raise again"), Raised::AtHardLimit(first.current()));
    }
}
