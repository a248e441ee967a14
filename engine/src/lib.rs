//! # tracechain-engine
//!
//! The consensus interface, and the single-authority engine of development chains.
//!
//! An engine decides, height after height, which block is final. It talks to the node only
//! through [`Application`]: ask for a block to propose, have a received block verified by full
//! re-execution, and commit a decided block with its [`Certificate`]. The consortium's BFT
//! engine (`tracechain-bft`) and the development chain's [`SingleAuthority`] plug in behind the
//! same [`ConsensusEngine`] trait, so the node knows neither.
//!
//! A [`Certificate`] is what makes a block final: the commit signatures (ed25519) of validators
//! over [`commit_message`]. It is stored with the block and returned as its justification under
//! the engine id [`ENGINE_ID`].
//!
//! - [`application`]: what an engine may ask of the node, and the two kinds of failure.
//! - [`network`]: the network's status and reserved-peer changes, shared by the engine, the
//!   node and the RPC server.
//! - [`single_authority`]: the development chain's engine.
//! - [`clock`]: the wall clock, for block timestamps only.
//!
//! ## Invariants
//! - A block that breaks a rule of the chain ([`ApplicationError::Invalid`]) and a failure of
//!   this node ([`ApplicationError::Local`]) never mix: only the first may become a vote against
//!   a block.
//!
//! ## Failure
//! Engines log and carry on through bad blocks and bad peers; they stop only when told to
//! (the shutdown channel of [`ConsensusEngine::run`]) or when they cannot go on.

pub mod application;
pub mod clock;
pub mod network;
pub mod single_authority;

use std::sync::Arc;

use tokio::sync::watch;

pub use application::{Application, ApplicationError};
pub use network::{NetworkStatus, PeerStatus, ReservedPeerChange, ReservedPeerReply, ReservedPeerRequest};
pub use single_authority::SingleAuthority;
pub use tracechain_verify::certificate::{
    commit_message, verify_certificate, verify_justification, Certificate, CertificateError, ENGINE_ID,
};

/// A consensus engine.
pub trait ConsensusEngine: Send + 'static {
    /// Runs until `shutdown` turns true.
    fn run(
        self: Box<Self>,
        application: Arc<dyn Application>,
        shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()>;
}
