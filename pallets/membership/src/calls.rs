//! The membership calls: proposals made, approved and cancelled, locations added; the
//! governance rules, the validation of every action before anything is written, the execution of
//! approved actions, and the block-start validator-set change.

use crate::{weights::count, *};

pub(crate) fn propose<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    account: AccountId32,
    action: Action,
) -> DispatchResult {
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

pub(crate) fn approve<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, id: u32) -> DispatchResult {
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

pub(crate) fn cancel<E: From<Event>>(ctx: &mut Context<'_, E>, account: AccountId32, id: u32) -> DispatchResult {
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

pub(crate) fn add_location<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    account: AccountId32,
    location: Location,
) -> DispatchResult {
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
pub(crate) fn execute<E: From<Event>>(ctx: &mut Context<'_, E>, id: u32, action: Action) {
    let now = ctx.block_number();
    let result = ctx.transactional(|ctx| {
        for event in apply_action(ctx, now, &action)? {
            ctx.deposit_event(event);
        }
        Ok(())
    });
    ctx.deposit_event(Event::Executed { proposal: id, result });
}

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

pub(crate) fn threshold(storage: &impl StorageRead) -> (u32, u32) {
    THRESHOLD.get(storage).unwrap_or(DEFAULT_THRESHOLD)
}

/// How many of `approvals` are current admin organisations. Both lists are sorted.
pub(crate) fn current_approvals(approvals: &[OrgId], admins: &[OrgId]) -> u32 {
    let current = approvals.iter().filter(|org| admins.binary_search(org).is_ok()).count();
    u32::try_from(current).unwrap_or(u32::MAX)
}

/// `approvals × denominator > numerator × admins`, in integers wide enough not to overflow.
pub(crate) fn threshold_met(approvals: u32, admins: usize, (numerator, denominator): (u32, u32)) -> bool {
    u128::from(approvals) * u128::from(denominator) > u128::from(numerator) * count(admins) as u128
}

pub(crate) fn validate_threshold(numerator: u32, denominator: u32) -> Result<(), Error> {
    let at_least_half = u64::from(numerator) * 2 >= u64::from(denominator);
    if numerator == 0 || numerator >= denominator || denominator > MAX_THRESHOLD_DENOMINATOR || !at_least_half {
        return Err(Error::InvalidThreshold);
    }
    Ok(())
}

pub(crate) fn member_org(storage: &impl StorageRead, account: &AccountId32) -> Result<OrgId, Error> {
    ACCOUNT_ORG.get(storage, account).ok_or(Error::NotMember)
}

pub(crate) fn admin_org(storage: &impl StorageRead, account: &AccountId32) -> Result<OrgId, Error> {
    let org = member_org(storage, account)?;
    if !is_admin(storage, org) {
        return Err(Error::NotAdmin);
    }
    Ok(org)
}

pub(crate) fn is_admin(storage: &impl StorageRead, org: OrgId) -> bool {
    ADMIN_ORGS.get(storage).binary_search(&org).is_ok()
}

// ----------------------------------------------------------------------------------------------
// Validation: everything an action needs, checked before anything is written

/// Checks `action` against its bounds and the current state; `Ok` means [`apply_action`] would
/// succeed now.
pub(crate) fn validate_action(storage: &impl StorageRead, action: &Action) -> Result<(), Error> {
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

pub(crate) fn ensure_organisation(storage: &impl StorageRead, org: OrgId) -> Result<Organisation, Error> {
    ORGANISATIONS.get(storage, &org).ok_or(Error::OrganisationNotFound)
}

/// Names are shown to consumers next to the products they vouch for: no control or
/// bidirectional-formatting characters (which could hide or reorder text to impersonate another
/// organisation), and not blank.
pub(crate) fn validate_name(name: &[u8]) -> Result<(), Error> {
    tracechain_support::text::check_name(name, MAX_NAME_LEN).map(|_| ()).map_err(|_| Error::InvalidName)
}

/// `new` are valid, distinct from each other and from `existing`, and fit.
pub(crate) fn validate_locations(new: &[Location], existing: &[Location]) -> Result<(), Error> {
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
pub(crate) fn validate_new_prefixes(
    storage: &impl StorageRead,
    prefixes: &[CompanyPrefix],
    owned: usize,
) -> Result<(), Error> {
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
pub(crate) fn ensure_prefix_free(storage: &impl StorageRead, prefix: &CompanyPrefix) -> Result<(), Error> {
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

pub(crate) fn validate_new_accounts(storage: &impl StorageRead, accounts: &[AccountId32]) -> Result<(), Error> {
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

pub(crate) fn validate_role(role: &Role) -> Result<(), Error> {
    match role {
        Role::CustomsAuthority { port } if !port.is_valid() => Err(Error::InvalidLocation),
        Role::Inspector { scope } if !scope.is_valid() => Err(Error::InvalidScope),
        _ => Ok(()),
    }
}

pub(crate) fn validate_roles(roles: &[Role]) -> Result<(), Error> {
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
pub(crate) fn validate_validator_set(
    storage: &impl StorageRead,
    set: &[ValidatorInfo],
) -> Result<(), (Option<usize>, Error)> {
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

pub(crate) fn runs_validator(storage: &impl StorageRead, org: OrgId) -> bool {
    let pending = PENDING_VALIDATORS.get(storage).map(|(_, set)| set).unwrap_or_default();
    VALIDATORS.get(storage).iter().chain(&pending).any(|validator| validator.org == org)
}

// ----------------------------------------------------------------------------------------------
// Execution

/// Validates `action`, then applies it at block `now`, returning the events to emit. Writes
/// nothing when it fails.
pub(crate) fn apply_action(
    storage: &mut impl StorageWrite,
    now: BlockNumber,
    action: &Action,
) -> Result<Vec<Event>, Error> {
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

pub(crate) fn set_admin(storage: &mut impl StorageWrite, org: OrgId, admin: bool) {
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
pub(crate) fn set_port_authority(storage: &mut impl StorageWrite, org: OrgId, role: &Role, holds: bool) {
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
pub(crate) fn stems(prefix: &CompanyPrefix) -> impl Iterator<Item = CompanyPrefix> + '_ {
    (MIN_PREFIX_LEN..prefix.0.len()).map(|len| CompanyPrefix(prefix.0[..len].to_vec()))
}

pub(crate) fn register_prefix(storage: &mut impl StorageWrite, org: OrgId, prefix: &CompanyPrefix) {
    PREFIX_OWNER.insert(storage, prefix, &org);
    for stem in stems(prefix) {
        let extensions = PREFIX_STEMS.get(storage, &stem).saturating_add(1);
        PREFIX_STEMS.insert(storage, &stem, &extensions);
    }
}

pub(crate) fn release_prefix(storage: &mut impl StorageWrite, prefix: &CompanyPrefix) {
    PREFIX_OWNER.remove(storage, prefix);
    for stem in stems(prefix) {
        match PREFIX_STEMS.get(storage, &stem) {
            0 | 1 => PREFIX_STEMS.remove(storage, &stem),
            extensions => PREFIX_STEMS.insert(storage, &stem, &(extensions - 1)),
        }
    }
}
