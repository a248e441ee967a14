//! The node's libp2p identity on disk: an ed25519 key kept in the node's data directory.
//!
//! The key is created on first start (`<base-path>/chains/<id>/network/secret_ed25519`, the
//! 32-byte seed in hex) or given with `--node-key-file`; its public key is the node's peer id
//! (`tracechain_bft::network_key::peer_id`), which other members list in their `--bootnodes`
//! and chain specs. The file is a [`crate::secret_file`]: private (0600) and written atomically.

use std::path::Path;

use tracechain_primitives::keyring::Ed25519Pair;

/// Why the network key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NetworkKeyError {
    /// The file could not be read or written, or others may read it.
    #[error(transparent)]
    File(#[from] crate::secret_file::SecretFileError),
    /// The file does not hold a key.
    #[error("{path}: {reason}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// No randomness for a new key.
    #[error("no OS randomness for a new network key: {0}")]
    Randomness(String),
}

/// Reads the key at `path`, or creates it there if there is none.
pub fn load_or_create(path: &Path) -> Result<Ed25519Pair, NetworkKeyError> {
    if path.exists() {
        let text = crate::secret_file::read_secret(path)?;
        return Ed25519Pair::from_suri(text.trim()).map_err(|error| NetworkKeyError::Malformed {
            path: path.display().to_string(),
            reason: error.to_string(),
        });
    }
    let mut seed = [0u8; 32];
    rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut seed)
        .map_err(|error| NetworkKeyError::Randomness(error.to_string()))?;
    crate::secret_file::write_secret(path, &format!("0x{}\n", hex::encode(seed)))?;
    Ok(Ed25519Pair::from_seed(&seed))
}
