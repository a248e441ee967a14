//! The executive: checks extrinsics, applies them to a block, and finalizes or re-executes blocks.
//!
//! - [`Runtime::validate_transaction`]: the pool's admission check, run against the best block's
//!   state as if for inclusion in the next block (as Substrate does).
//! - [`BlockBuilder`]: initialize a block on a parent, apply extrinsics one by one (an invalid one
//!   is refused and changes nothing), finalize into a header with the state and extrinsics roots.
//! - [`Runtime::execute_block`]: import a block from elsewhere by full re-execution. Its signatures
//!   are verified up front in parallel (sr25519 in batches), then every extrinsic is applied and
//!   the computed header must equal the received one. [`Runtime::execute_block_with`] skips the
//!   signatures of extrinsics the caller verified already (a validator's pool admitted them: the
//!   verdict on the same bytes of the same chain cannot change).
//!
//! ## Failure
//! An invalid transaction is a [`TransactionError`] and is never included. An invalid block is a
//! [`BlockError`] naming the first extrinsic or root that is wrong; nothing is written, since all
//! changes live in an overlay until the caller stores the returned [`ExecutedBlock`].

use std::collections::BTreeMap;

use parity_scale_codec::Encode;
use rayon::prelude::*;
use tracechain_primitives::{
    era::Era,
    extrinsic::{signing_payload, AdditionalSigned, MultiAddress, MultiSignature, SignedExtra},
    header::{extrinsics_root, Block, Digest, Header, OpaqueExtrinsic},
    keyring::verify_sr25519_batch,
    trie::{NodeStore, TrieError, TrieUpdate, TrieView},
    AccountId32, BlockNumber, Nonce, H256,
};
use tracechain_support::{
    dispatch::{DispatchClass, DispatchError, DispatchInfo, Origin, Pays},
    weight::{BlockLimits, Weight, DEFAULT_BLOCK_LIMITS},
    Context, EventRecord, Overlay, Phase, StateReader, StorageRead,
};

use crate::{
    validity::{TransactionError, TransactionSource, ValidTransaction},
    version::VERSION,
    RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};

/// Sr25519 signatures verified per batch when importing a block.
const SIGNATURE_BATCH: usize = 64;

/// Whether to verify an extrinsic's signature when applying it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Verify it.
    Verify,
    /// It was verified already (at pool admission, or in the block's parallel pre-check).
    AlreadyVerified,
}

/// Why a block cannot be built or imported.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    /// The block's number does not follow its parent state's.
    #[error("block #{number} does not follow the parent state at #{parent_number}")]
    NotNextBlock {
        /// The block's number.
        number: BlockNumber,
        /// The number stored in the parent state.
        parent_number: BlockNumber,
    },
    /// An extrinsic of the block is invalid.
    #[error("extrinsic {index} is invalid: {error}")]
    InvalidExtrinsic {
        /// Its index in the block.
        index: usize,
        /// Why.
        error: TransactionError,
    },
    /// The block has no timestamp inherent.
    #[error("the block has no timestamp inherent")]
    MissingTimestamp,
    /// The computed state root differs from the header's.
    #[error("state root mismatch: header has {expected:?}, execution gives {computed:?}")]
    StateRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
    /// The computed extrinsics root differs from the header's.
    #[error("extrinsics root mismatch: header has {expected:?}, the body gives {computed:?}")]
    ExtrinsicsRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
    /// The state could not be read or a stored value did not decode.
    #[error("state corruption: {reason}")]
    Corruption {
        /// What was found.
        reason: String,
    },
    /// The trie could not be updated.
    #[error("state trie: {0}")]
    Trie(#[from] TrieError),
}

impl BlockError {
    /// Whether the failure is the executing node's (its state could not be read or updated)
    /// rather than the block's: such a block may be perfectly valid.
    pub fn is_local_failure(&self) -> bool {
        matches!(self, Self::Corruption { .. } | Self::Trie(_))
    }
}

/// A built or re-executed block, with everything the node stores for it.
#[derive(Debug)]
pub struct ExecutedBlock {
    /// The block.
    pub block: Block,
    /// The storage changes it makes (`None` = deleted).
    pub changes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// The trie nodes to add (and those no longer referenced).
    pub trie_update: TrieUpdate,
    /// The block's events.
    pub events: Vec<EventRecord<RuntimeEvent>>,
}

