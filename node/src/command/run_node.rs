//! `tracechain [--dev | --chain spec.json] …`: the node itself, with the single authority of a
//! development chain or the consortium's BFT engine, until a signal stops it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tracechain_engine::{ConsensusEngine, SingleAuthority};
use tracechain_primitives::hashing::short_display;
use tracechain_primitives::keyring::Ed25519Pair;

use super::{
    chain_access::{load_spec, open_chain},
    error::CommandError,
    logging::init_logging,
};
use crate::{
    cli::RunArgs,
    metrics::Metrics,
    pool::{Pool, PoolLimits},
    service::Node,
};

fn validator_key(args: &RunArgs) -> Result<Option<Ed25519Pair>, CommandError> {
    if let Some(path) = &args.key_file {
        let uri = crate::secret_file::read_secret(path).map_err(|error| CommandError::Key(error.to_string()))?;
        return Ed25519Pair::from_suri(uri.trim()).map(Some).map_err(|error| CommandError::Key(error.to_string()));
    }
    if args.chain.dev || (args.validator && args.chain.chain.is_none()) {
        return Ed25519Pair::from_suri("//Alice").map(Some).map_err(|error| CommandError::Key(error.to_string()));
    }
    if args.validator {
        return Err(CommandError::Usage("--validator needs --key-file with the validator's ed25519 key".into()));
    }
    Ok(None)
}

pub(crate) fn run_node(args: RunArgs) -> Result<(), CommandError> {
    init_logging(&args.log);
    // Before the database and the listeners take their descriptors.
    crate::fd_limit::raise_and_log();
    let (chain, path) = open_chain(&args.chain, args.pruning)?;
    let key = validator_key(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CommandError::Io { path: "tokio runtime".into(), source: error })?;
    runtime.block_on(async move {
        let best = chain.best();
        tracing::info!(target: "node", "Tracechain {} — chain \"{}\" ({:?})", env!("CARGO_PKG_VERSION"), chain.spec().name, chain.spec().chain_type);
        tracing::info!(target: "node", "Database: {} (keeps {})", path.display(), chain.pruning());
        tracing::info!(target: "node", "Genesis {} · best #{} ({})", short_display(&chain.genesis().hash()), best.number, short_display(&best.hash()));
        let metrics = Metrics::new();
        let node = Arc::new(Node::new(chain, Pool::new(PoolLimits::default()), args.name.clone(), metrics.clone()));

        let host = if args.rpc_external { IpAddr::V4(Ipv4Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::LOCALHOST) };
        let consumer_pages: Arc<dyn tracechain_rpc::pages::HttpPages> =
            Arc::new(crate::consumer_page::ConsumerPages::with_config(
                node.clone(),
                crate::resolver::ResolverConfig { default_link: args.resolver_default_link.clone() },
            ));
        let page_limits = tracechain_rpc::pages::PageLimits {
            workers: args.pages_workers,
            queue: args.pages_queue,
            cache_entries: args.pages_cache_entries,
            per_ip_per_second: args.pages_rate_per_ip,
            per_ip_burst: args.pages_burst_per_ip,
            ..Default::default()
        };
        let rpc_config = tracechain_rpc::RpcConfig {
            addr: SocketAddr::new(host, args.rpc_port),
            cors: args.rpc_cors.as_deref().map(tracechain_rpc::AllowedOrigins::parse).unwrap_or_default(),
            allowed_hosts: args.rpc_allowed_hosts.as_deref().map(tracechain_rpc::AllowedHosts::parse).unwrap_or_default(),
            rpc_methods: args.rpc_methods,
            max_connections: args.rpc_max_connections,
            max_connections_per_ip: args.rpc_max_connections_per_ip,
            reserved_loopback_connections: args.rpc_reserved_loopback_connections,
            first_request_timeout: Duration::from_secs(args.rpc_first_request_timeout_secs),
            idle_timeout: Duration::from_secs(args.rpc_idle_timeout_secs),
            ws_ping_interval: Duration::from_secs(args.rpc_ws_ping_interval_secs),
            cost: tracechain_rpc::state::CostLimits {
                keys_per_call: args.rpc_max_keys_per_call,
                keys_per_subscription: args.rpc_max_keys_per_subscription,
                subscribed_keys_per_connection: args.rpc_max_subscribed_keys_per_connection,
            },
            call_observer: Some(tracechain_rpc::Shared(Arc::new(metrics.clone()))),
            // With a pages listener of their own, pages are served there only.
            pages: args.pages_addr.is_none().then(|| tracechain_rpc::Shared(consumer_pages.clone())),
            page_limits: page_limits.clone(),
            ..Default::default()
        };
        let rpc = tracechain_rpc::start(rpc_config, node.clone()).await.map_err(|error| CommandError::Rpc(error.to_string()))?;
        tracing::info!(target: "node", "JSON-RPC (HTTP and WebSocket) on {}", rpc.local_addr());
        let pages = match args.pages_addr {
            Some(addr) => {
                let config = tracechain_rpc::pages_listener::PagesListenerConfig {
                    addr,
                    limits: page_limits,
                    connections: tracechain_rpc::ConnectionLimits {
                        max_connections: args.pages_max_connections,
                        max_per_ip: args.pages_max_connections_per_ip,
                        loopback_reserved: 0,
                    },
                    first_request_timeout: Duration::from_secs(args.rpc_first_request_timeout_secs),
                    idle_timeout: Duration::from_secs(args.rpc_idle_timeout_secs),
                };
                let pages = tracechain_rpc::pages_listener::start(config, consumer_pages)
                    .await
                    .map_err(|error| CommandError::Rpc(error.to_string()))?;
                tracing::info!(target: "node", "Consumer pages (and nothing else) on http://{}", pages.local_addr());
                Some(pages)
            }
            None => None,
        };

        let _metrics_task = if args.no_prometheus {
            None
        } else {
            let host = if args.prometheus_external { IpAddr::V4(Ipv4Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::LOCALHOST) };
            Some(metrics.serve(SocketAddr::new(host, args.prometheus_port)).await.map_err(|error| CommandError::Io { path: "metrics listener".into(), source: error })?)
        };

        let (shutdown_sender, shutdown) = tokio::sync::watch::channel(false);
        let block_time = Duration::from_millis(args.block_time_ms.max(1));
        let engine: Option<Box<dyn ConsensusEngine>> = match (args.chain.dev, key) {
            (true, Some(key)) => {
                tracing::info!(target: "node", "Development chain: a block every {} ms, no peers", args.block_time_ms);
                Some(Box::new(SingleAuthority::new(key, block_time)))
            }
            (true, None) => None,
            (false, key) => {
                let bft = bft_engine(&args, &path, key, block_time)?;
                Some(Box::new(bft))
            }
        };
        let engine = engine.map(|engine| engine.run(node.clone(), shutdown.clone()));

        let informant_node = node.clone();
        let mut informant_shutdown = shutdown.clone();
        let informant = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = informant_shutdown.changed() => break,
                }
                let chain = informant_node.chain();
                let best = chain.best();
                let finalized = chain.finalized();
                let peers = tracechain_rpc::NodeClient::peer_count(informant_node.as_ref());
                tracing::info!(
                    target: "node",
                    "{} peers, best #{} ({}), finalized #{} ({}), pool {}",
                    peers, best.number, short_display(&best.hash()), finalized.number, short_display(&finalized.hash()), informant_node.pool().len()
                );
            }
        });

        // The node lives as long as its consensus engine: an engine that stops on its own (it
        // logged why: a local failure it could not recover from) stops the node, so that a
        // supervisor restarts it and nobody takes a node that no longer follows the chain for
        // a working one.
        let mut engine = engine;
        let engine_stopped = async {
            match engine.as_mut() {
                Some(engine) => {
                    let _ = engine.await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let outcome = tokio::select! {
            _ = wait_for_signal() => Ok(()),
            _ = engine_stopped => {
                engine = None;
                Err(CommandError::ConsensusStopped)
            }
        };
        tracing::info!(target: "node", "Shutting down");
        let _ = shutdown_sender.send(true);
        if let Some(engine) = engine {
            let _ = engine.await;
        }
        let _ = informant.await;
        rpc.stop().await;
        if let Some(pages) = pages {
            pages.stop().await;
        }
        outcome
    })
}

