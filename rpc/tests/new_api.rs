//! The new JSON-RPC interface (paritytech/json-rpc-interface-spec) over a real WebSocket against
//! the real server and runtime: `chainHead_v1_*`, `transaction_v1_*`, `transactionWatch_v1_*`,
//! `chainSpec_v1_*` and `archive_v1_*`, their events, bounds and error codes.

mod common;

use std::time::Duration;

use common::*;
use parity_scale_codec::{Decode, Encode};
use serde_json::{json, Value};
use tracechain_primitives::{hashing::blake2_256_h, header::Header, H256};

/// Follows with `with_runtime`; returns the subscription and its `initialized` event.
async fn follow(ws: &mut Ws, with_runtime: bool) -> (String, Value) {
    let subscription = ws.subscribe("chainHead_v1_follow", json!([with_runtime])).await;
    let (method, initialized) = ws.notification(&subscription).await;
    assert_eq!(method, "chainHead_v1_followEvent");
    assert_eq!(initialized["event"], json!("initialized"), "{initialized}");
    (subscription, initialized)
}

/// The next follow event of `subscription`.
async fn event(ws: &mut Ws, subscription: &str) -> Value {
    ws.notification(subscription).await.1
}

/// Starts an operation; returns its id.
async fn start(ws: &mut Ws, method: &str, params: Value) -> String {
    let response = ws.call(method, params.clone()).await;
    assert_eq!(response["result"]["result"], json!("started"), "{method}({params}): {response}");
    response["result"]["operationId"].as_str().expect("operation id").to_string()
}

