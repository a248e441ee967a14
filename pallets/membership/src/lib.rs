//! # pallet-membership
//!
//! The consortium: its member organisations, their accounts (agents) and roles, the GS1 company
//! prefixes each owns, the validator set, and the governance that changes all of these. The
//! chain is permissioned through this pallet: the runtime accepts a signed transaction only from
//! an account of a member organisation ([`is_member`]), and the other pallets ask it who holds
//! which role ([`ensure_role`], [`has_role`]) and who owns a GTIN's prefix ([`prefix_owner`]).
//!
//! ## Who may do what
//! - Nothing changes the consortium but a **proposal** approved by enough **admin organisations**
//!   (those holding [`Role::Admin`]): no single member, however privileged, can admit a friend,
//!   take over a competitor's prefix or swap the validators. The founders come from genesis.
//! - `propose` and `approve`: an account of an admin organisation. An organisation approves once,
//!   whichever of its accounts signs: the vote is per organisation, not per key, so an
//!   organisation cannot outvote the others by registering more accounts.
//! - `cancel`: an account of the proposing organisation; once a proposal has expired, any admin
//!   organisation may also remove it, so that dead proposals do not stay in state forever.
//! - `add_location`: any account of a member organisation, for its own organisation: registering
//!   where one operates gives no rights over anybody else.
//! - `report_equivocation`: nobody signs it; the block author includes the equivocations its
//!   consensus engine saw, and the call checks the proof itself ([`equivocation`]).
//!
//! ## The threshold rule
//! A proposal executes as soon as `approvals × denominator > numerator × admins`, where
//! `approvals` counts only organisations that are admins *now* (an organisation that lost its
//! admin role no longer votes, even on proposals it approved before) and `admins` is the number
//! of admin organisations now. The default `1/2` is a strict majority. `SetThreshold` accepts
//! `1/2 ≤ numerator/denominator < 1` with `denominator ≤ 100`: at least a half, so that two
//! disjoint groups of admins can never both pass conflicting proposals and no minority governs;
//! below one, so that unanimity always suffices and the consortium cannot lock itself out. A
//! proposal whose own proposer already meets the threshold (one admin organisation) executes at
//! once.
//!
//! Proposals can be approved for [`PROPOSAL_LIFETIME`] blocks (about a day at 6 s blocks), so a
//! stale proposal cannot be revived months later by a changed set of admins. Every action is
//! validated when it is proposed, so a malformed one fails at once rather than after a day of
//! voting; it is validated again when it executes, because the state may have changed meanwhile.
//!
//! ## Invariants
//! - An account belongs to at most one organisation; an organisation has at most
//!   [`MAX_ACCOUNTS`] accounts, [`MAX_ROLES`] roles (stored sorted by their SCALE encoding),
//!   [`MAX_PREFIXES`] company prefixes and [`MAX_LOCATIONS`] distinct locations.
//! - Registered company prefixes are *prefix-free*: none equals or starts another, whoever owns
//!   them, so exactly one organisation owns any GTIN's prefix.
//! - There is always at least one admin organisation (`LastAdmin`), and every admin organisation
//!   has at least one account (`AdminNeedsAccount`), so governance can never be stranded.
//! - Every validator's organisation exists: an organisation that runs a validator, in the current
//!   or in the scheduled set, cannot be removed (`OrgRunsValidator`).
//! - A new validator set takes effect [`VALIDATOR_SET_DELAY`] blocks after it is decided, in
//!   [`on_initialize`], so every node learns of it from a finalized block before it has to
//!   follow it. The hook's reads and writes are charged to the block as mandatory weight
//!   ([`VALIDATOR_SET_CHECK_WEIGHT`] every block, [`VALIDATOR_SET_CHANGE_WEIGHT`] more when a
//!   set takes effect).
//!
//! ## Failure
//! Calls fail with `BadOrigin` unless signed (`report_equivocation`: unless unsigned), and with
//! [`Error`] otherwise. Every argument is
//! validated before anything is written, so a failed call changes nothing. When an approved
//! action fails on execution (the state changed since it was proposed), its writes are rolled
//! back but the approval itself succeeds: the proposal is consumed and `Executed` carries the
//! error, as in `pallet-collective`. [`build_genesis`] validates the founders like the calls do
//! and says which organisation or validator is wrong ([`GenesisError`]).

pub mod equivocation;
#[cfg(test)]
mod tests;
pub mod types;

use std::collections::BTreeSet;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, BlockNumber};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, PalletError, RuntimeConfig,
};

pub use types::{
    Action, CompanyPrefix, CountryCode, EquivocationRecord, EquivocationReport, GenesisConfig, GenesisOrganisation,
    GenesisValidator, Gln, Location, Offence, OrgId, Organisation, ParseError, Proposal, ReportedVote, Role, Scope,
    UnLocode, ValidatorInfo, MAX_NAME_LEN, MAX_PREFIX_LEN, MAX_SCOPE_LEN, MIN_PREFIX_LEN,
};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Membership";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 2;
/// How many blocks a proposal may be approved for (a day of 6-second blocks).
pub const PROPOSAL_LIFETIME: BlockNumber = 14_400;
/// How many blocks after the decision a new validator set takes effect.
pub const VALIDATOR_SET_DELAY: BlockNumber = 10;
/// The most accounts an organisation may have.
pub const MAX_ACCOUNTS: usize = 64;
/// The most roles an organisation may hold.
pub const MAX_ROLES: usize = 32;
/// The most company prefixes an organisation may own.
pub const MAX_PREFIXES: usize = 16;
/// The most locations an organisation may register.
pub const MAX_LOCATIONS: usize = 64;
/// The most validators in a set: BFT message load grows with the square of the set.
pub const MAX_VALIDATORS: usize = 100;
/// The largest threshold denominator (a percentage is precise enough for any consortium).
pub const MAX_THRESHOLD_DENOMINATOR: u32 = 100;
/// The threshold when genesis sets none: a strict majority of the admin organisations.
pub const DEFAULT_THRESHOLD: (u32, u32) = (1, 2);

