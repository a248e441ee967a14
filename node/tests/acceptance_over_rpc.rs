//! The acceptance story over JSON-RPC only, against the real `tracechain --dev` binary: the
//! scripted client of `scripts/acceptance.sh` walks it and reads the journey from `trace_*`.

mod common;

use std::time::Duration;

use common::DevNode;
use serde_json::json;
use tracechain_client::{rpc::RpcClient, story};

#[test]
fn the_scripted_client_walks_the_story_and_reads_the_journey() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let mut client = RpcClient::connect(&format!("http://127.0.0.1:{}", node.rpc_port)).expect("connect");
    client.timeout = Duration::from_secs(30);
    let mut steps = Vec::new();
    let outcome = story::run(&client, &mut |step| steps.push(step.to_string())).expect("the story runs");
    assert!(steps.iter().any(|step| step.contains("clearance before the inspection refused")), "{steps:?}");
    assert!(steps.iter().any(|step| step.contains("second sale of the same bottle is refused")), "{steps:?}");

    let journey = &outcome.journey;
    assert_eq!(journey["status"], json!("sold"));
    assert_eq!(journey["customs"], json!("cleared"));
    assert_eq!(journey["sale"]["by"]["name"], json!("Tmall Global"));
    let biz_steps: Vec<&str> =
        journey["steps"].as_array().expect("steps").iter().filter_map(|s| s["bizStep"].as_str()).collect();
    for expected in [
        "commissioning",
        "packing",
        "shipping",
        "receiving",
        "arriving",
        "holding",
        "inspecting",
        "unpacking",
        "retail_selling",
    ] {
        assert!(biz_steps.contains(&expected), "{expected} missing: {biz_steps:?}");
    }
    assert!(story::journey_lines(journey).iter().any(|line| line.contains("FRLEH")), "the Le Havre hand-over is shown");
    // The story runs again on the same chain with fresh serials.
    let again = story::run(&client, &mut |_| {}).expect("a second run");
    assert_ne!(again.digital_link, outcome.digital_link);
    node.stop();
}
