//! Existing Substrate tooling, unmodified: subxt (from crates.io) connects to a real
//! `tracechain --dev` over WebSocket as to any Substrate chain — nothing configured beyond
//! `PolkadotConfig` — reads storage through dynamic queries, signs a supply-chain call with the
//! dev key Alice, watches it to finalization, decodes the pallet's event and calls a runtime API.
//!
//! The same journey runs over each of subxt's backends: the legacy methods (`chain_*`,
//! `state_*`, `author_*`), the new interface's chain-head backend (`chainHead_v1_*`,
//! `transactionWatch_v1_*`, `chainSpec_v1_*`), and the default `OnlineClient::from_url`, which
//! picks `archive_v1_*` and `chainHead_v1_*` because `rpc_methods` lists them.

mod common;

use std::sync::Arc;

use common::DevNode;
use subxt::{
    backend::{ChainHeadBackend, LegacyBackend},
    dynamic::{self, Value},
    ext::codec::Decode,
    rpcs::RpcClient,
    OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::dev;

const GTIN: &str = "03760001000016";

/// Which of subxt's backends a test drives.
enum Backend {
    Legacy,
    ChainHead,
    Default,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subxt_legacy_backend_reads_storage_submits_a_call_and_decodes_its_event() {
    journey(Backend::Legacy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subxt_chain_head_backend_reads_storage_submits_a_call_and_decodes_its_event() {
    journey(Backend::ChainHead).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subxt_default_client_uses_the_new_interface() {
    journey(Backend::Default).await;
}

async fn journey(backend: Backend) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let url = format!("ws://127.0.0.1:{}", node.rpc_port);
    let api = match backend {
        Backend::Default => OnlineClient::<PolkadotConfig>::from_url(&url).await.expect("subxt connects"),
        Backend::Legacy => {
            let rpc = RpcClient::from_insecure_url(&url).await.expect("RPC client");
            let backend = LegacyBackend::<PolkadotConfig>::builder().build(rpc);
            OnlineClient::from_backend(Arc::new(backend)).await.expect("subxt connects")
        }
        Backend::ChainHead => {
            let rpc = RpcClient::from_insecure_url(&url).await.expect("RPC client");
            let backend = ChainHeadBackend::<PolkadotConfig>::builder().build_with_background_driver(rpc);
            OnlineClient::from_backend(Arc::new(backend)).await.expect("subxt connects")
        }
    };

    // System.Number through a dynamic storage query.
    let at = api.at_current_block().await.expect("current block");
    let number = at
        .storage()
        .fetch(dynamic::storage::<(), u32>("System", "Number"), ())
        .await
        .expect("System.Number")
        .decode()
        .expect("u32");
    assert!(number >= 1, "the dev chain produces blocks");

    // Château X (Alice) registers its wine: Products.register_class, signed by subxt.
    let call = dynamic::transaction(
        "Products",
        "register_class",
        vec![
            Value::from_bytes(GTIN),
            Value::from_bytes("Château X 2019, 750 ml"),
            Value::from_bytes("Château X"),
            Value::from_bytes("220421"),
            Value::from_bytes("FR"),
            Value::unnamed_composite(Vec::new()),
        ],
    );
    let events = at
        .transactions()
        .sign_and_submit_then_watch_default(&call, &dev::alice())
        .await
        .expect("submitted")
        .wait_for_finalized_success()
        .await
        .expect("finalized and successful");
    let registered = events
        .iter()
        .map(|event| event.expect("decodes"))
        .find(|event| event.pallet_name() == "Products" && event.event_name() == "ProductClassRegistered")
        .expect("the pallet's event");
    let fields = registered.decode_as::<Value>().expect("fields decode");
    assert!(fields.to_string().contains("48, 51, 55, 54"), "the GTIN's digits are in the event: {fields}");

    // The class, read back through a dynamic map query keyed by the GTIN.
    let at = api.at_current_block().await.expect("current block");
    let class = at
        .storage()
        .fetch(dynamic::storage::<(Value,), Value>("Products", "ProductClasses"), (Value::from_bytes(GTIN),))
        .await
        .expect("Products.ProductClasses")
        .decode()
        .expect("value");
    assert!(class.to_string().contains("name"), "{class}");

    // A runtime API: Alice's nonce after her one transaction. The V14 metadata describes no
    // runtime APIs, so the call is raw and the u32 is decoded here.
    let nonce = at
        .runtime_apis()
        .call_raw("AccountNonceApi_account_nonce", Some(&dev::alice().public_key().0))
        .await
        .expect("AccountNonceApi_account_nonce");
    assert_eq!(u32::decode(&mut &nonce[..]).expect("a u32 nonce"), 1);
    node.stop();
}