tracechain_support::storage_items! {
    /// organisation → its record.
    pub const ORGANISATIONS: StorageMap<OrgId, Organisation> =
        StorageMap::new(PALLET_NAME, "Organisations", StorageHasher::Twox64Concat);
    /// the id the next admitted organisation gets.
    pub const NEXT_ORG_ID: StorageValue<OrgId, ValueQuery> = StorageValue::new(PALLET_NAME, "NextOrgId");
    /// account → its organisation. Being a key here is being a member.
    pub const ACCOUNT_ORG: StorageMap<AccountId32, OrgId> =
        StorageMap::new(PALLET_NAME, "AccountOrg", StorageHasher::Blake2_128Concat);
    /// organisation → its accounts, in order of addition.
    pub const ORG_ACCOUNTS: StorageMap<OrgId, Vec<AccountId32>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "OrgAccounts", StorageHasher::Twox64Concat);
    /// organisation → its roles, sorted by SCALE encoding.
    pub const ORG_ROLES: StorageMap<OrgId, Vec<Role>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "OrgRoles", StorageHasher::Twox64Concat);
    /// the organisations holding `Admin`, sorted.
    pub const ADMIN_ORGS: StorageValue<Vec<OrgId>, ValueQuery> = StorageValue::new(PALLET_NAME, "AdminOrgs");
    /// port → the organisations holding `CustomsAuthority` for it, sorted. Maintained with the
    /// roles (admission, removal, grant, revocation), so whether a port is governed is one read.
    pub const PORT_AUTHORITIES: StorageMap<UnLocode, Vec<OrgId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "PortAuthorities", StorageHasher::Blake2_128Concat);
    /// registered company prefix → the organisation owning it.
    pub const PREFIX_OWNER: StorageMap<CompanyPrefix, OrgId> =
        StorageMap::new(PALLET_NAME, "PrefixOwner", StorageHasher::Blake2_128Concat);
    /// a digit string of at least [`MIN_PREFIX_LEN`] digits → how many registered prefixes strictly
    /// extend it. Hashed keys cannot be range-scanned, so this is how a new prefix that would be
    /// the start of a longer registered one is found in one read.
    pub const PREFIX_STEMS: StorageMap<CompanyPrefix, u32, ValueQuery> =
        StorageMap::new(PALLET_NAME, "PrefixStems", StorageHasher::Blake2_128Concat);
    /// `(numerator, denominator)` of the admin organisations needed.
    pub const THRESHOLD: StorageValue<(u32, u32)> = StorageValue::new(PALLET_NAME, "Threshold");
    /// open proposals by id.
    pub const PROPOSALS: StorageMap<u32, Proposal> =
        StorageMap::new(PALLET_NAME, "Proposals", StorageHasher::Twox64Concat);
    /// the id the next proposal gets.
    pub const NEXT_PROPOSAL_ID: StorageValue<u32, ValueQuery> = StorageValue::new(PALLET_NAME, "NextProposalId");
    /// the current validator set, in proposer order.
    pub const VALIDATORS: StorageValue<Vec<ValidatorInfo>, ValueQuery> = StorageValue::new(PALLET_NAME, "Validators");
    /// the next validator set and the block it takes effect in.
    pub const PENDING_VALIDATORS: StorageValue<(BlockNumber, Vec<ValidatorInfo>)> =
        StorageValue::new(PALLET_NAME, "PendingValidators");
    /// every block in which a new validator set took effect, oldest first. A light client follows
    /// the validator set from genesis through these blocks: each is certified by the set before it
    /// and holds the set after it.
    pub const VALIDATOR_SET_CHANGES: StorageValue<Vec<BlockNumber>, ValueQuery> =
        StorageValue::new(PALLET_NAME, "ValidatorSetChanges");
    /// (consensus key, height, round, vote kind) → the recorded equivocation, with its proof and
    /// the offender's organisation.
    pub const EQUIVOCATIONS: StorageMap<Offence, EquivocationRecord> =
        StorageMap::new(PALLET_NAME, "Equivocations", StorageHasher::Blake2_128Concat);
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Proposes a governance action, with the signer's organisation's approval; executes it at
    /// once if that approval already meets the threshold. Signer: an account of an admin
    /// organisation. The action is validated now.
    #[codec(index = 0)]
    propose {
        /// What to do when approved.
        action: Action,
    },
    /// Approves a proposal for the signer's organisation; executes it when the approvals of
    /// current admin organisations meet the threshold. Signer: an account of an admin
    /// organisation that has not approved it yet, before the proposal expires.
    #[codec(index = 1)]
    approve {
        /// The proposal's id.
        proposal: u32,
    },
    /// Withdraws a proposal. Signer: an account of the proposing organisation, or, once the
    /// proposal has expired, of any admin organisation.
    #[codec(index = 2)]
    cancel {
        /// The proposal's id.
        proposal: u32,
    },
    /// Registers a location of the signer's own organisation.
    #[codec(index = 3)]
    add_location {
        /// The location; not already registered.
        location: Location,
    },
    /// Records that a validator signed two different votes in one round (see [`equivocation`]).
    /// Unsigned: an inherent of the block author, never a pool transaction.
    #[codec(index = 4)]
    report_equivocation {
        /// The two votes and who signed them.
        report: EquivocationReport,
    },
}

/// The pallet's events. Indices are stable.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An organisation was admitted. Its prefixes, locations, accounts and roles follow as
    /// `PrefixAssigned`, `LocationAdded`, `AccountAdded` and `RoleGranted` events.
    #[codec(index = 0)]
    OrganisationAdmitted {
        /// Its id.
        org: OrgId,
        /// Its name.
        name: Vec<u8>,
    },
    /// An organisation was removed, with its prefixes and locations; the removal of its accounts
    /// and roles precedes this as `AccountRemoved` and `RoleRevoked` events.
    #[codec(index = 1)]
    OrganisationRemoved {
        /// Its id.
        org: OrgId,
    },
    /// An organisation was granted a role.
    #[codec(index = 2)]
    RoleGranted {
        /// The organisation.
        org: OrgId,
        /// The role.
        role: Role,
    },
    /// A role was revoked from an organisation.
    #[codec(index = 3)]
    RoleRevoked {
        /// The organisation.
        org: OrgId,
        /// The role.
        role: Role,
    },
    /// A company prefix was assigned to an organisation.
    #[codec(index = 4)]
    PrefixAssigned {
        /// The organisation.
        org: OrgId,
        /// The prefix.
        prefix: CompanyPrefix,
    },
    /// An account became an agent of an organisation, and so a member.
    #[codec(index = 5)]
    AccountAdded {
        /// The organisation.
        org: OrgId,
        /// The account.
        account: AccountId32,
    },
    /// An account stopped being an agent of an organisation, and so a member.
    #[codec(index = 6)]
    AccountRemoved {
        /// The organisation it belonged to.
        org: OrgId,
        /// The account.
        account: AccountId32,
    },
    /// An organisation registered a location.
    #[codec(index = 7)]
    LocationAdded {
        /// The organisation.
        org: OrgId,
        /// The location.
        location: Location,
    },
    /// A proposal was made, with its proposer's approval.
    #[codec(index = 8)]
    Proposed {
        /// Its id.
        proposal: u32,
        /// The proposing organisation.
        org: OrgId,
        /// The account that signed it.
        account: AccountId32,
        /// What it does.
        action: Action,
    },
    /// An organisation approved a proposal.
    #[codec(index = 9)]
    Approved {
        /// The proposal.
        proposal: u32,
        /// The approving organisation.
        org: OrgId,
        /// How many current admin organisations have approved it now: the count the threshold
        /// is tested against.
        approvals: u32,
    },
    /// A proposal met the threshold and its action ran; the proposal is gone either way.
    #[codec(index = 10)]
    Executed {
        /// The proposal.
        proposal: u32,
        /// The action's outcome; on error nothing it did was kept.
        result: DispatchResult,
    },
    /// A proposal was withdrawn.
    #[codec(index = 11)]
    Cancelled {
        /// The proposal.
        proposal: u32,
    },
    /// A new validator set was decided; it takes effect at block `at`.
    #[codec(index = 12)]
    ValidatorSetScheduled {
        /// The block in which it takes effect.
        at: BlockNumber,
        /// The set.
        validators: Vec<ValidatorInfo>,
    },
    /// The validator set changed (at block initialisation, as scheduled).
    #[codec(index = 13)]
    ValidatorSetChanged {
        /// The new set.
        validators: Vec<ValidatorInfo>,
    },
    /// The approval threshold changed.
    #[codec(index = 14)]
    ThresholdChanged {
        /// Numerator of the share of admin organisations.
        numerator: u32,
        /// Denominator of the share of admin organisations.
        denominator: u32,
    },
    /// A validator's equivocation was proven and recorded in `Equivocations`.
    #[codec(index = 15)]
    EquivocationRecorded {
        /// The organisation that runs the validator.
        org: OrgId,
        /// The validator's consensus key.
        offender: [u8; 32],
        /// The height of the conflicting votes.
        height: BlockNumber,
        /// Their round.
        round: u32,
        /// Prevotes or precommits.
        kind: tracechain_primitives::consensus_message::VoteKind,
    },
}

