//! The engine of development chains: one authority that proposes and finalizes a block every
//! block time, signing its certificate alone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tracechain_primitives::keyring::Ed25519Pair;
use tracechain_verify::{certificate::commit_message, Certificate};

use crate::{Application, ConsensusEngine};

/// One authority that proposes and finalizes a block every block time (development chains).
pub struct SingleAuthority {
    key: Ed25519Pair,
    block_time: Duration,
}

impl SingleAuthority {
    /// An authority signing with `key` every `block_time`.
    pub fn new(key: Ed25519Pair, block_time: Duration) -> Self {
        Self { key, block_time }
    }
}

impl ConsensusEngine for SingleAuthority {
    fn run(
        self: Box<Self>,
        application: Arc<dyn Application>,
        mut shutdown: watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(self.block_time);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = shutdown.changed() => break,
                }
                if *shutdown.borrow() {
                    break;
                }
                let application = application.clone();
                let key = self.key.clone();
                let build_time = self.block_time / 2;
                // Building and committing a block is CPU and disk work: keep it off the runtime's
                // async workers.
                let outcome = tokio::task::spawn_blocking(move || {
                    // Half the block time for building leaves the rest for storing the block.
                    let block = application.propose(Instant::now() + build_time)?;
                    let hash = block.hash();
                    let height = block.header.number;
                    let signature = key.sign(&commit_message(application.genesis_hash(), height, 0, hash));
                    let certificate =
                        Certificate { height, round: 0, block_hash: hash, signatures: vec![(0, signature)] };
                    application.commit(block, certificate)
                })
                .await;
                match outcome {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => tracing::error!(target: "consensus", "block production failed: {error}"),
                    Err(error) => tracing::error!(target: "consensus", "block production task failed: {error}"),
                }
            }
        })
    }
}
