//! Proposals and approvals by the admin organisations: every refusal of a call, the threshold, expiry, cancelling, the
//! last admin's protection, and actions that fail or change the validator set.

use super::*;

/// The same state, in block `number`.
fn at_block(ctx: Context<'_, Event>, number: BlockNumber) -> Context<'_, Event> {
    let (overlay, _) = ctx.into_parts();
    Context::new(overlay, number)
}

#[test]
fn every_validation_error_is_returned_and_changes_nothing() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // An open proposal to approve and cancel.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let open = proposal(&ctx, 0).unwrap();

    let admit = |admission: Admission| Call::propose { action: admission.action() };
    let act = |action: Action| Call::propose { action };
    let newcomer = Admission::newcomer;
    let many_locations: Vec<Location> = (0..=MAX_LOCATIONS)
        .map(|n| locode(&format!("DE{}{}A", (b'A' + n as u8 / 26) as char, (b'A' + n as u8 % 26) as char)))
        .collect();
    let many_scopes: Vec<Role> = (0..=MAX_ROLES).map(|n| inspector(&format!("scope{n}"))).collect();
    let many_prefixes: Vec<CompanyPrefix> = (0..=MAX_PREFIXES).map(|n| prefix(&format!("80000{n:02}"))).collect();
    let many_accounts: Vec<AccountId32> = (0..=MAX_ACCOUNTS).map(|n| AccountId32([n as u8; 32])).collect();
    let validator = |org, n| ValidatorInfo { org, consensus_key: consensus_key(n) };

    let cases: Vec<(u8, Call, Error)> = vec![
        // Who may propose, approve and cancel.
        (OUTSIDER, admit(newcomer()), Error::NotMember),
        (CARRIER, admit(newcomer()), Error::NotAdmin),
        (CCIG, Call::approve { proposal: 0 }, Error::NotAdmin),
        (OUTSIDER, Call::approve { proposal: 0 }, Error::NotMember),
        (WINERY, Call::approve { proposal: 0 }, Error::AlreadyApproved),
        (CUSTOMS, Call::approve { proposal: 9 }, Error::ProposalNotFound),
        (CUSTOMS, Call::cancel { proposal: 0 }, Error::NotProposer),
        (CARRIER, Call::cancel { proposal: 0 }, Error::NotProposer),
        (OUTSIDER, Call::cancel { proposal: 0 }, Error::NotMember),
        (WINERY, Call::cancel { proposal: 9 }, Error::ProposalNotFound),
        // Admission: each field.
        (WINERY, admit(Admission { name: vec![], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: vec![b'a'; MAX_NAME_LEN + 1], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: vec![0xff, 0xfe], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: b"Le Havre\nTerminal".to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: "Le Havre\u{202e}".as_bytes().to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: b"   ".to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { country: CountryCode(*b"fr"), ..newcomer() }), Error::InvalidCountry),
        (WINERY, admit(Admission { country: CountryCode([b'F', 0]), ..newcomer() }), Error::InvalidCountry),
        (WINERY, admit(Admission { locations: vec![gln("3760001000008")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![gln("37600010000x9")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![locode("FRLE1")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![locode("frleh")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: many_locations, ..newcomer() }), Error::TooManyLocations),
        (
            WINERY,
            admit(Admission { locations: vec![locode("FRLEH"), locode("FRLEH")], ..newcomer() }),
            Error::DuplicateLocation,
        ),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600")], ..newcomer() }), Error::InvalidPrefix),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("3760001000001")], ..newcomer() }),
            Error::InvalidPrefix,
        ),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600A1")], ..newcomer() }), Error::InvalidPrefix),
        (WINERY, admit(Admission { company_prefixes: many_prefixes, ..newcomer() }), Error::TooManyPrefixes),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("3760001")], ..newcomer() }), Error::PrefixTaken),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600015")], ..newcomer() }), Error::PrefixOverlaps),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("376000")], ..newcomer() }), Error::PrefixOverlaps),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("9000001"), prefix("9000001")], ..newcomer() }),
            Error::PrefixTaken,
        ),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("9000001"), prefix("900000")], ..newcomer() }),
            Error::PrefixOverlaps,
        ),
        (WINERY, admit(Admission { accounts: many_accounts, ..newcomer() }), Error::TooManyAccounts),
        (
            WINERY,
            admit(Admission { accounts: vec![account(NEWCOMER), account(NEWCOMER)], ..newcomer() }),
            Error::DuplicateAccount,
        ),
        (WINERY, admit(Admission { accounts: vec![account(CARRIER)], ..newcomer() }), Error::AccountAlreadyMember),
        (WINERY, admit(Admission { roles: vec![inspector("")], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![inspector("Quarantine")], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![inspector(&"q".repeat(33))], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![customs("CNSH0")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { roles: many_scopes, ..newcomer() }), Error::TooManyRoles),
        (WINERY, admit(Admission { roles: vec![Role::Carrier, Role::Carrier], ..newcomer() }), Error::DuplicateRole),
        (
            WINERY,
            admit(Admission { accounts: vec![], roles: vec![Role::Admin], ..newcomer() }),
            Error::AdminNeedsAccount,
        ),
        // The other actions.
        (WINERY, act(Action::Remove { org: 99 }), Error::OrganisationNotFound),
        (WINERY, act(Action::Remove { org: WINERY_ORG }), Error::OrgRunsValidator),
        (WINERY, act(Action::GrantRole { org: 99, role: Role::Carrier }), Error::OrganisationNotFound),
        (WINERY, act(Action::GrantRole { org: CARRIER_ORG, role: Role::Carrier }), Error::RoleAlreadyGranted),
        (WINERY, act(Action::GrantRole { org: CCIG_ORG, role: inspector("Lab") }), Error::InvalidScope),
        (WINERY, act(Action::GrantRole { org: CUSTOMS_ORG, role: customs("cnsha") }), Error::InvalidLocation),
        (WINERY, act(Action::RevokeRole { org: CARRIER_ORG, role: Role::Importer }), Error::RoleNotGranted),
        (WINERY, act(Action::RevokeRole { org: 99, role: Role::Importer }), Error::OrganisationNotFound),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("12345") }), Error::InvalidPrefix),
        (WINERY, act(Action::AssignPrefix { org: 99, prefix: prefix("1234567") }), Error::OrganisationNotFound),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("3760001") }), Error::PrefixTaken),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("376000123") }), Error::PrefixOverlaps),
        (WINERY, act(Action::AddAccount { org: 99, account: account(NEWCOMER) }), Error::OrganisationNotFound),
        (WINERY, act(Action::AddAccount { org: CARRIER_ORG, account: account(WINERY) }), Error::AccountAlreadyMember),
        (WINERY, act(Action::RemoveAccount { account: account(OUTSIDER) }), Error::AccountNotMember),
        (WINERY, act(Action::RemoveAccount { account: account(GACC) }), Error::AdminNeedsAccount),
        (WINERY, act(Action::SetValidators { validators: vec![] }), Error::InvalidValidatorSet),
        (
            WINERY,
            act(Action::SetValidators { validators: (0..=100).map(|n| validator(WINERY_ORG, n)).collect() }),
            Error::InvalidValidatorSet,
        ),
        (
            WINERY,
            act(Action::SetValidators { validators: vec![validator(WINERY_ORG, 1), validator(CUSTOMS_ORG, 1)] }),
            Error::InvalidValidatorSet,
        ),
        (
            WINERY,
            act(Action::SetValidators { validators: vec![validator(WINERY_ORG, 1), validator(99, 2)] }),
            Error::OrganisationNotFound,
        ),
        (WINERY, act(Action::SetThreshold { numerator: 0, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 2, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 3, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 1, denominator: 3 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 99, denominator: 101 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 1, denominator: 0 }), Error::InvalidThreshold),
        // A member's own locations.
        (OUTSIDER, Call::add_location { location: locode("FRLEH") }, Error::NotMember),
        (CARRIER, Call::add_location { location: locode("FRLEH") }, Error::DuplicateLocation),
        (CARRIER, Call::add_location { location: gln("3760001000000") }, Error::InvalidLocation),
        (CARRIER, Call::add_location { location: locode("FR LH") }, Error::InvalidLocation),
    ];
    for (who, call, error) in cases {
        assert_refused(&mut ctx, &signed(who), call, module_error(error));
    }
    for origin in [Origin::None, Origin::Root] {
        assert_refused(&mut ctx, &origin, Call::approve { proposal: 0 }, DispatchError::BadOrigin);
        assert_refused(&mut ctx, &origin, admit(newcomer()), DispatchError::BadOrigin);
    }
    assert_eq!(proposal(&ctx, 0), Some(open));
    assert_eq!(proposal(&ctx, 1), None, "no id was used by a refused proposal");
}