/// The pallet's errors. The order is the SCALE index, which clients see in
/// `DispatchError::Module`: new variants go at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The signer is not an account of a member organisation.
    #[error("the account does not belong to a member organisation")]
    NotMember,
    /// The signer's organisation is not an admin organisation (or the account lacks `Admin`).
    #[error("the organisation is not a consortium admin")]
    NotAdmin,
    /// No open proposal has this id (never made, executed, or cancelled).
    #[error("no such proposal")]
    ProposalNotFound,
    /// The proposal's lifetime is over; it can only be cancelled.
    #[error("the proposal has expired")]
    ProposalExpired,
    /// The signer's organisation already approved this proposal.
    #[error("the organisation already approved this proposal")]
    AlreadyApproved,
    /// Only the proposing organisation may cancel an unexpired proposal.
    #[error("only the proposing organisation may cancel the proposal")]
    NotProposer,
    /// No organisation has this id.
    #[error("no such organisation")]
    OrganisationNotFound,
    /// The account already belongs to an organisation.
    #[error("the account already belongs to an organisation")]
    AccountAlreadyMember,
    /// The account belongs to no organisation.
    #[error("the account belongs to no organisation")]
    AccountNotMember,
    /// The organisation already holds this role.
    #[error("the organisation already holds this role")]
    RoleAlreadyGranted,
    /// The organisation does not hold this role.
    #[error("the organisation does not hold this role")]
    RoleNotGranted,
    /// The company prefix is already registered.
    #[error("the company prefix is already registered")]
    PrefixTaken,
    /// The company prefix starts, or is started by, a registered one: GTIN ownership would be
    /// ambiguous.
    #[error("the company prefix overlaps a registered one")]
    PrefixOverlaps,
    /// The name is empty, longer than 128 bytes, not UTF-8, blank, or has control or
    /// bidirectional-formatting characters.
    #[error("name: must be 1 to {MAX_NAME_LEN} bytes of UTF-8 text without control characters")]
    InvalidName,
    /// The country is not two ASCII uppercase letters (ISO 3166-1 alpha-2).
    #[error("country: must be an ISO 3166-1 alpha-2 code")]
    InvalidCountry,
    /// A location (or a customs authority's port) is not a GLN with a valid check digit or a
    /// well-formed UN/LOCODE.
    #[error("location: must be a GLN with a valid check digit or a UN/LOCODE")]
    InvalidLocation,
    /// A company prefix is not 6 to 12 ASCII digits.
    #[error("company prefix: must be {MIN_PREFIX_LEN} to {MAX_PREFIX_LEN} ASCII digits")]
    InvalidPrefix,
    /// An inspector's scope is not 1 to 32 of `a-z`, `0-9`, `_`, `-`.
    #[error("inspection scope: must be 1 to {MAX_SCOPE_LEN} of a-z, 0-9, '_' and '-'")]
    InvalidScope,
    /// The organisation would have more than 64 accounts.
    #[error("accounts: at most {MAX_ACCOUNTS} per organisation")]
    TooManyAccounts,
    /// The organisation would hold more than 32 roles.
    #[error("roles: at most {MAX_ROLES} per organisation")]
    TooManyRoles,
    /// The organisation would own more than 16 company prefixes.
    #[error("company prefixes: at most {MAX_PREFIXES} per organisation")]
    TooManyPrefixes,
    /// The organisation would have more than 64 locations.
    #[error("locations: at most {MAX_LOCATIONS} per organisation")]
    TooManyLocations,
    /// The location is already registered for the organisation (or listed twice).
    #[error("locations: the location is listed twice")]
    DuplicateLocation,
    /// An account is listed twice.
    #[error("accounts: an account is listed twice")]
    DuplicateAccount,
    /// A role is listed twice.
    #[error("roles: a role is listed twice")]
    DuplicateRole,
    /// The threshold is not `numerator/denominator` with `1/2 ≤ n/d < 1` and `d ≤ 100`.
    #[error("threshold: must be n/d with 1/2 <= n/d < 1 and d <= {MAX_THRESHOLD_DENOMINATOR}")]
    InvalidThreshold,
    /// The validator set is empty, has more than 100 validators, or repeats a consensus key.
    #[error("validators: 1 to {MAX_VALIDATORS} with distinct consensus keys")]
    InvalidValidatorSet,
    /// The organisation is the last admin organisation: without one, nothing could be decided.
    #[error("the last admin organisation cannot be removed or lose the admin role")]
    LastAdmin,
    /// The organisation runs a validator in the current or scheduled set; replace it first.
    #[error("the organisation runs a validator")]
    OrgRunsValidator,
    /// An admin organisation must keep an account to vote with (admitting or granting `Admin`
    /// to an organisation without accounts, or removing an admin organisation's last account).
    #[error("an admin organisation must have at least one account")]
    AdminNeedsAccount,
    /// The account's organisation does not hold the role required.
    #[error("the organisation does not hold the required role")]
    MissingRole,
    /// No ids are left for organisations or proposals.
    #[error("ids exhausted")]
    IdsExhausted,
    /// The two votes of an equivocation report are for the same block: no offence.
    #[error("equivocation report: the two votes are for the same block")]
    VotesDoNotConflict,
    /// The report's height is not yet decided, or was decided by an earlier validator set.
    #[error("equivocation report: the height is not one decided by the current validator set")]
    EquivocationOutsideTerm,
    /// The reported key is not in the current validator set.
    #[error("equivocation report: the offender is not a validator")]
    NotAValidator,
    /// A vote's signature does not verify for the offender on this chain.
    #[error("equivocation report: a vote's signature does not verify")]
    InvalidVoteSignature,
    /// This validator's equivocation at this height, round and vote kind is already recorded.
    #[error("equivocation report: the offence is already recorded")]
    EquivocationAlreadyRecorded,
    /// A proposal equivocation report names nil as a proposed block: proposals are of blocks.
    #[error("equivocation report: a proposal is always of a block, never nil")]
    NilProposal,
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = PALLET_INDEX;
}

/// The pallet, as the runtime lists it: [`tracechain_support::Pallet`] over this crate's
/// functions.
pub struct Pallet;

impl tracechain_support::Pallet for Pallet {
    const NAME: &'static str = PALLET_NAME;
    const INDEX: u8 = PALLET_INDEX;
    const DOCS: &'static str = "Organisations, accounts, roles, validators and governance.";
    type Call = Call;
    type Event = Event;
    type Error = Error;

    fn call_weight(_storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(call)
    }

    fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata()
    }
}

