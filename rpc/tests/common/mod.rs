//! Shared harness for the server's integration tests: a [`NodeClient`] backed by the real runtime
//! ([`InMemoryChain`]: real genesis, real blocks, real signatures) with a tiny in-test pool, the
//! real server on `127.0.0.1:0`, and minimal HTTP and WebSocket JSON-RPC clients.

#![allow(dead_code)]

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use parity_scale_codec::Encode;
use serde_json::{json, Value};
use tokio::{
    net::TcpStream,
    sync::{broadcast, mpsc},
};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};
use tracechain_primitives::{
    extrinsic::MultiAddress,
    hashing::blake2_256_h,
    header::{Block, Header},
    keyring::{dev_sr25519, Sr25519Pair},
    AccountId32, BlockNumber, Nonce, H256,
};
use tracechain_rpc::{
    client::{ClientError, NodeClient, SubmitError, TransactionStatus},
    RpcConfig, RpcHandle,
};
use tracechain_runtime::{
    ChainSpec, InMemoryChain, RuntimeCall, RuntimeEvent, SignatureCheck, TransactionError, UncheckedExtrinsic,
};
use tracechain_support::EventRecord;

/// `System.Number`'s storage key.
pub const SYSTEM_NUMBER_KEY: &str = "0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac";
/// The `System` pallet's storage prefix.
pub const SYSTEM_PREFIX: &str = "0x26aa394eea5630e07c48ae0c9558cef7";
/// What the test node stores as each block's finality certificate.
pub const CERTIFICATE: &[u8] = b"commit";

/// How long any single wait in these tests may take.
const TIMEOUT: Duration = Duration::from_secs(20);

struct Inner {
    chain: InMemoryChain,
    canonical: Vec<H256>,
    blocks: HashMap<H256, (Block, Option<Vec<u8>>)>,
    events: HashMap<H256, Vec<EventRecord<RuntimeEvent>>>,
    pool: Vec<(H256, Vec<u8>)>,
    watchers: HashMap<H256, mpsc::Sender<TransactionStatus>>,
}

/// A node made of the in-memory chain and a pool that is a list.
pub struct TestNode {
    spec: ChainSpec,
    inner: Mutex<Inner>,
    best: broadcast::Sender<Header>,
    finalized: broadcast::Sender<Header>,
}

