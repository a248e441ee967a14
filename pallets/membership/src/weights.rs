//! The weight of each membership call, of the actions a proposal executes and of the
//! validator-set change at a block start. The values are hand-set until benchmarked: one function
//! per call, named after it, which a benchmark run will later generate.

use tracechain_primitives::AccountId32;
use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

use crate::{
    equivocation, Action, CompanyPrefix, Role, MAX_ACCOUNTS, MAX_LOCATIONS, MAX_PREFIXES, MAX_PREFIX_LEN, MAX_ROLES,
    MAX_VALIDATORS, MIN_PREFIX_LEN,
};

/// CPU to validate, compare and encode one list element (a location, an account, a role…).
const PER_ITEM: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0);
/// Reads to check that a prefix is free: itself, each shorter prefix of it, and its stem count.
const PREFIX_CHECK_READS: u64 = (MAX_PREFIX_LEN - MIN_PREFIX_LEN + 2) as u64;
/// Writes to register or release a prefix: its owner and each of its stems.
const PREFIX_WRITES: u64 = (MAX_PREFIX_LEN - MIN_PREFIX_LEN + 1) as u64;

/// A list's length as a count of items.
pub(crate) fn count(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
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

/// Validating and executing an `Admit`.
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

/// Validating and executing a `Remove` of the largest organisation.
fn remove_weight() -> Weight {
    let (accounts, prefixes) = (count(MAX_ACCOUNTS), count(MAX_PREFIXES));
    // Reads: organisation, accounts, roles, admin orgs, validators, pending validators, and each
    // prefix's stems. Writes: those four items, each account, each prefix's entries.
    db_reads_writes(6 + prefixes * (PREFIX_WRITES - 1), 4 + accounts + prefixes * PREFIX_WRITES)
        .saturating_add(PER_ITEM.saturating_mul(accounts + prefixes + count(MAX_ROLES)))
}

/// Validating and scheduling a validator set of `validators`.
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

/// The weight of a block start that applies no validator set: the scheduled set read.
pub const VALIDATOR_SET_CHECK_WEIGHT: Weight = db_reads_writes(1, 0);
/// The weight of applying the scheduled set at its block, beyond the check: the scheduled set
/// removed, the set written, the list of change blocks read and written; the event.
pub const VALIDATOR_SET_CHANGE_WEIGHT: Weight =
    db_reads_writes(1, 3).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// `propose` of `action`: the signer's org, admin orgs, threshold, next id; the proposal and the
/// next id; and validating and possibly executing the action.
pub fn propose(action: &Action) -> Weight {
    db_reads_writes(4, 2).saturating_add(action_weight(action))
}

/// `approve`: the signer's org, admin orgs, the proposal, threshold; the proposal; and the
/// costliest action a proposal can hold.
pub fn approve() -> Weight {
    db_reads_writes(4, 1).saturating_add(max_action_weight())
}

/// `cancel`: the signer's org, the proposal, admin orgs; the proposal.
pub const fn cancel() -> Weight {
    db_reads_writes(3, 1)
}

/// `add_location`: the signer's org, the organisation; the organisation, with a duplicate scan of
/// its locations.
pub fn add_location() -> Weight {
    db_reads_writes(2, 1).saturating_add(PER_ITEM.saturating_mul(count(MAX_LOCATIONS)))
}

/// `report_equivocation`: checking both votes' signatures and recording the offence.
pub fn report_equivocation() -> Weight {
    equivocation::report_weight()
}