/// An extrinsic decoded, with its signature check prepared but not yet run.
struct PreparedExtrinsic {
    call: RuntimeCall,
    length: usize,
    signed: Option<SignedPart>,
}

struct SignedPart {
    sender: AccountId32,
    signature: MultiSignature,
    payload: Vec<u8>,
    extra: SignedExtra,
    era_block_hash: H256,
    birth: BlockNumber,
}

/// The runtime of one chain: its genesis hash and block limits.
#[derive(Clone, Debug)]
pub struct Runtime {
    genesis_hash: H256,
    limits: BlockLimits,
}

impl Runtime {
    /// The runtime of the chain whose genesis block hash is `genesis_hash`.
    pub fn new(genesis_hash: H256) -> Self {
        Self { genesis_hash, limits: DEFAULT_BLOCK_LIMITS }
    }

    /// The chain's genesis hash, signed by every transaction.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// The block limits.
    pub fn limits(&self) -> &BlockLimits {
        &self.limits
    }

    /// The longest extrinsic accepted: what normal transactions may fill of a block.
    pub fn max_extrinsic_length(&self) -> usize {
        self.limits.max_normal_length() as usize
    }

    /// The next nonce of `account` in `state` (`AccountNonceApi_account_nonce`).
    pub fn account_nonce(&self, state: &dyn StateReader, account: &AccountId32) -> Nonce {
        pallet_system::account_nonce(&Overlay::new(state), account)
    }

    /// Checks a transaction for the pool against the state of the best block `best_hash`,
    /// as if it were to be included in the next block. The pool re-checks its transactions after
    /// each block with `SignatureCheck::AlreadyVerified`: the signature's verdict cannot change.
    pub fn validate_transaction(
        &self,
        state: &dyn StateReader,
        best_hash: H256,
        source: TransactionSource,
        bytes: &[u8],
        check: SignatureCheck,
    ) -> Result<ValidTransaction, TransactionError> {
        let (overlay, number) = next_block_context(state, best_hash);
        let prepared = self.prepare(&overlay, number, bytes)?;
        self.validate_prepared(&overlay, number, &prepared, source, check)
    }

    /// [`Runtime::validate_transaction`] for many transactions at once (a batch gossiped by a
    /// peer): their sr25519 signatures are verified in batches, which costs less than one by one;
    /// a batch that fails is checked one by one, so each bad transaction gets its own error.
    pub fn validate_transactions(
        &self,
        state: &dyn StateReader,
        best_hash: H256,
        source: TransactionSource,
        transactions: &[Vec<u8>],
    ) -> Vec<Result<ValidTransaction, TransactionError>> {
        let (overlay, number) = next_block_context(state, best_hash);
        // The cheap checks first: only what passes them has its signature verified.
        let prepared: Vec<Result<(PreparedExtrinsic, ValidTransaction), TransactionError>> = transactions
            .iter()
            .map(|bytes| {
                let prepared = self.prepare(&overlay, number, bytes)?;
                let valid = self.check_before_signature(&overlay, number, &prepared, source)?;
                Ok((prepared, valid))
            })
            .collect();
        let signed: Vec<(usize, &PreparedExtrinsic, &SignedPart)> = prepared
            .iter()
            .enumerate()
            .filter_map(|(index, checked)| {
                let (xt, _) = checked.as_ref().ok()?;
                xt.signed.as_ref().map(|part| (index, xt, part))
            })
            .collect();
        let mut signature_errors: Vec<Option<TransactionError>> = vec![None; transactions.len()];
        for chunk in signed.chunks(SIGNATURE_BATCH) {
            if all_signatures_verify(chunk.iter().map(|(_, _, part)| *part)) {
                continue;
            }
            // A batch that fails is checked one by one, so each bad transaction gets its error.
            for (index, xt, part) in chunk {
                signature_errors[*index] = self.verify_signature(&xt.call, part, &overlay, number).err();
            }
        }
        prepared
            .into_iter()
            .zip(signature_errors)
            .map(|(checked, signature_error)| match signature_error {
                Some(error) => Err(error),
                None => checked.map(|(_, valid)| valid),
            })
            .collect()
    }