/// The consortium engine of a `--chain` node: its peers from the spec and the command line,
/// its network key and write-ahead log under the chain's data directory.
fn bft_engine(
    args: &RunArgs,
    database: &Path,
    key: Option<Ed25519Pair>,
    block_time: Duration,
) -> Result<tracechain_bft::BftEngine, CommandError> {
    let chain_dir = database.parent().unwrap_or(database);
    let key_path = args.node_key_file.clone().unwrap_or_else(|| chain_dir.join("network").join("secret_ed25519"));
    let network_key =
        crate::network_key::load_or_create(&key_path).map_err(|error| CommandError::Key(error.to_string()))?;
    let spec = load_spec(&args.chain)?;
    let own_peer_id = tracechain_bft::network_key::peer_id(&network_key);
    let mut peers: Vec<String> = spec.boot_nodes.iter().chain(&args.bootnodes).cloned().collect();
    // The spec lists every member, this node too.
    peers.retain(|peer| !peer.ends_with(&format!("/p2p/{own_peer_id}")));
    peers.sort();
    peers.dedup();
    let peers = peers
        .iter()
        .map(|peer| tracechain_bft::config::multiaddr(peer))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| CommandError::Usage(error.to_string()))?;
    let own_peer = tracechain_bft::network_key::keypair(&network_key).public().to_peer_id();
    let public_addrs = tracechain_bft::peer_records::public_addresses(&args.public_addr, &own_peer)
        .map_err(|error| CommandError::Usage(format!("--public-addr: {error}")))?;
    let validator = key.is_some();
    let settings = tracechain_bft::NetworkSettings {
        moniker: args.name.clone(),
        listen_addr: match args.listen_ip {
            IpAddr::V4(ip) => format!("/ip4/{ip}/tcp/{}", args.port),
            IpAddr::V6(ip) => format!("/ip6/{ip}/tcp/{}", args.port),
        },
        public_addrs,
        persistent_peers: peers,
        persistent_peers_only: args.reserved_only || (validator && !args.open_peering),
    };
    let identity = settings.public_addrs.first().map(ToString::to_string).unwrap_or(settings.listen_addr.clone());
    tracing::info!(target: "node", "Local node identity: {identity}/p2p/{own_peer_id}");
    for address in &settings.public_addrs {
        tracing::info!(target: "node", "Announcing {address} to peers");
    }
    tracing::info!(
        target: "node",
        "{} with {} reserved peers{}",
        if validator { "Validator" } else { "Full node" },
        settings.persistent_peers.len(),
        if settings.persistent_peers_only { ", accepting no others" } else { "" }
    );
    Ok(tracechain_bft::BftEngine::new(settings, network_key, key, chain_dir.join("consensus").join("wal"), block_time))
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