#[test]
fn admitting_an_organisation_needs_two_of_three_admins() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let action = Admission::newcomer().action();

    propose(&mut ctx, WINERY, action.clone()).unwrap();
    assert_eq!(
        events(&ctx),
        vec![Event::Proposed { proposal: 0, org: WINERY_ORG, account: account(WINERY), action: action.clone() }]
    );
    let open = proposal(&ctx, 0).unwrap();
    assert_eq!(open.approvals, vec![WINERY_ORG]);
    assert_eq!((open.created_at, open.expires_at), (BLOCK, BLOCK + PROPOSAL_LIFETIME));
    // One approval of three admin organisations is not a strict majority.
    assert!(!is_member(&ctx, &account(NEWCOMER)));

    ctx.take_events();
    approve(&mut ctx, CUSTOMS_DESK, 0).unwrap();
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 0, org: CUSTOMS_ORG, approvals: 2 },
            Event::OrganisationAdmitted { org: NEW_ORG, name: b"Le Havre Terminal".to_vec() },
            Event::LocationAdded { org: NEW_ORG, location: locode("FRLEH") },
            Event::AccountAdded { org: NEW_ORG, account: account(NEWCOMER) },
            Event::RoleGranted { org: NEW_ORG, role: Role::Carrier },
            Event::Executed { proposal: 0, result: Ok(()) },
        ]
    );
    assert!(is_member(&ctx, &account(NEWCOMER)));
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(NEW_ORG));
    assert_eq!(organisation(&ctx, NEW_ORG).unwrap().admitted_at, BLOCK);
    assert!(has_role(&ctx, NEW_ORG, &Role::Carrier));
    assert_eq!(proposal(&ctx, 0), None, "an executed proposal is consumed");
    assert_eq!(approve(&mut ctx, GACC, 0), Err(module_error(Error::ProposalNotFound)));

    // The newcomer acts at once, for its own organisation only.
    run(&mut ctx, NEWCOMER, Call::add_location { location: locode("BEANR") }).unwrap();
    assert_eq!(organisation(&ctx, NEW_ORG).unwrap().locations, vec![locode("FRLEH"), locode("BEANR")]);
    assert_eq!(propose(&mut ctx, NEWCOMER, Admission::newcomer().action()), Err(module_error(Error::NotAdmin)));
}

