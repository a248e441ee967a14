//! The consumer page end to end: a real node after the acceptance story serves bottle 17's page
//! at its Digital Link path; headless Chromium renders it, the journey, the verification badge
//! and the "already sold" warning are on it, and a screenshot is saved under the test's output
//! directory. The same path answers as a GS1-conformant resolver (served on its own pages
//! listener): the linkset, link types redirected with their query, the resolver description,
//! `400` for malformed links, walk-up to the product class, CORS.

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
    let pages_port = common::free_port();
    let pages_addr = format!("127.0.0.1:{pages_port}");
    let node = DevNode::start_with(
        &dir.path().join("alice"),
        200,
        &["--pages-addr", &pages_addr, "--pages-rate-per-ip", "1000", "--pages-burst-per-ip", "1000"],
    );
    let rpc = format!("http://127.0.0.1:{}", node.rpc_port);
    let base = format!("http://{pages_addr}");
    let mut client = RpcClient::connect(&rpc).expect("connect");
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
    resolver_rules(&base, &path, &outcome.digital_link);

    // JSON-RPC still works, on its own port.
    assert!(client.call("system_name", serde_json::json!([])).is_ok());
    node.stop();
}

/// An answer, redirects not followed.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }
}

fn fetch(method: &str, url: &str, accept: Option<&str>) -> Answer {
    let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(30)).build();
    let mut request = agent.request(method, url);
    if let Some(accept) = accept {
        request = request.set("Accept", accept);
    }
    let response = match request.call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{method} {url}: {error}"),
    };
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|name| response.header(&name).map(|value| (name.clone(), value.to_string())))
        .collect();
    Answer { status: response.status(), headers, body: response.into_string().expect("body") }
}

/// Every resolver rule, against the real node after the story: `path` is bottle 17's.
fn resolver_rules(base: &str, path: &str, digital_link: &str) {
    let linkset_link = format!("<{path}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"");
    let html = Some("text/html");

    // linkType=linkset: the linkset, whatever Accept says; every answer links to it.
    let answer = fetch("GET", &format!("{base}{path}?linkType=linkset"), html);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/linkset+json"));
    assert_eq!(answer.header("link"), Some(linkset_link.as_str()));
    let linkset = answer.json();
    let context = &linkset["linkset"][0];
    assert_eq!(context["anchor"], Value::from(digital_link));
    assert_eq!(context["itemDescription"], Value::from("Château X 2019, 750 ml"));
    assert_eq!(context["https://gs1.org/voc/defaultLink"][0]["href"], Value::from(path));
    let page = fetch("GET", &format!("{base}{path}"), html);
    assert_eq!((page.status, page.header("link")), (200, Some(linkset_link.as_str())));

    // A link type: 307 to that link, the data attributes carried through.
    let pip = fetch("GET", &format!("{base}{path}?linkType=gs1:pip&17=261231&3103=000189"), html);
    assert_eq!(pip.status, 307, "{}", pip.body);
    assert_eq!(pip.header("location"), Some(format!("{path}?17=261231&3103=000189").as_str()));
    assert_eq!(pip.header("link"), Some(linkset_link.as_str()));
    let trace = fetch("GET", &format!("{base}{path}?linkType=https://gs1.org/voc/traceability"), html);
    assert_eq!((trace.status, trace.header("location")), (307, Some(format!("/journey{path}").as_str())));
    let journey = fetch("GET", &format!("{base}/journey{path}"), None).json();
    assert!(journey["verified"]["block"].as_u64().is_some(), "{journey}");
    assert_eq!(journey["journey"]["digitalLink"], Value::from(digital_link));
    let proof = fetch("GET", &format!("{base}{path}?linkType=gs1:verificationService"), html);
    assert_eq!(proof.header("location"), Some(format!("/proof{path}").as_str()));
    assert!(fetch("GET", &format!("{base}/proof{path}"), None).json()["header"].is_string());
    // No such link: 404, still linking to the linkset.
    let missing = fetch("GET", &format!("{base}{path}?linkType=gs1:recallStatus"), None);
    assert_eq!((missing.status, missing.header("link")), (404, Some(linkset_link.as_str())));
    assert!(missing.body.contains("https://gs1.org/voc/recallStatus"), "{}", missing.body);

    // Accept: application/linkset+json or application/json never redirects.
    for accept in ["application/linkset+json", "application/json"] {
        let answer = fetch("GET", &format!("{base}{path}?linkType=gs1:pip"), Some(accept));
        assert_eq!(answer.status, 200, "{accept}");
        assert_eq!(answer.json()["linkset"][0]["anchor"], Value::from(digital_link));
    }

    // The resolver description.
    let description = fetch("GET", &format!("{base}/.well-known/gs1resolver"), None);
    assert_eq!(description.status, 200);
    let description = description.json();
    assert_eq!(description["resolverRoot"], Value::from("https://id.tracechain.localhost"));
    assert_eq!(description["supportedPrimaryKeys"], serde_json::json!(["01"]));
    assert_eq!(description["linkTypeDefaultCanBeLinkset"], Value::from(true));

    // Malformed links: 400 naming the rule.
    let serial = path.rsplit('/').next().expect("serial");
    let check = fetch("GET", &format!("{base}/01/03760001000017/21/{serial}"), None);
    assert_eq!(check.status, 400);
    assert!(check.json()["reason"].as_str().expect("reason").contains("check digit is 6"), "{}", check.body);
    let order = fetch("GET", &format!("{base}/01/03760001000016/21/{serial}/10/L1"), None);
    assert_eq!(order.status, 400);
    assert!(order.json()["reason"].as_str().expect("reason").contains("GS1's order"), "{}", order.body);
    let length = fetch("GET", &format!("{base}/01/037600010000/21/{serial}"), html);
    assert_eq!(length.status, 400);
    assert!(length.body.contains("has 12 digits") || length.body.contains("check digit"), "{}", length.body);
    let long = fetch("GET", &format!("{base}/01/03760001000016/21/{}", "1".repeat(21)), None);
    assert_eq!(long.status, 400);

    // Walk-up: an unknown serial of a known GTIN answers for the product class.
    let unknown = fetch("GET", &format!("{base}/01/03760001000016/21/NOT-A-BOTTLE"), html);
    assert_eq!(unknown.status, 200);
    assert!(unknown.body.contains("Château X 2019, 750 ml"), "{}", unknown.body);
    assert!(unknown.body.contains("not registered on Tracechain"), "{}", unknown.body);
    let class = fetch("GET", &format!("{base}/01/03760001000016/21/NOT-A-BOTTLE?linkType=linkset"), None);
    assert_eq!(class.json()["linkset"][0]["anchor"], Value::from("https://id.tracechain.localhost/01/03760001000016"));
    let unregistered = fetch("GET", &format!("{base}/01/09521234543213/21/1"), html);
    assert_eq!(unregistered.status, 404);

    // Trailing slash and an unpadded GTIN-13: the same item.
    for same in [format!("{path}/"), path.replacen("/01/0", "/01/", 1)] {
        let answer = fetch("GET", &format!("{base}{same}"), Some("application/linkset+json"));
        assert_eq!((answer.status, answer.json()["linkset"][0]["anchor"].clone()), (200, Value::from(digital_link)));
    }

    // CORS: any origin may read, a preflight allows GET and HEAD only.
    assert_eq!(page.header("access-control-allow-origin"), Some("*"));
    let preflight = fetch("OPTIONS", &format!("{base}{path}"), None);
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("GET, HEAD"));
    let head = fetch("HEAD", &format!("{base}{path}"), html);
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}
