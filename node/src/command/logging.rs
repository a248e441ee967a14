//! The node's log output: the operator's filter, with the consensus engine's chatty crates
//! quietened unless asked for.

/// The engine's own crates log every vote at `info`: an operator reads the node's lines, and
/// asks for the engine's with an explicit `malachitebft…` directive.
const ENGINE_LOG_DEFAULTS: &str = ",malachitebft_core_consensus=warn,malachitebft_engine=warn,malachitebft_network=warn,malachitebft_discovery=warn,malachitebft_sync=warn,malachitebft_wal=warn,libp2p_gossipsub=warn";

pub(crate) fn init_logging(filter: &str) {
    let filter =
        if filter.contains("malachitebft") { filter.to_string() } else { format!("{filter}{ENGINE_LOG_DEFAULTS}") };
    let filter = &filter;
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        // Logs go to stderr (as Substrate's do), coloured only on a terminal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
