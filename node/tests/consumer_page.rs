//! The consumer page end to end: a real node after the acceptance story serves bottle 17's page
//! at its Digital Link path; headless Chromium renders it, the journey, the verification badge
//! and the "already sold" warning are on it, and a screenshot is saved under the test's output
//! directory. The same path answers a GS1 linkset; unknown codes get a 404 page.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use common::DevNode;
use serde_json::Value;
use tracechain_client::{rpc::RpcClient, story};

/// Renders `url` in headless Chromium: the DOM after scripts ran, and a phone-sized screenshot.
fn chromium(url: &str, screenshot: &Path) -> String {
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=412,2000"];
    let dom = Command::new("chromium")
        .args(common)
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs (the setup script installs Debian's chromium)");
    assert!(dom.status.success(), "chromium: {}", String::from_utf8_lossy(&dom.stderr));
    let shot = Command::new("chromium")
        .args(common)
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(shot.status.success(), "chromium: {}", String::from_utf8_lossy(&shot.stderr));
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

#[test]
fn the_consumer_page_shows_the_verified_journey_and_the_warning() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let base = format!("http://127.0.0.1:{}", node.rpc_port);
    let mut client = RpcClient::connect(&base).expect("connect");
    client.timeout = Duration::from_secs(30);
    let outcome = story::run(&client, &mut |_| {}).expect("the story runs");
    let path = outcome.digital_link.trim_start_matches("https://id.tracechain.localhost").to_string();
    assert!(path.starts_with("/01/03760001000016/21/"), "{path}");

    let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("consumer-page");
    std::fs::create_dir_all(&output).expect("output directory");
    let screenshot = output.join("bottle-17.png");
    let dom = chromium(&format!("{base}{path}"), &screenshot);
    assert!(dom.contains("Château X 2019, 750 ml"), "{dom}");
    assert!(dom.contains("Verified at finalized block #"), "{dom}");
    assert!(dom.contains("id=\"already-sold\"") && dom.contains("already sold to a consumer"), "{dom}");
    for expected in
        ["Commissioning", "Shipping", "Receiving", "Holding", "Inspecting", "Retail selling", "FRLEH", "CNSHA"]
    {
        assert!(dom.contains(expected), "{expected} missing from the page");
    }
    assert!(dom.contains("Atlantic Freight (carrier)") && dom.contains("Shanghai Customs"), "organisations and roles");
    assert!(dom.contains("UTC"), "times are shown");
    let png = std::fs::read(&screenshot).expect("screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");

    // The same path as a GS1 resolver linkset.
    let linkset: Value = ureq::get(&format!("{base}{path}"))
        .set("Accept", "application/linkset+json")
        .call()
        .expect("linkset")
        .into_json()
        .expect("json");
    assert_eq!(linkset["linkset"][0]["anchor"], Value::from(outcome.digital_link.clone()));
    assert_eq!(linkset["linkset"][0]["https://gs1.org/voc/pip"][0]["href"], Value::from(path.clone()));

    // An unknown code: a 404 page that says so.
    let unknown = ureq::get(&format!("{base}/01/03760001000016/21/NOT-A-BOTTLE")).call();
    match unknown {
        Err(ureq::Error::Status(404, response)) => {
            assert!(response.into_string().expect("body").contains("not registered on Tracechain"));
        }
        other => panic!("expected 404, got {other:?}"),
    }
    // JSON-RPC still works on the same port.
    assert!(client.call("system_name", serde_json::json!([])).is_ok());
    node.stop();
}