/// Why a genesis configuration cannot be built. On error the storage is partly written: discard
/// it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// No founding organisation holds `Admin`: no proposal could ever pass.
    #[error("no founding organisation has the admin role, so nothing could ever be decided")]
    NoAdmin,
    /// A founding organisation is invalid.
    #[error("organisation #{index} ({name:?}): {error}")]
    Organisation {
        /// Its index in `organisations`.
        index: usize,
        /// Its name as given.
        name: String,
        /// What is wrong, naming the field.
        error: Error,
    },
    /// The threshold is invalid.
    #[error("threshold {numerator}/{denominator}: {error}")]
    Threshold {
        /// As given.
        numerator: u32,
        /// As given.
        denominator: u32,
        /// What is wrong.
        error: Error,
    },
    /// A validator's `orgIndex` is not an index into `organisations`.
    #[error("validator #{index}: orgIndex {org_index} is not one of the {count} organisations")]
    UnknownValidatorOrg {
        /// The validator's index.
        index: usize,
        /// Its `orgIndex`.
        org_index: u32,
        /// How many organisations there are.
        count: usize,
    },
    /// A validator is invalid (its key repeats an earlier one).
    #[error("validator #{index}: {error}")]
    Validator {
        /// The validator's index.
        index: usize,
        /// What is wrong.
        error: Error,
    },
    /// The validator set as a whole is invalid (empty or too large).
    #[error("validators: {0}")]
    Validators(Error),
}

// ----------------------------------------------------------------------------------------------
// Weights

/// CPU to validate, compare and encode one list element (a location, an account, a role…).
const PER_ITEM: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0);
/// Reads to check that a prefix is free: itself, each shorter prefix of it, and its stem count.
const PREFIX_CHECK_READS: u64 = (MAX_PREFIX_LEN - MIN_PREFIX_LEN + 2) as u64;
/// Writes to register or release a prefix: its owner and each of its stems.
const PREFIX_WRITES: u64 = (MAX_PREFIX_LEN - MIN_PREFIX_LEN + 1) as u64;

fn count(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// The weight of `call`. `propose` pays for validating and possibly executing its action, which
/// grows with the action's lists; `approve` pays for the costliest action a proposal can hold,
/// since which one it executes is only known from state.
pub fn call_weight(call: &Call) -> Weight {
    match call {
        // Signer's org, admin orgs, threshold, next id; the proposal and the next id.
        Call::propose { action } => db_reads_writes(4, 2).saturating_add(action_weight(action)),
        // Signer's org, admin orgs, the proposal, threshold; the proposal.
        Call::approve { .. } => db_reads_writes(4, 1).saturating_add(max_action_weight()),
        // Signer's org, the proposal, admin orgs; the proposal.
        Call::cancel { .. } => db_reads_writes(3, 1),
        // Signer's org, the organisation; the organisation, with a duplicate scan of its locations.
        Call::add_location { .. } => {
            db_reads_writes(2, 1).saturating_add(PER_ITEM.saturating_mul(count(MAX_LOCATIONS)))
        }
        Call::report_equivocation { .. } => equivocation::report_weight(),
    }
}

/// The weight of validating and executing `action`.
pub fn action_weight(action: &Action) -> Weight {
    match action {
        Action::Admit { company_prefixes, locations, accounts, roles, .. } => {
            admit_weight(company_prefixes.len(), locations.len(), accounts.len(), roles.len())
        }
        Action::Remove { .. } => remove_weight(),
        // The organisation, its roles, its accounts, admin orgs; its roles, admin orgs.
        Action::GrantRole { .. } | Action::RevokeRole { .. } => {
            db_reads_writes(4, 2).saturating_add(PER_ITEM.saturating_mul(count(MAX_ROLES)))
        }
        Action::AssignPrefix { .. } => db_reads_writes(1 + PREFIX_CHECK_READS, 1 + PREFIX_WRITES),
        // The organisation or account, the account's org, the org's accounts, admin orgs.
        Action::AddAccount { .. } | Action::RemoveAccount { .. } => {
            db_reads_writes(4, 2).saturating_add(PER_ITEM.saturating_mul(count(MAX_ACCOUNTS)))
        }
        Action::SetValidators { validators } => set_validators_weight(validators.len()),
        Action::SetThreshold { .. } => db_reads_writes(0, 1),
    }
}

fn admit_weight(prefixes: usize, locations: usize, accounts: usize, roles: usize) -> Weight {
    let (prefixes, accounts) = (count(prefixes), count(accounts));
    let items = prefixes.saturating_add(count(locations)).saturating_add(accounts).saturating_add(count(roles));
    // Reads: next id, admin orgs, each prefix's checks, each account's org.
    // Writes: organisation, next id, accounts, roles, admin orgs, each prefix's entries, each account.
    db_reads_writes(
        2u64.saturating_add(prefixes.saturating_mul(PREFIX_CHECK_READS)).saturating_add(accounts),
        5u64.saturating_add(prefixes.saturating_mul(PREFIX_WRITES)).saturating_add(accounts),
    )
    // Duplicate checks scan lists already bounded by their maxima: a few ns per comparison.
    .saturating_add(PER_ITEM.saturating_mul(items))
}

fn remove_weight() -> Weight {
    let (accounts, prefixes) = (count(MAX_ACCOUNTS), count(MAX_PREFIXES));
    // Reads: organisation, accounts, roles, admin orgs, validators, pending validators, and each
    // prefix's stems. Writes: those four items, each account, each prefix's entries.
    db_reads_writes(6 + prefixes * (PREFIX_WRITES - 1), 4 + accounts + prefixes * PREFIX_WRITES)
        .saturating_add(PER_ITEM.saturating_mul(accounts + prefixes + count(MAX_ROLES)))
}

fn set_validators_weight(validators: usize) -> Weight {
    let validators = count(validators);
    // Each validator's organisation, then the pending set.
    db_reads_writes(validators, 1).saturating_add(PER_ITEM.saturating_mul(validators))
}

/// The weight of the costliest action a stored proposal can hold (they are bounded when
/// proposed).
pub fn max_action_weight() -> Weight {
    [
        admit_weight(MAX_PREFIXES, MAX_LOCATIONS, MAX_ACCOUNTS, MAX_ROLES),
        remove_weight(),
        set_validators_weight(MAX_VALIDATORS),
        action_weight(&Action::AssignPrefix { org: 0, prefix: CompanyPrefix(Vec::new()) }),
        action_weight(&Action::GrantRole { org: 0, role: Role::Admin }),
        action_weight(&Action::AddAccount { org: 0, account: AccountId32([0; 32]) }),
    ]
    .into_iter()
    .max()
    .unwrap_or(Weight::ZERO)
}

// ----------------------------------------------------------------------------------------------
// Calls

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    if let Call::report_equivocation { report } = call {
        return equivocation::report_equivocation(ctx, origin, report);
    }
    let account = origin.ensure_signed()?;
    match call {
        Call::propose { action } => propose(ctx, account, action),
        Call::approve { proposal } => approve(ctx, account, proposal),
        Call::cancel { proposal } => cancel(ctx, account, proposal),
        Call::add_location { location } => add_location(ctx, account, location),
        Call::report_equivocation { .. } => Err(DispatchError::BadOrigin),
    }
}