impl TestNode {
    /// A development chain at genesis.
    pub fn new() -> Arc<Self> {
        let spec = ChainSpec::development().expect("development spec");
        let genesis = spec.genesis().expect("genesis").block;
        let chain = InMemoryChain::new(&spec).expect("chain");
        let hash = genesis.hash();
        assert_eq!(hash, chain.genesis_hash());
        let inner = Inner {
            chain,
            canonical: vec![hash],
            blocks: HashMap::from([(hash, (genesis, None))]),
            events: HashMap::from([(hash, Vec::new())]),
            pool: Vec::new(),
            watchers: HashMap::new(),
        };
        Arc::new(Self {
            spec,
            inner: Mutex::new(inner),
            best: broadcast::channel(16).0,
            finalized: broadcast::channel(16).0,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().expect("test node lock")
    }

    /// The genesis hash.
    pub fn genesis(&self) -> H256 {
        self.lock().chain.genesis_hash()
    }

    /// The best header.
    pub fn head(&self) -> Header {
        self.lock().chain.head().clone()
    }

    /// `call` signed by `pair` with `nonce`, immortal: length-prefixed bytes.
    pub fn sign(&self, pair: &Sr25519Pair, call: RuntimeCall, nonce: Nonce) -> Vec<u8> {
        self.lock().chain.sign(pair, call, nonce)
    }

    /// Imports a block built elsewhere (by full re-execution) as best and final.
    pub fn import(&self, block: &Block) {
        let header = {
            let mut inner = self.lock();
            inner.chain.import_block(block).expect("the block imports");
            let hash = block.hash();
            let events = inner.chain.head_events().to_vec();
            inner.canonical.push(hash);
            inner.blocks.insert(hash, (block.clone(), Some(CERTIFICATE.to_vec())));
            inner.events.insert(hash, events);
            block.header.clone()
        };
        let _ = self.best.send(header.clone());
        let _ = self.finalized.send(header);
    }

    /// Builds a block from every pooled extrinsic, imports it as best and final, tells the
    /// watchers, and broadcasts its header.
    pub fn produce_block(&self) -> Block {
        let (block, header) = {
            let mut inner = self.lock();
            let pending = std::mem::take(&mut inner.pool);
            let bytes: Vec<Vec<u8>> = pending.iter().map(|(_, bytes)| bytes.clone()).collect();
            let now = 1_700_000_000_000 + u64::from(inner.chain.head().number + 1) * 6_000;
            let (block, results) = inner.chain.build_block(now, &bytes, SignatureCheck::Verify).expect("block builds");
            let hash = block.hash();
            let events = inner.chain.head_events().to_vec();
            inner.canonical.push(hash);
            inner.blocks.insert(hash, (block.clone(), Some(CERTIFICATE.to_vec())));
            inner.events.insert(hash, events);
            for ((tx_hash, _), result) in pending.iter().zip(results) {
                if let Some(watcher) = inner.watchers.remove(tx_hash) {
                    let statuses = match result {
                        Ok(_) => vec![TransactionStatus::InBlock(hash), TransactionStatus::Finalized(hash)],
                        Err(_) => vec![TransactionStatus::Invalid],
                    };
                    for status in statuses {
                        let _ = watcher.try_send(status);
                    }
                }
            }
            let header = block.header.clone();
            (block, header)
        };
        let _ = self.best.send(header.clone());
        let _ = self.finalized.send(header);
        block
    }

    fn admit(&self, bytes: Vec<u8>) -> Result<(H256, TransactionStatus), SubmitError> {
        let hash = blake2_256_h(&bytes);
        let mut inner = self.lock();
        if inner.pool.iter().any(|(pooled, _)| *pooled == hash) {
            return Err(SubmitError::AlreadyImported(hash));
        }
        let status = match inner.chain.validate(&bytes) {
            Ok(_) => TransactionStatus::Ready,
            Err(TransactionError::Future { .. }) => TransactionStatus::Future,
            Err(error) => return Err(SubmitError::Invalid(error)),
        };
        inner.pool.push((hash, bytes));
        Ok((hash, status))
    }
}

fn client_error(error: impl std::fmt::Display) -> ClientError {
    ClientError::Database(error.to_string())
}

impl NodeClient for TestNode {
    fn spec(&self) -> &ChainSpec {
        &self.spec
    }

    fn node_name(&self) -> String {
        "test-node".into()
    }

    fn peer_count(&self) -> usize {
        0
    }

    fn is_syncing(&self) -> bool {
        false
    }

    fn genesis_hash(&self) -> H256 {
        self.genesis()
    }

    fn best_header(&self) -> Header {
        self.head()
    }

    fn finalized_header(&self) -> Header {
        self.head()
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        Ok(self.lock().chain.header(hash).cloned())
    }

    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        Ok(self.lock().canonical.get(number as usize).copied())
    }

    fn block(&self, hash: &H256) -> Result<Option<(Block, Option<Vec<u8>>)>, ClientError> {
        Ok(self.lock().blocks.get(hash).cloned())
    }

    fn events(&self, hash: &H256) -> Result<Vec<EventRecord<RuntimeEvent>>, ClientError> {
        Ok(self.lock().events.get(hash).cloned().unwrap_or_default())
    }

    fn storage(&self, state_root: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ClientError> {
        self.lock().chain.state_at(state_root).get(key).map_err(client_error)
    }

    fn storage_keys(
        &self,
        state_root: H256,
        prefix: &[u8],
        count: usize,
        start_after: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, ClientError> {
        self.lock().chain.state_at(state_root).keys_paged(prefix, count, start_after).map_err(client_error)
    }

    fn read_proof(&self, state_root: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ClientError> {
        self.lock().chain.state_at(state_root).read_proof(keys).map_err(client_error)
    }

    fn next_nonce(&self, account: &AccountId32) -> Result<Nonce, ClientError> {
        let inner = self.lock();
        let pooled = inner
            .pool
            .iter()
            .filter_map(|(_, bytes)| UncheckedExtrinsic::decode_exact(bytes).ok()?.signature)
            .filter(|(address, _, _)| *address == MultiAddress::Id(*account))
            .count() as Nonce;
        Ok(inner.chain.account_nonce(account) + pooled)
    }

    fn account_nonce(&self, state_root: H256, account: &AccountId32) -> Result<Nonce, ClientError> {
        let inner = self.lock();
        Ok(inner.chain.runtime().account_nonce(&inner.chain.state_at(state_root), account))
    }

    fn validate_transaction(&self, bytes: &[u8]) -> Result<Result<Vec<u8>, Vec<u8>>, ClientError> {
        Ok(self.lock().chain.validate(bytes).map(|valid| valid.encode()).map_err(|error| error.to_substrate()))
    }

    fn submit(&self, bytes: Vec<u8>) -> Result<(H256, TransactionStatus), SubmitError> {
        self.admit(bytes)
    }

    fn submit_and_watch(&self, bytes: Vec<u8>) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError> {
        let (hash, status) = self.admit(bytes)?;
        let (sender, receiver) = mpsc::channel(16);
        let _ = sender.try_send(status);
        self.lock().watchers.insert(hash, sender);
        Ok((hash, receiver))
    }

    fn pending(&self) -> Vec<Vec<u8>> {
        self.lock().pool.iter().map(|(_, bytes)| bytes.clone()).collect()
    }

    fn remove_pooled(&self, hashes: &[H256]) -> Vec<H256> {
        let mut inner = self.lock();
        let mut removed = Vec::new();
        inner.pool.retain(|(hash, _)| {
            let remove = hashes.contains(hash);
            if remove {
                removed.push(*hash);
            }
            !remove
        });
        for hash in &removed {
            if let Some(watcher) = inner.watchers.remove(hash) {
                let _ = watcher.try_send(TransactionStatus::Dropped);
            }
        }
        removed
    }

    fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.best.subscribe()
    }

    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized.subscribe()
    }
}

/// A well-known development account.
pub fn dev(name: &str) -> Sr25519Pair {
    dev_sr25519(name)
}

/// `System.remark(bytes)`.
pub fn remark(bytes: &[u8]) -> RuntimeCall {
    RuntimeCall::System(pallet_system::Call::remark { remark: bytes.to_vec() })
}

/// `0x`-prefixed hex.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Bytes from `0x` hex in a JSON value.
pub fn unhex(value: &Value) -> Vec<u8> {
    let text = value.as_str().unwrap_or_else(|| panic!("expected a hex string, got {value}"));
    hex::decode(text.trim_start_matches("0x")).expect("hex")
}

/// A hash from `0x` hex in a JSON value.
pub fn hash_of(value: &Value) -> H256 {
    H256::from_slice(&unhex(value))
}

/// A test node and the real server on `127.0.0.1:0`, with `adjust` applied to the default
/// configuration.
pub async fn serve_with(adjust: impl FnOnce(&mut RpcConfig)) -> (Arc<TestNode>, RpcHandle) {
    serve_node_with(TestNode::new(), adjust).await
}

/// The real server with the default limits in front of `node`.
pub async fn serve_node(node: Arc<TestNode>) -> (Arc<TestNode>, RpcHandle) {
    serve_node_with(node, |_| {}).await
}

async fn serve_node_with(node: Arc<TestNode>, adjust: impl FnOnce(&mut RpcConfig)) -> (Arc<TestNode>, RpcHandle) {
    let mut config = RpcConfig { addr: "127.0.0.1:0".parse().expect("address"), ..RpcConfig::default() };
    adjust(&mut config);
    let handle = tracechain_rpc::start(config, node.clone()).await.expect("server starts");
    assert_ne!(handle.local_addr().port(), 0);
    (node, handle)
}

/// A test node and the real server with the default limits.
pub async fn serve() -> (Arc<TestNode>, RpcHandle) {
    serve_with(|_| {}).await
}

/// POSTs `body` as JSON; returns the HTTP status and the body.
pub async fn post_raw(url: &str, body: String) -> (u16, String) {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        let request = ureq::post(&url).set("Content-Type", "application/json").timeout(TIMEOUT);
        match request.send_string(&body) {
            Ok(response) => (response.status(), response.into_string().expect("body")),
            Err(ureq::Error::Status(status, response)) => (status, response.into_string().expect("body")),
            Err(error) => panic!("HTTP transport error: {error}"),
        }
    })
    .await
    .expect("HTTP task")
}

