//! The command line of `tracechain`.

use std::path::PathBuf;

use crate::chain::Pruning;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Tracechain: a permissioned blockchain that traces imported goods from factory to consumer.
#[derive(Debug, Parser)]
#[command(name = "tracechain", version, about, long_about = None)]
pub struct Cli {
    /// A subcommand; without one, runs the node.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Node options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Where the chain comes from and where its data lives (shared by the node and its subcommands).
#[derive(Debug, Clone, Args)]
pub struct ChainArgs {
    /// Development chain: a single validator (//Alice) and the dev accounts as consortium members.
    #[arg(long, global = true)]
    pub dev: bool,

    /// Path of a JSON chain spec (see `build-spec`).
    #[arg(long, value_name = "SPEC.json", global = true, conflicts_with = "dev")]
    pub chain: Option<PathBuf>,

    /// Data directory; the database goes under `<base-path>/chains/<chain id>/db`.
    /// Default: the per-user data directory (e.g. ~/.local/share/tracechain).
    #[arg(long, value_name = "DIR", global = true, env = "TRACECHAIN_BASE_PATH")]
    pub base_path: Option<PathBuf>,
}

/// Options of the running node.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Chain and data directory.
    #[command(flatten)]
    pub chain: ChainArgs,

    /// The node's name, reported to peers and by `system_name`'s neighbours.
    #[arg(long, default_value = "tracechain-node")]
    pub name: String,

    /// JSON-RPC port (HTTP and WebSocket).
    #[arg(long, default_value_t = 9944)]
    pub rpc_port: u16,

    /// Listen for JSON-RPC on all interfaces instead of 127.0.0.1.
    #[arg(long)]
    pub rpc_external: bool,

    /// Which JSON-RPC methods to expose: "auto" (Substrate's unsafe methods only when listening
    /// on 127.0.0.1), "safe" (never), or "unsafe" (to every caller; only behind a firewall).
    #[arg(long, value_name = "METHODS", default_value = "auto")]
    pub rpc_methods: tracechain_rpc::RpcMethods,

    /// Browser origins allowed to call JSON-RPC (HTTP and WebSocket): "all", or a comma-separated
    /// list where ":*" means any port. Default: http(s)://localhost:* and http(s)://127.0.0.1:*.
    #[arg(long, value_name = "ORIGINS")]
    pub rpc_cors: Option<String>,

    /// Host names that requests may name besides IP addresses and localhost (DNS-rebinding
    /// protection): a comma-separated list (e.g. the domain a reverse proxy forwards), or "all".
    #[arg(long, value_name = "HOSTS")]
    pub rpc_allowed_hosts: Option<String>,

    /// Most storage keys in one `state_queryStorageAt` or `state_getReadProof`.
    #[arg(long, value_name = "COUNT", default_value_t = 1_000)]
    pub rpc_max_keys_per_call: usize,

    /// Most storage keys one `state_subscribeStorage` may watch (each is read at every block).
    #[arg(long, value_name = "COUNT", default_value_t = 1_000)]
    pub rpc_max_keys_per_subscription: usize,

    /// Most storage keys the storage subscriptions of one connection may watch together.
    #[arg(long, value_name = "COUNT", default_value_t = 4_096)]
    pub rpc_max_subscribed_keys_per_connection: usize,

    /// Most JSON-RPC connections open at once (HTTP keep-alive, WebSocket and pages together,
    /// the loopback reserve included).
    #[arg(long, value_name = "COUNT", default_value_t = 100)]
    pub rpc_max_connections: u32,

    /// Most JSON-RPC connections open at once from one IPv4 address or IPv6 /64 (loopback
    /// included; behind a reverse proxy on this machine every caller is loopback).
    #[arg(long, value_name = "COUNT", default_value_t = 32)]
    pub rpc_max_connections_per_ip: u32,

    /// Of --rpc-max-connections, slots kept for callers on this machine, so that an operator can
    /// always get in.
    #[arg(long, value_name = "COUNT", default_value_t = 4)]
    pub rpc_reserved_loopback_connections: u32,

    /// Seconds a JSON-RPC connection has to send its first complete request before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub rpc_first_request_timeout_secs: u64,

    /// Seconds an HTTP keep-alive connection may sit idle, and a WebSocket go without answering a
    /// ping, before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub rpc_idle_timeout_secs: u64,

    /// Seconds between the pings sent on each WebSocket (below --rpc-idle-timeout-secs).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub rpc_ws_ping_interval_secs: u64,

    /// Serve the consumer pages (the GS1 Digital Link paths printed QR codes open) on this
    /// address, e.g. 0.0.0.0:8080 behind the resolver domain, and no longer on the JSON-RPC port:
    /// the pages listener serves pages only, so a public domain never reaches JSON-RPC.
    #[arg(long, value_name = "IP:PORT")]
    pub pages_addr: Option<std::net::SocketAddr>,

    /// Where the resolver's default link goes (GS1 `gs1:defaultLink`): an https:// URL that a
    /// scan without a linkType is redirected to (307, its query string carried), or `linkset`
    /// to answer the linkset; without it the consumer page is the default link.
    #[arg(long, value_name = "URL|linkset", value_parser = parse_default_link)]
    pub resolver_default_link: Option<String>,