    /// The checks of [`Runtime::validate_transaction`] after decoding, in `overlay`: the next
    /// block's context (number `number`) on the best block's state.
    fn validate_prepared(
        &self,
        overlay: &Overlay<'_>,
        number: BlockNumber,
        prepared: &PreparedExtrinsic,
        source: TransactionSource,
        check: SignatureCheck,
    ) -> Result<ValidTransaction, TransactionError> {
        let valid = self.check_before_signature(overlay, number, prepared, source)?;
        if let (SignatureCheck::Verify, Some(signed)) = (check, &prepared.signed) {
            self.verify_signature(&prepared.call, signed, overlay, number)?;
        }
        Ok(valid)
    }

    /// Every check of [`Runtime::validate_transaction`] but the signature's, which costs more
    /// than all of them together: decoding, length, genesis and era (in [`Self::prepare`]),
    /// then signedness, nonce, membership and weight. A transaction that fails any of them
    /// costs the node no signature verification.
    fn check_before_signature(
        &self,
        overlay: &Overlay<'_>,
        number: BlockNumber,
        prepared: &PreparedExtrinsic,
        source: TransactionSource,
    ) -> Result<ValidTransaction, TransactionError> {
        let Some(signed) = &prepared.signed else {
            return Err(TransactionError::UnsignedNotAllowed);
        };
        if prepared.call.is_inherent() {
            return Err(TransactionError::SignedInherent);
        }
        let expected = pallet_system::account_nonce(overlay, &signed.sender);
        let nonce = signed.extra.nonce;
        if nonce < expected {
            return Err(TransactionError::Stale { nonce, expected });
        }
        ensure_member(overlay, &signed.sender)?;
        let weight = self.extrinsic_weight(overlay, &prepared.call);
        if weight.any_gt(self.limits.max_normal_weight()) {
            return Err(TransactionError::ExhaustsResources { reason: format!("weight {weight:?} exceeds a block") });
        }
        let mut requires = Vec::new();
        if nonce > expected {
            if source == TransactionSource::InBlock {
                return Err(TransactionError::Future { nonce, expected });
            }
            requires.push((signed.sender, nonce - 1).encode());
        }
        Ok(ValidTransaction {
            priority: 0,
            requires,
            provides: vec![(signed.sender, nonce).encode()],
            longevity: match signed.extra.era {
                Era::Immortal => u64::MAX,
                era => era.death(number).saturating_sub(u64::from(number)),
            },
            propagate: true,
        })
    }

