//! `tracechain key …`: generate and inspect account, validator and network keys.

use tracechain_primitives::keyring::{Ed25519Pair, Sr25519Pair};

use super::error::CommandError;
use crate::cli::{KeyCommand, Scheme};

pub(crate) fn rand_seed(seed: &mut [u8; 32]) -> Result<(), CommandError> {
    use rand_core::RngCore;
    rand_core::OsRng.try_fill_bytes(seed).map_err(|error| CommandError::Key(format!("no OS randomness: {error}")))
}

pub(crate) fn key(command: KeyCommand) -> Result<(), CommandError> {
    match command {
        KeyCommand::Generate { scheme: Scheme::Sr25519, ss58_prefix } => {
            let (pair, phrase) = Sr25519Pair::generate();
            println!("Secret phrase:     {phrase}");
            print_public("sr25519", pair.public().as_bytes(), ss58_prefix);
        }
        KeyCommand::Generate { scheme: Scheme::Ed25519, ss58_prefix } => {
            let mut seed = [0u8; 32];
            rand_seed(&mut seed)?;
            let pair = Ed25519Pair::from_seed(&seed);
            println!("Secret seed:       0x{}", hex::encode(seed));
            print_public("ed25519", &pair.public(), ss58_prefix);
        }
        KeyCommand::GenerateNodeKey { file } => {
            if file.exists() {
                return Err(CommandError::Usage(format!("{} exists: not overwriting a node key", file.display())));
            }
            let key =
                crate::network_key::load_or_create(&file).map_err(|error| CommandError::Key(error.to_string()))?;
            println!("{}", tracechain_bft::network_key::peer_id(&key));
        }
        KeyCommand::InspectNodeKey { file } => {
            if !file.exists() {
                return Err(CommandError::Usage(format!("{} does not exist", file.display())));
            }
            let key =
                crate::network_key::load_or_create(&file).map_err(|error| CommandError::Key(error.to_string()))?;
            println!("{}", tracechain_bft::network_key::peer_id(&key));
        }
        KeyCommand::Inspect { uri, scheme: Scheme::Sr25519, ss58_prefix } => {
            let pair = Sr25519Pair::from_suri(&uri).map_err(|error| CommandError::Key(error.to_string()))?;
            print_public("sr25519", pair.public().as_bytes(), ss58_prefix);
        }
        KeyCommand::Inspect { uri, scheme: Scheme::Ed25519, ss58_prefix } => {
            let pair = Ed25519Pair::from_suri(&uri).map_err(|error| CommandError::Key(error.to_string()))?;
            print_public("ed25519", &pair.public(), ss58_prefix);
        }
    }
    Ok(())
}

fn print_public(scheme: &str, public: &[u8; 32], prefix: u16) {
    println!("Scheme:            {scheme}");
    println!("Public key (hex):  0x{}", hex::encode(public));
    println!("Account ID:        0x{}", hex::encode(public));
    println!("SS58 Address:      {}", tracechain_primitives::ss58::encode(public, prefix));
}
