//! The membership reads the runtime, the other pallets and the RPC use: who is a member, of
//! which organisation, with which roles; company prefixes, validators, port authorities, the
//! approval threshold and open proposals.

use crate::{
    calls::{member_org, threshold},
    *,
};

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
