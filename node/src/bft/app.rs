//! The node's answers to the engine: the application side of Malachite's channel interface.
//!
//! One task handles the engine's messages in order (the engine waits for each reply). Block
//! building and re-execution run on the blocking pool so the task never stalls the runtime.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use malachitebft_app_channel::app::consensus::VoteExtensionError;
use malachitebft_app_channel::app::engine::host::{HeightParams, Next, SyncedValueOutcome};
use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_app_channel::app::types::core::{
    CommitCertificate, CommitSignature, ExtendedCommitCertificate, ExtendedCommitSignature, Round, Validity,
};
use malachitebft_app_channel::app::types::sync::RawDecidedValue;
use malachitebft_app_channel::app::types::{LocallyProposedValue, ProposedValue};
use malachitebft_app_channel::{AppMsg, Channels, NetworkMsg, Reply};
use parity_scale_codec::{Decode, Encode};
use tokio::sync::mpsc;
use tracechain_consensus::{
    signing::{verify_proposal_parts, Signer},
    Address, BlockId, Height, ProposalInit, ProposalPart, TracechainContext, ValidatorSet,
};
use tracechain_primitives::{header::Block, BlockNumber, H256};

use super::{config::timeouts, streams::ProposalStreams, BftError};
use crate::consensus::{Application, Certificate};

/// Size of the block chunks in a proposal stream.
const CHUNK_SIZE: usize = 512 * 1024;
/// The proposer builds its block in at most this fraction (one over it) of what the propose
/// timeout leaves after the block time: the rest is for the validators to receive and
/// re-execute the block.
const BUILD_SHARE: u32 = 4;
/// Most blocks returned for one sync request.
const MAX_SYNC_BATCH: u64 = 50;

/// A block proposed for the height being decided, with its stream for re-publishing.
struct Candidate {
    block: Block,
    messages: Vec<StreamMessage<ProposalPart>>,
}

/// The application's state between the engine's messages.
pub(crate) struct BftApp {
    application: Arc<dyn Application>,
    genesis: H256,
    signer: Option<Signer>,
    address: Address,
    target_time: std::time::Duration,
    height: Height,
    round: Round,
    height_started: Instant,
    streams: ProposalStreams,
    /// Blocks of the current height by id.
    candidates: BTreeMap<BlockId, Candidate>,
    /// Values for `(height, round)` already checked, for the engine's `StartedRound` replay.
    proposed_values: Vec<ProposedValue<TracechainContext>>,
    /// Complete proposals for a later height, checked once that height starts.
    future: Vec<super::streams::AssembledProposal>,
    /// The value this node built per round of the current height.
    own: BTreeMap<u32, BlockId>,
    /// Where blocks this node built arrive, while [`Self::run`] runs.
    built: Option<mpsc::Sender<BuiltBlock>>,
}

/// A block built for the engine's `GetValue`, with the reply that awaits its id.
struct BuiltBlock {
    height: Height,
    round: Round,
    block: Result<Block, BftError>,
    reply: Reply<LocallyProposedValue<TracechainContext>>,
}

impl BftApp {
    pub(crate) fn new(
        application: Arc<dyn Application>,
        signer: Option<Signer>,
        address: Address,
        target_time: std::time::Duration,
    ) -> Self {
        let genesis = application.genesis_hash();
        Self {
            built: None,
            application,
            genesis,
            signer,
            address,
            target_time,
            height: Height(0),
            round: Round::Nil,
            height_started: Instant::now(),
            streams: ProposalStreams::default(),
            candidates: BTreeMap::new(),
            proposed_values: Vec::new(),
            future: Vec::new(),
            own: BTreeMap::new(),
        }
    }

    /// The validator set of `height`.
    fn validator_set(&self, height: Height) -> Result<ValidatorSet, BftError> {
        self.application
            .validators_for(height.number())
            .map(ValidatorSet::from_keys)
            .ok_or(BftError::NoValidatorSet { height: height.number() })
    }

    fn height_params(&self, height: Height) -> Result<HeightParams<TracechainContext>, BftError> {
        // No engine-side target time: the proposer paces blocks (see `build_value`), and a node
        // that decided starts the next height at once, ready for the next proposal.
        Ok(HeightParams::new(self.validator_set(height)?, timeouts(self.target_time), None))
    }

