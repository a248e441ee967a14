//! Bad requests and limits: malformed JSON, unknown methods, sizes, batches, connections,
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
        config.max_subscriptions_per_connection = 2;
    })
    .await;
    let mut first = Ws::connect(server.local_addr()).await;
    let _second = Ws::connect(server.local_addr()).await;
    match Ws::try_connect(server.local_addr()).await {
        Handshake::Rejected(status) => assert_eq!(status, 429),
        Handshake::Accepted(_) => panic!("a third connection was accepted over the limit of 2"),
    }

    first.subscribe("chain_subscribeNewHeads", json!([])).await;
    first.subscribe("chain_subscribeFinalizedHeads", json!([])).await;
    let third = first.call("chain_subscribeAllHeads", json!([])).await;
    assert_eq!(third["error"]["code"], json!(-32006), "{third}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_only_configured_origins() {
    let (_node, server) = serve_with(|config| config.cors = Some(vec!["http://allowed.example".into()])).await;
    let url = server.http_url();
    let origin_header = |origin: &'static str| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let response = ureq::post(&url)
                .set("Content-Type", "application/json")
                .set("Origin", origin)
                .send_string(r#"{"jsonrpc":"2.0","id":1,"method":"system_name"}"#)
                .expect("call");
            response.header("access-control-allow-origin").map(str::to_string)
        })
    };
    assert_eq!(origin_header("http://allowed.example").await.unwrap().as_deref(), Some("http://allowed.example"));
    assert_eq!(origin_header("http://other.example").await.unwrap(), None);
    server.stop().await;

    let (_node, open) = serve_with(|config| config.cors = Some(vec!["all".into()])).await;
    let url = open.http_url();
    let header = tokio::task::spawn_blocking(move || {
        let response = ureq::post(&url)
            .set("Content-Type", "application/json")
            .set("Origin", "http://anyone.example")
            .send_string(r#"{"jsonrpc":"2.0","id":1,"method":"system_name"}"#)
            .expect("call");
        response.header("access-control-allow-origin").map(str::to_string)
    })
    .await
    .unwrap();
    assert_eq!(header.as_deref(), Some("*"));
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

/// This machine's address on its default route (no packet is sent), if it has one.
fn non_loopback_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_changing_methods_are_served_to_local_callers_only() {
    let (node, server) = serve_with(|config| config.addr = "0.0.0.0:0".parse().expect("address")).await;
    let port = server.local_addr().port();
    let local = format!("http://127.0.0.1:{port}");
    let first = node.sign(&dev("Alice"), remark(b"first"), 0);
    let second = node.sign(&dev("Alice"), remark(b"second"), 1);
    let first_hash = result(&local, "author_submitExtrinsic", json!([hex0x(&first)])).await;
    let second_hash = result(&local, "author_submitExtrinsic", json!([hex0x(&second)])).await;

    // From another machine (here: this machine's own external address) the call is refused.
    let remote_ip = non_loopback_address().expect("this test needs a non-loopback interface");
    let remote = format!("http://{remote_ip}:{port}");
    let refused = error(&remote, "author_removeExtrinsic", json!([[{ "hash": first_hash }]])).await;
    assert_eq!(refused["code"], json!(-32601), "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("only served to callers on the node's machine"));
    // In a batch too; reading methods stay open to remote callers.
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "author_removeExtrinsic", "params": [[{ "hash": first_hash }]]},
        {"jsonrpc": "2.0", "id": 2, "method": "author_pendingExtrinsics", "params": []},
    ]);
    let (_, body) = post_raw(&remote, batch.to_string()).await;
    let answers: Value = serde_json::from_str(&body).expect("a batch answer");
    let by_id =
        |id: u64| answers.as_array().and_then(|all| all.iter().find(|answer| answer["id"] == json!(id))).cloned();
    assert_eq!(by_id(1).expect("answer 1")["error"]["code"], json!(-32601), "{answers}");
    assert_eq!(by_id(2).expect("answer 2")["result"].as_array().map(Vec::len), Some(2), "{answers}");

    // From this machine it works: by hash and by the extrinsic's bytes; unknown hashes are ignored.
    let removed =
        result(&local, "author_removeExtrinsic", json!([[{ "hash": first_hash }, { "hash": hex0x(&[9u8; 32]) }]]))
            .await;
    assert_eq!(removed, json!([first_hash]));
    let removed = result(&local, "author_removeExtrinsic", json!([[{ "extrinsic": hex0x(&second) }]])).await;
    assert_eq!(removed, json!([second_hash]));
    assert_eq!(result(&local, "author_pendingExtrinsics", json!([])).await, json!([]));
    let malformed = error(&local, "author_removeExtrinsic", json!([[{ "hash": "0x12" }]])).await;
    assert_eq!(malformed["code"], json!(-32602), "{malformed}");
    server.stop().await;
}
