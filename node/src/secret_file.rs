//! Files that hold secret keys (a validator's consensus key, a node's network key).
//!
//! ## Rules
//! - A secret file is created with mode 0600, written to a temporary file beside it, fsynced,
//!   renamed into place and its directory fsynced: a crash leaves the old file or the new one,
//!   never half of one, and no other user can read it at any moment.
//! - A secret file that the group or others may read (any of the mode bits 0077) is refused:
//!   the node does not start with a key that others may already have copied, and says how to
//!   fix the file (`chmod 600`).

use std::{
    fs::{File, OpenOptions},
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

/// Why a secret file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The group or others may read or write the file.
    #[error(
        "{path}: the key file is accessible to other users (mode {mode:04o}); make it private with `chmod 600 {path}`"
    )]
    Exposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

/// The permission bits that must be clear on a secret file.
const SHARED_BITS: u32 = 0o077;

/// The contents of the secret file at `path`, refused when others may access it.
pub fn read_secret(path: &Path) -> Result<String, SecretFileError> {
    let io = |source| SecretFileError::Io { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(io)?;
    let mode = file.metadata().map_err(io)?.permissions().mode() & 0o7777;
    if mode & SHARED_BITS != 0 {
        return Err(SecretFileError::Exposed { path: path.to_path_buf(), mode });
    }
    std::io::read_to_string(file).map_err(io)
}

/// Writes `contents` to the secret file at `path` (mode 0600, atomically, durably).
pub fn write_secret(path: &Path, contents: &str) -> Result<(), SecretFileError> {
    let io = |source| SecretFileError::Io { path: path.to_path_buf(), source };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&directory).map_err(io)?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        File::open(&directory)?.sync_all()
    })();
    if written.is_err() {
        // Best effort: the temporary file holds the secret and must not linger.
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_written_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys").join("validator.key");
        write_secret(&path, "0x01\n").expect("written");
        let mode = std::fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(read_secret(&path).expect("read"), "0x01\n");
        // Written again, atomically replaced; no temporary file is left behind.
        write_secret(&path, "0x02\n").expect("rewritten");
        assert_eq!(read_secret(&path).expect("read"), "0x02\n");
        assert_eq!(std::fs::read_dir(path.parent().expect("dir")).expect("list").count(), 1);
    }

    #[test]
    fn a_key_file_others_can_read_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("node.key");
        std::fs::write(&path, "0x01\n").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = read_secret(&path).expect_err("refused");
        assert!(matches!(error, SecretFileError::Exposed { mode: 0o644, .. }), "{error}");
        assert!(error.to_string().contains("chmod 600"), "{error}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(read_secret(&path).expect("read"), "0x01\n");
    }
}