#[test]
fn an_organisation_approves_once_whichever_account_signs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert_eq!(approve(&mut ctx, CUSTOMS, 0), Err(module_error(Error::AlreadyApproved)));
    assert_eq!(approve(&mut ctx, CUSTOMS_DESK, 0), Err(module_error(Error::AlreadyApproved)));
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    approve(&mut ctx, GACC, 0).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn an_expired_proposal_cannot_be_approved_and_any_admin_may_clear_it() {
    // The last block of its lifetime still counts.
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let mut ctx = at_block(ctx, BLOCK + PROPOSAL_LIFETIME - 1);
    approve(&mut ctx, GACC, 0).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));

    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let mut ctx = at_block(ctx, BLOCK + PROPOSAL_LIFETIME);
    assert_refused(&mut ctx, &signed(GACC), Call::approve { proposal: 0 }, module_error(Error::ProposalExpired));
    // Expired, it may be cleared by any admin organisation, but not by other members.
    assert_refused(&mut ctx, &signed(CARRIER), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    run(&mut ctx, GACC, Call::cancel { proposal: 0 }).unwrap();
    assert_eq!(events(&ctx), vec![Event::Cancelled { proposal: 0 }]);
    assert_eq!(proposal(&ctx, 0), None);
    assert!(!is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn only_the_proposing_organisation_cancels() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert_refused(&mut ctx, &signed(WINERY), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    assert_refused(&mut ctx, &signed(GACC), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    ctx.take_events();
    // Another account of the proposing organisation may.
    run(&mut ctx, CUSTOMS_DESK, Call::cancel { proposal: 0 }).unwrap();
    assert_eq!(events(&ctx), vec![Event::Cancelled { proposal: 0 }]);
    assert_eq!(approve(&mut ctx, WINERY, 0), Err(module_error(Error::ProposalNotFound)));
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    // Ids are never reused.
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert!(proposal(&ctx, 1).is_some());
}

#[test]
fn non_admins_cannot_propose_or_approve() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    for who in [CARRIER, IMPORTER, CCIG, TMALL] {
        let action = Action::RemoveAccount { account: account(WINERY) };
        assert_refused(&mut ctx, &signed(who), Call::propose { action }, module_error(Error::NotAdmin));
    }
    propose(&mut ctx, WINERY, Action::GrantRole { org: CARRIER_ORG, role: Role::Admin }).unwrap();
    assert_refused(&mut ctx, &signed(CARRIER), Call::approve { proposal: 0 }, module_error(Error::NotAdmin));
    assert_refused(&mut ctx, &signed(OUTSIDER), Call::approve { proposal: 0 }, module_error(Error::NotMember));
    // Once admin, it may.
    approve(&mut ctx, GACC, 0).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CARRIER_ORG, CUSTOMS_ORG, GACC_ORG]);
    propose(&mut ctx, CARRIER, Admission::newcomer().action()).unwrap();
}

