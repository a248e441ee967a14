//! Existing Substrate tooling, unmodified: subxt (from crates.io) connects to a real
//! `tracechain --dev` over WebSocket as to any Substrate chain — nothing configured beyond
//! `PolkadotConfig` — reads storage through dynamic queries, signs a supply-chain call with the
//! dev key Alice, watches it to finalization and decodes the pallet's event.

mod common;

use common::DevNode;
use subxt::{
    dynamic::{self, Value},
    OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::dev;

const GTIN: &str = "03760001000016";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subxt_reads_storage_submits_a_call_and_decodes_its_event() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let url = format!("ws://127.0.0.1:{}", node.rpc_port);
    let api = OnlineClient::<PolkadotConfig>::from_url(&url).await.expect("subxt connects");

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
    node.stop();
}