    /// Threads that render consumer pages (never the ones that build and check blocks).
    #[arg(long, value_name = "COUNT", default_value_t = 2)]
    pub pages_workers: usize,

    /// Page requests that may wait for a worker; one more is answered 503 at once.
    #[arg(long, value_name = "COUNT", default_value_t = 64)]
    pub pages_queue: usize,

    /// Page answers kept per finalized block.
    #[arg(long, value_name = "COUNT", default_value_t = 256)]
    pub pages_cache_entries: usize,

    /// Page requests per second one address may make, sustained (beyond it 429).
    #[arg(long, value_name = "COUNT", default_value_t = 10)]
    pub pages_rate_per_ip: u32,

    /// Page requests one address may make in a burst.
    #[arg(long, value_name = "COUNT", default_value_t = 30)]
    pub pages_burst_per_ip: u32,

    /// Most connections open at once on --pages-addr.
    #[arg(long, value_name = "COUNT", default_value_t = 1_024)]
    pub pages_max_connections: u32,

    /// Most connections open at once on --pages-addr from one IPv4 address or IPv6 /64.
    #[arg(long, value_name = "COUNT", default_value_t = 32)]
    pub pages_max_connections_per_ip: u32,

    /// Prometheus metrics port; metrics are served on 127.0.0.1 unless --prometheus-external.
    #[arg(long, default_value_t = 9615)]
    pub prometheus_port: u16,

    /// Serve metrics on all interfaces.
    #[arg(long)]
    pub prometheus_external: bool,

    /// Do not serve metrics.
    #[arg(long)]
    pub no_prometheus: bool,

    /// Target time between blocks, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1_000)]
    pub block_time_ms: u64,

    /// Run as a validator, signing with the key in --key-file (the dev chain uses //Alice).
    #[arg(long)]
    pub validator: bool,

    /// File holding the validator's ed25519 secret URI or 0x-seed.
    #[arg(long, value_name = "FILE", requires = "validator")]
    pub key_file: Option<PathBuf>,

    /// Peer-to-peer port (libp2p over TCP) of a consortium chain's node.
    #[arg(long, default_value_t = 30333)]
    pub port: u16,

    /// Listen for peers on this address instead of 0.0.0.0 (e.g. 127.0.0.1 for a local devnet).
    #[arg(long, value_name = "IP", default_value = "0.0.0.0")]
    pub listen_ip: std::net::IpAddr,

    /// Peers to connect to and keep connected, as libp2p multiaddrs ending in `/p2p/<peer id>`
    /// (added to the chain spec's `bootNodes`).
    #[arg(long, value_name = "MULTIADDR", value_delimiter = ',', num_args = 1..)]
    pub bootnodes: Vec<String>,

    /// The addresses other members reach this node at (`/ip4/…/tcp/…` or `/dns/…/tcp/…`, e.g.
    /// a port forwarded to `--port`): announced to its peers in a record signed by its network
    /// key, so that members that list it by `/p2p/<peer id>` alone dial it there.
    #[arg(long, value_name = "MULTIADDR", value_delimiter = ',', num_args = 1..)]
    pub public_addr: Vec<String>,

    /// Accept and dial only the chain spec's `bootNodes` and `--bootnodes` (the default for a
    /// validator: a consortium's validators talk to the consortium's peers only). Full nodes
    /// that a validator should serve are listed in its `--bootnodes`.
    #[arg(long)]
    pub reserved_only: bool,

    /// Accept any peer, even as a validator.
    #[arg(long, conflicts_with = "reserved_only")]
    pub open_peering: bool,

    /// File holding this node's libp2p identity key (0x + 64 hex digits); default
    /// `<base-path>/chains/<id>/network/secret_ed25519`, created on first start.
    #[arg(long, value_name = "FILE")]
    pub node_key_file: Option<PathBuf>,

    /// State pruning: `archive` keeps every state (auditors need it), a number N keeps the states
    /// of the last N blocks (blocks themselves are always kept). Chosen when the database is
    /// created (default archive); an existing database keeps its mode and refuses another.
    #[arg(long, value_name = "archive|N", value_parser = parse_pruning)]
    pub pruning: Option<Pruning>,

    /// Log filter, e.g. `info` or `node=debug,rpc=info`.
    #[arg(long, default_value = "info", env = "RUST_LOG")]
    pub log: String,
}

