//! Subscriptions over a real WebSocket: heads, storage, runtime version and watched transactions.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use tracechain_primitives::hashing::blake2_256_h;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_and_watch_goes_ready_in_block_finalized() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let tx = node.sign(&dev("Alice"), remark(b"watch me"), 0);
    let subscription = ws.subscribe("author_submitAndWatchExtrinsic", json!([hex0x(&tx)])).await;
    assert_eq!(subscription.len(), 16, "Substrate-style subscription id");
    let (method, ready) = ws.notification(&subscription).await;
    assert_eq!(method, "author_extrinsicUpdate");
    assert_eq!(ready, json!("ready"));

    let block = node.produce_block();
    let hash = block.hash();
    assert_eq!(ws.notification(&subscription).await.1, json!({ "inBlock": hash }));
    assert_eq!(ws.notification(&subscription).await.1, json!({ "finalized": hash }));

    // The client finds its transaction in the block by the extrinsic's blake2-256 hash.
    let signed = ws.call("chain_getBlock", json!([hash])).await;
    let found = signed["result"]["block"]["extrinsics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|xt| blake2_256_h(&unhex(xt)) == blake2_256_h(&tx));
    assert!(found);
    // The subscription ended after `finalized`, so unwatching finds nothing.
    assert_eq!(ws.call("author_unwatchExtrinsic", json!([subscription])).await["result"], json!(false));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_a_refused_extrinsic_is_an_error_response() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let mut tampered = node.sign(&dev("Alice"), remark(b"watch me"), 0);
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let response = ws.call("author_submitAndWatchExtrinsic", json!([hex0x(&tampered)])).await;
    assert_eq!(response["error"]["code"], json!(1010), "{response}");
    assert!(response["error"]["data"].as_str().unwrap().starts_with("bad signature"));
    let response = ws.call("author_submitAndWatchExtrinsic", json!(["0xzz"])).await;
    assert_eq!(response["error"]["code"], json!(-32602), "{response}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_subscriptions_send_the_current_head_then_new_ones() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let genesis = node.genesis();
    let new_heads = ws.subscribe("chain_subscribeNewHeads", json!([])).await;
    let finalized = ws.subscribe("chain_subscribeFinalizedHeads", json!([])).await;
    let all = ws.subscribe("chain_subscribeAllHeads", json!([])).await;
    let alias = ws.subscribe("chain_subscribeNewHead", json!([])).await;

    for (subscription, name) in [
        (&new_heads, "chain_newHead"),
        (&finalized, "chain_finalizedHead"),
        (&all, "chain_allHead"),
        (&alias, "chain_newHead"),
    ] {
        let (method, head) = ws.notification(subscription).await;
        assert_eq!(method, name);
        assert_eq!(head["number"], json!("0x0"));
        assert_eq!(head["parentHash"], json!(tracechain_primitives::H256::zero()));
    }

    let block = node.produce_block();
    for subscription in [&new_heads, &finalized, &all, &alias] {
        let (_, head) = ws.notification(subscription).await;
        assert_eq!(head["number"], json!("0x1"));
        assert_eq!(head["parentHash"], json!(genesis));
        assert_eq!(head["stateRoot"], json!(block.header.state_root));
    }

    let unsubscribed = ws.call("chain_unsubscribeNewHeads", json!([new_heads])).await;
    assert_eq!(unsubscribed["result"], json!(true));
    let unsubscribed = ws.call("chain_unsubscribeNewHead", json!([alias])).await;
    assert_eq!(unsubscribed["result"], json!(true));
    node.produce_block();
    assert_eq!(ws.notification(&finalized).await.1["number"], json!("0x2"));
    assert!(ws.quiet_for(&new_heads, Duration::from_millis(300)).await, "no heads after unsubscribing");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_subscription_sends_current_values_then_changes() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let genesis = node.genesis();
    let absent = "0x26aa394eea5630e07c48ae0c9558cef7ffff";
    let subscription = ws.subscribe("state_subscribeStorage", json!([[SYSTEM_NUMBER_KEY, absent]])).await;
    let (method, first) = ws.notification(&subscription).await;
    assert_eq!(method, "state_storage");
    assert_eq!(first, json!({ "block": genesis, "changes": [[SYSTEM_NUMBER_KEY, "0x00000000"], [absent, null]] }));

    let block = node.produce_block();
    let (_, change) = ws.notification(&subscription).await;
    assert_eq!(change, json!({ "block": block.hash(), "changes": [[SYSTEM_NUMBER_KEY, "0x01000000"]] }));

    let refused = ws.call("state_subscribeStorage", json!([])).await;
    assert_eq!(refused["error"]["code"], json!(-32602), "{refused}");
    assert!(refused["error"]["data"].as_str().unwrap().contains("unbounded"), "{refused}");
    let refused = ws.call("state_subscribeStorage", json!([["0xzz"]])).await;
    assert_eq!(refused["error"]["code"], json!(-32602), "{refused}");
    assert_eq!(ws.call("state_unsubscribeStorage", json!([subscription])).await["result"], json!(true));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_version_subscription_sends_the_version() {
    let (_node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let subscription = ws.subscribe("state_subscribeRuntimeVersion", json!([])).await;
    let (method, version) = ws.notification(&subscription).await;
    assert_eq!(method, "state_runtimeVersion");
    let expected = ws.call("state_getRuntimeVersion", json!([])).await["result"].clone();
    assert_eq!(version, expected);
    assert_ne!(version, Value::Null);
    let unsubscribed = ws.call("state_unsubscribeRuntimeVersion", json!([subscription])).await;
    assert_eq!(unsubscribed["result"], json!(true));
    server.stop().await;
}
