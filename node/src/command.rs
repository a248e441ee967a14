//! What each command of `tracechain` does.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parity_scale_codec::Decode;
use tracechain_engine::{Certificate, ConsensusEngine, SingleAuthority};
use tracechain_primitives::hashing::short_display;
use tracechain_primitives::keyring::{Ed25519Pair, Sr25519Pair};
use tracechain_runtime::ChainSpec;

use crate::{
    blocks_file,
    chain::{Chain, Pruning},
    cli::{BuildSpecArgs, ChainArgs, Cli, Command, ExportArgs, ImportArgs, KeyCommand, PurgeArgs, RunArgs, Scheme},
    db::{rocks::RocksDatabase, Database},
    metrics::Metrics,
    pool::{Pool, PoolLimits},
    service::Node,
};

/// A failure of a command, said plainly for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad command-line input.
    #[error("{0}")]
    Usage(String),
    /// The consensus engine stopped while the node ran.
    #[error("the consensus engine stopped (its error is logged above); stopping the node")]
    ConsensusStopped,
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The chain failed.
    #[error(transparent)]
    Chain(#[from] crate::chain::ChainError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// The chain spec is unusable.
    #[error(transparent)]
    Genesis(#[from] tracechain_runtime::GenesisError),
    /// A blocks file is unusable.
    #[error(transparent)]
    BlocksFile(#[from] blocks_file::BlocksFileError),
    /// The RPC server could not start.
    #[error("JSON-RPC server: {0}")]
    Rpc(String),
    /// A key could not be derived.
    #[error("key: {0}")]
    Key(String),
    /// A JSON-RPC call to a node failed.
    #[error("{url}: {method}: {reason}")]
    Remote {
        /// The node's URL.
        url: String,
        /// The method called.
        method: String,
        /// The transport's error or the node's JSON-RPC error.
        reason: String,
    },
    /// A label could not be made.
    #[error(transparent)]
    Label(#[from] crate::label::LabelError),
    /// A check (replay, verify) ran and found a problem, already reported.
    #[error("{0}")]
    CheckFailed(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CommandError + '_ {
    move |source| CommandError::Io { path: path.display().to_string(), source }
}

/// Runs the command line.
pub fn run(cli: Cli) -> Result<(), CommandError> {
    match cli.command {
        None => run_node(cli.run),
        Some(Command::BuildSpec(args)) => build_spec(&cli.run.chain, args),
        Some(Command::Key(command)) => key(command),
        Some(Command::ExportBlocks(args)) => export_blocks(&cli.run.chain, args),
        Some(Command::ImportBlocks(args)) => import_blocks(&cli.run.chain, args),
        Some(Command::PurgeChain(args)) => purge_chain(&cli.run.chain, args),
        Some(Command::Replay(args)) => crate::replay_command::run(&cli.run.chain, args),
        Some(Command::Verify(args)) => crate::verify_command::run(&cli.run.chain, args),
        Some(Command::Qr(args)) => crate::qr_command::run(args),
        Some(Command::Epcis(args)) => crate::epcis_command::run(args),
    }
}

/// The chain spec selected by `--dev` / `--chain` (development by default).
pub fn load_spec(args: &ChainArgs) -> Result<ChainSpec, CommandError> {
    match &args.chain {
        Some(path) => {
            let json = std::fs::read_to_string(path).map_err(io_error(path))?;
            Ok(ChainSpec::from_json(&json)?)
        }
        None => Ok(ChainSpec::development()?),
    }
}

/// `<base-path>/chains/<id>/db`.
pub fn database_path(args: &ChainArgs, spec: &ChainSpec) -> Result<PathBuf, CommandError> {
    let base = match &args.base_path {
        Some(path) => path.clone(),
        None => directories::ProjectDirs::from("", "", "tracechain")
            .map(|dirs| dirs.data_dir().to_path_buf())
            .ok_or_else(|| CommandError::Usage("no home directory: give --base-path".into()))?,
    };
    Ok(base.join("chains").join(&spec.id).join("db"))
}

/// Opens the chain of `args`; a new database keeps the states `pruning` says (archive if None).
fn open_chain(args: &ChainArgs, pruning: Option<Pruning>) -> Result<(Chain, PathBuf), CommandError> {
    let spec = load_spec(args)?;
    let path = database_path(args, &spec)?;
    std::fs::create_dir_all(&path).map_err(io_error(&path))?;
    let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&path)?);
    Ok((Chain::open(db, spec, pruning)?, path))
}

/// The engine's own crates log every vote at `info`: an operator reads the node's lines, and
/// asks for the engine's with an explicit `malachitebft…` directive.
const ENGINE_LOG_DEFAULTS: &str = ",malachitebft_core_consensus=warn,malachitebft_engine=warn,malachitebft_network=warn,malachitebft_discovery=warn,malachitebft_sync=warn,malachitebft_wal=warn,libp2p_gossipsub=warn";

fn init_logging(filter: &str) {
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

fn run_node(args: RunArgs) -> Result<(), CommandError> {
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
            Arc::new(crate::consumer_page::ConsumerPages::new(node.clone()));
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

fn build_spec(chain: &ChainArgs, args: BuildSpecArgs) -> Result<(), CommandError> {
    let spec = load_spec(chain)?;
    let spec = match args.validators {
        None => spec,
        Some(0) => return Err(CommandError::Usage("--validators must be at least 1".into())),
        Some(count) => with_fresh_validators(spec, count, &args.keys_dir)?,
    };
    println!("{}", spec.to_json());
    Ok(())
}

/// Replaces the validator set with `count` fresh ed25519 keys, assigned to the admin
/// organisations in turn, writing each secret seed to `<keys_dir>/validator-<i>.key`.
fn with_fresh_validators(spec: ChainSpec, count: u32, keys_dir: &Path) -> Result<ChainSpec, CommandError> {
    let mut json: serde_json::Value =
        serde_json::from_str(&spec.to_json()).map_err(tracechain_runtime::GenesisError::from)?;
    let organisations = json["genesis"]["membership"]["organisations"].as_array().cloned().unwrap_or_default();
    let admins: Vec<usize> = organisations
        .iter()
        .enumerate()
        .filter(|(_, org)| org["roles"].as_array().is_some_and(|roles| roles.iter().any(|role| role == "admin")))
        .map(|(index, _)| index)
        .collect();
    if admins.is_empty() {
        return Err(CommandError::Usage("the spec has no admin organisation to run validators".into()));
    }
    std::fs::create_dir_all(keys_dir).map_err(io_error(keys_dir))?;
    let mut validators = Vec::new();
    for index in 0..count as usize {
        let mut seed = [0u8; 32];
        rand_seed(&mut seed)?;
        let pair = Ed25519Pair::from_seed(&seed);
        let path = keys_dir.join(format!("validator-{index}.key"));
        crate::secret_file::write_secret(&path, &format!("0x{}\n", hex::encode(seed)))
            .map_err(|error| CommandError::Key(error.to_string()))?;
        validators.push(serde_json::json!({
            "orgIndex": admins[index % admins.len()],
            "consensusKey": format!("0x{}", hex::encode(pair.public())),
        }));
        eprintln!("validator {index}: key file {}", path.display());
    }
    json["genesis"]["membership"]["validators"] = serde_json::Value::Array(validators);
    json["chainType"] = serde_json::Value::String("Local".into());
    Ok(serde_json::from_value(json).map_err(tracechain_runtime::GenesisError::from)?)
}

fn rand_seed(seed: &mut [u8; 32]) -> Result<(), CommandError> {
    use rand_core::RngCore;
    rand_core::OsRng.try_fill_bytes(seed).map_err(|error| CommandError::Key(format!("no OS randomness: {error}")))
}

fn key(command: KeyCommand) -> Result<(), CommandError> {
    match command {
        KeyCommand::Generate { scheme: Scheme::Sr25519, ss58_prefix } => {
            let (pair, phrase) = Sr25519Pair::generate();
            println!("Secret phrase:     {phrase}");
            print_public("sr25519", pair.public().as_bytes(), ss58_prefix);
        }
        KeyCommand::Generate { scheme: Scheme::Ed25519, ss58_prefix } => {
            let mut seed = [0u8; 32];
            rand_seed(&mut seed)?;
            let pair = Ed25519Pair::from_seed(&seed);
            println!("Secret seed:       0x{}", hex::encode(seed));
            print_public("ed25519", &pair.public(), ss58_prefix);
        }
        KeyCommand::GenerateNodeKey { file } => {
            if file.exists() {
                return Err(CommandError::Usage(format!("{} exists: not overwriting a node key", file.display())));
            }
            let key =
                crate::network_key::load_or_create(&file).map_err(|error| CommandError::Key(error.to_string()))?;
            println!("{}", tracechain_bft::network_key::peer_id(&key));
        }
        KeyCommand::InspectNodeKey { file } => {
            if !file.exists() {
                return Err(CommandError::Usage(format!("{} does not exist", file.display())));
            }
            let key =
                crate::network_key::load_or_create(&file).map_err(|error| CommandError::Key(error.to_string()))?;
            println!("{}", tracechain_bft::network_key::peer_id(&key));
        }
        KeyCommand::Inspect { uri, scheme: Scheme::Sr25519, ss58_prefix } => {
            let pair = Sr25519Pair::from_suri(&uri).map_err(|error| CommandError::Key(error.to_string()))?;
            print_public("sr25519", pair.public().as_bytes(), ss58_prefix);
        }
        KeyCommand::Inspect { uri, scheme: Scheme::Ed25519, ss58_prefix } => {
            let pair = Ed25519Pair::from_suri(&uri).map_err(|error| CommandError::Key(error.to_string()))?;
            print_public("ed25519", &pair.public(), ss58_prefix);
        }
    }
    Ok(())
}

fn print_public(scheme: &str, public: &[u8; 32], prefix: u16) {
    println!("Scheme:            {scheme}");
    println!("Public key (hex):  0x{}", hex::encode(public));
    println!("Account ID:        0x{}", hex::encode(public));
    println!("SS58 Address:      {}", tracechain_primitives::ss58::encode(public, prefix));
}

fn export_blocks(chain_args: &ChainArgs, args: ExportArgs) -> Result<(), CommandError> {
    let (chain, _) = open_chain(chain_args, None)?;
    let to = args.to.unwrap_or(chain.finalized().number).min(chain.finalized().number);
    let file = std::fs::File::create(&args.output).map_err(io_error(&args.output))?;
    let mut out = std::io::BufWriter::new(file);
    blocks_file::write_header(&mut out, chain.genesis().hash())?;
    let mut written = 0u32;
    for number in args.from.max(1)..=to {
        let hash = chain
            .hash_of(number)?
            .ok_or_else(|| CommandError::Usage(format!("block #{number} is not in the database")))?;
        let block = chain.block(&hash)?.ok_or_else(|| CommandError::Usage(format!("block #{number} body missing")))?;
        blocks_file::write_block(&mut out, &block, chain.justification(&hash)?.as_ref())?;
        written += 1;
    }
    std::io::Write::flush(&mut out).map_err(io_error(&args.output))?;
    eprintln!("Exported {written} blocks (#{}..=#{to}) to {}", args.from.max(1), args.output.display());
    Ok(())
}

fn import_blocks(chain_args: &ChainArgs, args: ImportArgs) -> Result<(), CommandError> {
    init_logging("warn");
    let (chain, _) = open_chain(chain_args, None)?;
    let file = std::fs::File::open(&args.input).map_err(io_error(&args.input))?;
    let mut input = std::io::BufReader::new(file);
    let genesis = blocks_file::read_header(&mut input)?;
    if genesis != chain.genesis().hash() {
        return Err(CommandError::Usage(format!(
            "the file holds blocks of the chain with genesis {genesis:?}, not {:?}",
            chain.genesis().hash()
        )));
    }
    let records = blocks_file::read_blocks(&mut input)?;
    let node = Node::new(chain, Pool::new(PoolLimits::default()), "import".into(), Metrics::new());
    let mut imported = 0usize;
    for (block, certificate) in records {
        if block.header.number <= node.chain().best().number {
            continue;
        }
        let certificate =
            certificate.map(|bytes| Certificate::decode(&mut &bytes[..])).transpose().map_err(|error| {
                CommandError::Usage(format!("block #{}: certificate does not decode: {error}", block.header.number))
            })?;
        let number = block.header.number;
        node.import_verified(block, certificate)
            .map_err(|error| CommandError::Usage(format!("block #{number}: {error}")))?;
        imported += 1;
    }
    eprintln!("Imported {imported} blocks; best is #{}", node.chain().best().number);
    Ok(())
}

fn purge_chain(chain_args: &ChainArgs, args: PurgeArgs) -> Result<(), CommandError> {
    let spec = load_spec(chain_args)?;
    let path = database_path(chain_args, &spec)?;
    if !path.exists() {
        eprintln!("{} does not exist: nothing to purge", path.display());
        return Ok(());
    }
    if !args.yes {
        eprint!("Delete the database at {}? [y/N] ", path.display());
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).map_err(io_error(Path::new("stdin")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Aborted");
            return Ok(());
        }
    }
    std::fs::remove_dir_all(&path).map_err(io_error(&path))?;
    eprintln!("Deleted {}", path.display());
    Ok(())
}
