//! A consortium network of real `tracechain` processes on 127.0.0.1: a chain spec with fresh
//! validator keys, one network key and free ports per node, every node in the spec's
//! `bootNodes` (validators accept only those peers).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::free_port;

/// One node of a [`TestNetwork`].
pub struct NetNode {
    /// Its JSON-RPC port.
    pub rpc_port: u16,
    /// Its peer-to-peer port.
    pub p2p_port: u16,
    /// Its validator key file, if it validates.
    pub key_file: Option<PathBuf>,
    /// Its libp2p peer id.
    pub peer_id: String,
    /// More command-line arguments for it.
    pub extra_args: Vec<String>,
    /// Environment variables set for it.
    pub extra_env: Vec<(String, String)>,
    /// The address it listens on (peer-to-peer and JSON-RPC).
    pub ip: String,
    /// What runs it (e.g. `ip netns exec <namespace>`), before the binary.
    pub command_prefix: Vec<String>,
    node_key: PathBuf,
    base_path: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl NetNode {
    /// Its peer-to-peer address with its peer id.
    pub fn address(&self) -> String {
        format!("/ip4/{}/tcp/{}/p2p/{}", self.ip, self.p2p_port, self.peer_id)
    }
}

/// A set of nodes sharing one chain spec.
pub struct TestNetwork {
    /// The chain spec file.
    pub spec: PathBuf,
    /// The nodes, by index.
    pub nodes: Vec<NetNode>,
    /// The chain spec.
    pub spec_json: Value,
}

fn tracechain(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tracechain")).args(args).output().expect("run tracechain");
    assert!(output.status.success(), "tracechain {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

impl TestNetwork {
    /// A network in `dir` of `validators` validators (from a fresh spec) and `others` more
    /// nodes; `extra_keys` gives some of the others a validator key that is not (yet) in the set.
    pub fn new(dir: &Path, validators: usize, others: usize, extra_keys: &[(usize, &Path)]) -> Self {
        let keys = dir.join("keys");
        let spec_text = tracechain(&[
            "build-spec",
            "--validators",
            &validators.to_string(),
            "--keys-dir",
            keys.to_str().expect("path"),
        ]);
        let mut spec_json: Value = serde_json::from_str(&spec_text).expect("spec json");
        let mut nodes = Vec::new();
        let mut boot_nodes = Vec::new();
        for index in 0..validators + others {
            let base_path = dir.join(format!("node{index}"));
            std::fs::create_dir_all(&base_path).expect("node dir");
            let node_key = base_path.join("node.key");
            let peer_id = tracechain(&["key", "generate-node-key", "--file", node_key.to_str().expect("path")]);
            let p2p_port = free_port();
            boot_nodes.push(format!("/ip4/127.0.0.1/tcp/{p2p_port}/p2p/{}", peer_id.trim()));
            let key_file = if index < validators {
                Some(keys.join(format!("validator-{index}.key")))
            } else {
                extra_keys.iter().find(|(node, _)| *node == index).map(|(_, path)| path.to_path_buf())
            };
            nodes.push(NetNode {
                rpc_port: free_port(),
                p2p_port,
                key_file,
                peer_id: peer_id.trim().to_string(),
                extra_args: Vec::new(),
                extra_env: Vec::new(),
                ip: "127.0.0.1".into(),
                command_prefix: Vec::new(),
                node_key,
                log: base_path.join("node.log"),
                base_path,
                child: None,
            });
        }
        spec_json["bootNodes"] = json!(boot_nodes);
        let spec = dir.join("spec.json");
        std::fs::write(&spec, serde_json::to_string_pretty(&spec_json).expect("json")).expect("write spec");
        Self { spec, nodes, spec_json }
    }

    /// Puts every node in its namespace of `lab`, at the lab's address for it.
    pub fn place_in(&mut self, lab: &super::netns::NetLab) {
        for (index, node) in self.nodes.iter_mut().enumerate() {
            node.ip = lab.ip(index);
            node.command_prefix = lab.exec_prefix(index);
        }
        self.rewrite_boot_nodes(|_, node| Some(node.address()));
    }

    /// Sends `signal` (e.g. `STOP`, `CONT`) to node `index`'s process.
    pub fn signal(&self, index: usize, signal: &str) {
        let pid = self.nodes[index].child.as_ref().expect("running").id();
        let status = Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().expect("kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Lists the nodes of `indices` in the spec's `bootNodes` by peer id alone: the others accept
    /// them, but do not know where to dial them.
    pub fn list_by_peer_id_only(&mut self, indices: &[usize]) {
        self.rewrite_boot_nodes(|index, node| match indices.contains(&index) {
            true => Some(format!("/p2p/{}", node.peer_id)),
            false => Some(node.address()),
        });
    }

    /// Leaves the nodes of `indices` out of the spec's `bootNodes`: validators refuse them.
    pub fn leave_out_of_spec(&mut self, indices: &[usize]) {
        self.rewrite_boot_nodes(|index, node| (!indices.contains(&index)).then(|| node.address()));
    }

    fn rewrite_boot_nodes(&mut self, entry: impl Fn(usize, &NetNode) -> Option<String>) {
        let boot_nodes: Vec<String> =
            self.nodes.iter().enumerate().filter_map(|(index, node)| entry(index, node)).collect();
        self.spec_json["bootNodes"] = json!(boot_nodes);
        std::fs::write(&self.spec, serde_json::to_string_pretty(&self.spec_json).expect("json")).expect("write spec");
    }

    /// The peer ids node `index` is connected to (`system_peers`).
    pub fn peers_of(&self, index: usize) -> Vec<String> {
        let peers = self.try_call(index, "system_peers", json!([])).unwrap_or_default();
        let peers = peers.as_array().cloned().unwrap_or_default();
        peers.iter().filter_map(|peer| peer["peerId"].as_str().map(str::to_string)).collect()
    }

    /// Starts node `index` and waits for its RPC.
    pub fn start(&mut self, index: usize) {
        let spec = self.spec.clone();
        let node = &mut self.nodes[index];
        assert!(node.child.is_none(), "node {index} is running");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&node.log).expect("log");
        let mut command = match node.command_prefix.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(env!("CARGO_BIN_EXE_tracechain"));
                command
            }
            None => Command::new(env!("CARGO_BIN_EXE_tracechain")),
        };
        command
            .arg("--chain")
            .arg(&spec)
            .arg("--base-path")
            .arg(&node.base_path)
            .arg("--node-key-file")
            .arg(&node.node_key)
            .args(["--name", &format!("node-{index}"), "--listen-ip", &node.ip, "--no-prometheus"])
            .args(["--port", &node.p2p_port.to_string(), "--rpc-port", &node.rpc_port.to_string()])
            .args(["--block-time-ms", "500", "--log", "info"]);
        if let Some(key) = &node.key_file {
            command.arg("--validator").arg("--key-file").arg(key);
        }
        if node.ip != "127.0.0.1" {
            // In its own namespace: reachable only over the lab's bridge.
            command.arg("--rpc-external");
        }
        command.args(&node.extra_args).envs(node.extra_env.iter().map(|(name, value)| (name, value)));
        node.child = Some(command.stdout(Stdio::null()).stderr(log).spawn().expect("start tracechain"));
        self.wait(index, Duration::from_secs(60), "RPC up", |network| {
            network.try_call(index, "system_health", json!([])).is_ok()
        });
    }

    /// Kills node `index` at once (SIGKILL: a crash, no shutdown).
    pub fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.nodes[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Calls `method` on node `index`.
    pub fn try_call(&self, index: usize, method: &str, params: Value) -> Result<Value, String> {
        let response: Value = ureq::post(&self.url(index))
            .timeout(Duration::from_secs(10))
            .send_json(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .map_err(|error| error.to_string())?
            .into_json()
            .map_err(|error| error.to_string())?;
        match response.get("result") {
            Some(result) => Ok(result.clone()),
            None => Err(format!("{method}: {response}")),
        }
    }

    /// Calls `method` on node `index`, panicking on an error.
    pub fn call(&self, index: usize, method: &str, params: Value) -> Value {
        self.try_call(index, method, params).unwrap_or_else(|error| panic!("node {index}: {error}"))
    }

    /// The number of node `index`'s last finalized block.
    pub fn finalized(&self, index: usize) -> u32 {
        let hash = self.call(index, "chain_getFinalizedHead", json!([]));
        let header = self.call(index, "chain_getHeader", json!([hash]));
        u32::from_str_radix(header["number"].as_str().expect("number").trim_start_matches("0x"), 16).expect("hex")
    }

    /// The hash of block `number` on node `index`.
    pub fn block_hash(&self, index: usize, number: u32) -> Option<String> {
        self.call(index, "chain_getBlockHash", json!([number])).as_str().map(str::to_string)
    }

    /// Waits until `condition` holds, at most `timeout`; panics with the logs otherwise.
    pub fn wait(&self, index: usize, timeout: Duration, what: &str, condition: impl Fn(&Self) -> bool) {
        let started = Instant::now();
        while !condition(self) {
            if started.elapsed() > timeout {
                panic!("node {index}: `{what}` not reached in {timeout:?}; log tail:\n{}", self.log_tail(index, 40));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The last `lines` lines of node `index`'s log.
    pub fn log_tail(&self, index: usize, lines: usize) -> String {
        let log = std::fs::read_to_string(&self.nodes[index].log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(lines).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Waits until every node of `indices` has finalized block `number`.
    pub fn wait_finalized(&self, indices: &[usize], number: u32, timeout: Duration) {
        for &index in indices {
            self.wait(index, timeout, &format!("finalized #{number}"), |network| {
                network.try_call(index, "chain_getFinalizedHead", json!([])).is_ok()
                    && network.finalized(index) >= number
            });
        }
    }

    /// Asserts that the nodes of `indices` agree on every block up to the lowest finalized one:
    /// never two different blocks final at one height.
    pub fn assert_one_chain(&self, indices: &[usize]) -> u32 {
        let lowest = indices.iter().map(|&index| self.finalized(index)).min().expect("nodes");
        for number in 1..=lowest {
            let hashes: Vec<Option<String>> = indices.iter().map(|&index| self.block_hash(index, number)).collect();
            assert!(
                hashes.iter().all(|hash| hash.is_some() && *hash == hashes[0]),
                "block #{number} differs: {hashes:?}"
            );
        }
        lowest
    }

    /// The resident memory of node `index`'s process, in bytes (Linux: `VmRSS`), while it runs.
    pub fn resident_bytes(&self, index: usize) -> Option<u64> {
        let pid = self.nodes[index].child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// Waits (at most `timeout`) for the first event in node `index`'s finalized blocks that
    /// `pick` picks; returns the block it is in and what `pick` made of it.
    pub fn wait_for_event<T>(
        &self,
        index: usize,
        timeout: Duration,
        what: &str,
        pick: impl Fn(tracechain_runtime::RuntimeEvent) -> Option<T>,
    ) -> (u32, T) {
        let client = tracechain_client::rpc::RpcClient::connect(&self.url(index)).expect("connect");
        let started = Instant::now();
        let mut next = 1;
        loop {
            assert!(started.elapsed() < timeout, "no {what} by #{next}:\n{}", self.log_tail(index, 30));
            let finalized = self.finalized(index);
            while next <= finalized {
                let hash = client.block_hash(next).expect("hash").expect("finalized block");
                let events = client.events(hash).expect("events");
                if let Some(found) = events.into_iter().find_map(|record| pick(record.event)) {
                    return (next, found);
                }
                next += 1;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// The RPC URL of node `index`.
    pub fn url(&self, index: usize) -> String {
        format!("http://{}:{}", self.nodes[index].ip, self.nodes[index].rpc_port)
    }
}

impl Drop for TestNetwork {
    fn drop(&mut self) {
        for index in 0..self.nodes.len() {
            self.kill(index);
        }
    }
}