fn parse_pruning(text: &str) -> Result<Pruning, String> {
    if text == "archive" {
        return Ok(Pruning::Archive);
    }
    match text.parse::<u32>() {
        Ok(0) | Err(_) => Err(format!("`{text}` is neither `archive` nor a positive number of blocks")),
        Ok(blocks) => Ok(Pruning::Last(blocks)),
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prints a chain spec as JSON (the development spec, or a new one with fresh validator keys).
    BuildSpec(BuildSpecArgs),
    /// Key management: generate or inspect sr25519 / ed25519 keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Writes the chain's finalized blocks, with their certificates, to a file.
    ExportBlocks(ExportArgs),
    /// Imports blocks from a file written by `export-blocks`, re-executing each.
    ImportBlocks(ImportArgs),
    /// Deletes the chain's database.
    PurgeChain(PurgeArgs),
    /// Re-executes the chain from genesis and checks every certificate, signature and root (and
    /// the database's stored state); reports the first mismatch.
    Replay(ReplayArgs),
    /// Verifies an item's journey from any node against the chain spec alone: the finality
    /// certificate, the validator set since genesis, and the storage proof of every value.
    Verify(VerifyArgs),
    /// Writes an item's label: its GS1 Digital Link as a QR code with the GS1 keys printed under
    /// it, as SVG or PNG (chosen by the --out extension).
    Qr(QrArgs),
    /// Exports an item's journey from a node as a GS1 EPCIS 2.0 document (JSON-LD).
    Epcis(EpcisArgs),
}

/// `qr` options.
#[derive(Debug, Args)]
pub struct QrArgs {
    /// The item: its GS1 Digital Link URI (encoded as given), or its id (0x + 64 hex digits,
    /// looked up with --rpc).
    pub item: String,
    /// The label file: `*.svg` or `*.png`.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A node to look the item up on: needed for an id; with a URI, checks that the item is
    /// registered and prints its lot too. Default for an id: http://127.0.0.1:9944.
    #[arg(long, value_name = "URL")]
    pub rpc: Option<String>,
}

/// `epcis` options.
#[derive(Debug, Args)]
pub struct EpcisArgs {
    /// The item: its GS1 Digital Link URI or its id (0x + 64 hex digits).
    pub item: String,
    /// The node to ask.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9944")]
    pub rpc: String,
    /// Write the document to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The block (hash) whose state to export; default the node's best block.
    #[arg(long, value_name = "HASH")]
    pub at: Option<String>,
}

/// `verify` options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The item: its GS1 Digital Link URI or its id (0x + 64 hex digits).
    pub item: String,
    /// The node to ask (any node; nothing it says is trusted unless proven).
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    pub rpc: String,
    /// The chain spec to trust (default: the one --dev / --chain select).
    #[arg(long, value_name = "SPEC.json")]
    pub chain_spec: Option<PathBuf>,
}

/// `replay` options.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Replay a file written by `export-blocks` instead of the database under --base-path.
    #[arg(long, value_name = "FILE")]
    pub blocks: Option<PathBuf>,
    /// Print the report as JSON (no progress bar).
    #[arg(long)]
    pub json: bool,
    /// Also compare every value each block wrote with the database's state at that block
    /// (slower; by default only the final state is compared).
    #[arg(long)]
    pub check_every_state: bool,
}

/// `build-spec` options.
#[derive(Debug, Args)]
pub struct BuildSpecArgs {
    /// Start from the development spec (default).
    #[arg(long)]
    pub dev: bool,
    /// Replace the validator set with N fresh ed25519 keys, one per admin organisation in turn;
    /// their secret seeds are written next to the spec as `validator-<i>.key` in --keys-dir.
    #[arg(long, value_name = "N")]
    pub validators: Option<u32>,
    /// Where to write the validators' key files.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub keys_dir: PathBuf,
}

/// `key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generates a new key with a 12-word phrase.
    Generate {
        /// Signature scheme.
        #[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
        scheme: Scheme,
        /// SS58 prefix of the printed address.
        #[arg(long, default_value_t = 42)]
        ss58_prefix: u16,
    },
    /// Writes a new libp2p identity key to a file and prints its peer id.
    GenerateNodeKey {
        /// The file to write (refuses to overwrite).
        #[arg(long)]
        file: PathBuf,
    },
    /// Prints the peer id of a libp2p identity key file.
    InspectNodeKey {
        /// The key file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Prints the public key and address of a secret URI such as `//Alice` or a phrase.
    Inspect {
        /// The secret URI.
        uri: String,
        /// Signature scheme.
        #[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
        scheme: Scheme,
        /// SS58 prefix of the printed address.
        #[arg(long, default_value_t = 42)]
        ss58_prefix: u16,
    },
}

/// Key schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// Schnorr over Ristretto25519: accounts.
    Sr25519,
    /// Ed25519: consensus keys.
    Ed25519,
}

/// `export-blocks` options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output file.
    #[arg(long, short)]
    pub output: PathBuf,
    /// First block (default 1).
    #[arg(long, default_value_t = 1)]
    pub from: u32,
    /// Last block (default: the last finalized).
    #[arg(long)]
    pub to: Option<u32>,
}

/// `import-blocks` options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Input file.
    pub input: PathBuf,
}

/// `purge-chain` options.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// A `--resolver-default-link`: `linkset`, or an `https://` URL a `Location` header can carry.
fn parse_default_link(value: &str) -> Result<String, String> {
    let url_ok = value.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 512
            && rest.bytes().all(|byte| byte.is_ascii_graphic() && !b"<>\"\\^`{|}".contains(&byte))
    });
    if value == "linkset" || url_ok {
        Ok(value.to_string())
    } else {
        Err("expected `linkset` or an https:// URL of at most 512 printable ASCII characters".into())
    }
}