    /// Starts a block on top of `parent` (whose post-state is `state`).
    pub fn block_builder<'a, S: NodeStore + ?Sized>(
        &'a self,
        state: &'a TrieView<'a, S>,
        parent: &Header,
        digest: Digest,
    ) -> Result<BlockBuilder<'a, TrieView<'a, S>>, BlockError> {
        BlockBuilder::new(self, state, parent.hash(), parent.number.saturating_add(1), digest)
    }

    /// Applies `bytes` (a length-prefixed extrinsic) in a block built on `parent`, whose
    /// post-state is `state`, and throws the block away: `BlockBuilder_apply_extrinsic` and
    /// `system_dryRun`. The signature is verified and the block-start hooks run, exactly as when
    /// the extrinsic is included in the next block. `Err` only when the state cannot be read, since
    /// a verdict over a failed read would be wrong.
    pub fn dry_run<St: StateReader>(
        &self,
        state: &St,
        parent: &Header,
        bytes: &[u8],
    ) -> Result<ApplyExtrinsicResult, BlockError> {
        let mut builder =
            BlockBuilder::new(self, state, parent.hash(), parent.number.saturating_add(1), Digest::default())?;
        let outcome = builder.apply_extrinsic(bytes, SignatureCheck::Verify);
        match builder.state_failure() {
            Some(reason) => Err(BlockError::Corruption { reason }),
            None => Ok(outcome),
        }
    }

    /// Imports `block` on its parent's post-state `state` by full re-execution, checking every
    /// signature and both roots.
    pub fn execute_block<S: NodeStore + ?Sized>(
        &self,
        state: &TrieView<'_, S>,
        block: &Block,
    ) -> Result<ExecutedBlock, BlockError> {
        self.execute_block_with(state, block, |_| false)
    }

    /// [`Runtime::execute_block`], but the signature of an extrinsic whose hash
    /// `already_verified` accepts is not checked again.
    pub fn execute_block_with<S: NodeStore + ?Sized>(
        &self,
        state: &TrieView<'_, S>,
        block: &Block,
        already_verified: impl Fn(&H256) -> bool,
    ) -> Result<ExecutedBlock, BlockError> {
        let header = &block.header;
        let mut builder = BlockBuilder::new(self, state, header.parent_hash, header.number, header.digest.clone())?;
        let prepared = block
            .extrinsics
            .iter()
            .enumerate()
            .map(|(index, extrinsic)| {
                self.prepare(&builder.ctx, header.number, &extrinsic.encode())
                    .map_err(|error| BlockError::InvalidExtrinsic { index, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let unverified: Vec<bool> =
            block.extrinsics.iter().map(|extrinsic| !already_verified(&extrinsic.hash())).collect();
        self.verify_block_signatures(&prepared, &unverified, &builder.ctx, header.number)?;
        for (index, extrinsic) in prepared.into_iter().enumerate() {
            // A call that fails is still a valid part of the block (its events record the error).
            let _call_outcome = builder
                .apply_prepared(extrinsic, &block.extrinsics[index].0)
                .map_err(|error| BlockError::InvalidExtrinsic { index, error })?;
        }
        let executed = builder.finalize()?;
        if executed.block.header.extrinsics_root != header.extrinsics_root {
            return Err(BlockError::ExtrinsicsRootMismatch {
                expected: header.extrinsics_root,
                computed: executed.block.header.extrinsics_root,
            });
        }
        if executed.block.header.state_root != header.state_root {
            return Err(BlockError::StateRootMismatch {
                expected: header.state_root,
                computed: executed.block.header.state_root,
            });
        }
        Ok(executed)
    }

    /// Verifies the signatures of a block's extrinsics marked in `unverified` on all cores: sr25519
    /// in batches, the rest one by one. On failure, names the first bad extrinsic.
    fn verify_block_signatures(
        &self,
        prepared: &[PreparedExtrinsic],
        unverified: &[bool],
        storage: &impl StorageRead,
        number: BlockNumber,
    ) -> Result<(), BlockError> {
        let signed: Vec<(usize, &RuntimeCall, &SignedPart)> = prepared
            .iter()
            .zip(unverified)
            .enumerate()
            .filter(|(_, (_, unverified))| **unverified)
            .filter_map(|(index, (xt, _))| xt.signed.as_ref().map(|part| (index, &xt.call, part)))
            .collect();
        let all_valid = signed
            .par_chunks(SIGNATURE_BATCH)
            .all(|chunk| all_signatures_verify(chunk.iter().map(|(_, _, part)| *part)));
        if all_valid {
            return Ok(());
        }
        for (index, call, part) in signed {
            self.verify_signature(call, part, storage, number)
                .map_err(|error| BlockError::InvalidExtrinsic { index, error })?;
        }
        Err(BlockError::Corruption { reason: "batch signature verification disagrees with single verification".into() })
    }

    /// The weight charged for an extrinsic with this call, in the state `storage`.
    pub fn extrinsic_weight(&self, storage: &impl StorageRead, call: &RuntimeCall) -> Weight {
        call.weight(storage)
            .saturating_add(self.limits.extrinsic_base_weight)
            .saturating_add(pallet_system::extrinsic_bookkeeping_weight())
    }

    /// Decodes an extrinsic and prepares its signature check: sender, tip, era and payload.
    fn prepare(
        &self,
        storage: &impl StorageRead,
        number: BlockNumber,
        bytes: &[u8],
    ) -> Result<PreparedExtrinsic, TransactionError> {
        if bytes.len() > self.max_extrinsic_length() {
            return Err(TransactionError::Oversized { length: bytes.len(), max: self.max_extrinsic_length() });
        }
        let extrinsic = UncheckedExtrinsic::decode_exact(bytes)
            .map_err(|error| TransactionError::Malformed { reason: error.to_string() })?;
        let Some((address, signature, extra)) = extrinsic.signature else {
            return Ok(PreparedExtrinsic { call: extrinsic.function, length: bytes.len(), signed: None });
        };
        let MultiAddress::Id(sender) = address else {
            return Err(TransactionError::UnsupportedAddress);
        };
        if matches!(signature, MultiSignature::Ecdsa(_)) {
            return Err(TransactionError::UnsupportedSignature);
        }
        if sender == AccountId32([0; 32]) {
            return Err(TransactionError::ZeroSender);
        }
        if extra.tip != 0 {
            return Err(TransactionError::NonZeroTip { tip: extra.tip });
        }
        let birth = extra.era.birth(number);
        let era_block_hash = match extra.era {
            Era::Immortal => self.genesis_hash,
            Era::Mortal { .. } => pallet_system::block_hash(storage, birth)
                .filter(|_| birth < number)
                .ok_or(TransactionError::AncientBirthBlock { birth, current: number })?,
        };
        let payload = signing_payload(&extrinsic.function, &extra, &self.additional_signed(era_block_hash));
        Ok(PreparedExtrinsic {
            call: extrinsic.function,
            length: bytes.len(),
            signed: Some(SignedPart { sender, signature, payload, extra, era_block_hash, birth }),
        })
    }

    fn additional_signed(&self, era_block_hash: H256) -> AdditionalSigned {
        AdditionalSigned {
            spec_version: VERSION.spec_version,
            transaction_version: VERSION.transaction_version,
            genesis_hash: self.genesis_hash,
            era_block_hash,
        }
    }

    /// Verifies one signature; a mortal transaction that verifies against the previous window's
    /// birth block is reported as expired rather than as a bad signature.
    fn verify_signature(
        &self,
        call: &RuntimeCall,
        signed: &SignedPart,
        storage: &impl StorageRead,
        number: BlockNumber,
    ) -> Result<(), TransactionError> {
        if signed.signature.verify(&signed.payload, &signed.sender) {
            return Ok(());
        }
        if let Era::Mortal { period, .. } = signed.extra.era {
            let previous_birth =
                u64::from(signed.birth).checked_sub(period).and_then(|b| BlockNumber::try_from(b).ok());
            if let Some(previous_birth) = previous_birth {
                if let Some(hash) = pallet_system::block_hash(storage, previous_birth) {
                    let payload = signing_payload(call, &signed.extra, &self.additional_signed(hash));
                    if signed.signature.verify(&payload, &signed.sender) {
                        return Err(TransactionError::Expired {
                            birth: previous_birth,
                            death: u64::from(previous_birth) + period,
                            current: number,
                        });
                    }
                }
            }
        }
        Err(TransactionError::BadProof {
            spec_version: VERSION.spec_version,
            transaction_version: VERSION.transaction_version,
            genesis_hash: self.genesis_hash,
            era_block_hash: signed.era_block_hash,
        })
    }
}

/// The pool's view of the next block: the best block's state `state` with the next block
/// (its number, returned) initialized on `best_hash`, as transactions would be applied in it.
fn next_block_context(state: &dyn StateReader, best_hash: H256) -> (Overlay<'_>, BlockNumber) {
    let mut overlay = Overlay::new(state);
    let number = pallet_system::NUMBER.get(&overlay).saturating_add(1);
    pallet_system::initialize(&mut overlay, number, best_hash);
    (overlay, number)
}

/// Whether every signature of `parts` verifies: the sr25519 ones as one batch, the others one by
/// one. A `false` says only that at least one is bad.
fn all_signatures_verify<'a>(parts: impl Iterator<Item = &'a SignedPart>) -> bool {
    let mut batch = Vec::with_capacity(SIGNATURE_BATCH);
    for part in parts {
        match &part.signature {
            MultiSignature::Sr25519(signature) => {
                batch.push((part.payload.as_slice(), *signature, *part.sender.as_bytes()))
            }
            other => {
                if !other.verify(&part.payload, &part.sender) {
                    return false;
                }
            }
        }
    }
    verify_sr25519_batch(&batch)
}

fn ensure_member(storage: &impl StorageRead, account: &AccountId32) -> Result<(), TransactionError> {
    if !pallet_membership::is_member(storage, account) {
        return Err(TransactionError::NotMember { account: *account });
    }
    Ok(())
}

/// What applying one extrinsic gives (`sp_runtime::ApplyExtrinsicResult`): `Err` when it cannot be
/// included, else whether its call succeeded.
pub type ApplyExtrinsicResult = Result<Result<(), DispatchError>, TransactionError>;

/// A block being built (or re-executed) on its parent's post-state `St`: the overlay of its
/// changes and what it holds so far. Any [`StateReader`] can apply extrinsics (a dry run reads
/// the state through the RPC); only a builder over a trie can [`BlockBuilder::finalize`], since
/// the block's state root is computed there.
pub struct BlockBuilder<'a, St> {
    runtime: &'a Runtime,
    state: &'a St,
    ctx: Context<'a, RuntimeEvent>,
    parent_hash: H256,
    number: BlockNumber,
    digest: Digest,
    extrinsics: Vec<OpaqueExtrinsic>,
    normal_weight: Weight,
    total_weight: Weight,
    normal_length: u32,
    seen_signed: bool,
}

impl<'a, St: StateReader> BlockBuilder<'a, St> {
    fn new(
        runtime: &'a Runtime,
        state: &'a St,
        parent_hash: H256,
        number: BlockNumber,
        digest: Digest,
    ) -> Result<Self, BlockError> {
        let overlay = Overlay::new(state);
        let parent_number = pallet_system::NUMBER.get(&overlay);
        if parent_number.checked_add(1) != Some(number) {
            return Err(BlockError::NotNextBlock { number, parent_number });
        }
        let mut ctx = Context::new(overlay, number);
        ctx.set_phase(Phase::Initialization);
        pallet_system::initialize(&mut ctx, number, parent_hash);
        // The block-start hooks' work is mandatory: it counts in the block's weight
        // (`System.BlockWeight`), though not against the share normal transactions may fill.
        let membership_weight = pallet_membership::on_initialize(&mut ctx);
        let hooks_weight = membership_weight.saturating_add(pallet_custody::on_initialize(&mut ctx));
        Ok(Self {
            runtime,
            state,
            ctx,
            parent_hash,
            number,
            digest,
            extrinsics: Vec::new(),
            normal_weight: Weight::ZERO,
            total_weight: hooks_weight,
            normal_length: 0,
            seen_signed: false,
        })
    }

    /// The number of the block being built.
    pub fn number(&self) -> BlockNumber {
        self.number
    }

    /// How many extrinsics the block holds so far.
    pub fn extrinsic_count(&self) -> usize {
        self.extrinsics.len()
    }

    /// Applies one extrinsic (length-prefixed bytes). On `Err` the extrinsic is not included and
    /// nothing changes; on `Ok` it is included and the inner result says whether its call succeeded.
    pub fn apply_extrinsic(&mut self, bytes: &[u8], check: SignatureCheck) -> ApplyExtrinsicResult {
        let prepared = self.runtime.prepare(&self.ctx, self.number, bytes)?;
        if check == SignatureCheck::Verify {
            if let Some(signed) = &prepared.signed {
                self.runtime.verify_signature(&prepared.call, signed, &self.ctx, self.number)?;
            }
        }
        // Keep the bytes without their length prefix, as the block body stores them.
        let body = tracechain_primitives::header::OpaqueExtrinsic::from_encoded(bytes)
            .map_err(|error| TransactionError::Malformed { reason: error.to_string() })?;
        self.apply_prepared(prepared, &body.0)
    }

    /// Applies the timestamp inherent; block authors call this first.
    pub fn apply_timestamp(&mut self, now: tracechain_primitives::Moment) -> Result<(), TransactionError> {
        self.apply_inherent(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }))
    }

    /// Applies an equivocation report (an inherent: after the timestamp, before any signed
    /// extrinsic). On `Err` the report is false, stale or already recorded, and nothing changes.
    pub fn apply_equivocation_report(
        &mut self,
        report: pallet_membership::EquivocationReport,
    ) -> Result<(), TransactionError> {
        self.apply_inherent(RuntimeCall::Membership(pallet_membership::Call::report_equivocation { report }))
    }

    fn apply_inherent(&mut self, call: RuntimeCall) -> Result<(), TransactionError> {
        let bytes = UncheckedExtrinsic::new_unsigned(call).encode();
        self.apply_extrinsic(&bytes, SignatureCheck::AlreadyVerified)?
            .map_err(|error| TransactionError::BadMandatory { reason: error.describe() })
    }

    fn apply_prepared(&mut self, prepared: PreparedExtrinsic, body: &[u8]) -> ApplyExtrinsicResult {
        let runtime = self.runtime;
        let limits = runtime.limits;
        let class = prepared.call.class();
        let weight = runtime.extrinsic_weight(&self.ctx, &prepared.call);
        let length = u32::try_from(prepared.length).unwrap_or(u32::MAX);
        let origin = match &prepared.signed {
            None => {
                if !prepared.call.is_inherent() {
                    return Err(TransactionError::UnsignedNotAllowed);
                }
                if self.seen_signed {
                    return Err(TransactionError::InherentOutOfOrder);
                }
                Origin::None
            }
            Some(signed) => {
                if prepared.call.is_inherent() {
                    return Err(TransactionError::SignedInherent);
                }
                let expected = pallet_system::account_nonce(&self.ctx, &signed.sender);
                let nonce = signed.extra.nonce;
                if nonce < expected {
                    return Err(TransactionError::Stale { nonce, expected });
                }
                if nonce > expected {
                    return Err(TransactionError::Future { nonce, expected });
                }
                ensure_member(&self.ctx, &signed.sender)?;
                Origin::Signed(signed.sender)
            }
        };
        if class != DispatchClass::Mandatory {
            let new_weight = self.normal_weight.saturating_add(weight);
            if new_weight.any_gt(limits.max_normal_weight()) {
                return Err(TransactionError::ExhaustsResources {
                    reason: format!("block weight would be {new_weight:?} of {:?}", limits.max_normal_weight()),
                });
            }
            // The whole block, mandatory work included, stays within its limit too.
            let new_total = self.total_weight.saturating_add(weight);
            if new_total.any_gt(limits.max_weight) {
                return Err(TransactionError::ExhaustsResources {
                    reason: format!("block weight would be {new_total:?} of {:?}", limits.max_weight),
                });
            }
            let new_length = self.normal_length.saturating_add(length);
            if new_length > limits.max_normal_length() {
                return Err(TransactionError::ExhaustsResources {
                    reason: format!("block length would be {new_length} of {} bytes", limits.max_normal_length()),
                });
            }
            self.normal_weight = new_weight;
            self.normal_length = new_length;
        }

        let index = self.extrinsics.len() as u32;
        self.ctx.set_phase(Phase::ApplyExtrinsic(index));
        if let Origin::Signed(sender) = &origin {
            self.seen_signed = true;
            pallet_system::inc_account_nonce(&mut self.ctx, sender);
        }
        let result = self.ctx.transactional(|ctx| prepared.call.dispatch(ctx, &origin));
        if class == DispatchClass::Mandatory {
            if let Err(error) = result {
                return Err(TransactionError::BadMandatory { reason: error.describe() });
            }
        }
        let dispatch_info = DispatchInfo { weight, class, pays_fee: Pays::No };
        self.ctx.deposit_event(match result {
            Ok(()) => pallet_system::Event::ExtrinsicSuccess { dispatch_info },
            Err(dispatch_error) => pallet_system::Event::ExtrinsicFailed { dispatch_error, dispatch_info },
        });
        self.total_weight = self.total_weight.saturating_add(weight);
        self.extrinsics.push(OpaqueExtrinsic(body.to_vec()));
        Ok(result)
    }

    /// Why the state could not be read while applying, if it could not: an answer computed
    /// over a failed read must not be trusted.
    pub fn state_failure(&self) -> Option<String> {
        self.ctx.overlay.corruption()
    }
}

