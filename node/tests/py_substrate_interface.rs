//! Existing Substrate tooling, unmodified: py-substrate-interface (PyPI, pinned by
//! `node/tests/py-substrate-interface/requirements.txt`, in a venv that `scripts/setup.sh`
//! makes) against a real `tracechain --dev`. It reads `System.Account` of a fresh account as
//! FRAME's default `AccountInfo` (nonce 0, not `None`), sends three transactions in a row from
//! one account, decodes a failing call's error to its pallet and name, and reads the block's
//! events and `System`'s constants.
//!
//! Where Python is missing the test says so and passes without running: the other client tests
//! still cover the same wire contract.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use common::client_run::{assert_client_report, run_client};

/// The venv's interpreter, the venv made from the pinned requirements if missing; `None` when
/// the machine has no Python 3.
fn client_python() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py-substrate-interface");
    let python = dir.join(".venv/bin/python");
    let installed = |python: &Path| {
        Command::new(python).args(["-c", "import substrateinterface"]).output().is_ok_and(|out| out.status.success())
    };
    // A venv whose install was cut short lacks the package: it is completed, not skipped.
    if !installed(&python) {
        if Command::new("python3").arg("--version").output().is_err() {
            return None;
        }
        let venv = Command::new("python3").args(["-m", "venv"]).arg(dir.join(".venv")).status().expect("venv");
        assert!(venv.success(), "python3 -m venv in {}", dir.display());
        let install = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--requirement"])
            .arg(dir.join("requirements.txt"))
            .status()
            .expect("pip runs");
        assert!(install.success(), "pip install -r requirements.txt in {}", dir.display());
    }
    Some(python)
}

#[test]
fn py_substrate_interface_reads_typed_storage_sends_three_transactions_and_decodes_a_dispatch_error() {
    let Some(python) = client_python() else {
        eprintln!("SKIPPED: python3 is not installed, so py-substrate-interface cannot run here");
        return;
    };
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py-substrate-interface/client.py");
    let seen = run_client(&python, &client, "py-substrate-interface");
    assert_client_report(&seen, "System");
}
