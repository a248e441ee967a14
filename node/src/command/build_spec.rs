//! `tracechain build-spec`: the chain spec as JSON, optionally with a fresh validator set
//! whose keys are written to files.

use std::path::Path;

use tracechain_primitives::keyring::Ed25519Pair;
use tracechain_runtime::ChainSpec;

use super::{
    chain_access::load_spec,
    error::{io_error, CommandError},
    key::rand_seed,
};
use crate::cli::{BuildSpecArgs, ChainArgs};

pub(crate) fn build_spec(chain: &ChainArgs, args: BuildSpecArgs) -> Result<(), CommandError> {
    let spec = load_spec(chain)?;
    let spec = match args.validators {
        None => spec,
        Some(0) => return Err(CommandError::Usage("--validators must be at least 1".into())),
        Some(count) => with_fresh_validators(spec, count, &args.keys_dir)?,
    };
    println!("{}", spec.to_json());
    Ok(())
}

/// Replaces the validator set with `count` fresh ed25519 keys, assigned to the admin
/// organisations in turn, writing each secret seed to `<keys_dir>/validator-<i>.key`.
fn with_fresh_validators(spec: ChainSpec, count: u32, keys_dir: &Path) -> Result<ChainSpec, CommandError> {
    let mut json: serde_json::Value =
        serde_json::from_str(&spec.to_json()).map_err(tracechain_runtime::GenesisError::from)?;
    let organisations = json["genesis"]["membership"]["organisations"].as_array().cloned().unwrap_or_default();
    let admins: Vec<usize> = organisations
        .iter()
        .enumerate()
        .filter(|(_, org)| org["roles"].as_array().is_some_and(|roles| roles.iter().any(|role| role == "admin")))
        .map(|(index, _)| index)
        .collect();
    if admins.is_empty() {
        return Err(CommandError::Usage("the spec has no admin organisation to run validators".into()));
    }
    std::fs::create_dir_all(keys_dir).map_err(io_error(keys_dir))?;
    let mut validators = Vec::new();
    for index in 0..count as usize {
        let mut seed = [0u8; 32];
        rand_seed(&mut seed)?;
        let pair = Ed25519Pair::from_seed(&seed);
        let path = keys_dir.join(format!("validator-{index}.key"));
        crate::secret_file::write_secret(&path, &format!("0x{}\n", hex::encode(seed)))
            .map_err(|error| CommandError::Key(error.to_string()))?;
        validators.push(serde_json::json!({
            "orgIndex": admins[index % admins.len()],
            "consensusKey": format!("0x{}", hex::encode(pair.public())),
        }));
        eprintln!("validator {index}: key file {}", path.display());
    }
    json["genesis"]["membership"]["validators"] = serde_json::Value::Array(validators);
    json["chainType"] = serde_json::Value::String("Local".into());
    Ok(serde_json::from_value(json).map_err(tracechain_runtime::GenesisError::from)?)
}
