//! The node's answers to the engine: the application side of Malachite's channel interface.
//!
//! One task handles the engine's messages in order (the engine waits for each reply). Block
//! building and re-execution run on the blocking pool so the task never stalls the runtime.
//!
//! ## Proposal rules
//! Proposal parts come from any peer that can publish on the topic, so each is checked in the
//! order of its cost, and nothing costly happens before the cheap checks pass:
//!
//! 1. **When a stream's `Init` arrives** ([`admit_init`]): its height is the current one or the
//!    next; `pol_round` is nil (Tracechain proposers always sign it so); for the current height
//!    the round is at most [`ROUND_WINDOW`] above the engine's and the named proposer is that
//!    round's proposer in the height's validator set; for the next height the round is at most
//!    [`ROUND_WINDOW`] and the proposer is a current validator. Otherwise the stream is dropped
//!    before its block data is kept (the stream bounds are in [`super::streams`]).
//! 2. **When the stream is complete**: the header alone is decoded and the proposer's signature
//!    over its hash is checked before the body is touched.
//! 3. **One proposal per (height, round, proposer)**: a second, different block signed for the
//!    same round is an equivocation. It is never executed; the two signatures become an
//!    [`EquivocationReport`] of kind `Proposal` that this node puts on chain like double votes.
//! 4. **Next height**: at most [`MAX_FUTURE_PER_PROPOSER`] signed proposals per proposer wait
//!    for the height to start, where rules 1–3 are applied again with that height's set.
//! 5. **Body**: decoded only if its extrinsic count is possible in its length (each extrinsic
//!    takes at least [`MIN_EXTRINSIC_BYTES`]), with no trailing bytes; then re-executed on the
//!    best block, once per block hash and height (a verdict is kept for re-proposals).
//!
//! ## Validity and local failure
//! Re-execution answers [`ApplicationError::Invalid`] (the block breaks a rule: nil vote) or
//! [`ApplicationError::Local`] (this node could not check it). A local failure is logged with
//! its cause and retried [`LOCAL_RETRIES`] times; if it persists the consensus task stops with
//! [`BftError::LocalFailure`], which stops the node with that message: a node that cannot read
//! its own state must not vote on anything.

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
use pallet_membership::{EquivocationReport, ReportedVote};
use parity_scale_codec::{Compact, Decode, Encode};
use tokio::sync::mpsc;
use tracechain_consensus::{
    signing::{verify_proposal_parts, Signer},
    Address, BlockId, Height, ProposalInit, ProposalPart, Signature, TracechainContext, ValidatorSet,
};
use tracechain_primitives::{
    consensus_message::VoteKind,
    header::{Block, Header, OpaqueExtrinsic},
    BlockNumber, H256,
};

use super::{
    config::timeouts,
    streams::{AssembledProposal, ProposalStreams},
    BftError,
};
use tracechain_engine::{Application, ApplicationError, Certificate};

