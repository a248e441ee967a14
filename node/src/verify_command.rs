//! `tracechain verify <item> --rpc URL --chain-spec FILE`: fetches `trace_getJourneyProof` from
//! any node and checks it with [`tracechain_verify`], trusting only the chain spec; prints the
//! verified journey, or exactly what failed (and exits with failure).

use serde_json::json;
use tracechain_verify::{verify_journey_proof, JourneyProof};

use crate::{
    cli::{ChainArgs, VerifyArgs},
    command::{load_spec, CommandError},
    rpc_call::call,
};

/// Runs `tracechain verify`.
pub fn run(chain_args: &ChainArgs, args: VerifyArgs) -> Result<(), CommandError> {
    let spec = match &args.chain_spec {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .map_err(|source| CommandError::Io { path: path.display().to_string(), source })?;
            tracechain_runtime::ChainSpec::from_json(&json)?
        }
        None => load_spec(chain_args)?,
    };
    let answer = call(&args.rpc, "trace_getJourneyProof", json!([args.item]))?;
    if answer.is_null() {
        return Err(CommandError::CheckFailed(format!("the node knows no item {}", args.item)));
    }
    let proof: JourneyProof = serde_json::from_value(answer)
        .map_err(|error| CommandError::CheckFailed(format!("NOT VERIFIED: malformed proof: {error}")))?;
    match verify_journey_proof(&spec, &args.item, &proof) {
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
