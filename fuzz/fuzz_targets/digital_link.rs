//! Any text as a GS1 Digital Link (what a consumer's QR code or a browser's path brings):
//! parsed into a GTIN and a key by the identity pallet, and as a resolver request (path and
//! query) by the resolver's parser. Must never panic; a parsed request's canonical path parses
//! again to the same link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracechain_primitives::digital_link;

fuzz_target!(|data: &[u8]| {
    let Ok(uri) = std::str::from_utf8(data) else { return };
    let _ = pallet_identity::parse_digital_link(uri);
    let _ = pallet_identity::parse_digital_link(&format!("https://id.example.com{uri}"));
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    if let Ok(link) = digital_link::parse(path, query) {
        assert_eq!(digital_link::parse(&link.path(), query).as_ref(), Ok(&link));
    }
});
