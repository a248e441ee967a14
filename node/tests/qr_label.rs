//! `tracechain qr` without a node: a Digital Link URI becomes a PNG whose QR code decodes back to
//! the URI, or an SVG with the human-readable line as text; an unknown extension is refused.

mod common;

use std::process::Command;

use common::qr::decode_png_qr;

const URI: &str = "https://id.tracechain.localhost/01/03760001000016/21/R10-17";

fn tracechain(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tracechain")).args(args).output().expect("tracechain runs")
}

#[test]
fn a_png_label_decodes_back_to_the_digital_link() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("label.png");
    let output = tracechain(&["qr", URI, "--out", path.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("(01) 03760001000016 (21) R10-17"), "{stdout}");
    assert_eq!(decode_png_qr(&path), [URI]);
}

#[test]
fn an_svg_label_carries_the_human_readable_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("label.svg");
    let output = tracechain(&["qr", URI, "--out", path.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let svg = std::fs::read_to_string(&path).expect("svg");
    assert!(svg.contains("<svg ") && svg.contains("<path fill=\"#000\""), "{svg}");
    assert!(svg.contains(">(01) 03760001000016 (21) R10-17</text>"), "{svg}");
}

#[test]
fn unknown_formats_and_bad_links_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let jpeg = dir.path().join("label.jpg");
    let output = tracechain(&["qr", URI, "--out", jpeg.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown label format \"jpg\"") && stderr.contains(".svg or .png"), "{stderr}");
    assert!(!jpeg.exists(), "nothing is written");
    let png = dir.path().join("label.png");
    let bad = "https://id.tracechain.localhost/01/03760001000017/21/R10-17";
    let output = tracechain(&["qr", bad, "--out", png.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("check digit"));
}
