//! `tracechain verify` against a real node through a tampering proxy: an honest answer
//! verifies; an altered value, a dropped storage entry, a forged header and a forged certificate
//! are each detected and named.

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::DevNode;
use serde_json::Value;
use tracechain_client::{rpc::RpcClient, story};

/// How the proxy alters `trace_getJourneyProof` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tamper {
    Nothing,
    AlteredJourney,
    AlteredProofValue,
    DroppedEntry,
    ForgedHeader,
    ForgedCertificate,
}

fn flip_hex_byte(text: &str, from_end: usize) -> String {
    let mut bytes = hex::decode(text.trim_start_matches("0x")).expect("hex");
    let at = bytes.len() - 1 - from_end;
    bytes[at] ^= 0x01;
    format!("0x{}", hex::encode(bytes))
}

fn tamper(proof: &mut Value, how: Tamper) {
    match how {
        Tamper::Nothing => {}
        // The server claims the bottle was never sold.
        Tamper::AlteredJourney => proof["journey"]["status"] = Value::from("active"),
        // A byte of the item's stored record changes inside the proof.
        Tamper::AlteredProofValue => {
            let nodes = proof["proof"].as_array_mut().expect("proof");
            let longest =
                (0..nodes.len()).max_by_key(|index| nodes[*index].as_str().map_or(0, str::len)).expect("a node");
            let altered = flip_hex_byte(nodes[longest].as_str().expect("hex"), 3);
            nodes[longest] = Value::from(altered);
        }
        // The server leaves out one storage entry the journey reads (the item's custody history).
        Tamper::DroppedEntry => {
            let keys = proof["keys"].as_array_mut().expect("keys");
            keys.remove(keys.len() / 2);
        }
        // A header with another state root (to match a forged state).
        Tamper::ForgedHeader => {
            let header = proof["header"].as_str().expect("header").to_string();
            // parent hash (32) + compact number (1..4) + state root: flip a byte of the state root.
            let bytes = hex::decode(header.trim_start_matches("0x")).expect("hex");
            let mut forged = bytes.clone();
            forged[40] ^= 0x01;
            proof["header"] = Value::from(format!("0x{}", hex::encode(forged)));
        }
        Tamper::ForgedCertificate => {
            let certificate = proof["justification"].as_str().expect("justification").to_string();
            proof["justification"] = Value::from(flip_hex_byte(&certificate, 0));
        }
    }
}

/// Serves one HTTP request: forwards it to `upstream`, tampers with journey proofs.
fn serve(mut client: TcpStream, upstream: &str, how: Tamper) {
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("length");
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).expect("body");
    let request: Value = serde_json::from_slice(&body).expect("json request");
    let mut response: Value =
        ureq::post(upstream).send_json(request.clone()).expect("upstream").into_json().expect("json response");
    if request["method"] == "trace_getJourneyProof" && response["result"].is_object() {
        tamper(&mut response["result"], how);
    }
    let text = response.to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = client.write_all(head.as_bytes());
    let _ = client.write_all(text.as_bytes());
}

/// Starts the proxy in front of `upstream`; returns its URL and the switch of its behaviour.
fn proxy(upstream: String) -> (String, Arc<Mutex<Tamper>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let mode = Arc::new(Mutex::new(Tamper::Nothing));
    let shared = mode.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let how = *shared.lock().expect("mode");
            serve(stream, &upstream, how);
        }
    });
    (url, mode)
}

fn verify(url: &str, item: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tracechain"))
        .args(["verify", "--dev", item, "--rpc", url])
        .output()
        .expect("run tracechain verify");
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn verify_accepts_the_proven_journey_and_detects_each_tampering() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let node = DevNode::start(&dir.path().join("alice"), 200);
    let url = format!("http://127.0.0.1:{}", node.rpc_port);
    let mut client = RpcClient::connect(&url).expect("connect");
    client.timeout = Duration::from_secs(30);
    let outcome = story::run(&client, &mut |_| {}).expect("the story runs");
    let (proxy_url, mode) = proxy(url);

    let (verified, output) = verify(&proxy_url, &outcome.digital_link);
    assert!(verified, "{output}");
    assert!(output.starts_with("VERIFIED at finalized block #"), "{output}");
    assert!(output.contains("retail_selling") && output.contains("FRLEH"), "{output}");

    for (how, says) in [
        (Tamper::AlteredJourney, "differs from the proven one at journey.status"),
        (Tamper::AlteredProofValue, "storage proof does not match the state root"),
        (Tamper::DroppedEntry, "leaves out storage the journey needs"),
        (Tamper::ForgedHeader, "certificate of block"),
        (Tamper::ForgedCertificate, "does not verify"),
    ] {
        *mode.lock().expect("mode") = how;
        let (verified, output) = verify(&proxy_url, &outcome.digital_link);
        assert!(!verified, "{how:?} went undetected: {output}");
        assert!(output.contains("NOT VERIFIED") && output.contains(says), "{how:?}: {output}");
    }
    node.stop();
}