#[test]
fn the_last_admin_organisation_is_protected() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // 3 admins: revoking two of them is fine.
    propose(&mut ctx, WINERY, Action::RevokeRole { org: GACC_ORG, role: Role::Admin }).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG]);
    assert!(!has_role(&ctx, GACC_ORG, &Role::Admin));
    // GACC's approval no longer counts, nor can it vote.
    assert_eq!(propose(&mut ctx, GACC, Admission::newcomer().action()), Err(module_error(Error::NotAdmin)));

    // Two admins, strict majority: both must approve.
    propose(&mut ctx, CUSTOMS, Action::RevokeRole { org: CUSTOMS_ORG, role: Role::Admin }).unwrap();
    assert!(proposal(&ctx, 1).is_some());
    approve(&mut ctx, WINERY, 1).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG]);

    let last = [Action::RevokeRole { org: WINERY_ORG, role: Role::Admin }, Action::Remove { org: WINERY_ORG }];
    for action in last {
        assert_refused(&mut ctx, &signed(WINERY), Call::propose { action }, module_error(Error::LastAdmin));
    }
    // The sole admin now decides alone: its proposals execute at once.
    ctx.take_events();
    propose(&mut ctx, WINERY, Action::GrantRole { org: GACC_ORG, role: Role::Admin }).unwrap();
    assert_eq!(events(&ctx).last(), Some(&Event::Executed { proposal: 2, result: Ok(()) }));
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, GACC_ORG]);
}

#[test]
fn a_validator_set_change_takes_effect_exactly_after_the_delay() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = validators(&ctx);
    let next = vec![
        ValidatorInfo { org: WINERY_ORG, consensus_key: consensus_key(0x11) },
        ValidatorInfo { org: CARRIER_ORG, consensus_key: consensus_key(0x33) },
        ValidatorInfo { org: GACC_ORG, consensus_key: consensus_key(0x44) },
    ];
    propose(&mut ctx, WINERY, Action::SetValidators { validators: next.clone() }).unwrap();
    ctx.take_events();
    approve(&mut ctx, GACC, 0).unwrap();
    let at = BLOCK + VALIDATOR_SET_DELAY;
    assert!(events(&ctx).contains(&Event::ValidatorSetScheduled { at, validators: next.clone() }));
    assert_eq!(validators(&ctx), before);
    assert_eq!(pending_validators(&ctx), Some((at, next.clone())));
    // An organisation in the scheduled set cannot be removed.
    let remove_carrier = Call::propose { action: Action::Remove { org: CARRIER_ORG } };
    assert_refused(&mut ctx, &signed(WINERY), remove_carrier.clone(), module_error(Error::OrgRunsValidator));

    let mut ctx = at_block(ctx, at - 1);
    assert_eq!(on_initialize(&mut ctx), VALIDATOR_SET_CHECK_WEIGHT);
    assert_eq!(validators(&ctx), before);
    assert!(ctx.events().is_empty());
    assert_eq!(validator_set_changes(&ctx), Vec::<BlockNumber>::new());

    let mut ctx = at_block(ctx, at);
    // Applying the set costs its writes, which the hook reports.
    assert_eq!(on_initialize(&mut ctx), VALIDATOR_SET_CHECK_WEIGHT.saturating_add(VALIDATOR_SET_CHANGE_WEIGHT));
    assert_eq!(validators(&ctx), next);
    assert_eq!(pending_validators(&ctx), None);
    assert_eq!(validator_set_changes(&ctx), vec![at], "light clients find the change");
    assert_eq!(events(&ctx), vec![Event::ValidatorSetChanged { validators: next.clone() }]);

    let mut ctx = at_block(ctx, at + 1);
    assert_eq!(on_initialize(&mut ctx), VALIDATOR_SET_CHECK_WEIGHT);
    assert!(ctx.events().is_empty(), "applied once");
    // Customs no longer runs a validator and may be removed; the carrier now does.
    assert_refused(&mut ctx, &signed(WINERY), remove_carrier, module_error(Error::OrgRunsValidator));
    propose(&mut ctx, WINERY, Action::Remove { org: CUSTOMS_ORG }).unwrap();
}

