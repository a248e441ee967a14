//! `tracechain epcis <item> --rpc URL [--out FILE] [--at HASH]`: the item's journey from
//! `trace_getEpcis` as a GS1 EPCIS 2.0 `EPCISDocument` (JSON-LD, pretty-printed), to standard
//! output or a file.

use serde_json::{json, Value};

use crate::{cli::EpcisArgs, command::CommandError, rpc_call::call};

/// Runs `tracechain epcis`.
pub fn run(args: EpcisArgs) -> Result<(), CommandError> {
    let params = match &args.at {
        Some(at) => json!([args.item, at]),
        None => json!([args.item]),
    };
    let document = call(&args.rpc, "trace_getEpcis", params)?;
    if document.is_null() {
        return Err(CommandError::Usage(format!("{} knows no item {}", args.rpc, args.item)));
    }
    let events = document["epcisBody"]["eventList"].as_array().map_or(0, Vec::len);
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|error| CommandError::Usage(format!("the node's EPCIS document does not serialise: {error}")))?;
    text.push('\n');
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|source| CommandError::Io { path: path.display().to_string(), source })?;
            eprintln!("Wrote {} ({events} EPCIS events, {})", path.display(), created(&document));
        }
        None => {
            print!("{text}");
            eprintln!("{events} EPCIS events, {}", created(&document));
        }
    }
    Ok(())
}

fn created(document: &Value) -> String {
    format!("created {}", document["creationDate"].as_str().unwrap_or("?"))
}