fn propose<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, action: Action) -> DispatchResult {
    let org = admin_org(ctx, &account)?;
    validate_action(ctx, &action)?;
    let id = NEXT_PROPOSAL_ID.get(ctx);
    let next = id.checked_add(1).ok_or(Error::IdsExhausted)?;
    let now = ctx.block_number();
    NEXT_PROPOSAL_ID.put(ctx, &next);
    ctx.deposit_event(Event::Proposed { proposal: id, org, account, action: action.clone() });
    let proposal = Proposal {
        proposer: org,
        action,
        approvals: vec![org],
        created_at: now,
        expires_at: now.saturating_add(PROPOSAL_LIFETIME),
    };
    let admins = ADMIN_ORGS.get(ctx);
    if threshold_met(current_approvals(&proposal.approvals, &admins), admins.len(), threshold(ctx)) {
        execute(ctx, id, proposal.action);
    } else {
        PROPOSALS.insert(ctx, &id, &proposal);
    }
    Ok(())
}

fn approve<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, id: u32) -> DispatchResult {
    let org = admin_org(ctx, &account)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if ctx.block_number() >= proposal.expires_at {
        return Err(Error::ProposalExpired.into());
    }
    match proposal.approvals.binary_search(&org) {
        Ok(_) => return Err(Error::AlreadyApproved.into()),
        Err(slot) => proposal.approvals.insert(slot, org),
    }
    let admins = ADMIN_ORGS.get(ctx);
    let approvals = current_approvals(&proposal.approvals, &admins);
    ctx.deposit_event(Event::Approved { proposal: id, org, approvals });
    if threshold_met(approvals, admins.len(), threshold(ctx)) {
        PROPOSALS.remove(ctx, &id);
        execute(ctx, id, proposal.action);
    } else {
        PROPOSALS.insert(ctx, &id, &proposal);
    }
    Ok(())
}

fn cancel<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, id: u32) -> DispatchResult {
    let org = member_org(ctx, &account)?;
    let proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    let expired = ctx.block_number() >= proposal.expires_at;
    if org != proposal.proposer && !(expired && is_admin(ctx, org)) {
        return Err(Error::NotProposer.into());
    }
    PROPOSALS.remove(ctx, &id);
    ctx.deposit_event(Event::Cancelled { proposal: id });
    Ok(())
}

fn add_location<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, location: Location) -> DispatchResult {
    let org = member_org(ctx, &account)?;
    let mut organisation = ORGANISATIONS.get(ctx, &org).ok_or(Error::OrganisationNotFound)?;
    validate_locations(std::slice::from_ref(&location), &organisation.locations)?;
    organisation.locations.push(location.clone());
    ORGANISATIONS.insert(ctx, &org, &organisation);
    ctx.deposit_event(Event::LocationAdded { org, location });
    Ok(())
}

/// Runs an approved action in its own transactional layer and reports the outcome; the caller's
/// own writes (consuming the proposal) stay whatever the outcome.
fn execute<E: From<Event>>(ctx: &mut Context<'_, E>, id: u32, action: Action) {
    let now = ctx.block_number();
    let result = ctx.transactional(|ctx| {
        for event in apply_action(ctx, now, &action)? {
            ctx.deposit_event(event);
        }
        Ok(())
    });
    ctx.deposit_event(Event::Executed { proposal: id, result });
}

/// The weight of a block start that applies no validator set: the scheduled set read.
pub const VALIDATOR_SET_CHECK_WEIGHT: Weight = db_reads_writes(1, 0);
/// The weight of applying the scheduled set at its block, beyond the check: the scheduled set
/// removed, the set written, the list of change blocks read and written; the event.
pub const VALIDATOR_SET_CHANGE_WEIGHT: Weight =
    db_reads_writes(1, 3).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// Applies the scheduled validator set when its block arrives. Called by the executive at the
/// start of every block, before any extrinsic; returns the weight it used
/// ([`VALIDATOR_SET_CHECK_WEIGHT`], plus [`VALIDATOR_SET_CHANGE_WEIGHT`] at the block a set
/// takes effect), which the executive charges to the block as mandatory.
pub fn on_initialize<E: From<Event>>(ctx: &mut Context<'_, E>) -> Weight {
    let Some((at, validators)) = PENDING_VALIDATORS.get(ctx) else {
        return VALIDATOR_SET_CHECK_WEIGHT;
    };
    if at > ctx.block_number() {
        return VALIDATOR_SET_CHECK_WEIGHT;
    }
    PENDING_VALIDATORS.kill(ctx);
    VALIDATORS.put(ctx, &validators);
    let mut changes = VALIDATOR_SET_CHANGES.get(ctx);
    changes.push(ctx.block_number());
    VALIDATOR_SET_CHANGES.put(ctx, &changes);
    ctx.deposit_event(Event::ValidatorSetChanged { validators });
    VALIDATOR_SET_CHECK_WEIGHT.saturating_add(VALIDATOR_SET_CHANGE_WEIGHT)
}

// ----------------------------------------------------------------------------------------------
// Governance rules

fn threshold(storage: &impl StorageRead) -> (u32, u32) {
    THRESHOLD.get(storage).unwrap_or(DEFAULT_THRESHOLD)
}

/// How many of `approvals` are current admin organisations. Both lists are sorted.
fn current_approvals(approvals: &[OrgId], admins: &[OrgId]) -> u32 {
    let current = approvals.iter().filter(|org| admins.binary_search(org).is_ok()).count();
    u32::try_from(current).unwrap_or(u32::MAX)
}

/// `approvals × denominator > numerator × admins`, in integers wide enough not to overflow.
fn threshold_met(approvals: u32, admins: usize, (numerator, denominator): (u32, u32)) -> bool {
    u128::from(approvals) * u128::from(denominator) > u128::from(numerator) * count(admins) as u128
}

fn validate_threshold(numerator: u32, denominator: u32) -> Result<(), Error> {
    let at_least_half = u64::from(numerator) * 2 >= u64::from(denominator);
    if numerator == 0 || numerator >= denominator || denominator > MAX_THRESHOLD_DENOMINATOR || !at_least_half {
        return Err(Error::InvalidThreshold);
    }
    Ok(())
}

fn member_org(storage: &impl StorageRead, account: &AccountId32) -> Result<OrgId, Error> {
    ACCOUNT_ORG.get(storage, account).ok_or(Error::NotMember)
}

fn admin_org(storage: &impl StorageRead, account: &AccountId32) -> Result<OrgId, Error> {
    let org = member_org(storage, account)?;
    if !is_admin(storage, org) {
        return Err(Error::NotAdmin);
    }
    Ok(org)
}

fn is_admin(storage: &impl StorageRead, org: OrgId) -> bool {
    ADMIN_ORGS.get(storage).binary_search(&org).is_ok()
}

// ----------------------------------------------------------------------------------------------
// Validation: everything an action needs, checked before anything is written