/// The next event of operation `operation`, skipping chain events.
async fn operation_event(ws: &mut Ws, subscription: &str, operation: &str) -> Value {
    loop {
        let event = event(ws, subscription).await;
        if event["operationId"] == json!(operation) {
            return event;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_reports_finalized_blocks_runtime_and_each_new_block() {
    let (node, server) = serve().await;
    let first = node.produce_block().hash();
    let second = node.produce_block().hash();
    let mut ws = Ws::connect(server.local_addr()).await;
    let (subscription, initialized) = follow(&mut ws, true).await;
    assert_eq!(initialized["finalizedBlockHashes"], json!([node.genesis(), first, second]));
    let runtime = &initialized["finalizedBlockRuntime"];
    assert_eq!(runtime["type"], json!("valid"));
    assert_eq!(runtime["spec"]["specName"], json!("tracechain"));
    // `apis` is an object keyed by the API id, not Substrate's legacy list.
    assert!(runtime["spec"]["apis"]["0xdf6acb689907609b"].is_u64(), "{runtime}");
    assert!(runtime["spec"]["apis"]["0xbc9d89904f5b923f"].is_u64(), "{runtime}");
    assert_eq!(event(&mut ws, &subscription).await, json!({"event": "bestBlockChanged", "bestBlockHash": second}));

    let third = node.produce_block().hash();
    assert_eq!(
        event(&mut ws, &subscription).await,
        json!({"event": "newBlock", "blockHash": third, "parentBlockHash": second, "newRuntime": null})
    );
    assert_eq!(event(&mut ws, &subscription).await, json!({"event": "bestBlockChanged", "bestBlockHash": third}));
    assert_eq!(
        event(&mut ws, &subscription).await,
        json!({"event": "finalized", "finalizedBlockHashes": [third], "prunedBlockHashes": []})
    );

    // Without the runtime: no runtime fields at all.
    let (plain, initialized) = follow(&mut ws, false).await;
    assert!(initialized.get("finalizedBlockRuntime").is_none(), "{initialized}");
    assert_eq!(event(&mut ws, &plain).await["event"], json!("bestBlockChanged"));
    let fourth = node.produce_block().hash();
    let new_block = event(&mut ws, &plain).await;
    assert_eq!(new_block["blockHash"], json!(fourth));
    assert!(new_block.get("newRuntime").is_none(), "{new_block}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_body_and_call_on_pinned_blocks() {
    let (node, server) = serve().await;
    let tx = node.sign(&dev("Alice"), remark(b"in a block"), 0);
    tracechain_rpc::NodeClient::submit(&*node, tx.clone()).expect("pooled");
    let block = node.produce_block();
    let hash = block.hash();
    let mut ws = Ws::connect(server.local_addr()).await;
    let (subscription, _) = follow(&mut ws, true).await;

    let header = ws.call("chainHead_v1_header", json!([subscription, hash])).await;
    let header = Header::decode(&mut &unhex(&header["result"])[..]).expect("a SCALE header");
    assert_eq!(header.hash(), hash);

    let body = start(&mut ws, "chainHead_v1_body", json!([subscription, hash])).await;
    let done = operation_event(&mut ws, &subscription, &body).await;
    assert_eq!(done["event"], json!("operationBodyDone"), "{done}");
    assert!(done["value"].as_array().unwrap().iter().any(|xt| unhex(xt) == tx), "{done}");

    let call = start(&mut ws, "chainHead_v1_call", json!([subscription, hash, "Core_version", "0x"])).await;
    let done = operation_event(&mut ws, &subscription, &call).await;
    assert_eq!(done["event"], json!("operationCallDone"), "{done}");
    assert_eq!(unhex(&done["output"]), tracechain_runtime::VERSION.encode());

    let nonce = start(
        &mut ws,
        "chainHead_v1_call",
        json!([subscription, hash, "AccountNonceApi_account_nonce", hex0x(&dev("Alice").public().0)]),
    )
    .await;
    let done = operation_event(&mut ws, &subscription, &nonce).await;
    assert_eq!(done["event"], json!("operationCallDone"), "{done}");
    assert_eq!(unhex(&done["output"]), 1u32.encode(), "Alice's nonce after one transaction");

    let missing = start(&mut ws, "chainHead_v1_call", json!([subscription, hash, "Nothing_here", "0x"])).await;
    let failed = operation_event(&mut ws, &subscription, &missing).await;
    assert_eq!(failed["event"], json!("operationError"), "{failed}");
    assert!(failed["error"].as_str().unwrap().contains("Nothing_here"), "{failed}");

    // A follow without the runtime cannot call it.
    let (plain, _) = follow(&mut ws, false).await;
    let refused = ws.call("chainHead_v1_call", json!([plain, hash, "Core_version", "0x"])).await;
    assert_eq!(refused["error"]["code"], json!(-32802), "{refused}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_values_hashes_merkle_values_and_descendants_with_continue() {
    // 16 entries per `continue`, so that the dev state takes several pages.
    let (node, server) = serve_with(|config| config.new_api.storage_items_per_continue = 16).await;
    node.produce_block();
    let head = node.head();
    let hash = head.hash();
    let mut ws = Ws::connect(server.local_addr()).await;
    let (subscription, _) = follow(&mut ws, true).await;

    let number = result(&server.http_url(), "state_getStorage", json!([SYSTEM_NUMBER_KEY, hash])).await;
    let items = json!([
        {"key": SYSTEM_NUMBER_KEY, "type": "value"},
        {"key": SYSTEM_NUMBER_KEY, "type": "hash"},
        {"key": "0x", "type": "closestDescendantMerkleValue"},
        {"key": "0xdeadbeef", "type": "value"},
    ]);
    let operation = start(&mut ws, "chainHead_v1_storage", json!([subscription, hash, items, null])).await;
    let found = operation_event(&mut ws, &subscription, &operation).await;
    assert_eq!(found["event"], json!("operationStorageItems"), "{found}");
    assert_eq!(
        found["items"],
        json!([
            {"key": SYSTEM_NUMBER_KEY, "value": number},
            {"key": SYSTEM_NUMBER_KEY, "hash": blake2_256_h(&unhex(&number))},
            // The root node's Merkle value is the state root.
            {"key": "0x", "closestDescendantMerkleValue": head.state_root},
        ]),
        "the absent key yields no item"
    );
    assert_eq!(operation_event(&mut ws, &subscription, &operation).await["event"], json!("operationStorageDone"));

    // Every key of the state, page by page: 16 entries, then a wait for `continue`.
    let all = result(&server.http_url(), "state_getKeysPaged", json!(["0x", 1000, null, hash])).await;
    let expected: Vec<Value> = all.as_array().unwrap().clone();
    assert!(expected.len() > 32, "the dev state has more than one page ({} keys)", expected.len());
    let items = json!([{"key": "0x", "type": "descendantsValues"}]);
    let operation = start(&mut ws, "chainHead_v1_storage", json!([subscription, hash, items])).await;
    let mut keys = Vec::new();
    let mut waits = 0;
    loop {
        let event = operation_event(&mut ws, &subscription, &operation).await;
        match event["event"].as_str().unwrap() {
            "operationStorageItems" => {
                let items = event["items"].as_array().unwrap();
                assert!(items.len() <= 16);
                keys.extend(items.iter().map(|item| item["key"].clone()));
            }
            "operationWaitingForContinue" => {
                waits += 1;
                let resumed = ws.call("chainHead_v1_continue", json!([subscription, operation])).await;
                assert_eq!(resumed["result"], Value::Null, "{resumed}");
            }
            "operationStorageDone" => break,
            other => panic!("unexpected {other}: {event}"),
        }
    }
    assert_eq!(keys, expected);
    assert_eq!(waits, (expected.len() - 1) / 16);

    // A paused operation stopped: it sends nothing more, and `continue` then has no effect.
    let items = json!([{"key": "0x", "type": "descendantsHashes"}]);
    let operation = start(&mut ws, "chainHead_v1_storage", json!([subscription, hash, items])).await;
    assert_eq!(operation_event(&mut ws, &subscription, &operation).await["event"], json!("operationStorageItems"));
    assert_eq!(
        operation_event(&mut ws, &subscription, &operation).await["event"],
        json!("operationWaitingForContinue")
    );
    let stopped = ws.call("chainHead_v1_stopOperation", json!([subscription, operation])).await;
    assert_eq!(stopped["result"], Value::Null, "{stopped}");
    let resumed = ws.call("chainHead_v1_continue", json!([subscription, operation])).await;
    assert_eq!(resumed["result"], Value::Null, "{resumed}");

    // Too many items at once: the excess is discarded, as the spec's `discardedItems` says.
    let many: Vec<Value> = (0..40).map(|index| json!({"key": hex0x(&[index]), "type": "value"})).collect();
    let response = ws.call("chainHead_v1_storage", json!([subscription, hash, many])).await;
    assert_eq!(response["result"]["result"], json!("started"), "{response}");
    assert_eq!(response["result"]["discardedItems"], json!(8), "{response}");

    // A malformed `type` is an invalid-params error, and nothing else is disturbed.
    let bad = ws.call("chainHead_v1_storage", json!([subscription, hash, [{"key": "0x00", "type": "values"}]])).await;
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");
    let header = ws.call("chainHead_v1_header", json!([subscription, hash])).await;
    assert!(header["result"].is_string(), "{header}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpinning_unknown_ids_and_bad_hashes() {
    let (node, server) = serve().await;
    let first = node.produce_block().hash();
    let mut ws = Ws::connect(server.local_addr()).await;
    let (subscription, _) = follow(&mut ws, true).await;
    let genesis = node.genesis();

    // Unknown follow subscription: `null`, `limitReached`, no effect; never an error.
    let stale = "notAFollowId";
    assert_eq!(ws.call("chainHead_v1_header", json!([stale, first])).await["result"], Value::Null);
    assert_eq!(ws.call("chainHead_v1_body", json!([stale, first])).await["result"], json!({"result": "limitReached"}));
    let storage = ws.call("chainHead_v1_storage", json!([stale, first, [{"key": "0x", "type": "value"}]])).await;
    assert_eq!(storage["result"], json!({"result": "limitReached"}));
    let call = ws.call("chainHead_v1_call", json!([stale, first, "Core_version", "0x"])).await;
    assert_eq!(call["result"], json!({"result": "limitReached"}));
    for (method, params) in [
        ("chainHead_v1_unpin", json!([stale, first])),
        ("chainHead_v1_continue", json!([stale, "1"])),
        ("chainHead_v1_stopOperation", json!([stale, "1"])),
    ] {
        let response = ws.call(method, params).await;
        assert_eq!(response["result"], Value::Null, "{method}: {response}");
    }
    // An unknown operation of a live subscription: no effect.
    assert_eq!(ws.call("chainHead_v1_continue", json!([subscription, "99"])).await["result"], Value::Null);

    // A block never reported: -32801.
    let unknown = H256([7; 32]);
    let response = ws.call("chainHead_v1_header", json!([subscription, unknown])).await;
    assert_eq!(response["error"]["code"], json!(-32801), "{response}");
    let response = ws.call("chainHead_v1_body", json!([subscription, unknown])).await;
    assert_eq!(response["error"]["code"], json!(-32801), "{response}");
    // Duplicates: -32804, and nothing is unpinned.
    let response = ws.call("chainHead_v1_unpin", json!([subscription, [genesis, genesis]])).await;
    assert_eq!(response["error"]["code"], json!(-32804), "{response}");
    // One unknown hash among known ones: -32801, and nothing is unpinned.
    let response = ws.call("chainHead_v1_unpin", json!([subscription, [genesis, unknown]])).await;
    assert_eq!(response["error"]["code"], json!(-32801), "{response}");
    assert!(ws.call("chainHead_v1_header", json!([subscription, genesis])).await["result"].is_string());
    // Bad parameters: -32602.
    let response = ws.call("chainHead_v1_unpin", json!([subscription, "0x1234"])).await;
    assert_eq!(response["error"]["code"], json!(-32602), "{response}");
    let response = ws.call("chainHead_v1_follow", json!(["yes"])).await;
    assert_eq!(response["error"]["code"], json!(-32602), "{response}");

    // Unpinned, a block is no longer usable.
    assert_eq!(ws.call("chainHead_v1_unpin", json!([subscription, [genesis]])).await["result"], Value::Null);
    assert_eq!(ws.call("chainHead_v1_unpin", json!([subscription, first])).await["result"], Value::Null);
    for method in ["chainHead_v1_header", "chainHead_v1_body"] {
        let response = ws.call(method, json!([subscription, first])).await;
        assert_eq!(response["error"]["code"], json!(-32801), "{method}: {response}");
    }
    let response =
        ws.call("chainHead_v1_storage", json!([subscription, first, [{"key": "0x", "type": "value"}]])).await;
    assert_eq!(response["error"]["code"], json!(-32801), "{response}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_that_never_unpins_is_stopped_and_one_that_unpins_is_not() {
    let (node, server) = serve_with(|config| config.new_api.pinned_blocks_per_follow = 20).await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let (hoarder, initialized) = follow(&mut ws, false).await;
    assert_eq!(initialized["finalizedBlockHashes"], json!([node.genesis()]));
    for _ in 0..25 {
        node.produce_block();
    }
    // The hoarder holds genesis and 19 new blocks; the 20th new block would pass the bound.
    let mut new_blocks = 0;
    loop {
        let event = event(&mut ws, &hoarder).await;
        match event["event"].as_str().unwrap() {
            "newBlock" => new_blocks += 1,
            "stop" => break,
            _ => {}
        }
    }
    assert_eq!(new_blocks, 19);
    // A stopped subscription is stale.
    let response = ws.call("chainHead_v1_header", json!([hoarder, node.genesis()])).await;
    assert_eq!(response["result"], Value::Null, "{response}");

    // A follower that unpins what it no longer needs follows any number of blocks.
    let (tidy, initialized) = follow(&mut ws, false).await;
    let hashes = initialized["finalizedBlockHashes"].as_array().unwrap().clone();
    let (older, current) = hashes.split_at(hashes.len() - 1);
    assert_eq!(ws.call("chainHead_v1_unpin", json!([tidy, older])).await["result"], Value::Null);
    let mut previous = hash_of(&current[0]);
    for _ in 0..30 {
        node.produce_block();
        loop {
            let event = event(&mut ws, &tidy).await;
            assert_ne!(event["event"], json!("stop"), "{event}");
            if event["event"] == json!("finalized") {
                let response = ws.call("chainHead_v1_unpin", json!([tidy, previous])).await;
                assert_eq!(response["result"], Value::Null, "{response}");
                previous = hash_of(event["finalizedBlockHashes"].as_array().unwrap().last().unwrap());
                break;
            }
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_per_connection_are_bounded() {
    let (_node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let mut follows = Vec::new();
    for _ in 0..4 {
        follows.push(follow(&mut ws, true).await.0);
    }
    let refused = ws.call("chainHead_v1_follow", json!([true])).await;
    assert_eq!(refused["error"]["code"], json!(-32800), "{refused}");
    // Another connection has its own bound.
    let mut other = Ws::connect(server.local_addr()).await;
    follow(&mut other, false).await;
    // Unfollowing frees a place.
    let unfollowed = ws.call("chainHead_v1_unfollow", json!([follows[0]])).await;
    assert_eq!(unfollowed["result"], json!(true), "{unfollowed}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    follow(&mut ws, true).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_broadcast_and_stop() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let tx = node.sign(&dev("Alice"), remark(b"broadcast"), 0);
    let response = ws.call("transaction_v1_broadcast", json!([hex0x(&tx)])).await;
    let operation = response["result"].as_str().unwrap_or_else(|| panic!("{response}")).to_string();
    let pending = ws.call("author_pendingExtrinsics", json!([])).await;
    assert_eq!(pending["result"], json!([hex0x(&tx)]));
    assert_eq!(ws.call("transaction_v1_stop", json!([operation])).await["result"], Value::Null);
    let again = ws.call("transaction_v1_stop", json!([operation])).await;
    assert_eq!(again["error"]["code"], json!(-32602), "{again}");
    let bad = ws.call("transaction_v1_broadcast", json!(["0xzz"])).await;
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");

    // 16 broadcasts at once per connection; the 17th gets `null`.
    let mut operations = Vec::new();
    for nonce in 1..=17 {
        let tx = node.sign(&dev("Alice"), remark(format!("broadcast {nonce}").as_bytes()), nonce);
        operations.push(ws.call("transaction_v1_broadcast", json!([hex0x(&tx)])).await["result"].clone());
    }
    assert!(operations[..16].iter().all(Value::is_string), "{operations:?}");
    assert_eq!(operations[16], Value::Null);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_watch_to_finalized_and_invalid() {
    let (node, server) = serve().await;
    let mut ws = Ws::connect(server.local_addr()).await;
    let tx = node.sign(&dev("Alice"), remark(b"watch me"), 0);
    let subscription = ws.subscribe("transactionWatch_v1_submitAndWatch", json!([hex0x(&tx)])).await;
    let (method, validated) = ws.notification(&subscription).await;
    assert_eq!(method, "transactionWatch_v1_watchEvent");
    assert_eq!(validated, json!({"event": "validated"}));
    let block = node.produce_block().hash();
    assert_eq!(
        ws.notification(&subscription).await.1,
        json!({"event": "bestChainBlockIncluded", "block": {"hash": block, "index": 1}})
    );
    assert_eq!(
        ws.notification(&subscription).await.1,
        json!({"event": "finalized", "block": {"hash": block, "index": 1}})
    );

    let mut tampered = node.sign(&dev("Alice"), remark(b"tampered"), 1);
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let subscription = ws.subscribe("transactionWatch_v1_submitAndWatch", json!([hex0x(&tampered)])).await;
    let invalid = ws.notification(&subscription).await.1;
    assert_eq!(invalid["event"], json!("invalid"), "{invalid}");
    assert!(invalid["error"].as_str().unwrap().contains("signature"), "{invalid}");
    let bad = ws.call("transactionWatch_v1_submitAndWatch", json!(["0xzz"])).await;
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_spec_v1_and_rpc_methods() {
    let (node, server) = serve().await;
    let url = server.http_url();
    assert_eq!(result(&url, "chainSpec_v1_chainName", json!([])).await, result(&url, "system_chain", json!([])).await);
    assert_eq!(result(&url, "chainSpec_v1_genesisHash", json!([])).await, json!(node.genesis()));
    assert_eq!(
        result(&url, "chainSpec_v1_properties", json!([])).await,
        result(&url, "system_properties", json!([])).await
    );
    // Every group is served whole, so every group is listed.
    let methods = result(&url, "rpc_methods", json!([])).await;
    let methods: Vec<&str> = methods["methods"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    for name in [
        "chainHead_v1_follow",
        "chainHead_v1_unfollow",
        "chainHead_v1_header",
        "chainHead_v1_body",
        "chainHead_v1_call",
        "chainHead_v1_storage",
        "chainHead_v1_continue",
        "chainHead_v1_stopOperation",
        "chainHead_v1_unpin",
        "transaction_v1_broadcast",
        "transaction_v1_stop",
        "transactionWatch_v1_submitAndWatch",
        "transactionWatch_v1_unwatch",
        "chainSpec_v1_chainName",
        "chainSpec_v1_genesisHash",
        "chainSpec_v1_properties",
        "archive_v1_body",
        "archive_v1_call",
        "archive_v1_finalizedHeight",
        "archive_v1_genesisHash",
        "archive_v1_hashByHeight",
        "archive_v1_header",
        "archive_v1_storage",
        "archive_v1_stopStorage",
        "archive_v1_storageDiff",
        "archive_v1_stopStorageDiff",
    ] {
        assert!(methods.contains(&name), "rpc_methods lists {name}");
    }
    server.stop().await;
}

/// Every event of an archive stream until its final one.
async fn archive_events(ws: &mut Ws, subscription: &str) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let (_, event) = ws.notification(subscription).await;
        let last = matches!(
            event["event"].as_str(),
            Some("storageDone" | "storageError" | "storageDiffDone" | "storageDiffError")
        );
        events.push(event);
        if last {
            return events;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_blocks_calls_storage_and_diffs() {
    let (node, server) = serve().await;
    let tx = node.sign(&dev("Alice"), remark(b"archived"), 0);
    tracechain_rpc::NodeClient::submit(&*node, tx.clone()).expect("pooled");
    let block = node.produce_block();
    let hash = block.hash();
    node.produce_block();
    let url = server.http_url();
    assert_eq!(result(&url, "archive_v1_finalizedHeight", json!([])).await, json!(2));
    assert_eq!(result(&url, "archive_v1_genesisHash", json!([])).await, json!(node.genesis()));
    assert_eq!(result(&url, "archive_v1_hashByHeight", json!([1])).await, json!([hash]));
    assert_eq!(result(&url, "archive_v1_hashByHeight", json!([99])).await, json!([]));
    assert_eq!(error(&url, "archive_v1_hashByHeight", json!(["one"])).await["code"], json!(-32602));
    let header = result(&url, "archive_v1_header", json!([hash])).await;
    assert_eq!(Header::decode(&mut &unhex(&header)[..]).unwrap().hash(), hash);
    assert_eq!(result(&url, "archive_v1_header", json!([H256([9; 32])])).await, Value::Null);
    let body = result(&url, "archive_v1_body", json!([hash])).await;
    assert!(body.as_array().unwrap().iter().any(|xt| unhex(xt) == tx));
    let call = result(&url, "archive_v1_call", json!([hash, "Core_version", "0x"])).await;
    assert_eq!(call["success"], json!(true));
    assert_eq!(unhex(&call["value"]), tracechain_runtime::VERSION.encode());
    let call = result(&url, "archive_v1_call", json!([hash, "Nothing_here", "0x"])).await;
    assert_eq!(call["success"], json!(false), "{call}");
    assert!(call["error"].is_string());
    assert_eq!(result(&url, "archive_v1_call", json!([H256([9; 32]), "Core_version", "0x"])).await, Value::Null);

    let mut ws = Ws::connect(server.local_addr()).await;
    let number = result(&url, "state_getStorage", json!([SYSTEM_NUMBER_KEY, hash])).await;
    let system_keys = result(&url, "state_getKeysPaged", json!([SYSTEM_PREFIX, 1000, null, hash])).await;
    let items = json!([
        {"key": SYSTEM_NUMBER_KEY, "type": "value"},
        {"key": SYSTEM_NUMBER_KEY, "type": "hash"},
        {"key": "0xdeadbeef", "type": "value"},
        {"key": SYSTEM_PREFIX, "type": "descendantsHashes"},
    ]);
    let subscription = ws.subscribe("archive_v1_storage", json!([hash, items, null])).await;
    let events = archive_events(&mut ws, &subscription).await;
    assert_eq!(events[0], json!({"event": "storage", "key": SYSTEM_NUMBER_KEY, "value": number}));
    assert_eq!(events[1], json!({"event": "storage", "key": SYSTEM_NUMBER_KEY, "hash": blake2_256_h(&unhex(&number))}));
    let descendants: Vec<Value> = events[2..events.len() - 1].iter().map(|event| event["key"].clone()).collect();
    assert_eq!(&descendants, system_keys.as_array().unwrap());
    assert_eq!(events.last().unwrap(), &json!({"event": "storageDone"}));

    // Resuming after a key.
    let resume = system_keys[2].clone();
    let items = json!([{"key": SYSTEM_PREFIX, "type": "descendantsValues", "paginationStartKey": resume}]);
    let subscription = ws.subscribe("archive_v1_storage", json!([hash, items])).await;
    let events = archive_events(&mut ws, &subscription).await;
    assert_eq!(events[0]["key"], system_keys[3]);

    // An unknown block, a malformed type, too many items.
    let items = json!([{"key": "0x", "type": "value"}]);
    let subscription = ws.subscribe("archive_v1_storage", json!([H256([9; 32]), items])).await;
    assert_eq!(archive_events(&mut ws, &subscription).await[0]["event"], json!("storageError"));
    let bad = ws.call("archive_v1_storage", json!([hash, [{"key": "0x", "type": "everything"}]])).await;
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");
    let many: Vec<Value> = (0..65).map(|_| json!({"key": "0x", "type": "value"})).collect();
    let bad = ws.call("archive_v1_storage", json!([hash, many])).await;
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");

    // The diff of block 1 against genesis: System.Number changed from 0 to 1.
    let items = json!([{"key": SYSTEM_PREFIX, "returnType": "value"}]);
    let subscription = ws.subscribe("archive_v1_storageDiff", json!([hash, items, null])).await;
    let events = archive_events(&mut ws, &subscription).await;
    assert_eq!(events.last().unwrap(), &json!({"event": "storageDiffDone"}));
    let number_change = events.iter().find(|event| event["key"] == json!(SYSTEM_NUMBER_KEY)).expect("System.Number");
    assert_eq!(number_change["value"], number, "{number_change}");
    assert!(matches!(number_change["type"].as_str(), Some("modified" | "added")), "{number_change}");
    // A previousHash that is not an ancestor.
    let later = node.head().hash();
    let subscription = ws.subscribe("archive_v1_storageDiff", json!([hash, null, later])).await;
    assert_eq!(archive_events(&mut ws, &subscription).await[0]["event"], json!("storageDiffError"));
    server.stop().await;
}
