//! The real `tracechain` process under connection floods, as an attacker with sockets to spare
//! would try it: idle WebSockets that never answer a ping, thousands of TCP connections that
//! never send a request, and consumer-page traffic on a listener of its own. Every connection is
//! made over loopback; the attacker's come from 127.0.0.2, the operator's from 127.0.0.1.

mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::DevNode;
use serde_json::json;

const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// `count` TCP connections to `port` from `source`, each having sent nothing.
fn connect_many(source: IpAddr, port: u16, count: usize) -> Vec<TcpStream> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let target = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            let socket = tokio::net::TcpSocket::new_v4().expect("socket");
            socket.bind(SocketAddr::new(source, 0)).expect("bind the source address");
            let stream = socket.connect(target).await.expect("connect");
            connections.push(stream.into_std().expect("std stream"));
        }
        connections
    })
}

/// Upgrades a new connection to a WebSocket and then never reads it again (so it answers no
/// ping); the HTTP status of the upgrade.
fn idle_websocket(port: u16) -> (u16, TcpStream) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
    let request = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("send the upgrade");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let status = String::from_utf8_lossy(&head).split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, stream)
}

/// Whether the server closes `stream` within `bound` (reading and dropping whatever it sends,
/// pings and a close frame included).
fn closed_within(stream: &mut TcpStream, bound: Duration) -> bool {
    let deadline = Instant::now() + bound;
    stream.set_read_timeout(Some(Duration::from_millis(200))).expect("read timeout");
    let mut sink = [0u8; 1024];
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(error)
                if error.kind() == std::io::ErrorKind::WouldBlock || error.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
    }
    false
}

/// The HTTP status of `system_health`, or the transport error.
fn health_status(port: u16) -> Result<u16, String> {
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "system_health", "params": []});
    match ureq::post(&format!("http://127.0.0.1:{port}")).timeout(Duration::from_secs(10)).send_json(call) {
        Ok(response) => Ok(response.status()),
        Err(ureq::Error::Status(status, _)) => Ok(status),
        Err(error) => Err(error.to_string()),
    }
}

/// Descriptors the process holds open.
fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|entries| entries.count()).unwrap_or(0)
}

#[test]
fn idle_websockets_are_closed_by_the_idle_timeout_and_a_well_behaved_client_is_then_served() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_with(
        &dir.path().join("node"),
        200,
        &[
            "--rpc-max-connections",
            "120",
            "--rpc-max-connections-per-ip",
            "200",
            "--rpc-idle-timeout-secs",
            "3",
            "--rpc-ws-ping-interval-secs",
            "1",
        ],
    );
    // The start-up probes' connections are gone before the attack.
    std::thread::sleep(Duration::from_millis(500));
    // 120 WebSockets take every slot, the loopback reserve too.
    let mut idle: Vec<TcpStream> = Vec::new();
    for _ in 0..120 {
        let (status, stream) = idle_websocket(node.rpc_port);
        assert_eq!(status, 101, "an upgrade within the limit was refused");
        idle.push(stream);
    }
    assert_eq!(health_status(node.rpc_port), Ok(503), "every slot is taken, so the next caller waits");
    // None of them answers a ping: the idle timeout closes each one.
    let started = Instant::now();
    for stream in &mut idle {
        assert!(closed_within(stream, Duration::from_secs(20)), "an idle WebSocket stayed open");
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "closing took {took:?}");
    node.wait_until(Duration::from_secs(10), |node| health_status(node.rpc_port) == Ok(200));
    assert!(node.call("system_health", json!([])).is_object());
    node.stop();
}

#[test]
fn five_thousand_idle_tcp_connections_stop_neither_block_production_nor_loopback_rpc() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start(&dir.path().join("node"), 200);
    let pid = node.child.id();
    let before = node.finalized_number();
    let started = Instant::now();
    let held = connect_many(ATTACKER, node.rpc_port, 5_000);
    assert_eq!(held.len(), 5_000);
    // While the attacker holds them: the operator is served, blocks are produced and finalized,
    // and the node holds a bounded number of descriptors (the refused ones are closed at once).
    assert!(node.call("system_health", json!([])).is_object(), "loopback RPC is locked out");
    let descriptors = open_descriptors(pid);
    assert!(descriptors < 600, "the node holds {descriptors} descriptors");
    node.wait_until(Duration::from_secs(20), |node| node.finalized_number() >= before + 10);
    let produced = node.finalized_number() - before;
    let elapsed = started.elapsed();
    eprintln!(
        "5,000 idle connections: {produced} blocks finalized in {:.1} s (block time 0.2 s), {descriptors} node descriptors",
        elapsed.as_secs_f64()
    );
    drop(held);
    assert!(node.call("system_health", json!([])).is_object());
    node.stop();
}

#[test]
fn pages_on_their_own_listener_never_reach_json_rpc() {
    let dir = tempfile::tempdir().unwrap();
    let pages_port = common::free_port();
    let pages_addr = format!("127.0.0.1:{pages_port}");
    let node = DevNode::start_with(&dir.path().join("node"), 200, &["--pages-addr", &pages_addr]);
    let page = "/01/03760001000016/21/NOT-A-BOTTLE";
    node.wait_until(Duration::from_secs(10), |_| {
        ureq::get(&format!("http://{pages_addr}{page}"))
            .call()
            .is_err_and(|error| matches!(error, ureq::Error::Status(404, _)))
    });
    // A page: the node's own "not registered" page for a browser, with the security headers.
    let Err(ureq::Error::Status(404, response)) =
        ureq::get(&format!("http://{pages_addr}{page}")).set("Accept", "text/html").call()
    else {
        panic!("the page was not answered as not registered");
    };
    assert!(response.header("content-security-policy").is_some_and(|csp| csp.contains("frame-ancestors 'none'")));
    assert!(response.content_type().starts_with("text/html"), "{}", response.content_type());
    assert!(response.into_string().unwrap().contains("not registered on Tracechain"));
    // JSON-RPC is not served there, an unsafe method least of all.
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "author_removeExtrinsic", "params": [[]]});
    match ureq::post(&format!("http://{pages_addr}")).send_json(call) {
        Err(ureq::Error::Status(404, response)) => {
            assert!(response.into_string().unwrap().contains("product pages only"));
        }
        other => panic!("a JSON-RPC call on the pages listener: {other:?}"),
    }
    // And the JSON-RPC port no longer serves pages.
    match ureq::get(&format!("http://127.0.0.1:{}{page}", node.rpc_port)).call() {
        Err(ureq::Error::Status(status, response)) => {
            assert_ne!(status, 404, "the RPC port answered the page");
            assert!(!response.into_string().unwrap().contains("not registered on Tracechain"));
        }
        Ok(response) => panic!("the RPC port served a page: {}", response.status()),
        Err(error) => panic!("{error}"),
    }
    assert!(node.call("system_health", json!([])).is_object());
    node.stop();
}