/// Checks `action` against its bounds and the current state; `Ok` means [`apply_action`] would
/// succeed now.
fn validate_action(storage: &impl StorageRead, action: &Action) -> Result<(), Error> {
    match action {
        Action::Admit { name, country, company_prefixes, locations, accounts, roles } => {
            validate_name(name)?;
            if !country.is_valid() {
                return Err(Error::InvalidCountry);
            }
            validate_locations(locations, &[])?;
            validate_new_prefixes(storage, company_prefixes, 0)?;
            validate_new_accounts(storage, accounts)?;
            validate_roles(roles)?;
            if roles.contains(&Role::Admin) && accounts.is_empty() {
                return Err(Error::AdminNeedsAccount);
            }
            NEXT_ORG_ID.get(storage).checked_add(1).ok_or(Error::IdsExhausted)?;
        }
        Action::Remove { org } => {
            ensure_organisation(storage, *org)?;
            if ADMIN_ORGS.get(storage) == [*org] {
                return Err(Error::LastAdmin);
            }
            if runs_validator(storage, *org) {
                return Err(Error::OrgRunsValidator);
            }
        }
        Action::GrantRole { org, role } => {
            validate_role(role)?;
            ensure_organisation(storage, *org)?;
            let roles = ORG_ROLES.get(storage, org);
            if roles.contains(role) {
                return Err(Error::RoleAlreadyGranted);
            }
            if roles.len() >= MAX_ROLES {
                return Err(Error::TooManyRoles);
            }
            if *role == Role::Admin && ORG_ACCOUNTS.get(storage, org).is_empty() {
                return Err(Error::AdminNeedsAccount);
            }
        }
        Action::RevokeRole { org, role } => {
            validate_role(role)?;
            ensure_organisation(storage, *org)?;
            if !ORG_ROLES.get(storage, org).contains(role) {
                return Err(Error::RoleNotGranted);
            }
            if *role == Role::Admin && ADMIN_ORGS.get(storage).len() <= 1 {
                return Err(Error::LastAdmin);
            }
        }
        Action::AssignPrefix { org, prefix } => {
            if !prefix.is_valid() {
                return Err(Error::InvalidPrefix);
            }
            let organisation = ensure_organisation(storage, *org)?;
            validate_new_prefixes(storage, std::slice::from_ref(prefix), organisation.company_prefixes.len())?;
        }
        Action::AddAccount { org, account } => {
            ensure_organisation(storage, *org)?;
            if ACCOUNT_ORG.contains(storage, account) {
                return Err(Error::AccountAlreadyMember);
            }
            if ORG_ACCOUNTS.get(storage, org).len() >= MAX_ACCOUNTS {
                return Err(Error::TooManyAccounts);
            }
        }
        Action::RemoveAccount { account } => {
            let org = ACCOUNT_ORG.get(storage, account).ok_or(Error::AccountNotMember)?;
            if is_admin(storage, org) && ORG_ACCOUNTS.get(storage, &org).len() <= 1 {
                return Err(Error::AdminNeedsAccount);
            }
        }
        Action::SetValidators { validators } => {
            validate_validator_set(storage, validators).map_err(|(_, error)| error)?;
        }
        Action::SetThreshold { numerator, denominator } => validate_threshold(*numerator, *denominator)?,
    }
    Ok(())
}

fn ensure_organisation(storage: &impl StorageRead, org: OrgId) -> Result<Organisation, Error> {
    ORGANISATIONS.get(storage, &org).ok_or(Error::OrganisationNotFound)
}

/// Names are shown to consumers next to the products they vouch for: no control or
/// bidirectional-formatting characters (which could hide or reorder text to impersonate another
/// organisation), and not blank.
fn validate_name(name: &[u8]) -> Result<(), Error> {
    tracechain_support::text::check_name(name, MAX_NAME_LEN).map(|_| ()).map_err(|_| Error::InvalidName)
}

/// `new` are valid, distinct from each other and from `existing`, and fit.
fn validate_locations(new: &[Location], existing: &[Location]) -> Result<(), Error> {
    if new.len() > MAX_LOCATIONS.saturating_sub(existing.len()) {
        return Err(Error::TooManyLocations);
    }
    for (index, location) in new.iter().enumerate() {
        if !location.is_valid() {
            return Err(Error::InvalidLocation);
        }
        if existing.contains(location) || new[..index].contains(location) {
            return Err(Error::DuplicateLocation);
        }
    }
    Ok(())
}

/// `prefixes` are valid, fit next to `owned` ones, and keep the registered set prefix-free, with
/// each other too.
fn validate_new_prefixes(storage: &impl StorageRead, prefixes: &[CompanyPrefix], owned: usize) -> Result<(), Error> {
    if prefixes.len() > MAX_PREFIXES.saturating_sub(owned) {
        return Err(Error::TooManyPrefixes);
    }
    for (index, prefix) in prefixes.iter().enumerate() {
        if !prefix.is_valid() {
            return Err(Error::InvalidPrefix);
        }
        ensure_prefix_free(storage, prefix)?;
        for earlier in &prefixes[..index] {
            if earlier == prefix {
                return Err(Error::PrefixTaken);
            }
            if earlier.0.starts_with(&prefix.0) || prefix.0.starts_with(&earlier.0) {
                return Err(Error::PrefixOverlaps);
            }
        }
    }
    Ok(())
}

/// The registered prefixes stay prefix-free if `prefix` joins them.
fn ensure_prefix_free(storage: &impl StorageRead, prefix: &CompanyPrefix) -> Result<(), Error> {
    if PREFIX_OWNER.contains(storage, prefix) {
        return Err(Error::PrefixTaken);
    }
    for len in MIN_PREFIX_LEN..prefix.0.len() {
        if PREFIX_OWNER.contains(storage, &CompanyPrefix(prefix.0[..len].to_vec())) {
            return Err(Error::PrefixOverlaps);
        }
    }
    if PREFIX_STEMS.contains(storage, prefix) {
        return Err(Error::PrefixOverlaps);
    }
    Ok(())
}

fn validate_new_accounts(storage: &impl StorageRead, accounts: &[AccountId32]) -> Result<(), Error> {
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Error::TooManyAccounts);
    }
    let mut seen = BTreeSet::new();
    for account in accounts {
        if !seen.insert(account) {
            return Err(Error::DuplicateAccount);
        }
        if ACCOUNT_ORG.contains(storage, account) {
            return Err(Error::AccountAlreadyMember);
        }
    }
    Ok(())
}

fn validate_role(role: &Role) -> Result<(), Error> {
    match role {
        Role::CustomsAuthority { port } if !port.is_valid() => Err(Error::InvalidLocation),
        Role::Inspector { scope } if !scope.is_valid() => Err(Error::InvalidScope),
        _ => Ok(()),
    }
}

fn validate_roles(roles: &[Role]) -> Result<(), Error> {
    if roles.len() > MAX_ROLES {
        return Err(Error::TooManyRoles);
    }
    for (index, role) in roles.iter().enumerate() {
        validate_role(role)?;
        if roles[..index].contains(role) {
            return Err(Error::DuplicateRole);
        }
    }
    Ok(())
}

/// The set's size, its distinct keys and its organisations; the error says which validator is
/// wrong, when one is.
fn validate_validator_set(storage: &impl StorageRead, set: &[ValidatorInfo]) -> Result<(), (Option<usize>, Error)> {
    if set.is_empty() || set.len() > MAX_VALIDATORS {
        return Err((None, Error::InvalidValidatorSet));
    }
    let mut keys = BTreeSet::new();
    for (index, validator) in set.iter().enumerate() {
        if !keys.insert(validator.consensus_key) {
            return Err((Some(index), Error::InvalidValidatorSet));
        }
        if !ORGANISATIONS.contains(storage, &validator.org) {
            return Err((Some(index), Error::OrganisationNotFound));
        }
    }
    Ok(())
}

