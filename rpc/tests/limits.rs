//! Bad requests and limits: malformed JSON, unknown methods, sizes, batches, connections
//! (total, per IP, the loopback reserve, first-request and idle timeouts, WebSocket ping),
//! subscriptions, CORS, and stopping.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_and_unknown_methods() {
    let (_node, server) = serve().await;
    let url = server.http_url();
    let (status, body) = post_raw(&url, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ".into()).await;
    assert_eq!(status, 200);
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["error"]["code"], json!(-32700), "{response}");

    let unknown = error(&url, "chain_getNothing", json!([])).await;
    assert_eq!(unknown["code"], json!(-32601));
    assert_eq!(unknown["message"], json!("Method not found"));

    let (_, body) = post_raw(&url, r#"{"jsonrpc": "2.0", "id": 1, "method": "system_name", "params": 5}"#.into()).await;
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["result"], json!("Tracechain Node"), "{response}");
    let (_, body) =
        post_raw(&url, r#"{"jsonrpc": "2.0", "id": 1, "method": "state_getStorage", "params": 5}"#.into()).await;
    let response: Value = serde_json::from_str(&body).unwrap();
    assert!(response["error"]["data"].as_str().unwrap().contains("array or an object"), "{response}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_requests_and_responses_are_refused() {
    let (node, server) = serve_with(|config| {
        config.max_request_bytes = 4096;
        config.max_response_bytes = 4096 + 1024;
    })
    .await;
    let url = server.http_url();
    let (status, body) = post_announcing(server.local_addr(), 4097).await;
    assert_eq!(status, 413);
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["error"]["code"], json!(-32007), "{response}");

    // Over WebSocket an oversized message gets the same error (with a null id: the message was
    // not read), and the connection stays usable.
    let mut ws = Ws::connect(server.local_addr()).await;
    let message = json!({ "jsonrpc": "2.0", "id": 1, "method": "state_getStorage", "params": [hex0x(&[7u8; 4096])] });
    ws.send_text(&message.to_string()).await;
    let response = ws.next_message().await;
    assert_eq!(response["error"]["code"], json!(-32007), "{response}");
    assert_eq!(ws.call("system_name", json!([])).await["result"], json!("Tracechain Node"));

    // A block whose body is larger than the response limit, from requests within theirs.
    for nonce in 0..2 {
        let tx = node.sign(&dev("Alice"), remark(&[1u8; 1500]), nonce);
        result(&url, "author_submitExtrinsic", json!([hex0x(&tx)])).await;
    }
    let block = node.produce_block();
    let too_big = error(&url, "chain_getBlock", json!([block.hash()])).await;
    assert_eq!(too_big["code"], json!(-32008), "{too_big}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_up_to_the_limit() {
    let (_node, server) = serve_with(|config| config.max_batch_len = 4).await;
    let url = server.http_url();
    let batch = |length: usize| {
        Value::Array(
            (0..length)
                .map(|id| json!({ "jsonrpc": "2.0", "id": id, "method": "system_name", "params": [] }))
                .collect(),
        )
        .to_string()
    };
    let (_, body) = post_raw(&url, batch(4)).await;
    let responses: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(responses.as_array().map(Vec::len), Some(4), "{responses}");
    let (_, body) = post_raw(&url, batch(5)).await;
    let refused: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refused["error"]["code"], json!(-32010), "{refused}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_and_subscriptions_are_bounded() {
    let (_node, server) = serve_with(|config| {
        config.max_connections = 2;
        config.reserved_loopback_connections = 0;
        config.max_subscriptions_per_connection = 2;
    })
    .await;
    let mut first = Ws::connect(server.local_addr()).await;
    let _second = Ws::connect(server.local_addr()).await;
    match Ws::try_connect(server.local_addr()).await {
        Handshake::Rejected(status) => assert_eq!(status, 503),
        Handshake::Accepted(_) => panic!("a third connection was accepted over the limit of 2"),
    }
    assert_eq!(server.open_connections(), 2);

    first.subscribe("chain_subscribeNewHeads", json!([])).await;
    first.subscribe("chain_subscribeFinalizedHeads", json!([])).await;
    let third = first.call("chain_subscribeAllHeads", json!([])).await;
    assert_eq!(third["error"]["code"], json!(-32006), "{third}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_key_lists_are_bounded_per_call_subscription_and_connection() {
    let (_node, server) = serve_with(|config| {
        config.cost = tracechain_rpc::state::CostLimits {
            keys_per_call: 3,
            keys_per_subscription: 4,
            subscribed_keys_per_connection: 6,
        };
    })
    .await;
    let url = server.http_url();
    let keys = |count: usize| -> Vec<String> { (0..count).map(|index| hex0x(&[index as u8; 32])).collect() };
    for method in ["state_queryStorageAt", "state_getReadProof"] {
        result(&url, method, json!([keys(3)])).await;
        let refused = error(&url, method, json!([keys(4)])).await;
        assert_eq!(refused["code"], json!(-32602), "{method}: {refused}");
        assert!(refused["data"].as_str().unwrap().contains("--rpc-max-keys-per-call"), "{refused}");
    }
    let mut ws = Ws::connect(server.local_addr()).await;
    let too_many = ws.call("state_subscribeStorage", json!([keys(5)])).await;
    assert_eq!(too_many["error"]["code"], json!(-32602), "{too_many}");
    let first = ws.subscribe("state_subscribeStorage", json!([keys(4)])).await;
    // 4 watched, 2 left on this connection: 3 more is refused, 2 more is served.
    let over = ws.call("state_subscribeStorage", json!([keys(3)])).await;
    assert_eq!(over["error"]["code"], json!(-32006), "{over}");
    assert!(over["error"]["message"].as_str().unwrap().contains("--rpc-max-subscribed-keys-per-connection"), "{over}");
    // Another connection has its own budget.
    let mut other = Ws::connect(server.local_addr()).await;
    other.subscribe("state_subscribeStorage", json!([keys(4)])).await;
    // Unsubscribing gives the keys back.
    assert_eq!(ws.call("state_unsubscribeStorage", json!([first])).await["result"], json!(true));
    let mut served = false;
    for _ in 0..50 {
        let again = ws.call("state_subscribeStorage", json!([keys(4)])).await;
        if again["result"].is_string() {
            served = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(served, "the keys of an ended subscription are given back");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origins_and_hosts_are_refused_over_http_and_websocket() {
    let (_node, server) = serve().await;
    let (url, addr) = (server.http_url(), server.local_addr());
    let host = addr.to_string();
    // Substrate's default origins: pages on this machine, any port; and clients with no Origin.
    let (status, allowed, _) = post_as(&url, None, Some("http://localhost:3000")).await;
    assert_eq!((status, allowed.as_deref()), (200, Some("http://localhost:3000")));
    assert_eq!(post_as(&url, None, None).await.0, 200);
    // A web page elsewhere is refused before any method runs.
    let (status, _, body) = post_as(&url, None, Some("https://evil.example")).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--rpc-cors https://evil.example"), "{body}");
    // DNS rebinding: the attacker's name resolves to the node; its Host header gives it away.
    let (status, _, body) = post_as(&url, Some("evil.example:9944"), Some("http://evil.example:9944")).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--rpc-allowed-hosts"), "{body}");
    // The same over a WebSocket upgrade.
    assert!(matches!(Ws::try_connect_as(addr, &host, Some("https://evil.example")).await, Handshake::Rejected(403)));
    assert!(matches!(Ws::try_connect_as(addr, "evil.example:9944", None).await, Handshake::Rejected(403)));
    let Handshake::Accepted(mut ws) = Ws::try_connect_as(addr, &host, Some("http://127.0.0.1:8080")).await else {
        panic!("a local page may open a WebSocket");
    };
    assert_eq!(ws.call("system_name", json!([])).await["result"], json!("Tracechain Node"));
    server.stop().await;

    // Configured: the ERP's origin and the resolver's host name; `all` allows any origin.
    let (_node, server) = serve_with(|config| {
        config.cors = tracechain_rpc::AllowedOrigins::parse("https://erp.example");
        config.allowed_hosts = tracechain_rpc::AllowedHosts::parse("resolver.example");
    })
    .await;
    let url = server.http_url();
    assert_eq!(post_as(&url, None, Some("https://erp.example")).await.1.as_deref(), Some("https://erp.example"));
    assert_eq!(post_as(&url, None, Some("http://localhost:3000")).await.0, 403);
    assert_eq!(post_as(&url, Some("resolver.example"), Some("https://resolver.example")).await.0, 200);
    server.stop().await;
    let (_node, open) = serve_with(|config| config.cors = tracechain_rpc::AllowedOrigins::All).await;
    let (status, allowed, _) = post_as(&open.http_url(), None, Some("http://anyone.example")).await;
    assert_eq!((status, allowed.as_deref()), (200, Some("*")));
    open.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configuration_and_stop() {
    let node = TestNode::new();
    let taken = serve().await.1;
    let config = tracechain_rpc::RpcConfig { addr: taken.local_addr(), ..Default::default() };
    let error = tracechain_rpc::start(config, node.clone()).await.expect_err("address in use");
    assert!(matches!(error, tracechain_rpc::RpcError::Bind { .. }), "{error}");
    let config = tracechain_rpc::RpcConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        max_response_bytes: 1024,
        ..Default::default()
    };
    assert!(matches!(tracechain_rpc::start(config, node).await, Err(tracechain_rpc::RpcError::Config(_))));

    let addr = taken.local_addr();
    taken.stop().await;
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "the server still accepts connections after stop");
}

/// Counts what the server reports, per method.
#[derive(Default)]
struct CountingObserver(std::sync::Mutex<std::collections::BTreeMap<(String, bool), u32>>);

impl tracechain_rpc::call_metrics::CallObserver for CountingObserver {
    fn on_call(&self, method: &str, failed: bool) {
        *self.0.lock().expect("lock").entry((method.to_string(), failed)).or_default() += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_call_is_reported_and_unknown_names_do_not_become_labels() {
    let observer = std::sync::Arc::new(CountingObserver::default());
    let shared: tracechain_rpc::Shared<dyn tracechain_rpc::call_metrics::CallObserver> =
        tracechain_rpc::Shared(observer.clone());
    let (_node, server) = serve_with(|config| config.call_observer = Some(shared)).await;
    let url = server.http_url();
    result(&url, "system_name", json!([])).await;
    result(&url, "system_name", json!([])).await;
    error(&url, "chain_getBlockHash", json!(["not a number"])).await;
    error(&url, "no_such_method_a", json!([])).await;
    error(&url, "no_such_method_b", json!([])).await;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "system_chain", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "system_chainType", "params": []},
    ]);
    post_raw(&url, batch.to_string()).await;
    let counts = observer.0.lock().expect("lock").clone();
    assert_eq!(counts.get(&("system_name".into(), false)), Some(&2), "{counts:?}");
    assert_eq!(counts.get(&("chain_getBlockHash".into(), true)), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&("unknown".into(), true)), Some(&2), "{counts:?}");
    assert_eq!(counts.get(&("system_chain".into(), false)), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&("system_chainType".into(), false)), Some(&1), "{counts:?}");
    assert!(counts.keys().all(|(method, _)| !method.starts_with("no_such")), "{counts:?}");
    server.stop().await;
}

/// Whether `author_removeExtrinsic` is served by a server with `methods` listening on `listen`,
/// called from this machine; checked in a batch too, beside a safe method that is always served.
async fn removal_served(listen: &str, methods: tracechain_rpc::RpcMethods) -> bool {
    let (node, server) = serve_with(|config| {
        config.addr = listen.parse().expect("address");
        config.rpc_methods = methods;
    })
    .await;
    let url = format!("http://127.0.0.1:{}", server.local_addr().port());
    let first = node.sign(&dev("Alice"), remark(b"first"), 0);
    let first_hash = result(&url, "author_submitExtrinsic", json!([hex0x(&first)])).await;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "author_removeExtrinsic", "params": [[{ "hash": first_hash }]]},
        {"jsonrpc": "2.0", "id": 2, "method": "chain_getHeader", "params": []},
    ]);
    let (_, body) = post_raw(&url, batch.to_string()).await;
    let answers: Value = serde_json::from_str(&body).expect("a batch answer");
    let by_id =
        |id: u64| answers.as_array().and_then(|all| all.iter().find(|answer| answer["id"] == json!(id))).cloned();
    assert!(by_id(2).expect("answer 2")["result"]["number"].is_string(), "{answers}");
    let removal = by_id(1).expect("answer 1");
    let served = removal.get("result").is_some();
    if served {
        assert_eq!(removal["result"], json!([first_hash]), "{answers}");
        let malformed = error(&url, "author_removeExtrinsic", json!([[{ "hash": "0x12" }]])).await;
        assert_eq!(malformed["code"], json!(-32602), "{malformed}");
    } else {
        assert_eq!(removal["error"]["code"], json!(-32601), "{answers}");
        assert_eq!(removal["error"]["message"], json!("RPC call is unsafe to be called externally"), "{answers}");
        for method in ["system_addReservedPeer", "system_removeReservedPeer"] {
            let refused =
                error(&url, method, json!(["/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"])).await;
            assert_eq!(refused["code"], json!(-32601), "{method}: {refused}");
        }
        assert_eq!(error(&url, "system_peers", json!([])).await["code"], json!(-32601));
        // The pool kept the transaction.
        assert_eq!(result(&url, "author_pendingExtrinsics", json!([])).await.as_array().map(Vec::len), Some(1));
    }
    server.stop().await;
    served
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsafe_methods_follow_rpc_methods_whoever_calls() {
    use tracechain_rpc::RpcMethods::{Auto, Safe, Unsafe};
    // auto: served on a loopback listener only; an external listener exposes the chain, never
    // the node's controls — even to a caller on the node's machine (a local reverse proxy).
    assert!(removal_served("127.0.0.1:0", Auto).await);
    assert!(!removal_served("0.0.0.0:0", Auto).await);
    assert!(!removal_served("127.0.0.1:0", Safe).await);
    assert!(removal_served("0.0.0.0:0", Unsafe).await);
}

