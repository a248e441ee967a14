//! Any text as the parameters of a JSON-RPC call: parsed as each kind of parameter the methods
//! read (block hash, number, bytes, key lists, strings). Must never panic; a bad parameter is
//! an invalid-params error.
#![no_main]

use jsonrpsee::types::Params;
use libfuzzer_sys::fuzz_target;
use tracechain_rpc::json::Args;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let params = Params::new(Some(text));
    let Ok(args) = Args::parse(&params, "fuzz_method", &["first", "second", "third"]) else { return };
    for index in 0..3 {
        let _ = args.hash(index);
        let _ = args.bytes(index);
        let _ = args.bytes_list(index);
        let _ = args.required_str(index);
        let _ = args.required_u32(index);
        let _ = args.required_bytes(index);
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = tracechain_rpc::json::parse_block_number(&value);
    }
});
