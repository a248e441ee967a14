//! A dishonest validator, for the adversarial tests only: compiled with the `attack` feature,
//! which no shipped binary has.
//!
//! `TRACECHAIN_ATTACK` (a comma-separated list, or `all`) makes a validator attack its peers
//! every round, with its own valid key where a signature is needed, as a member gone rogue
//! would:
//!
//! - `proposals`: signs proposals for many rounds beyond the current one and for future heights
//!   (up to 100,000 ahead), junk blocks with well-formed headers;
//! - `streams`: publishes streams under fresh ids that name the round's real proposer in their
//!   `Init`, with oversized bodies of junk and no end;
//! - `equivocate`: whenever it proposes, also signs and streams a second, different block for
//!   the same round;
//! - `transactions`: gossips batches of undecodable bytes and of correctly signed transactions
//!   from accounts that are no members.

use bytes::Bytes;
use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_app_channel::app::types::core::Round;
use parity_scale_codec::Encode;
use tracechain_consensus::{
    signing::Signer, Address, Height, ProposalInit, ProposalPart, TracechainContext, ValidatorSet,
};
use tracechain_primitives::{
    era::Era,
    header::{Block, Digest, Header, OpaqueExtrinsic},
    keyring::Sr25519Pair,
    H256,
};
use tracechain_runtime::{Runtime, RuntimeCall};

/// Rounds ahead of the current one that `proposals` signs for.
const ROUNDS_AHEAD: u32 = 24;
/// Future heights that `proposals` signs for.
const HEIGHTS_AHEAD: [u32; 6] = [1, 2, 3, 10, 1_000, 100_000];
/// Fresh junk streams per round.
const JUNK_STREAMS: u32 = 6;
/// Chunks of [`JUNK_CHUNK`] bytes per junk stream: more than a block may be.
const JUNK_CHUNKS: u32 = 12;
/// Bytes per junk chunk.
const JUNK_CHUNK: usize = 512 * 1024;
/// Transactions per flooded batch.
const FLOOD_BATCH: usize = 256;

/// The attacks this validator runs.
#[derive(Clone, Debug, Default)]
pub struct Attack {
    proposals: bool,
    streams: bool,
    equivocate: bool,
    transactions: bool,
    /// Counts the streams published, for fresh ids.
    published: u64,
    /// Signed transactions of non-members, made once.
    strangers: Vec<Vec<u8>>,
}

impl Attack {
    /// The attacks `TRACECHAIN_ATTACK` names (none when unset).
    pub fn from_env() -> Self {
        let spec = std::env::var("TRACECHAIN_ATTACK").unwrap_or_default();
        let all = spec.split(',').any(|mode| mode.trim() == "all");
        let has = |name: &str| all || spec.split(',').any(|mode| mode.trim() == name);
        let attack = Self {
            proposals: has("proposals"),
            streams: has("streams"),
            equivocate: has("equivocate"),
            transactions: has("transactions"),
            ..Self::default()
        };
        if attack.any() {
            tracing::warn!(target: "consensus", "ATTACK MODE {attack:?}: this node attacks its peers");
        }
        attack
    }

    fn any(&self) -> bool {
        self.proposals || self.streams || self.equivocate || self.transactions
    }

    /// Whether a second block is to be streamed beside each of this node's proposals.
    pub fn equivocates(&self) -> bool {
        self.equivocate
    }

    fn next_id(&mut self, kind: &str) -> StreamId {
        self.published += 1;
        StreamId::new(Bytes::from(format!("attack/{kind}/{}", self.published).into_bytes()))
    }

    /// What this validator publishes when round `round` of `height` starts.
    pub fn round_messages(
        &mut self,
        genesis: H256,
        signer: &Signer,
        address: Address,
        set: Option<&ValidatorSet>,
        height: Height,
        round: Round,
    ) -> Vec<StreamMessage<ProposalPart>> {
        let mut messages = Vec::new();
        let current = round.as_u32().unwrap_or(0);
        if self.proposals {
            let mut targets: Vec<(Height, Round)> =
                (1..=ROUNDS_AHEAD).map(|ahead| (height, Round::new(current + ahead))).collect();
            targets.extend(HEIGHTS_AHEAD.iter().map(|ahead| (Height(height.0.saturating_add(*ahead)), Round::new(0))));
            for (target_height, target_round) in targets {
                let block = junk_block(target_height.0, self.published);
                let id = self.next_id("proposal");
                messages.extend(signed_stream(signer, address, id, target_height, target_round, &block));
            }
        }
        if self.streams {
            let proposer = set
                .and_then(|set| {
                    let index = TracechainContext::proposer_index(set.validators.len(), height, round)?;
                    set.validators.get(index).map(|validator| validator.address)
                })
                .unwrap_or(address);
            for _ in 0..JUNK_STREAMS {
                let id = self.next_id("junk");
                let init = ProposalInit { height, round, pol_round: Round::Nil, proposer };
                messages.push(StreamMessage::new(id.clone(), 0, StreamContent::Data(ProposalPart::Init(init))));
                for sequence in 1..=JUNK_CHUNKS {
                    let chunk = vec![sequence as u8; JUNK_CHUNK];
                    messages.push(StreamMessage::new(
                        id.clone(),
                        u64::from(sequence),
                        StreamContent::Data(ProposalPart::Data(chunk)),
                    ));
                }
            }
        }
        if self.transactions {
            if self.strangers.is_empty() {
                let runtime = Runtime::new(genesis);
                self.strangers = (0..FLOOD_BATCH)
                    .map(|index| {
                        let mut seed = [0x5a; 32];
                        seed[..8].copy_from_slice(&(index as u64).to_le_bytes());
                        let stranger = Sr25519Pair::from_seed(&seed);
                        let call = RuntimeCall::System(pallet_system::Call::remark { remark: b"spam".to_vec() });
                        runtime.sign(&stranger, call, 0, Era::Immortal, genesis)
                    })
                    .collect();
            }
            let junk: Vec<Vec<u8>> = (0..FLOOD_BATCH).map(|index| vec![index as u8; 100]).collect();
            for batch in [junk, self.strangers.clone()] {
                let id = self.next_id("tx");
                messages.push(StreamMessage::new(id, 0, StreamContent::Data(ProposalPart::Transactions(batch))));
            }
        }
        messages
    }

    /// A second block for the round this node just proposed `block` in, signed and streamed.
    pub fn equivocation(
        &mut self,
        signer: &Signer,
        address: Address,
        height: Height,
        round: Round,
        block: &Block,
    ) -> Vec<StreamMessage<ProposalPart>> {
        let mut twin = block.clone();
        twin.header.state_root = H256([0xee; 32]);
        let id = self.next_id("twin");
        signed_stream(signer, address, id, height, round, &twin)
    }
}

fn junk_block(number: u32, salt: u64) -> Block {
    Block {
        header: Header {
            parent_hash: H256([0xbd; 32]),
            number,
            state_root: H256([0xbd; 32]),
            extrinsics_root: H256([0xbd; 32]),
            digest: Digest::default(),
        },
        extrinsics: vec![OpaqueExtrinsic(salt.to_le_bytes().to_vec())],
    }
}

fn signed_stream(
    signer: &Signer,
    address: Address,
    id: StreamId,
    height: Height,
    round: Round,
    block: &Block,
) -> Vec<StreamMessage<ProposalPart>> {
    let init = ProposalInit { height, round, pol_round: Round::Nil, proposer: address };
    let signature = signer.sign_proposal_parts(height, round, Round::Nil, block.hash());
    super::streams::proposal_stream(id, init, &block.encode(), signature, JUNK_CHUNK)
}
