//! `tracechain verify`, `qr` and `epcis`: the JSON-RPC tools of `tracechain-client`
//! ([`tracechain_client::tools`]), with their output for the operator.
//!
//! - `verify <item> --rpc URL [--chain-spec FILE]`: fetches `trace_getJourneyProof` from any
//!   node and checks it trusting only the chain spec; prints the verified journey, or exactly
//!   what failed (and exits with failure).
//! - `qr <item> --out label.svg|label.png [--rpc URL]`: writes the item's label.
//! - `epcis <item> --rpc URL [--out FILE] [--at HASH]`: the journey as an EPCIS 2.0 document,
//!   to standard output or a file.

use std::path::Path;

use tracechain_client::{
    label::LabelFormat,
    tools::{epcis::export, qr::label_for, verify::fetch_and_verify},
};
use tracechain_runtime::ChainSpec;

use super::{
    chain_access::load_spec,
    error::{io_error, CommandError},
};
use crate::cli::{ChainArgs, EpcisArgs, QrArgs, VerifyArgs};

/// Runs `tracechain verify`.
pub fn verify(chain_args: &ChainArgs, args: VerifyArgs) -> Result<(), CommandError> {
    let spec = match &args.chain_spec {
        Some(path) => ChainSpec::from_json(&std::fs::read_to_string(path).map_err(io_error(path))?)?,
        None => load_spec(chain_args)?,
    };
    let verdict = fetch_and_verify(&spec, &args.rpc, &args.item).map_err(|error| {
        println!("NOT VERIFIED: {error}");
        CommandError::CheckFailed(format!("the journey of {} could not be checked: {error}", args.item))
    })?;
    match verdict {
        Ok(verified) => {
            println!(
                "VERIFIED at finalized block #{} {:?} of {} ({} validator-set change(s) followed from genesis)",
                verified.block, verified.hash, spec.name, verified.validator_set_changes
            );
            for line in tracechain_runtime::journey::describe(&verified.journey) {
                println!("{line}");
            }
            Ok(())
        }
        Err(error) => {
            println!("NOT VERIFIED: {error}");
            Err(CommandError::CheckFailed(format!("the journey of {} does not verify: {error}", args.item)))
        }
    }
}

/// Runs `tracechain qr`.
pub fn qr(args: QrArgs) -> Result<(), CommandError> {
    let format = LabelFormat::from_path(&args.out)?;
    let label = label_for(&args.item, args.rpc.as_deref())?;
    let bytes = label.render(format)?;
    write(&args.out, bytes.as_slice())?;
    println!("Wrote {} ({} bytes): QR code of {}", args.out.display(), bytes.len(), label.data);
    println!("  under it: {}", label.text);
    Ok(())
}

/// Runs `tracechain epcis`.
pub fn epcis(args: EpcisArgs) -> Result<(), CommandError> {
    let document = export(&args.rpc, &args.item, args.at.as_deref())?;
    match &args.out {
        Some(path) => {
            write(path, document.text.as_bytes())?;
            eprintln!("Wrote {} ({} EPCIS events, created {})", path.display(), document.events, document.created);
        }
        None => {
            print!("{}", document.text);
            eprintln!("{} EPCIS events, created {}", document.events, document.created);
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    std::fs::write(path, bytes).map_err(io_error(path))
}