/// Size of the block chunks in a proposal stream.
const CHUNK_SIZE: usize = 512 * 1024;
/// The proposer builds its block in at most this fraction (one over it) of what the propose
/// timeout leaves after the block time: the rest is for the validators to receive and
/// re-execute the block.
const BUILD_SHARE: u32 = 4;
/// Most blocks returned for one sync request.
const MAX_SYNC_BATCH: u64 = 50;
/// Proposals are accepted for rounds at most this far above the engine's current round.
pub const ROUND_WINDOW: u32 = 4;
/// Signed proposals for the next height kept per proposer until that height starts.
pub const MAX_FUTURE_PER_PROPOSER: usize = 2;
/// The fewest bytes an extrinsic takes in a block body (length prefix, version, pallet and call
/// index): a body claiming more extrinsics than its length allows is refused before decoding,
/// so that decoding never allocates more than a few times the bytes received.
pub const MIN_EXTRINSIC_BYTES: usize = 4;
/// How often a local failure to check a proposal is retried before the node stops.
pub const LOCAL_RETRIES: u32 = 3;
/// The wait between those retries.
const LOCAL_RETRY_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

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
    /// The validator set of the current height.
    set: Option<ValidatorSet>,
    /// The signed proposal accepted per (round, proposer) of the current height.
    signed: BTreeMap<(u32, Address), (H256, Signature)>,
    /// The verdict on each block re-executed for the current height.
    verdicts: BTreeMap<BlockId, Validity>,
    /// Signed proposals for the next height, checked once it starts.
    future: Vec<(AssembledProposal, Header)>,
    /// The value this node built per round of the current height.
    own: BTreeMap<u32, BlockId>,
    /// Where blocks this node built arrive, while [`Self::run`] runs.
    built: Option<mpsc::Sender<BuiltBlock>>,
    /// The attacks of a dishonest validator, in the adversarial tests.
    #[cfg(feature = "attack")]
    attack: super::attack::Attack,
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
            #[cfg(feature = "attack")]
            attack: super::attack::Attack::from_env(),
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
            set: None,
            signed: BTreeMap::new(),
            verdicts: BTreeMap::new(),
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
            self.signed.clear();
            self.verdicts.clear();
            self.own.clear();
            self.future.retain(|(proposal, _)| proposal.init.height >= height);
            self.set = self.validator_set(height).ok();
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
                        .partition(|(proposal, _)| proposal.init.height == height);
                    self.future = later;
                    ready
                };
                for (proposal, header) in pending {
                    if let Some(value) = self.check_proposal(proposal, header).await? {
                        self.proposed_values.push(value);
                    }
                }
                let values = self.proposed_values.iter().filter(|value| value.round == round).cloned().collect();
                let _ = reply_value.send(values);
                #[cfg(feature = "attack")]
                if let Some(signer) = &self.signer {
                    let messages = self.attack.round_messages(
                        self.genesis,
                        signer,
                        self.address,
                        self.set.as_ref(),
                        height,
                        round,
                    );
                    publish(channels, messages).await?;
                }
            }
            AppMsg::GetValue { height, round, timeout, reply } => self.build_value(height, round, timeout, reply)?,
            AppMsg::ReceivedProposalPart { from, published_by, part, reply } => {
                let value = self.received_part(published_by.unwrap_or(from).to_string(), part).await?;
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
                        publish(channels, candidate.messages.clone()).await?;
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
        let wait = std::time::Duration::from_millis(due_ms.saturating_sub(tracechain_engine::clock::wall_clock_ms()))
            .min(self.target_time);
        let build_time = timeout.saturating_sub(self.target_time) / BUILD_SHARE;
        let application = self.application.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let deadline = Instant::now() + build_time;
            let block = tokio::task::spawn_blocking(move || application.propose(deadline))
                .await
                .map_err(|error| BftError::Task(error.to_string()))
                .and_then(|built| built.map_err(|error| BftError::Application(error.to_string())));
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
            tracechain_primitives::hashing::short_display(&hash),
            block.extrinsics.len(),
            messages.len()
        );
        publish(channels, messages.clone()).await?;
        #[cfg(feature = "attack")]
        if self.attack.equivocates() {
            let twin = self.attack.equivocation(&signer, self.address, height, round, &block);
            publish(channels, twin).await?;
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
    ) -> Result<Option<ProposedValue<TracechainContext>>, BftError> {
        if let StreamContent::Data(ProposalPart::Transactions(_) | ProposalPart::PeerRecord(_)) = message.content {
            // The gossip tap took these from the network as they arrived (see `gossip_tap`).
            return Ok(None);
        }
        if self.set.is_none() {
            // Not known when the height started (its parent state was not readable yet).
            self.set = self.validator_set(self.height).ok();
        }
        let (height, round, set) = (self.height, self.round, self.set.as_ref());
        let admit = |init: &ProposalInit| admit_init(init, height, round, set);
        let proposal = match self.streams.insert(publisher.clone(), message, Instant::now(), admit) {
            Ok(Some(proposal)) => proposal,
            Ok(None) => return Ok(None),
            Err(error) => {
                tracing::debug!(target: "consensus", "Dropped a proposal stream of {publisher}: {error}");
                return Ok(None);
            }
        };
        // The height may have moved on while the stream arrived.
        if let Err(reason) = admit_init(&proposal.init, self.height, self.round, self.set.as_ref()) {
            tracing::debug!(target: "consensus", "Dropped a proposal of {publisher}: {reason}");
            return Ok(None);
        }
        let Some(header) = self.signed_header(&proposal) else { return Ok(None) };
        if proposal.init.height > self.height {
            let proposer = proposal.init.proposer;
            let waiting = self.future.iter().filter(|(other, _)| other.init.proposer == proposer).count();
            if waiting < MAX_FUTURE_PER_PROPOSER {
                self.future.push((proposal, header));
            } else {
                tracing::debug!(target: "consensus", "Dropped a proposal for #{} by {proposer}: it has {waiting} waiting", header.number);
            }
            return Ok(None);
        }
        let value = self.check_proposal(proposal, header).await?;
        if let Some(value) = &value {
            self.proposed_values.push(value.clone());
        }
        Ok(value)
    }

    /// The header of a complete proposal, if it is of the proposal's height and the proposer's
    /// signature over its hash verifies. Only the header is decoded.
    fn signed_header(&self, proposal: &AssembledProposal) -> Option<Header> {
        let init = &proposal.init;
        let header = match Header::decode(&mut &proposal.block_bytes[..]) {
            Ok(header) => header,
            Err(error) => {
                tracing::warn!(target: "consensus", "Proposal by {}: the header does not decode: {error}", init.proposer);
                return None;
            }
        };
        if header.number != init.height.number() {
            tracing::warn!(target: "consensus", "Proposal by {} for #{} holds block #{}", init.proposer, init.height, header.number);
            return None;
        }
        let signed = verify_proposal_parts(
            self.genesis,
            init.height,
            init.round,
            init.pol_round,
            header.hash(),
            &init.proposer,
            &proposal.signature,
        );
        if !signed {
            tracing::warn!(target: "consensus", "Proposal by {} for #{} has a bad signature", init.proposer, init.height);
            return None;
        }
        Some(header)
    }

    /// Checks a complete proposal of the current height whose `header` [`Self::signed_header`]
    /// already verified (the rules of the module docs) and re-executes its block once. `Err`
    /// only when this node cannot check it.
    async fn check_proposal(
        &mut self,
        proposal: AssembledProposal,
        header: Header,
    ) -> Result<Option<ProposedValue<TracechainContext>>, BftError> {
        let init = proposal.init.clone();
        if let Err(reason) = admit_init(&init, self.height, self.round, self.set.as_ref()) {
            tracing::debug!(target: "consensus", "Dropped a proposal: {reason}");
            return Ok(None);
        }
        if init.height != self.height {
            return Ok(None);
        }
        let hash = header.hash();
        let round = init.round.as_u32().unwrap_or(0);
        match self.signed.get(&(round, init.proposer)) {
            Some((first, _)) if *first == hash => return Ok(None),
            Some((first, first_signature)) => {
                let report = EquivocationReport {
                    offender: init.proposer.0,
                    height: init.height.number(),
                    round,
                    kind: VoteKind::Proposal,
                    first: ReportedVote { block: Some(*first), signature: first_signature.0 },
                    second: ReportedVote { block: Some(hash), signature: proposal.signature.0 },
                };
                tracing::warn!(
                    target: "consensus",
                    "Equivocation: validator {} proposed two blocks at #{} round {round}; reporting it on chain",
                    init.proposer, init.height
                );
                self.application.report_equivocations(vec![report]);
                return Ok(None);
            }
            None => {
                self.signed.insert((round, init.proposer), (hash, proposal.signature));
            }
        }
        let value = BlockId::from(hash);
        let validity = match self.verdicts.get(&value) {
            Some(validity) => *validity,
            None => {
                let validity = match decode_body(header, &proposal.block_bytes) {
                    Err(reason) => {
                        tracing::warn!(target: "consensus", "Proposal #{} by {}: {reason}", init.height, init.proposer);
                        Validity::Invalid
                    }
                    Ok(block) => {
                        let validity = self.re_execute(&block).await?;
                        if validity.is_valid() {
                            self.candidates.insert(value, Candidate { block, messages: proposal.messages });
                        }
                        validity
                    }
                };
                self.verdicts.insert(value, validity);
                validity
            }
        };
        Ok(Some(ProposedValue {
            height: init.height,
            round: init.round,
            valid_round: init.pol_round,
            proposer: init.proposer,
            value,
            validity,
        }))
    }

    /// Re-executes a proposed block: its validity, or [`BftError::LocalFailure`] when this node
    /// still cannot check it after [`LOCAL_RETRIES`] retries.
    async fn re_execute(&self, block: &Block) -> Result<Validity, BftError> {
        let mut attempt = 0;
        loop {
            let application = self.application.clone();
            let checked = block.clone();
            let outcome = tokio::task::spawn_blocking(move || application.verify(&checked))
                .await
                .unwrap_or_else(|error| Err(ApplicationError::local(format!("the re-execution task failed: {error}"))));
            let cause = match outcome {
                Ok(()) => return Ok(Validity::Valid),
                Err(ApplicationError::Invalid { reason }) => {
                    tracing::warn!(target: "consensus", "Proposal #{} {} is invalid: {reason}", block.header.number, tracechain_primitives::hashing::short_display(&block.hash()));
                    return Ok(Validity::Invalid);
                }
                Err(ApplicationError::Local { cause }) => cause,
            };
            attempt += 1;
            if attempt > LOCAL_RETRIES {
                return Err(BftError::LocalFailure {
                    what: format!(
                        "re-executing proposal #{} {}",
                        block.header.number,
                        tracechain_primitives::hashing::short_display(&block.hash())
                    ),
                    cause,
                });
            }
            tracing::error!(target: "consensus", "Could not check proposal #{} (attempt {attempt} of {}): {cause}", block.header.number, LOCAL_RETRIES + 1);
            tokio::time::sleep(LOCAL_RETRY_DELAY).await;
        }
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
            Ok(Err(error)) => tracing::error!(target: "consensus", "Committing {height} failed: {error}"),
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
            Ok(Err(ApplicationError::Local { cause })) => {
                tracing::error!(target: "consensus", "Could not check synced block #{height}: {cause}");
                return SyncedValueOutcome::LocalTransientError;
            }
            Ok(Err(ApplicationError::Invalid { reason })) => {
                tracing::warn!(target: "consensus", "Synced block #{height} does not re-execute: {reason}");
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

/// Publishes proposal parts on the network, in order.
async fn publish(
    channels: &mut Channels<TracechainContext>,
    messages: Vec<StreamMessage<ProposalPart>>,
) -> Result<(), BftError> {
    for message in messages {
        channels.network.send(NetworkMsg::PublishProposalPart(message)).await.map_err(|_| BftError::EngineStopped)?;
    }
    Ok(())
}

/// Rule 1 of the module docs: whether a stream whose first part is `init` may be received while
/// the engine is at `height`, `round`, with `set` the validator set of `height`.
pub(crate) fn admit_init(
    init: &ProposalInit,
    height: Height,
    round: Round,
    set: Option<&ValidatorSet>,
) -> Result<(), String> {
    if init.pol_round != Round::Nil {
        return Err(format!("pol_round {} is not nil", init.pol_round));
    }
    let Some(proposal_round) = init.round.as_u32() else { return Err("the round is nil".into()) };
    let Some(set) = set else { return Err(format!("no validator set is known for height {height}")) };
    if init.height == height {
        let limit = round.as_u32().unwrap_or(0).saturating_add(ROUND_WINDOW);
        if proposal_round > limit {
            return Err(format!("round {proposal_round} is beyond {limit}, {ROUND_WINDOW} above the current round"));
        }
        let expected = TracechainContext::proposer_index(set.validators.len(), init.height, init.round)
            .and_then(|index| set.validators.get(index));
        if expected.map(|validator| validator.address) != Some(init.proposer) {
            return Err(format!("{} is not the proposer of #{height} round {proposal_round}", init.proposer));
        }
        Ok(())
    } else if init.height.number() == height.number().saturating_add(1) {
        if proposal_round > ROUND_WINDOW {
            return Err(format!("round {proposal_round} of the next height is beyond {ROUND_WINDOW}"));
        }
        if set.index_of(&init.proposer).is_none() {
            return Err(format!("{} is not a validator", init.proposer));
        }
        Ok(())
    } else {
        Err(format!("height {} is neither the current height {height} nor the next", init.height))
    }
}

/// Rule 5 of the module docs: the block of `block_bytes`, whose `header` is already decoded and
/// signed, with a body of possible size and nothing after it.
fn decode_body(header: Header, block_bytes: &[u8]) -> Result<Block, String> {
    let mut input = &block_bytes[header.encoded_size()..];
    let count =
        Compact::<u32>::decode(&mut &input[..]).map_err(|error| format!("the body does not decode: {error}"))?.0;
    if (count as usize).saturating_mul(MIN_EXTRINSIC_BYTES) > input.len() {
        return Err(format!("the body claims {count} extrinsics in {} bytes", input.len()));
    }
    let extrinsics =
        Vec::<OpaqueExtrinsic>::decode(&mut input).map_err(|error| format!("the body does not decode: {error}"))?;
    if !input.is_empty() {
        return Err(format!("{} bytes follow the block", input.len()));
    }
    Ok(Block { header, extrinsics })
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

#[cfg(test)]
mod tests {
    use super::*;
    use tracechain_primitives::header::Digest;

    fn set() -> ValidatorSet {
        ValidatorSet::from_keys([[1; 32], [2; 32], [3; 32], [4; 32]])
    }

    fn init(height: u32, round: u32, proposer: u8) -> ProposalInit {
        ProposalInit {
            height: Height(height),
            round: Round::new(round),
            pol_round: Round::Nil,
            proposer: Address([proposer; 32]),
        }
    }

    /// The proposer of `height`, `round` in [`set`].
    fn proposer_of(height: u32, round: u32) -> u8 {
        let index = TracechainContext::proposer_index(4, Height(height), Round::new(round)).expect("index");
        set().validators[index].address.0[0]
    }

    #[test]
    fn only_the_rounds_proposer_within_the_window_is_admitted() {
        let set = set();
        let admit = |init: &ProposalInit| admit_init(init, Height(10), Round::new(2), Some(&set));
        assert_eq!(admit(&init(10, 2, proposer_of(10, 2))), Ok(()));
        assert_eq!(admit(&init(10, 0, proposer_of(10, 0))), Ok(()), "earlier rounds of the height stay open");
        assert_eq!(admit(&init(10, 2 + ROUND_WINDOW, proposer_of(10, 2 + ROUND_WINDOW))), Ok(()));
        // The same validator proposes again n rounds later: beyond the window it is refused.
        let far = 2 + ROUND_WINDOW + 4;
        assert!(admit(&init(10, far, proposer_of(10, far))).unwrap_err().contains("beyond"));
        let other = (1..=4).find(|key| *key != proposer_of(10, 2)).expect("another validator");
        assert!(admit(&init(10, 2, other)).unwrap_err().contains("is not the proposer"));
        let mut with_pol = init(10, 2, proposer_of(10, 2));
        with_pol.pol_round = Round::new(1);
        assert!(admit(&with_pol).unwrap_err().contains("pol_round"));
        assert!(admit_init(&init(10, 2, proposer_of(10, 2)), Height(10), Round::new(2), None).is_err());
    }

    #[test]
    fn only_the_next_height_is_admitted_ahead() {
        let set = set();
        let admit = |init: &ProposalInit| admit_init(init, Height(10), Round::new(0), Some(&set));
        assert_eq!(admit(&init(11, 0, 3)), Ok(()));
        assert!(admit(&init(11, ROUND_WINDOW + 1, 3)).unwrap_err().contains("next height"));
        assert!(admit(&init(11, 0, 9)).unwrap_err().contains("not a validator"));
        assert!(admit(&init(12, 0, 3)).unwrap_err().contains("neither"));
        assert!(admit(&init(u32::MAX, 0, 3)).unwrap_err().contains("neither"));
        assert!(admit(&init(9, 0, proposer_of(9, 0))).unwrap_err().contains("neither"));
    }

    fn header() -> Header {
        Header {
            parent_hash: H256([1; 32]),
            number: 10,
            state_root: H256([2; 32]),
            extrinsics_root: H256([3; 32]),
            digest: Digest::default(),
        }
    }

    #[test]
    fn a_body_is_decoded_only_when_its_size_is_possible() {
        let block = Block { header: header(), extrinsics: vec![OpaqueExtrinsic(vec![4, 0, 1, 2])] };
        let bytes = block.encode();
        assert_eq!(decode_body(header(), &bytes).expect("valid"), block);
        // A million empty extrinsics claimed in a few bytes.
        let mut claimed = header().encode();
        claimed.extend(Compact(1_000_000u32).encode());
        claimed.extend([0u8; 64]);
        assert!(decode_body(header(), &claimed).unwrap_err().contains("claims 1000000 extrinsics"));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(decode_body(header(), &trailing).unwrap_err().contains("follow the block"));
        assert!(decode_body(header(), &bytes[..bytes.len() - 1]).unwrap_err().contains("does not decode"));
    }
}