/// POSTs only the headers of a JSON request whose `Content-Length` says `length`, as a client
/// about to send a large body does; returns the HTTP status and body of the server's answer.
/// (Sending the body too would race the server's refusal: it answers and closes without reading
/// it, and the client's write then fails.)
pub async fn post_announcing(addr: SocketAddr, length: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send headers");
    let mut response = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        let mut buffer = [0u8; 4096];
        loop {
            let read = stream.read(&mut buffer).await.expect("read response");
            if read == 0 {
                break;
            }
            response.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&response);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let declared = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_string())
                    })
                    .and_then(|n| n.parse::<usize>().ok());
                if declared.is_some_and(|declared| body.len() >= declared) {
                    break;
                }
            }
        }
    })
    .await
    .expect("the server answers in time");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).expect("a status");
    (status, body.to_string())
}

/// POSTs `system_name` with these `Host` and `Origin` headers; returns the HTTP status, the
/// `Access-Control-Allow-Origin` header and the body.
pub async fn post_as(url: &str, host: Option<&str>, origin: Option<&str>) -> (u16, Option<String>, String) {
    let (url, host, origin) = (url.to_string(), host.map(str::to_string), origin.map(str::to_string));
    tokio::task::spawn_blocking(move || {
        let mut request = ureq::post(&url).set("Content-Type", "application/json").timeout(TIMEOUT);
        if let Some(host) = &host {
            request = request.set("Host", host);
        }
        if let Some(origin) = &origin {
            request = request.set("Origin", origin);
        }
        let response = match request.send_string(r#"{"jsonrpc":"2.0","id":1,"method":"system_name"}"#) {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("HTTP transport error: {error}"),
        };
        let allowed = response.header("access-control-allow-origin").map(str::to_string);
        (response.status(), allowed, response.into_string().expect("body"))
    })
    .await
    .expect("HTTP task")
}