impl<'a, S: NodeStore + ?Sized> BlockBuilder<'a, TrieView<'a, S>> {
    /// Ends the block: checks the inherents, stores the events, and computes the roots.
    pub fn finalize(mut self) -> Result<ExecutedBlock, BlockError> {
        self.ctx.set_phase(Phase::Finalization);
        pallet_timestamp::finalize(&mut self.ctx).map_err(|_| BlockError::MissingTimestamp)?;
        let total_length: u32 = self.extrinsics.iter().map(|xt| xt.encoded().len() as u32).sum();
        pallet_system::EXTRINSIC_COUNT.put(&mut self.ctx, &(self.extrinsics.len() as u32));
        pallet_system::ALL_EXTRINSICS_LEN.put(&mut self.ctx, &total_length);
        pallet_system::BLOCK_WEIGHT.put(&mut self.ctx, &self.total_weight);
        let events = self.ctx.take_events();
        pallet_system::finalize(&mut self.ctx.overlay, self.number, &events);
        let (overlay, _) = self.ctx.into_parts();
        if let Some(reason) = overlay.corruption() {
            return Err(BlockError::Corruption { reason });
        }
        let changes = overlay.into_changes();
        let trie_update =
            self.state.apply_changes(changes.iter().map(|(key, value)| (key.as_slice(), value.as_deref())))?;
        let header = Header {
            parent_hash: self.parent_hash,
            number: self.number,
            state_root: trie_update.root,
            extrinsics_root: extrinsics_root(&self.extrinsics),
            digest: self.digest,
        };
        Ok(ExecutedBlock { block: Block { header, extrinsics: self.extrinsics }, changes, trie_update, events })
    }
}