fn runs_validator(storage: &impl StorageRead, org: OrgId) -> bool {
    let pending = PENDING_VALIDATORS.get(storage).map(|(_, set)| set).unwrap_or_default();
    VALIDATORS.get(storage).iter().chain(&pending).any(|validator| validator.org == org)
}

// ----------------------------------------------------------------------------------------------
// Execution

/// Validates `action`, then applies it at block `now`, returning the events to emit. Writes
/// nothing when it fails.
fn apply_action(storage: &mut impl StorageWrite, now: BlockNumber, action: &Action) -> Result<Vec<Event>, Error> {
    validate_action(storage, action)?;
    let mut events = Vec::new();
    match action {
        Action::Admit { name, country, company_prefixes, locations, accounts, roles } => {
            let org = NEXT_ORG_ID.get(storage);
            NEXT_ORG_ID.put(storage, &org.checked_add(1).ok_or(Error::IdsExhausted)?);
            let organisation = Organisation {
                name: name.clone(),
                country: country.clone(),
                company_prefixes: company_prefixes.clone(),
                locations: locations.clone(),
                admitted_at: now,
            };
            ORGANISATIONS.insert(storage, &org, &organisation);
            events.push(Event::OrganisationAdmitted { org, name: name.clone() });
            for prefix in company_prefixes {
                register_prefix(storage, org, prefix);
                events.push(Event::PrefixAssigned { org, prefix: prefix.clone() });
            }
            for location in locations {
                events.push(Event::LocationAdded { org, location: location.clone() });
            }
            for account in accounts {
                ACCOUNT_ORG.insert(storage, account, &org);
                events.push(Event::AccountAdded { org, account: *account });
            }
            if !accounts.is_empty() {
                ORG_ACCOUNTS.insert(storage, &org, accounts);
            }
            let mut sorted = roles.clone();
            sorted.sort_by_cached_key(Encode::encode);
            if !sorted.is_empty() {
                ORG_ROLES.insert(storage, &org, &sorted);
            }
            if sorted.contains(&Role::Admin) {
                set_admin(storage, org, true);
            }
            for role in &sorted {
                set_port_authority(storage, org, role, true);
            }
            events.extend(sorted.into_iter().map(|role| Event::RoleGranted { org, role }));
        }
        Action::Remove { org } => {
            let organisation = ensure_organisation(storage, *org)?;
            for account in ORG_ACCOUNTS.get(storage, org) {
                ACCOUNT_ORG.remove(storage, &account);
                events.push(Event::AccountRemoved { org: *org, account });
            }
            ORG_ACCOUNTS.remove(storage, org);
            for role in ORG_ROLES.get(storage, org) {
                set_port_authority(storage, *org, &role, false);
                events.push(Event::RoleRevoked { org: *org, role });
            }
            ORG_ROLES.remove(storage, org);
            set_admin(storage, *org, false);
            for prefix in &organisation.company_prefixes {
                release_prefix(storage, prefix);
            }
            ORGANISATIONS.remove(storage, org);
            events.push(Event::OrganisationRemoved { org: *org });
        }
        Action::GrantRole { org, role } => {
            let mut roles = ORG_ROLES.get(storage, org);
            let encoded = role.encode();
            let slot = roles.partition_point(|held| held.encode() < encoded);
            roles.insert(slot, role.clone());
            ORG_ROLES.insert(storage, org, &roles);
            if *role == Role::Admin {
                set_admin(storage, *org, true);
            }
            set_port_authority(storage, *org, role, true);
            events.push(Event::RoleGranted { org: *org, role: role.clone() });
        }
        Action::RevokeRole { org, role } => {
            let mut roles = ORG_ROLES.get(storage, org);
            roles.retain(|held| held != role);
            if roles.is_empty() {
                ORG_ROLES.remove(storage, org);
            } else {
                ORG_ROLES.insert(storage, org, &roles);
            }
            if *role == Role::Admin {
                set_admin(storage, *org, false);
            }
            set_port_authority(storage, *org, role, false);
            events.push(Event::RoleRevoked { org: *org, role: role.clone() });
        }
        Action::AssignPrefix { org, prefix } => {
            let mut organisation = ensure_organisation(storage, *org)?;
            organisation.company_prefixes.push(prefix.clone());
            ORGANISATIONS.insert(storage, org, &organisation);
            register_prefix(storage, *org, prefix);
            events.push(Event::PrefixAssigned { org: *org, prefix: prefix.clone() });
        }
        Action::AddAccount { org, account } => {
            let mut accounts = ORG_ACCOUNTS.get(storage, org);
            accounts.push(*account);
            ORG_ACCOUNTS.insert(storage, org, &accounts);
            ACCOUNT_ORG.insert(storage, account, org);
            events.push(Event::AccountAdded { org: *org, account: *account });
        }
        Action::RemoveAccount { account } => {
            let org = ACCOUNT_ORG.get(storage, account).ok_or(Error::AccountNotMember)?;
            let mut accounts = ORG_ACCOUNTS.get(storage, &org);
            accounts.retain(|held| held != account);
            if accounts.is_empty() {
                ORG_ACCOUNTS.remove(storage, &org);
            } else {
                ORG_ACCOUNTS.insert(storage, &org, &accounts);
            }
            ACCOUNT_ORG.remove(storage, account);
            events.push(Event::AccountRemoved { org, account: *account });
        }
        Action::SetValidators { validators } => {
            let at = now.saturating_add(VALIDATOR_SET_DELAY);
            PENDING_VALIDATORS.put(storage, &(at, validators.clone()));
            events.push(Event::ValidatorSetScheduled { at, validators: validators.clone() });
        }
        Action::SetThreshold { numerator, denominator } => {
            THRESHOLD.put(storage, &(*numerator, *denominator));
            events.push(Event::ThresholdChanged { numerator: *numerator, denominator: *denominator });
        }
    }
    Ok(events)
}

fn set_admin(storage: &mut impl StorageWrite, org: OrgId, admin: bool) {
    let mut admins = ADMIN_ORGS.get(storage);
    match (admins.binary_search(&org), admin) {
        (Err(slot), true) => admins.insert(slot, org),
        (Ok(slot), false) => {
            admins.remove(slot);
        }
        _ => return,
    }
    ADMIN_ORGS.put(storage, &admins);
}

/// Adds `org` to (or removes it from) the authorities of the port `role` names, if it is a
/// `CustomsAuthority`.
fn set_port_authority(storage: &mut impl StorageWrite, org: OrgId, role: &Role, holds: bool) {
    let Role::CustomsAuthority { port } = role else {
        return;
    };
    let mut authorities = PORT_AUTHORITIES.get(storage, port);
    match (authorities.binary_search(&org), holds) {
        (Err(slot), true) => authorities.insert(slot, org),
        (Ok(slot), false) => {
            authorities.remove(slot);
        }
        _ => return,
    }
    if authorities.is_empty() {
        PORT_AUTHORITIES.remove(storage, port);
    } else {
        PORT_AUTHORITIES.insert(storage, port, &authorities);
    }
}

/// The leading digit strings of `prefix` that a shorter prefix could be: `MIN_PREFIX_LEN` digits
/// up to one less than the whole.
fn stems(prefix: &CompanyPrefix) -> impl Iterator<Item = CompanyPrefix> + '_ {
    (MIN_PREFIX_LEN..prefix.0.len()).map(|len| CompanyPrefix(prefix.0[..len].to_vec()))
}