/// One JSON-RPC call over HTTP; returns the whole response object.
pub async fn call(url: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
    let (_, text) = post_raw(url, body).await;
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{method}: response is not JSON ({error}): {text}"))
}

/// `value` cut to a readable length for assertion messages.
pub fn brief(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The `result` of a call that must succeed.
pub async fn result(url: &str, method: &str, params: Value) -> Value {
    let response = call(url, method, params.clone()).await;
    assert!(response.get("error").is_none(), "{method}({}) failed: {}", brief(&params), brief(&response));
    response["result"].clone()
}

/// The `error` of a call that must fail.
pub async fn error(url: &str, method: &str, params: Value) -> Value {
    let response = call(url, method, params.clone()).await;
    assert!(response.get("result").is_none(), "{method}({}) should fail: {}", brief(&params), brief(&response));
    response["error"].clone()
}

/// A minimal WebSocket JSON-RPC client.
pub struct Ws {
    sender: soketto::Sender<Compat<TcpStream>>,
    receiver: soketto::Receiver<Compat<TcpStream>>,
    next_id: u64,
    /// Notifications received while waiting for a response.
    backlog: VecDeque<Value>,
}

/// How a WebSocket handshake ended.
pub enum Handshake {
    /// Upgraded.
    Accepted(Ws),
    /// Refused with this HTTP status.
    Rejected(u16),
}

impl Ws {
    /// Connects to `addr`, which must accept.
    pub async fn connect(addr: SocketAddr) -> Ws {
        match Self::try_connect(addr).await {
            Handshake::Accepted(ws) => ws,
            Handshake::Rejected(status) => panic!("WebSocket handshake refused with HTTP {status}"),
        }
    }

    /// Connects to `addr`.
    pub async fn try_connect(addr: SocketAddr) -> Handshake {
        Self::try_connect_as(addr, &addr.to_string(), None).await
    }

    /// Connects to `addr` naming `host` in the Host header, and `origin` in an Origin header as
    /// a browser does.
    pub async fn try_connect_as(addr: SocketAddr, host: &str, origin: Option<&str>) -> Handshake {
        let socket = TcpStream::connect(addr).await.expect("TCP connect");
        let mut client = soketto::handshake::Client::new(socket.compat(), host, "/");
        let origin_header;
        if let Some(origin) = origin {
            origin_header = [soketto::handshake::client::Header { name: "Origin", value: origin.as_bytes() }];
            client.set_headers(&origin_header);
        }
        match client.handshake().await.expect("handshake") {
            soketto::handshake::ServerResponse::Accepted { .. } => {}
            soketto::handshake::ServerResponse::Rejected { status_code } => return Handshake::Rejected(status_code),
            soketto::handshake::ServerResponse::Redirect { status_code, .. } => {
                return Handshake::Rejected(status_code)
            }
        }
        let (sender, receiver) = client.into_builder().finish();
        Handshake::Accepted(Ws { sender, receiver, next_id: 1, backlog: VecDeque::new() })
    }

    /// Sends one text message.
    pub async fn send_text(&mut self, text: &str) {
        self.sender.send_text(text).await.expect("send");
        self.sender.flush().await.expect("flush");
    }

    /// The next message, whatever it is.
    pub async fn next_message(&mut self) -> Value {
        let mut data = Vec::new();
        tokio::time::timeout(TIMEOUT, self.receiver.receive_data(&mut data))
            .await
            .expect("a WebSocket message in time")
            .expect("receive");
        serde_json::from_slice(&data).expect("message is JSON")
    }

    /// One call; returns the whole response, keeping notifications that arrive first.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send_text(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()).await;
        loop {
            let message = self.next_message().await;
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// Subscribes; returns the subscription id.
    pub async fn subscribe(&mut self, method: &str, params: Value) -> String {
        let response = self.call(method, params.clone()).await;
        let id = response["result"].as_str().unwrap_or_else(|| panic!("{method}({params}) failed: {response}"));
        id.to_string()
    }

    /// The next notification of `subscription`: its method and result.
    pub async fn notification(&mut self, subscription: &str) -> (String, Value) {
        let position = self.backlog.iter().position(|message| message["params"]["subscription"] == json!(subscription));
        let message = match position.and_then(|index| self.backlog.remove(index)) {
            Some(message) => message,
            None => loop {
                let message = self.next_message().await;
                if message["params"]["subscription"] == json!(subscription) {
                    break message;
                }
                self.backlog.push_back(message);
            },
        };
        let method = message["method"].as_str().expect("notification method").to_string();
        (method, message["params"]["result"].clone())
    }

    /// Whether a notification of `subscription` arrives within `wait`.
    pub async fn quiet_for(&mut self, subscription: &str, wait: Duration) -> bool {
        if self.backlog.iter().any(|message| message["params"]["subscription"] == json!(subscription)) {
            return false;
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut data = Vec::new();
            match tokio::time::timeout_at(deadline, self.receiver.receive_data(&mut data)).await {
                Err(_) => return true,
                Ok(received) => {
                    received.expect("receive");
                    let message: Value = serde_json::from_slice(&data).expect("JSON");
                    if message["params"]["subscription"] == json!(subscription) {
                        return false;
                    }
                    self.backlog.push_back(message);
                }
            }
        }
    }
}

/// This machine's address on its outward interface (not loopback), if it has one: what the
/// connection tests use to call as an outside caller would.
pub fn outward_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // No packet is sent: connecting a UDP socket only picks the route.
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// This machine's address.
pub const LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// A TCP connection to `addr` from `source` (any port).
pub async fn connect_from(source: std::net::IpAddr, addr: SocketAddr) -> TcpStream {
    let socket = match source {
        std::net::IpAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
        std::net::IpAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
    }
    .expect("socket");
    socket.bind(SocketAddr::new(source, 0)).expect("bind the source address");
    tokio::time::timeout(TIMEOUT, socket.connect(addr)).await.expect("connect in time").expect("connect")
}

/// Reads an HTTP response head (and, for a response with a `Content-Length`, its body) from
/// `stream`; returns the status and body. `None` when the connection closes first.
pub async fn read_response(stream: &mut TcpStream) -> Option<(u16, String)> {
    use tokio::io::AsyncReadExt;
    let mut response = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        let mut buffer = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&response).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let declared = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_string())
                    })
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= declared {
                    let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).expect("a status");
                    return Some((status, body.to_string()));
                }
            }
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(read) => response.extend_from_slice(&buffer[..read]),
            }
        }
    })
    .await
    .expect("an HTTP response or a close in time")
}

