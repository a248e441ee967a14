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

pub mod api;
mod calls;
pub mod equivocation;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use std::collections::BTreeSet;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, BlockNumber};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
pub use calls::on_initialize;
use calls::{apply_action, validate_threshold, validate_validator_set};
pub use types::{
    Action, CompanyPrefix, CountryCode, EquivocationRecord, EquivocationReport, GenesisConfig, GenesisOrganisation,
    GenesisValidator, Gln, Location, Offence, OrgId, Organisation, ParseError, Proposal, ReportedVote, Role, Scope,
    UnLocode, ValidatorInfo, MAX_NAME_LEN, MAX_PREFIX_LEN, MAX_SCOPE_LEN, MIN_PREFIX_LEN,
};
pub use weights::{action_weight, max_action_weight, VALIDATOR_SET_CHANGE_WEIGHT, VALIDATOR_SET_CHECK_WEIGHT};

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

/// The weight of `call` ([`weights`] gives each call's). `propose` pays for validating and
/// possibly executing its action, which grows with the action's lists; `approve` pays for the
/// costliest action a proposal can hold, since which one it executes is only known from state.
pub fn call_weight(call: &Call) -> Weight {
    match call {
        Call::propose { action } => weights::propose(action),
        Call::approve { .. } => weights::approve(),
        Call::cancel { .. } => weights::cancel(),
        Call::add_location { .. } => weights::add_location(),
        Call::report_equivocation { .. } => weights::report_equivocation(),
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs` (`equivocation.rs` for
/// the equivocation inherent).
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    if let Call::report_equivocation { report } = call {
        return equivocation::report_equivocation(ctx, origin, report);
    }
    let account = origin.ensure_signed()?;
    match call {
        Call::propose { action } => calls::propose(ctx, account, action),
        Call::approve { proposal } => calls::approve(ctx, account, proposal),
        Call::cancel { proposal } => calls::cancel(ctx, account, proposal),
        Call::add_location { location } => calls::add_location(ctx, account, location),
        Call::report_equivocation { .. } => Err(DispatchError::BadOrigin),
    }
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