#[test]
fn a_failing_action_emits_executed_with_the_error_while_the_approval_succeeds() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // Two proposals, each valid when made, that cannot both execute.
    propose(&mut ctx, WINERY, Action::AddAccount { org: CARRIER_ORG, account: account(NEWCOMER) }).unwrap();
    propose(&mut ctx, WINERY, Action::AddAccount { org: IMPORTER_ORG, account: account(NEWCOMER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(IMPORTER_ORG));

    ctx.take_events();
    let carrier_accounts = accounts(&ctx, CARRIER_ORG);
    let outcome = ctx.transactional(|ctx| approve(ctx, CUSTOMS, 0));
    assert_eq!(outcome, Ok(()));
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 0, org: CUSTOMS_ORG, approvals: 2 },
            Event::Executed { proposal: 0, result: Err(module_error(Error::AccountAlreadyMember)) },
        ]
    );
    assert_eq!(proposal(&ctx, 0), None, "consumed even though it failed");
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(IMPORTER_ORG));
    assert_eq!(accounts(&ctx, CARRIER_ORG), carrier_accounts);
}

#[test]
fn set_threshold_changes_the_approvals_needed() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Action::SetThreshold { numerator: 2, denominator: 3 }).unwrap();
    ctx.take_events();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert!(events(&ctx).contains(&Event::ThresholdChanged { numerator: 2, denominator: 3 }));
    assert_eq!(approval_threshold(&ctx), (2, 3));

    // More than two thirds of three: all three.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    assert_eq!(proposal(&ctx, 1).unwrap().approvals, vec![WINERY_ORG, CUSTOMS_ORG]);
    approve(&mut ctx, GACC, 1).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));

    // Back to a strict majority: 1/2 is the lowest accepted.
    propose(&mut ctx, WINERY, Action::SetThreshold { numerator: 1, denominator: 2 }).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    approve(&mut ctx, GACC, 2).unwrap();
    assert_eq!(approval_threshold(&ctx), (1, 2));
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(NEWCOMER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 3).unwrap();
    assert!(!is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn admin_organisations_keep_an_account_to_vote_with() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    // Customs is not an admin here; give it the role back, then thin out its accounts.
    propose(&mut ctx, WINERY, Action::GrantRole { org: CUSTOMS_ORG, role: Role::Admin }).unwrap();
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(CUSTOMS_DESK) }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(!is_member(&ctx, &account(CUSTOMS_DESK)));
    assert_eq!(accounts(&ctx, CUSTOMS_ORG), vec![account(CUSTOMS)]);
    let last = Call::propose { action: Action::RemoveAccount { account: account(CUSTOMS) } };
    assert_refused(&mut ctx, &signed(WINERY), last, module_error(Error::AdminNeedsAccount));

    // A non-admin organisation may lose all its accounts, but cannot then become an admin.
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(CARRIER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    assert!(accounts(&ctx, CARRIER_ORG).is_empty());
    let grant = Call::propose { action: Action::GrantRole { org: CARRIER_ORG, role: Role::Admin } };
    assert_refused(&mut ctx, &signed(WINERY), grant, module_error(Error::AdminNeedsAccount));
}