    fn enter_height(&mut self, height: Height) {
        if height != self.height {
            self.height = height;
            self.height_started = Instant::now();
            self.candidates.clear();
            self.proposed_values.clear();
            self.own.clear();
            self.future.retain(|proposal| proposal.init.height >= height);
        }
    }

    /// Handles the engine's messages until the engine stops.
    pub(crate) async fn run(mut self, channels: &mut Channels<TracechainContext>) -> Result<(), BftError> {
        let (built_sender, mut built) = mpsc::channel(4);
        self.built = Some(built_sender);
        loop {
            tokio::select! {
                message = channels.consensus.recv() => match message {
                    Some(message) => self.handle(message, channels).await?,
                    None => return Err(BftError::EngineStopped),
                },
                Some(block) = built.recv() => self.propose_built(block, channels).await?,
            }
        }
    }

    async fn handle(
        &mut self,
        message: AppMsg<TracechainContext>,
        channels: &mut Channels<TracechainContext>,
    ) -> Result<(), BftError> {
        match message {
            AppMsg::ConsensusReady { reply } => {
                let start = Height(self.application.best_number().saturating_add(1));
                self.enter_height(start);
                tracing::info!(target: "consensus", "Consensus ready: starting at height {start}");
                let params = self.height_params(start)?;
                let _ = reply.send((start, params));
            }
            AppMsg::StartedRound { height, round, proposer, role, reply_value } => {
                tracing::debug!(target: "consensus", "Height {height} round {round}: proposer {proposer}, {role:?}");
                self.enter_height(height);
                self.round = round;
                let pending: Vec<_> = {
                    let (ready, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.future)
                        .into_iter()
                        .partition(|proposal| proposal.init.height == height);
                    self.future = later;
                    ready
                };
                for proposal in pending {
                    if let Some(value) = self.check_proposal(proposal).await {
                        self.proposed_values.push(value);
                    }
                }
                let values = self.proposed_values.iter().filter(|value| value.round == round).cloned().collect();
                let _ = reply_value.send(values);
            }
            AppMsg::GetValue { height, round, timeout, reply } => self.build_value(height, round, timeout, reply)?,
            AppMsg::ReceivedProposalPart { from, published_by, part, reply } => {
                let value = self.received_part(published_by.unwrap_or(from).to_string(), part).await;
                let _ = reply.send(value);
            }
            AppMsg::Decided { certificate, extensions: _, reply } => {
                self.commit(certificate).await;
                let _ = reply.send(());
            }
            AppMsg::Finalized { certificate, extensions: _, evidence, reply } => {
                if !evidence.is_empty() {
                    let reports = super::evidence::equivocation_reports(&evidence);
                    for report in &reports {
                        tracing::warn!(
                            target: "consensus",
                            "Equivocation: validator 0x{} signed two {:?}s at #{} round {}; reporting it on chain",
                            hex::encode(report.offender), report.kind, report.height, report.round
                        );
                    }
                    self.application.report_equivocations(reports);
                }
                let committed = self.application.best_number() >= certificate.height.number();
                let next = if committed {
                    let next = Height(certificate.height.number().saturating_add(1));
                    Next::Start(next, self.height_params(next)?)
                } else {
                    tracing::error!(target: "consensus", "Height {} was decided but not stored: restarting it", certificate.height);
                    Next::Restart(certificate.height, self.height_params(certificate.height)?)
                };
                let _ = reply.send(next);
            }
            AppMsg::GetDecidedValues { range, reply } => {
                let _ = reply.send(self.decided_values(*range.start(), *range.end()));
            }
            AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                let outcome = self.synced_value(height, round, proposer, value_bytes).await;
                let _ = reply.send(outcome);
            }
            AppMsg::GetHistoryMinHeight { reply } => {
                let _ = reply.send(Height(self.application.history_start()));
            }
            AppMsg::RestreamProposal { height, value_id, .. } => {
                if height == self.height {
                    if let Some(candidate) = self.candidates.get(&value_id) {
                        for message in candidate.messages.clone() {
                            channels
                                .network
                                .send(NetworkMsg::PublishProposalPart(message))
                                .await
                                .map_err(|_| BftError::EngineStopped)?;
                        }
                    }
                }
            }
            AppMsg::ExtendVote { reply, .. } => {
                let _ = reply.send(None);
            }
            AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                // Vote extensions are disabled on every height: none is acceptable.
                let verdicts = extensions
                    .into_iter()
                    .map(|(address, _)| (address, Err(VoteExtensionError::InvalidVoteExtension)))
                    .collect();
                let _ = reply.send(verdicts);
            }
        }
        Ok(())
    }

    /// Starts building the block for `height`, `round` (or answers with the one built already):
    /// one target block time after the best block's timestamp (waiting one block time at most),
    /// then building within a [`BUILD_SHARE`]th of what the engine's `timeout` for the proposal
    /// leaves, so that the validators still receive and re-execute the block before their own
    /// propose timeouts end. The wait and the building run beside the message loop;
    /// [`Self::propose_built`] streams the block when it is ready.
    fn build_value(
        &mut self,
        height: Height,
        round: Round,
        timeout: std::time::Duration,
        reply: Reply<LocallyProposedValue<TracechainContext>>,
    ) -> Result<(), BftError> {
        self.enter_height(height);
        let round_number = round.as_u32().unwrap_or(0);
        if let Some(value) = self.own.get(&round_number) {
            let _ = reply.send(LocallyProposedValue::new(height, round, *value));
            return Ok(());
        }
        if self.signer.is_none() {
            return Err(BftError::NotAValidator);
        }
        let built = self.built.clone().ok_or(BftError::EngineStopped)?;
        // Pace blocks on the chain's own clock, so the pool holds a block time's transactions
        // whichever validator proposes (each left the previous height at its own moment).
        // Gossip keeps filling the pool during the wait (it does not pass through the engine,
        // see `gossip_tap`).
        let due_ms = self.application.best_timestamp().saturating_add(self.target_time.as_millis() as u64);
        let wait = std::time::Duration::from_millis(due_ms.saturating_sub(crate::service::wall_clock_ms()))
            .min(self.target_time);
        let build_time = timeout.saturating_sub(self.target_time) / BUILD_SHARE;
        let application = self.application.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let deadline = Instant::now() + build_time;
            let block = tokio::task::spawn_blocking(move || application.propose(deadline))
                .await
                .map_err(|error| BftError::Task(error.to_string()))
                .and_then(|built| built.map_err(|error| BftError::Application(error.0)));
            let _ = built.send(BuiltBlock { height, round, block, reply }).await;
        });
        Ok(())
    }

    /// Streams a block this node built to its peers and hands its id to the engine, unless the
    /// engine has moved to another height or round meanwhile.
    async fn propose_built(
        &mut self,
        built: BuiltBlock,
        channels: &mut Channels<TracechainContext>,
    ) -> Result<(), BftError> {
        let BuiltBlock { height, round, block, reply } = built;
        if height != self.height || round != self.round {
            return Ok(());
        }
        let block = block?;
        if block.header.number != height.number() {
            return Err(BftError::Application(format!(
                "built block #{} for height {height}: the node is not at the engine's height",
                block.header.number
            )));
        }
        let signer = self.signer.clone().ok_or(BftError::NotAValidator)?;
        let hash = block.hash();
        let value = BlockId::from(hash);
        let init = ProposalInit { height, round, pol_round: Round::Nil, proposer: self.address };
        let signature = signer.sign_proposal_parts(height, round, Round::Nil, hash);
        let stream_id = StreamId::new(Bytes::from((height.0, round.as_i64()).encode()));
        let messages = super::streams::proposal_stream(stream_id, init, &block.encode(), signature, CHUNK_SIZE);
        tracing::info!(
            target: "consensus",
            "Proposing #{height} round {round}: {} ({} extrinsics, {} parts)",
            crate::service::short(&hash),
            block.extrinsics.len(),
            messages.len()
        );
        for message in &messages {
            channels
                .network
                .send(NetworkMsg::PublishProposalPart(message.clone()))
                .await
                .map_err(|_| BftError::EngineStopped)?;
        }
        self.candidates.insert(value, Candidate { block, messages });
        self.own.insert(round.as_u32().unwrap_or(0), value);
        let _ = reply.send(LocallyProposedValue::new(height, round, value));
        Ok(())
    }

    async fn received_part(
        &mut self,
        publisher: String,
        message: StreamMessage<ProposalPart>,
    ) -> Option<ProposedValue<TracechainContext>> {
        if let StreamContent::Data(ProposalPart::Transactions(_) | ProposalPart::PeerRecord(_)) = message.content {
            // The gossip tap took these from the network as they arrived (see `gossip_tap`).
            return None;
        }
        let proposal = match self.streams.insert(publisher.clone(), message) {
            Ok(Some(proposal)) => proposal,
            Ok(None) => return None,
            Err(error) => {
                tracing::debug!(target: "consensus", "Dropped a proposal stream of {publisher}: {error}");
                return None;
            }
        };
        match proposal.init.height.cmp(&self.height) {
            std::cmp::Ordering::Less => None,
            std::cmp::Ordering::Greater => {
                if self.future.len() < super::streams::MAX_STREAMS {
                    self.future.push(proposal);
                }
                None
            }
            std::cmp::Ordering::Equal => {
                let value = self.check_proposal(proposal).await?;
                self.proposed_values.push(value.clone());
                Some(value)
            }
        }
    }

    /// Checks a complete proposal of the current height: from the round's proposer, signed by
    /// it, a block of this height that re-executes on the best block.
    async fn check_proposal(
        &mut self,
        proposal: super::streams::AssembledProposal,
    ) -> Option<ProposedValue<TracechainContext>> {
        let init = proposal.init.clone();
        let set = self.validator_set(init.height).ok()?;
        let expected = TracechainContext::proposer_index(set.validators.len(), init.height, init.round)
            .and_then(|index| set.validators.get(index))?;
        if expected.address != init.proposer {
            tracing::warn!(target: "consensus", "Proposal for {} round {} by {}, who is not its proposer", init.height, init.round, init.proposer);
            return None;
        }
        let block = match Block::decode(&mut &proposal.block_bytes[..]) {
            Ok(block) => block,
            Err(error) => {
                tracing::warn!(target: "consensus", "Proposal by {} does not decode: {error}", init.proposer);
                return None;
            }
        };
        let hash = block.hash();
        if !verify_proposal_parts(
            self.genesis,
            init.height,
            init.round,
            init.pol_round,
            hash,
            &init.proposer,
            &proposal.signature,
        ) {
            tracing::warn!(target: "consensus", "Proposal by {} has a bad signature", init.proposer);
            return None;
        }
        let value = BlockId::from(hash);
        let validity = if block.header.number != init.height.number() {
            Validity::Invalid
        } else {
            let application = self.application.clone();
            let checked = block.clone();
            match tokio::task::spawn_blocking(move || application.verify(&checked)).await {
                Ok(Ok(())) => Validity::Valid,
                Ok(Err(error)) => {
                    tracing::warn!(target: "consensus", "Proposal #{} {} is invalid: {}", init.height, crate::service::short(&hash), error.0);
                    Validity::Invalid
                }
                Err(_) => return None,
            }
        };
        if validity.is_valid() {
            self.candidates.insert(value, Candidate { block, messages: proposal.messages });
        }
        Some(ProposedValue {
            height: init.height,
            round: init.round,
            valid_round: init.pol_round,
            proposer: init.proposer,
            value,
            validity,
        })
    }

    /// Stores the decided block with its certificate.
    async fn commit(&mut self, certificate: CommitCertificate<TracechainContext>) {
        let height = certificate.height;
        let Some(candidate) = self.candidates.remove(&certificate.value_id) else {
            tracing::error!(target: "consensus", "Decided {} at {height}, a block this node does not have", certificate.value_id);
            return;
        };
        let set = match self.validator_set(height) {
            Ok(set) => set,
            Err(error) => {
                tracing::error!(target: "consensus", "{error}");
                return;
            }
        };
        let Some(certificate) = to_certificate(&certificate, &set) else {
            tracing::error!(target: "consensus", "The certificate of {height} names a signer outside its validator set");
            return;
        };
        let round = certificate.round;
        let application = self.application.clone();
        match tokio::task::spawn_blocking(move || application.commit(candidate.block, certificate)).await {
            Ok(Ok(())) => self.application.on_decided(height.number(), round, self.height_started.elapsed()),
            Ok(Err(error)) => tracing::error!(target: "consensus", "Committing {height} failed: {}", error.0),
            Err(error) => tracing::error!(target: "consensus", "Committing {height} failed: {error}"),
        }
    }

    fn decided_values(&self, start: Height, end: Height) -> Vec<RawDecidedValue<TracechainContext>> {
        let best = self.application.best_number();
        let end = end.number().min(best).min(start.number().saturating_add(MAX_SYNC_BATCH as BlockNumber - 1));
        let mut values = Vec::new();
        for number in start.number()..=end {
            let Ok(Some((block, certificate))) = self.application.decided(number) else { break };
            let Some(keys) = self.application.validators_for(number) else { break };
            let Some(certificate) = to_engine_certificate(&certificate, &keys) else { break };
            values.push(RawDecidedValue::new(Bytes::from(block.encode()), certificate));
        }
        values
    }

    async fn synced_value(
        &mut self,
        height: Height,
        round: Round,
        proposer: Address,
        value_bytes: Bytes,
    ) -> SyncedValueOutcome<TracechainContext> {
        self.enter_height(height);
        let Ok(block) = Block::decode(&mut &value_bytes[..]) else { return SyncedValueOutcome::PeerFault };
        if block.header.number != height.number() {
            return SyncedValueOutcome::PeerFault;
        }
        let application = self.application.clone();
        let checked = block.clone();
        let validity = match tokio::task::spawn_blocking(move || application.verify(&checked)).await {
            Ok(Ok(())) => Validity::Valid,
            Ok(Err(error)) => {
                tracing::warn!(target: "consensus", "Synced block #{height} does not re-execute: {}", error.0);
                if block.header.parent_hash != self.best_hash() {
                    return SyncedValueOutcome::LocalTransientError;
                }
                return SyncedValueOutcome::PeerFault;
            }
            Err(_) => return SyncedValueOutcome::LocalTransientError,
        };
        let value = BlockId::from(block.hash());
        self.candidates.insert(value, Candidate { block, messages: Vec::new() });
        SyncedValueOutcome::Verdict(ProposedValue { height, round, valid_round: Round::Nil, proposer, value, validity })
    }

    fn best_hash(&self) -> H256 {
        self.application
            .decided(self.application.best_number())
            .ok()
            .flatten()
            .map(|(block, _)| block.hash())
            .unwrap_or_default()
    }
}