fn register_prefix(storage: &mut impl StorageWrite, org: OrgId, prefix: &CompanyPrefix) {
    PREFIX_OWNER.insert(storage, prefix, &org);
    for stem in stems(prefix) {
        let extensions = PREFIX_STEMS.get(storage, &stem).saturating_add(1);
        PREFIX_STEMS.insert(storage, &stem, &extensions);
    }
}

fn release_prefix(storage: &mut impl StorageWrite, prefix: &CompanyPrefix) {
    PREFIX_OWNER.remove(storage, prefix);
    for stem in stems(prefix) {
        match PREFIX_STEMS.get(storage, &stem) {
            0 | 1 => PREFIX_STEMS.remove(storage, &stem),
            extensions => PREFIX_STEMS.insert(storage, &stem, &(extensions - 1)),
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Queries, for the runtime and the other pallets

/// Whether `account` belongs to a member organisation, i.e. may submit transactions.
pub fn is_member(storage: &impl StorageRead, account: &AccountId32) -> bool {
    ACCOUNT_ORG.contains(storage, account)
}

/// The organisation `account` acts for, `None` for an account of no member. The other pallets
/// refuse such a signer with their own `NotMember` error, so that the refusal carries the index of
/// the pallet that was called.
pub fn organisation_of(storage: &impl StorageRead, account: &AccountId32) -> Option<OrgId> {
    ACCOUNT_ORG.get(storage, account)
}

/// The organisation's record.
pub fn organisation(storage: &impl StorageRead, org: OrgId) -> Option<Organisation> {
    ORGANISATIONS.get(storage, &org)
}

/// Whether the organisation holds `role` (exactly: a customs authority for another port, or an
/// inspector of another scope, does not count).
pub fn has_role(storage: &impl StorageRead, org: OrgId, role: &Role) -> bool {
    roles(storage, org).contains(role)
}

/// The organisation's roles, sorted by SCALE encoding.
pub fn roles(storage: &impl StorageRead, org: OrgId) -> Vec<Role> {
    ORG_ROLES.get(storage, &org)
}

/// The organisation's accounts, in order of addition.
pub fn accounts(storage: &impl StorageRead, org: OrgId) -> Vec<AccountId32> {
    ORG_ACCOUNTS.get(storage, &org)
}

/// The org of `account` if it holds `role`, else `NotMember`, or `NotAdmin` for the admin role,
/// or `MissingRole`, as a `DispatchError`.
pub fn ensure_role(storage: &impl StorageRead, account: &AccountId32, role: &Role) -> Result<OrgId, DispatchError> {
    let org = member_org(storage, account)?;
    if has_role(storage, org, role) {
        Ok(org)
    } else if *role == Role::Admin {
        Err(Error::NotAdmin.into())
    } else {
        Err(Error::MissingRole.into())
    }
}

/// The organisation owning the GS1 company prefix that starts at `digits` (tries each registered
/// length 6..=12), with that prefix. Registered prefixes are prefix-free, so at most one matches.
pub fn prefix_owner(storage: &impl StorageRead, digits: &[u8]) -> Option<(OrgId, CompanyPrefix)> {
    (MIN_PREFIX_LEN..=MAX_PREFIX_LEN.min(digits.len())).find_map(|len| {
        let prefix = CompanyPrefix(digits[..len].to_vec());
        PREFIX_OWNER.get(storage, &prefix).map(|org| (org, prefix))
    })
}

/// The current validator set, in proposer order.
pub fn validators(storage: &impl StorageRead) -> Vec<ValidatorInfo> {
    VALIDATORS.get(storage)
}

/// The blocks in which a new validator set took effect, oldest first.
pub fn validator_set_changes(storage: &impl StorageRead) -> Vec<BlockNumber> {
    VALIDATOR_SET_CHANGES.get(storage)
}

/// The scheduled validator set and the block it takes effect in, if any.
pub fn pending_validators(storage: &impl StorageRead) -> Option<(BlockNumber, Vec<ValidatorInfo>)> {
    PENDING_VALIDATORS.get(storage)
}

/// The admin organisations, sorted.
pub fn admin_orgs(storage: &impl StorageRead) -> Vec<OrgId> {
    ADMIN_ORGS.get(storage)
}

/// The member organisations holding `CustomsAuthority { port }`, sorted.
pub fn port_authorities(storage: &impl StorageRead, port: &UnLocode) -> Vec<OrgId> {
    PORT_AUTHORITIES.get(storage, port)
}

/// Whether some member organisation holds `CustomsAuthority { port }`: the port is governed.
pub fn is_port_governed(storage: &impl StorageRead, port: &UnLocode) -> bool {
    PORT_AUTHORITIES.contains(storage, port)
}

/// The approval threshold `(numerator, denominator)`.
pub fn approval_threshold(storage: &impl StorageRead) -> (u32, u32) {
    threshold(storage)
}

/// An open proposal.
pub fn proposal(storage: &impl StorageRead, id: u32) -> Option<Proposal> {
    PROPOSALS.get(storage, &id)
}

// ----------------------------------------------------------------------------------------------
// Genesis

/// Writes the founding consortium: the organisations (ids 0, 1, … in order, admitted at block 0)
/// validated exactly as an `Admit` proposal would be, the threshold, and the validator set, which
/// takes effect at once. At least one organisation must hold `Admin`.
pub fn build_genesis(storage: &mut impl StorageWrite, config: &GenesisConfig) -> Result<(), GenesisError> {
    let (numerator, denominator) = config.threshold.unwrap_or(DEFAULT_THRESHOLD);
    validate_threshold(numerator, denominator).map_err(|error| GenesisError::Threshold {
        numerator,
        denominator,
        error,
    })?;
    if !config.organisations.iter().any(|org| org.roles.contains(&Role::Admin)) {
        return Err(GenesisError::NoAdmin);
    }
    let mut ids = Vec::with_capacity(config.organisations.len());
    for (index, founder) in config.organisations.iter().enumerate() {
        let action = Action::Admit {
            name: founder.name.clone().into_bytes(),
            country: founder.country.clone(),
            company_prefixes: founder.company_prefixes.clone(),
            locations: founder.locations.clone(),
            accounts: founder.accounts.clone(),
            roles: founder.roles.clone(),
        };
        ids.push(NEXT_ORG_ID.get(storage));
        apply_action(storage, 0, &action).map_err(|error| GenesisError::Organisation {
            index,
            name: founder.name.clone(),
            error,
        })?;
    }
    let mut set = Vec::with_capacity(config.validators.len());
    for (index, validator) in config.validators.iter().enumerate() {
        let org = usize::try_from(validator.org_index)
            .ok()
            .and_then(|org_index| ids.get(org_index))
            .ok_or(GenesisError::UnknownValidatorOrg { index, org_index: validator.org_index, count: ids.len() })?;
        set.push(ValidatorInfo { org: *org, consensus_key: validator.consensus_key });
    }
    validate_validator_set(storage, &set).map_err(|(index, error)| match index {
        Some(index) => GenesisError::Validator { index, error },
        None => GenesisError::Validators(error),
    })?;
    VALIDATORS.put(storage, &set);
    THRESHOLD.put(storage, &(numerator, denominator));
    Ok(())
}