/// POSTs `system_health` on `stream` (kept alive); returns the status and body, `None` when the
/// server closed the connection instead.
pub async fn post_health_on(stream: &mut TcpStream, addr: SocketAddr) -> Option<(u16, String)> {
    use tokio::io::AsyncWriteExt;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"system_health"}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // A write to a closed connection may fail; the read then says so.
    let _ = stream.write_all(request.as_bytes()).await;
    read_response(stream).await
}

/// POSTs `system_health` from `source` on a new connection; returns the status and body.
pub async fn post_health_from(source: std::net::IpAddr, addr: SocketAddr) -> (u16, String) {
    let mut stream = connect_from(source, addr).await;
    post_health_on(&mut stream, addr).await.expect("an HTTP answer")
}

/// Opens a WebSocket from `source` by hand and then leaves it alone: nothing sent, nothing read
/// (so no ping is answered). Returns the socket, or the refusal's status and body.
pub async fn raw_websocket_from(source: std::net::IpAddr, addr: SocketAddr) -> Result<TcpStream, (u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = connect_from(source, addr).await;
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \
         dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("send the upgrade");
    // Read the head byte by byte, so that nothing after it (a ping) is consumed.
    let mut head = Vec::new();
    let status = tokio::time::timeout(TIMEOUT, async {
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await.expect("read the answer") == 0 {
                break;
            }
            head.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        text.split_whitespace().nth(1).and_then(|code| code.parse::<u16>().ok()).expect("a status")
    })
    .await
    .expect("an answer to the upgrade in time");
    if status == 101 {
        return Ok(stream);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length = text
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_string()))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = tokio::time::timeout(TIMEOUT, stream.read_exact(&mut body)).await;
    Err((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Whether the server closes `stream` within `within` (reading and dropping what it sends).
pub async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    tokio::time::timeout(within, async {
        let mut buffer = [0u8; 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// Waits, up to the tests' bound, until `condition` holds; returns whether it did.
pub async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}