/// The stored certificate of an engine's commit certificate: signers by index in `set`.
pub(crate) fn to_certificate(
    certificate: &CommitCertificate<TracechainContext>,
    set: &ValidatorSet,
) -> Option<Certificate> {
    let mut signatures = Vec::with_capacity(certificate.commit_signatures.len());
    for CommitSignature { address, signature } in &certificate.commit_signatures {
        let index = u32::try_from(set.index_of(address)?).ok()?;
        signatures.push((index, signature.0));
    }
    signatures.sort_by_key(|(index, _)| *index);
    Some(Certificate {
        height: certificate.height.number(),
        round: certificate.round.as_u32()?,
        block_hash: certificate.value_id.hash(),
        signatures,
    })
}

/// The engine's certificate of a stored one, given the consensus keys of its height.
pub(crate) fn to_engine_certificate(
    certificate: &Certificate,
    keys: &[[u8; 32]],
) -> Option<ExtendedCommitCertificate<TracechainContext>> {
    let mut commit_signatures = Vec::with_capacity(certificate.signatures.len());
    for (index, signature) in &certificate.signatures {
        let key = keys.get(*index as usize)?;
        commit_signatures.push(ExtendedCommitSignature::new(
            Address(*key),
            tracechain_consensus::Signature(*signature),
            None,
        ));
    }
    commit_signatures.sort_by_key(|signature| signature.address);
    Some(ExtendedCommitCertificate {
        height: Height(certificate.height),
        round: Round::new(certificate.round),
        value_id: BlockId::from(certificate.block_hash),
        commit_signatures,
    })
}
