//! Any text as a GS1 Digital Link (what a consumer's QR code or a browser's path brings):
//! parsed into a GTIN and a key. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(uri) = std::str::from_utf8(data) else { return };
    let _ = pallet_identity::parse_digital_link(uri);
    let _ = pallet_identity::parse_digital_link(&format!("https://id.example.com{uri}"));
});
