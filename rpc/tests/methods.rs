//! Every method over real HTTP against a real-runtime node: results and their JSON shapes.

mod common;

use common::*;
use parity_scale_codec::{Decode, Encode};
use serde_json::{json, Value};
use tracechain_primitives::{hashing::blake2_256_h, trie::verify_read_proof, H256};
use tracechain_runtime::{RuntimeVersion, ValidTransaction, VERSION};
use tracechain_support::Weight;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_methods_describe_node_and_chain() {
    let (_node, server) = serve().await;
    let url = server.http_url();
    assert_eq!(result(&url, "system_name", json!([])).await, json!("Tracechain Node"));
    assert_eq!(result(&url, "system_version", json!([])).await, json!(env!("CARGO_PKG_VERSION")));
    assert_eq!(result(&url, "system_chain", json!([])).await, json!("Tracechain Development"));
    assert_eq!(result(&url, "system_chainType", json!([])).await, json!("Development"));
    assert_eq!(
        result(&url, "system_properties", json!([])).await,
        json!({ "ss58Format": 42, "tokenDecimals": 0, "tokenSymbol": "TRACE" })
    );
    assert_eq!(
        result(&url, "system_health", json!([])).await,
        json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false })
    );
    assert_eq!(result(&url, "system_peers", json!([])).await, json!([]));
    let state = result(&url, "system_syncState", json!([])).await;
    assert_eq!(state["currentBlock"], state["highestBlock"], "{state}");
    assert!(state["startingBlock"].as_u64() <= state["currentBlock"].as_u64(), "{state}");
    assert_eq!(result(&url, "system_localListenAddresses", json!([])).await, json!([]));
    let no_network = error(&url, "system_localPeerId", json!([])).await;
    assert!(no_network["message"].as_str().unwrap().contains("no peer-to-peer network"), "{no_network}");
    for (method, params) in [
        ("system_reservedPeers", json!([])),
        ("system_addReservedPeer", json!(["/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"])),
        ("system_removeReservedPeer", json!(["12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"])),
    ] {
        let refused = error(&url, method, params).await;
        assert!(refused["message"].as_str().unwrap().contains("no peer-to-peer network"), "{method}: {refused}");
    }
    let missing = error(&url, "system_addReservedPeer", json!([])).await;
    assert_eq!(missing["code"], json!(-32602), "{missing}");
    let alice = dev("Alice").public();
    assert_eq!(result(&url, "system_accountNextIndex", json!([alice.to_string()])).await, json!(0));
    assert_eq!(result(&url, "account_nextIndex", json!([hex0x(alice.as_bytes())])).await, json!(0));
    let bad = error(&url, "system_accountNextIndex", json!(["5Grwva"])).await;
    assert_eq!(bad["code"], json!(-32602));
    assert!(bad["data"].as_str().unwrap().contains("SS58"), "{bad}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_methods_lists_the_legacy_api_and_the_new_groups() {
    let (_node, server) = serve().await;
    let methods = result(&server.http_url(), "rpc_methods", json!([])).await;
    let names: Vec<&str> = methods["methods"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for expected in [
        "rpc_methods",
        "system_name",
        "system_accountNextIndex",
        "system_localPeerId",
        "system_localListenAddresses",
        "system_syncState",
        "system_reservedPeers",
        "system_addReservedPeer",
        "system_removeReservedPeer",
        "chain_getBlockHash",
        "chain_getHead",
        "chain_getHeader",
        "chain_getBlock",
        "chain_getFinalizedHead",
        "chain_getFinalisedHead",
        "chain_subscribeNewHeads",
        "chain_subscribeNewHead",
        "chain_unsubscribeNewHeads",
        "chain_subscribeFinalizedHeads",
        "chain_subscribeAllHeads",
        "state_getStorage",
        "state_getStorageAt",
        "state_getKeysPaged",
        "state_queryStorageAt",
        "state_getReadProof",
        "state_getRuntimeVersion",
        "chain_getRuntimeVersion",
        "state_call",
        "state_subscribeStorage",
        "state_subscribeRuntimeVersion",
        "author_submitExtrinsic",
        "author_submitAndWatchExtrinsic",
        "author_unwatchExtrinsic",
        "author_pendingExtrinsics",
    ] {
        assert!(names.contains(&expected), "rpc_methods lacks {expected}");
    }
    // The new interface's groups are listed only because each is served whole (tests/new_api.rs
    // checks every function of each group).
    for group in ["chainHead_v1_", "archive_v1_", "transaction_v1_", "transactionWatch_v1_", "chainSpec_v1_"] {
        assert!(names.iter().any(|name| name.starts_with(group)), "rpc_methods lists {group}*");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_hash_in_every_parameter_form() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let genesis = json!(node.genesis());
    assert_eq!(result(&url, "chain_getBlockHash", json!([0])).await, genesis);
    assert_eq!(result(&url, "chain_getBlockHash", json!(["0x0"])).await, genesis);
    let first = node.produce_block().hash();
    assert_eq!(result(&url, "chain_getBlockHash", json!([])).await, json!(first));
    assert_eq!(result(&url, "chain_getBlockHash", json!(null)).await, json!(first));
    assert_eq!(result(&url, "chain_getBlockHash", json!([null])).await, json!(first));
    assert_eq!(result(&url, "chain_getHead", json!([])).await, json!(first));
    assert_eq!(result(&url, "chain_getBlockHash", json!([[0, "0x1", 2]])).await, json!([genesis, first, null]));
    assert_eq!(result(&url, "chain_getBlockHash", json!([99])).await, Value::Null);
    assert_eq!(result(&url, "chain_getBlockHash", json!({ "hash": 1 })).await, json!(first));
    let too_big = error(&url, "chain_getBlockHash", json!([4_294_967_296u64])).await;
    assert_eq!(too_big["code"], json!(-32602));
    assert!(too_big["data"].as_str().unwrap().contains("exceeds the largest block number"), "{too_big}");
    let bad = error(&url, "chain_getBlockHash", json!(["12"])).await;
    assert!(bad["data"].as_str().unwrap().contains("0x-prefixed hex"), "{bad}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_and_block_have_substrates_shape() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let genesis = node.genesis();
    let block = node.produce_block();
    let hash = block.hash();

    let header = result(&url, "chain_getHeader", json!([hash])).await;
    assert_eq!(header["parentHash"], json!(genesis));
    assert_eq!(header["number"], json!("0x1"));
    assert_eq!(header["stateRoot"], json!(block.header.state_root));
    assert_eq!(header["extrinsicsRoot"], json!(block.header.extrinsics_root));
    assert_eq!(header["digest"], json!({ "logs": [] }));
    assert_eq!(header.as_object().unwrap().len(), 5);
    assert_eq!(result(&url, "chain_getHeader", json!([])).await, header);
    let genesis_header = result(&url, "chain_getHeader", json!([genesis])).await;
    assert_eq!(genesis_header["number"], json!("0x0"));
    assert_eq!(genesis_header["parentHash"], json!(H256::zero()));
    assert_eq!(result(&url, "chain_getHeader", json!([H256::repeat_byte(9)])).await, Value::Null);

    let signed = result(&url, "chain_getBlock", json!([hash])).await;
    assert_eq!(signed["block"]["header"], header);
    let extrinsics: Vec<Value> = block.extrinsics.iter().map(|xt| json!(hex0x(&xt.encoded()))).collect();
    assert_eq!(signed["block"]["extrinsics"], json!(extrinsics));
    assert_eq!(extrinsics.len(), 1, "the timestamp inherent");
    let engine: Vec<u8> = b"BFT0".to_vec();
    assert_eq!(signed["justifications"], json!([[engine, CERTIFICATE]]));
    assert_eq!(result(&url, "chain_getBlock", json!([])).await, signed);
    let genesis_block = result(&url, "chain_getBlock", json!([genesis])).await;
    assert_eq!(genesis_block["justifications"], Value::Null);
    assert_eq!(genesis_block["block"]["extrinsics"], json!([]));
    assert_eq!(result(&url, "chain_getBlock", json!([H256::repeat_byte(9)])).await, Value::Null);

    assert_eq!(result(&url, "chain_getFinalizedHead", json!([])).await, json!(hash));
    assert_eq!(result(&url, "chain_getFinalisedHead", json!([])).await, json!(hash));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_reads_at_blocks_and_key_pages() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let genesis = node.genesis();
    let first = node.produce_block().hash();

    assert_eq!(result(&url, "state_getStorage", json!([SYSTEM_NUMBER_KEY])).await, json!("0x01000000"));
    assert_eq!(result(&url, "state_getStorage", json!([SYSTEM_NUMBER_KEY, first])).await, json!("0x01000000"));
    assert_eq!(result(&url, "state_getStorageAt", json!([SYSTEM_NUMBER_KEY, genesis])).await, json!("0x00000000"));
    assert_eq!(result(&url, "state_getStorage", json!(["0x1234"])).await, Value::Null);
    assert_eq!(
        result(&url, "state_getStorageHash", json!([SYSTEM_NUMBER_KEY])).await,
        json!(blake2_256_h(&[1, 0, 0, 0]))
    );
    assert_eq!(result(&url, "state_getStorageSize", json!([SYSTEM_NUMBER_KEY])).await, json!(4));

    let all = result(&url, "state_getKeysPaged", json!([SYSTEM_PREFIX, 1000])).await;
    let all: Vec<String> = all.as_array().unwrap().iter().map(|key| key.as_str().unwrap().to_string()).collect();
    assert!(all.len() >= 3, "{all:?}");
    assert!(all.iter().all(|key| key.starts_with(SYSTEM_PREFIX)));
    assert!(all.contains(&SYSTEM_NUMBER_KEY.to_string()));
    assert!(all.windows(2).all(|pair| pair[0] < pair[1]), "keys in order");
    let page = result(&url, "state_getKeysPaged", json!([SYSTEM_PREFIX, 2])).await;
    assert_eq!(page, json!(all[..2]));
    let next = result(&url, "state_getKeysPaged", json!([SYSTEM_PREFIX, 2, all[1], first])).await;
    assert_eq!(next, json!(all[2..all.len().min(4)]));
    let at_alias = result(&url, "state_getKeysPagedAt", json!([SYSTEM_PREFIX, 2, null, genesis])).await;
    assert_eq!(at_alias.as_array().unwrap().len(), 2);

    let changes = result(&url, "state_queryStorageAt", json!([[SYSTEM_NUMBER_KEY, "0x1234"], genesis])).await;
    assert_eq!(
        changes,
        json!([{ "block": genesis, "changes": [[SYSTEM_NUMBER_KEY, "0x00000000"], ["0x1234", null]] }])
    );
    let best = result(&url, "state_queryStorageAt", json!([[SYSTEM_NUMBER_KEY]])).await;
    assert_eq!(best[0]["block"], json!(first));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_proof_verifies_against_the_state_root() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let block = node.produce_block();
    let keys = [SYSTEM_NUMBER_KEY.to_string(), "0x26aa394eea5630e07c48ae0c9558cef7ffff".to_string()];
    let proof = result(&url, "state_getReadProof", json!([keys, block.hash()])).await;
    assert_eq!(proof["at"], json!(block.hash()));
    let nodes: Vec<Vec<u8>> = proof["proof"].as_array().unwrap().iter().map(unhex).collect();
    assert!(!nodes.is_empty());
    let keys: Vec<Vec<u8>> = keys.iter().map(|key| unhex(&json!(key))).collect();
    let proven = verify_read_proof(&block.header.state_root, &nodes, &keys).expect("proof verifies");
    assert_eq!(proven, vec![(keys[0].clone(), Some(vec![1, 0, 0, 0])), (keys[1].clone(), None)]);
    let best = result(&url, "state_getReadProof", json!([[SYSTEM_NUMBER_KEY]])).await;
    assert_eq!(best["at"], json!(block.hash()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_builder_dry_runs_and_genesis_presets_over_state_call() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let alice = dev("Alice");

    // Every method the runtime declares is answered by state_call (maybe as bad arguments).
    for api in &tracechain_runtime::runtime_api::RUNTIME_APIS {
        for method in (api.methods)() {
            let name = api.call_name(&method);
            let answer = call(&url, "state_call", json!([name, "0x"])).await;
            let message = answer["error"]["message"].as_str().unwrap_or_default();
            assert!(!message.contains("is not provided"), "{name}: {answer}");
        }
    }

    // A dry run: success, then a failing call, both leaving the chain as it was.
    let head = node.head();
    let ok = node.sign(&alice, remark(b"dry"), 0);
    let answer = unhex(&result(&url, "state_call", json!(["BlockBuilder_apply_extrinsic", hex0x(&ok)])).await);
    assert_eq!(answer, vec![0, 0], "Ok(Ok(()))");
    assert_eq!(unhex(&result(&url, "system_dryRun", json!([hex0x(&ok)])).await), answer);
    assert_eq!(unhex(&result(&url, "system_dryRun", json!([hex0x(&ok), head.hash()])).await), answer);
    let sold =
        tracechain_runtime::RuntimeCall::Identity(pallet_identity::Call::mark_sold { item: H256::repeat_byte(3) });
    let failing = node.sign(&alice, sold, 0);
    let answer = unhex(&result(&url, "system_dryRun", json!([hex0x(&failing)])).await);
    assert_eq!(answer[..3], [0, 1, 3], "Ok(Err(DispatchError::Module {{ .. }}))");
    assert_eq!(answer[3], pallet_identity::PALLET_INDEX);
    let mut tampered = ok.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let answer = unhex(&result(&url, "system_dryRun", json!([hex0x(&tampered)])).await);
    assert_eq!(answer[..2], [1, 0], "Err(Invalid(..)): the signature is checked");
    assert_eq!(node.head(), head, "dry runs build no block");
    assert_eq!(result(&url, "system_accountNextIndex", json!([alice.public().to_string()])).await, json!(0));
    let bad = error(&url, "system_dryRun", json!(["0x0801"])).await;
    assert_eq!(bad["code"], json!(-32602), "{bad}");
    let unknown_at = error(&url, "system_dryRun", json!([hex0x(&ok), H256::repeat_byte(7)])).await;
    assert!(unknown_at["data"].as_str().unwrap().contains("unknown block"), "{unknown_at}");

    // Inherents: the timestamp of the data.
    let data: std::collections::BTreeMap<[u8; 8], Vec<u8>> = [(*b"timstap0", 42u64.encode())].into();
    let inherents =
        unhex(&result(&url, "state_call", json!(["BlockBuilder_inherent_extrinsics", hex0x(&data.encode())])).await);
    let expected = vec![tracechain_primitives::extrinsic::UncheckedExtrinsic::new_unsigned(
        tracechain_runtime::RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: 42 }),
    )];
    assert_eq!(inherents, expected.encode());

    // GenesisBuilder: the development preset is the chain's own genesis configuration.
    let names = unhex(&result(&url, "state_call", json!(["GenesisBuilder_preset_names", "0x"])).await);
    assert_eq!(Vec::<Vec<u8>>::decode(&mut &names[..]).unwrap(), vec![b"development".to_vec()]);
    let preset = unhex(&result(&url, "state_call", json!(["GenesisBuilder_get_preset", "0x00"])).await);
    let json = Option::<Vec<u8>>::decode(&mut &preset[..]).unwrap().expect("the default preset");
    let config: Value = serde_json::from_slice(&json).unwrap();
    let spec: Value = serde_json::from_str(&tracechain_runtime::ChainSpec::development().unwrap().to_json()).unwrap();
    assert_eq!(config, spec["genesis"]);
    let built = unhex(&result(&url, "state_call", json!(["GenesisBuilder_build_state", hex0x(&json.encode())])).await);
    assert_eq!(built, vec![0], "Ok(())");
    let broken = br#"{"membership": 7}"#.to_vec();
    let built =
        unhex(&result(&url, "state_call", json!(["GenesisBuilder_build_state", hex0x(&broken.encode())])).await);
    let refusal = Result::<(), String>::decode(&mut &built[..]).unwrap().unwrap_err();
    assert!(refusal.contains("invalid type: integer `7`"), "{refusal}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_version_and_runtime_calls() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let genesis = node.genesis();

    let version = result(&url, "state_getRuntimeVersion", json!([])).await;
    assert_eq!(version["specName"], json!("tracechain"));
    assert_eq!(version["implName"], json!(VERSION.impl_name));
    assert_eq!(version["specVersion"], json!(VERSION.spec_version));
    assert_eq!(version["transactionVersion"], json!(VERSION.transaction_version));
    assert_eq!(version["authoringVersion"], json!(VERSION.authoring_version));
    assert_eq!(version["implVersion"], json!(VERSION.impl_version));
    assert_eq!(version["systemVersion"], json!(1));
    assert_eq!(
        version["apis"],
        json!([
            ["0xdf6acb689907609b", 5],
            ["0x37e397fc7c91f5e4", 2],
            ["0x40fe3ad401f8959a", 6],
            ["0xd2bc9897eed08f15", 3],
            ["0xbc9d89904f5b923f", 1],
            ["0x37c8bb1350a9a2a8", 4],
            ["0xf3ff14d5ab527059", 3],
            ["0xfbc577b9d747efd6", 1]
        ])
    );
    assert_eq!(result(&url, "chain_getRuntimeVersion", json!([genesis])).await, version);

    let encoded = unhex(&result(&url, "state_call", json!(["Core_version", "0x", genesis])).await);
    assert_eq!(RuntimeVersion::decode(&mut &encoded[..]).unwrap(), *VERSION);

    let alice = dev("Alice");
    let nonce =
        result(&url, "state_call", json!(["AccountNonceApi_account_nonce", hex0x(alice.public().as_bytes())])).await;
    assert_eq!(nonce, json!("0x00000000"));

    let remark_tx = node.sign(&alice, remark(b"validate me"), 0);
    let mut input = vec![2u8];
    input.extend(&remark_tx);
    input.extend(genesis.as_bytes());
    let verdict =
        unhex(&result(&url, "state_call", json!(["TaggedTransactionQueue_validate_transaction", hex0x(&input)])).await);
    assert_eq!(verdict[0], 0, "Ok(ValidTransaction)");
    let valid = ValidTransaction::decode(&mut &verdict[1..]).expect("ValidTransaction");
    assert!(valid.longevity > 0);
    let mut tampered = remark_tx.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let mut input = vec![2u8];
    input.extend(&tampered);
    input.extend(genesis.as_bytes());
    let verdict =
        unhex(&result(&url, "state_call", json!(["TaggedTransactionQueue_validate_transaction", hex0x(&input)])).await);
    assert_eq!(verdict[..2], [1, 0], "Err(Invalid(..))");

    // TransactionPaymentApi: the real weight and class of the extrinsic, no fee.
    let mut query = remark_tx.clone();
    query.extend((remark_tx.len() as u32).to_le_bytes());
    let info = unhex(&result(&url, "state_call", json!(["TransactionPaymentApi_query_info", hex0x(&query)])).await);
    let (weight, class, fee) = <(Weight, u8, u128)>::decode(&mut &info[..]).expect("RuntimeDispatchInfo");
    let call = remark(b"validate me");
    let charged = tracechain_runtime::Runtime::new(genesis)
        .extrinsic_weight(&tracechain_support::Overlay::new(&std::collections::BTreeMap::new()), &call);
    assert_eq!((weight, class, fee), (charged, 0, 0), "weight, Normal, no fee");
    let details =
        unhex(&result(&url, "state_call", json!(["TransactionPaymentApi_query_fee_details", hex0x(&query)])).await);
    assert_eq!(details, [vec![0u8], vec![0; 16]].concat(), "no inclusion fee, no tip");
    let call_info = unhex(
        &result(
            &url,
            "state_call",
            json!(["TransactionPaymentCallApi_query_call_info", hex0x(&(call, 10u32).encode())]),
        )
        .await,
    );
    assert_eq!(call_info, info);
    let bad_query = error(&url, "state_call", json!(["TransactionPaymentApi_query_info", "0x0801"])).await;
    assert!(bad_query["data"].as_str().unwrap().contains("query_info"), "{bad_query}");

    // Metadata: OpaqueMetadata (Vec<u8>) wrapping the prefixed V14 metadata; versions 14 to 16;
    // Option<OpaqueMetadata> at a version.
    let opaque = unhex(&result(&url, "state_call", json!(["Metadata_metadata", "0x"])).await);
    let inner = Vec::<u8>::decode(&mut &opaque[..]).expect("OpaqueMetadata");
    assert_eq!(&inner[..5], b"meta\x0e");
    let versions = unhex(&result(&url, "state_call", json!(["Metadata_metadata_versions", "0x"])).await);
    assert_eq!(Vec::<u32>::decode(&mut &versions[..]).expect("versions"), vec![14, 15, 16]);
    let at_14 =
        unhex(&result(&url, "state_call", json!(["Metadata_metadata_at_version", hex0x(&14u32.to_le_bytes())])).await);
    assert_eq!(Option::<Vec<u8>>::decode(&mut &at_14[..]).expect("option"), Some(inner.clone()));
    for version in [15u32, 16] {
        let at = unhex(
            &result(&url, "state_call", json!(["Metadata_metadata_at_version", hex0x(&version.to_le_bytes())])).await,
        );
        let bytes = Option::<Vec<u8>>::decode(&mut &at[..]).expect("option").expect("served");
        assert_eq!(&bytes[..5], &[b'm', b'e', b't', b'a', version as u8]);
    }
    let at_17 =
        unhex(&result(&url, "state_call", json!(["Metadata_metadata_at_version", hex0x(&17u32.to_le_bytes())])).await);
    assert_eq!(at_17, vec![0], "None");
    let bad_version = error(&url, "state_call", json!(["Metadata_metadata_at_version", "0x0e"])).await;
    assert!(bad_version["data"].as_str().unwrap().contains("u32"), "{bad_version}");
    let unknown = error(&url, "state_call", json!(["Foo_bar", "0x"])).await;
    assert!(unknown["message"].as_str().unwrap().contains("Core_version"), "{unknown}");
    let bad_nonce = error(&url, "state_call", json!(["AccountNonceApi_account_nonce", "0x0102"])).await;
    assert!(bad_nonce["data"].as_str().unwrap().contains("32-byte"), "{bad_nonce}");
    let unknown_at = error(&url, "state_call", json!(["Core_version", "0x", H256::repeat_byte(7)])).await;
    assert_eq!(unknown_at["code"], json!(-32602));
    assert!(unknown_at["data"].as_str().unwrap().contains("unknown block"), "{unknown_at}");
    let get_metadata = unhex(&result(&url, "state_getMetadata", json!([])).await);
    assert_eq!(get_metadata, inner, "state_getMetadata is the metadata Metadata_metadata wraps");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_returns_the_hash_and_pending_lists_it() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let alice = dev("Alice");
    let tx = node.sign(&alice, remark(b"hello"), 0);
    let hash = result(&url, "author_submitExtrinsic", json!([hex0x(&tx)])).await;
    assert_eq!(hash, json!(blake2_256_h(&tx)));
    assert_eq!(result(&url, "author_pendingExtrinsics", json!([])).await, json!([hex0x(&tx)]));
    assert_eq!(result(&url, "system_accountNextIndex", json!([alice.public().to_string()])).await, json!(1));

    let again = error(&url, "author_submitExtrinsic", json!([hex0x(&tx)])).await;
    assert_eq!(again["code"], json!(1013));

    let block = node.produce_block();
    assert!(block.extrinsics.iter().any(|xt| xt.encoded() == tx));
    assert_eq!(result(&url, "author_pendingExtrinsics", json!([])).await, json!([]));
    let signed = result(&url, "chain_getBlock", json!([block.hash()])).await;
    assert!(signed["block"]["extrinsics"].as_array().unwrap().contains(&json!(hex0x(&tx))));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_extrinsics_get_substrates_author_codes() {
    let (node, server) = serve().await;
    let url = server.http_url();
    let alice = dev("Alice");

    let mut tampered = node.sign(&alice, remark(b"hello"), 0);
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let bad_proof = error(&url, "author_submitExtrinsic", json!([hex0x(&tampered)])).await;
    assert_eq!(bad_proof["code"], json!(1010));
    assert_eq!(bad_proof["message"], json!("Invalid Transaction"));
    assert!(bad_proof["data"].as_str().unwrap().starts_with("bad signature"), "{bad_proof}");

    let stranger = tracechain_primitives::keyring::Sr25519Pair::from_suri("//Stranger").unwrap();
    let outsider = error(&url, "author_submitExtrinsic", json!([hex0x(&node.sign(&stranger, remark(b"hi"), 0))])).await;
    assert_eq!(outsider["code"], json!(1010));
    assert!(outsider["data"].as_str().unwrap().contains("not an account of a consortium member"), "{outsider}");

    let garbage = error(&url, "author_submitExtrinsic", json!(["0x0c0501"])).await;
    assert_eq!(garbage["code"], json!(1001));
    assert!(garbage["message"].as_str().unwrap().contains("invalid format"), "{garbage}");

    let not_hex = error(&url, "author_submitExtrinsic", json!(["0xnothex"])).await;
    assert_eq!(not_hex["code"], json!(-32602));
    assert!(not_hex["data"].as_str().unwrap().contains("not valid hex"), "{not_hex}");
    let missing = error(&url, "author_submitExtrinsic", json!([])).await;
    assert!(missing["data"].as_str().unwrap().contains("`extrinsic` (position 0) is required"), "{missing}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_say_what_is_wrong() {
    let (_node, server) = serve().await;
    let url = server.http_url();
    let cases = [
        ("state_getStorage", json!(["0xzz"]), "not valid hex"),
        ("state_getStorage", json!(["0x123"]), "Odd number of digits"),
        ("state_getStorage", json!([SYSTEM_NUMBER_KEY, "0x1234"]), "32-byte hash, got 2 bytes"),
        ("state_getStorage", json!([SYSTEM_NUMBER_KEY, H256::repeat_byte(3)]), "unknown block"),
        ("state_getStorage", json!([7]), "must be a 0x-prefixed hex string, got a number"),
        ("state_getStorage", json!([SYSTEM_NUMBER_KEY, null, 3]), "at most 2"),
        ("chain_getHeader", json!(["0x1234"]), "32-byte hash"),
        ("state_getKeysPaged", json!([SYSTEM_PREFIX]), "`count` (position 1) is required"),
        ("state_queryStorageAt", json!(["0x01"]), "must be an array"),
        ("state_getReadProof", json!([[SYSTEM_NUMBER_KEY], H256::repeat_byte(3)]), "unknown block"),
        ("state_getRuntimeVersion", json!([H256::repeat_byte(3)]), "unknown block"),
        ("state_call", json!(["Core_version", "0x00"]), "takes no arguments"),
        ("state_call", json!(["TaggedTransactionQueue_validate_transaction", "0x05"]), "transaction source"),
    ];
    for (method, params, expected) in cases {
        let error = error(&url, method, params.clone()).await;
        assert_eq!(error["code"], json!(-32602), "{method}({params}): {error}");
        let data = error["data"].as_str().unwrap_or_default();
        assert!(data.contains(expected), "{method}({params}): expected {expected:?} in {error}");
    }
    let count = error(&url, "state_getKeysPaged", json!([SYSTEM_PREFIX, 1001])).await;
    assert_eq!(count["code"], json!(4002));
    assert_eq!(count["message"], json!("count exceeds maximum value. value: 1001, max: 1000"));
    server.stop().await;
}