const OTHER_LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
const LONG: std::time::Duration = std::time::Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_from_one_address_do_not_lock_out_other_callers() {
    let (_node, server) = serve_with(|config| {
        config.max_connections = 40;
        config.max_connections_per_ip = 10;
        config.reserved_loopback_connections = 2;
        // Idle connections are the attack here, not the timeouts.
        config.first_request_timeout = LONG;
        config.idle_timeout = LONG;
    })
    .await;
    let addr = server.local_addr();
    // One address holds its share: idle TCP connections and idle WebSockets together.
    let mut idle = Vec::new();
    for _ in 0..5 {
        idle.push(connect_from(LOOPBACK, addr).await);
        idle.push(raw_websocket_from(LOOPBACK, addr).await.expect("within the share"));
    }
    assert!(eventually(|| server.open_connections() == 10).await, "{} open", server.open_connections());
    // Another address is served.
    let (status, body) = post_health_from(OTHER_LOOPBACK, addr).await;
    assert_eq!(status, 200, "{body}");
    // Beyond its share, a loopback caller takes the reserve; then it is refused, saying why.
    let _reserve = [connect_from(LOOPBACK, addr).await, connect_from(LOOPBACK, addr).await];
    assert!(eventually(|| server.open_connections() == 12).await, "{} open", server.open_connections());
    let (status, body) = post_health_from(LOOPBACK, addr).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("--rpc-max-connections-per-ip") && body.contains("127.0.0.1"), "{body}");
    match Ws::try_connect(addr).await {
        Handshake::Rejected(status) => assert_eq!(status, 429),
        Handshake::Accepted(_) => panic!("a WebSocket beyond the per-IP share was accepted"),
    }
    // Closing one gives its slot back.
    drop(idle.pop());
    assert!(eventually(|| server.open_connections() == 11).await, "{} open", server.open_connections());
    let mut ws = Ws::connect(addr).await;
    assert_eq!(ws.call("system_name", json!([])).await["result"], json!("Tracechain Node"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_callers_holding_every_slot_leave_the_loopback_reserve() {
    let Some(outside) = outward_ip() else {
        eprintln!("skipped: this machine has no address besides loopback to call from");
        return;
    };
    let (_node, server) = serve_with(|config| {
        config.addr = "0.0.0.0:0".parse().unwrap();
        config.max_connections = 24;
        config.max_connections_per_ip = 100;
        config.reserved_loopback_connections = 4;
        config.first_request_timeout = LONG;
        config.idle_timeout = LONG;
    })
    .await;
    let addr = std::net::SocketAddr::new(outside, server.local_addr().port());
    let local = std::net::SocketAddr::new(LOOPBACK, server.local_addr().port());
    // The attack of the report: idle WebSockets until no slot is left.
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(raw_websocket_from(outside, addr).await.expect("a free slot"));
    }
    let (status, body) = raw_websocket_from(outside, addr).await.expect_err("every outside slot is taken");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("--rpc-max-connections") && body.contains("--rpc-reserved-loopback-connections"), "{body}");
    let (status, body) = post_health_from(outside, addr).await;
    assert_eq!(status, 503, "{body}");
    // The operator on the machine still gets in, over HTTP and WebSocket.
    let (status, body) = post_health_from(LOOPBACK, local).await;
    assert_eq!(status, 200, "{body}");
    let mut ws = Ws::connect(local).await;
    assert_eq!(ws.call("system_name", json!([])).await["result"], json!("Tracechain Node"));
    assert!(server.open_connections() <= 24, "{} open", server.open_connections());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_send_no_request_or_fall_idle_are_closed() {
    let (_node, server) = serve_with(|config| {
        config.first_request_timeout = std::time::Duration::from_millis(300);
        config.idle_timeout = std::time::Duration::from_millis(600);
        config.ws_ping_interval = std::time::Duration::from_millis(100);
    })
    .await;
    let addr = server.local_addr();
    let bound = std::time::Duration::from_secs(20);
    // Nothing sent at all.
    let mut silent = connect_from(LOOPBACK, addr).await;
    assert!(closed_within(&mut silent, bound).await, "a silent connection stays open");
    // Headers trickled and never finished (slowloris).
    let mut slow = connect_from(LOOPBACK, addr).await;
    tokio::io::AsyncWriteExt::write_all(&mut slow, b"POST / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    assert!(closed_within(&mut slow, bound).await, "an unfinished request stays open");
    // Served, then idle on keep-alive.
    let mut kept = connect_from(LOOPBACK, addr).await;
    let (status, body) = post_health_on(&mut kept, addr).await.expect("served");
    assert_eq!(status, 200, "{body}");
    assert!(closed_within(&mut kept, bound).await, "an idle keep-alive connection stays open");
    assert!(eventually(|| server.open_connections() == 0).await, "{} open", server.open_connections());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_websocket_is_closed_by_ping_and_a_live_one_keeps_its_subscription() {
    let (node, server) = serve_with(|config| {
        config.first_request_timeout = std::time::Duration::from_millis(300);
        config.idle_timeout = std::time::Duration::from_millis(800);
        config.ws_ping_interval = std::time::Duration::from_millis(100);
    })
    .await;
    let addr = server.local_addr();
    // A live client: it answers pings while it waits, well past the idle timeout.
    let mut live = Ws::connect(addr).await;
    let heads = live.subscribe("chain_subscribeNewHeads", json!([])).await;
    live.notification(&heads).await;
    // A dead one: upgraded, then never read again, so no ping is answered.
    let mut dead = raw_websocket_from(LOOPBACK, addr).await.expect("upgraded");
    assert!(eventually(|| server.open_connections() == 2).await, "{} open", server.open_connections());
    // The live client waits for its next notification, answering pings all the while.
    let waiting = tokio::spawn(async move {
        let notification = live.notification(&heads).await;
        (live, notification)
    });
    assert!(eventually(|| server.open_connections() == 1).await, "the dead WebSocket is still open");
    assert!(closed_within(&mut dead, std::time::Duration::from_secs(20)).await);
    // Well past the idle timeout, the live one is still open and keeps its subscription.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(server.open_connections(), 1);
    node.produce_block();
    let (mut live, (method, header)) = waiting.await.expect("the live client");
    assert_eq!(method, "chain_newHead");
    assert_eq!(header["number"], json!("0x1"), "{header}");
    assert_eq!(live.call("system_name", json!([])).await["result"], json!("Tracechain Node"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_idle_websockets_no_longer_lock_out_json_rpc_at_the_default_limits() {
    let (_node, server) = serve_with(|config| config.addr = "0.0.0.0:0".parse().unwrap()).await;
    let port = server.local_addr().port();
    let local = std::net::SocketAddr::new(LOOPBACK, port);
    // From this machine: 32 (the per-IP share) and the 4 reserved slots, then 429.
    let mut idle = Vec::new();
    let mut refused = Vec::new();
    for _ in 0..100 {
        match raw_websocket_from(LOOPBACK, local).await {
            Ok(socket) => idle.push(socket),
            Err(refusal) => refused.push(refusal),
        }
    }
    assert_eq!(idle.len(), 36);
    assert!(refused.iter().all(|(status, body)| *status == 429 && body.contains("--rpc-max-connections-per-ip")));
    // Another caller is served.
    let (status, body) = post_health_from(OTHER_LOOPBACK, std::net::SocketAddr::new(OTHER_LOOPBACK, port)).await;
    assert_eq!(status, 200, "{body}");
    // From outside: one address gets its share only, and loopback callers are still served.
    if let Some(outside) = outward_ip() {
        let addr = std::net::SocketAddr::new(outside, port);
        let mut accepted = 0;
        for _ in 0..100 {
            if let Ok(socket) = raw_websocket_from(outside, addr).await {
                idle.push(socket);
                accepted += 1;
            }
        }
        assert_eq!(accepted, 32);
        let (status, body) = post_health_from(OTHER_LOOPBACK, std::net::SocketAddr::new(OTHER_LOOPBACK, port)).await;
        assert_eq!(status, 200, "{body}");
    }
    server.stop().await;
}
