//! The member organisations' records: company prefixes, removal, roles, locations, limits and port
//! authorities.

use super::*;

#[test]
fn company_prefixes_stay_prefix_free() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let assign = |org, digits: &str| Call::propose { action: Action::AssignPrefix { org, prefix: prefix(digits) } };
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "3760001"), module_error(Error::PrefixTaken));
    assert_refused(&mut ctx, &signed(WINERY), assign(WINERY_ORG, "3760001"), module_error(Error::PrefixTaken));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "37600012"), module_error(Error::PrefixOverlaps));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "376000"), module_error(Error::PrefixOverlaps));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "376000100000"), module_error(Error::PrefixOverlaps));

    // A neighbouring prefix is fine.
    run(&mut ctx, WINERY, assign(IMPORTER_ORG, "3760002")).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert!(events(&ctx).contains(&Event::PrefixAssigned { org: IMPORTER_ORG, prefix: prefix("3760002") }));
    assert_eq!(prefix_owner(&ctx, b"3760002000178"), Some((IMPORTER_ORG, prefix("3760002"))));
    assert_eq!(prefix_owner(&ctx, b"3760001000178"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(organisation(&ctx, IMPORTER_ORG).unwrap().company_prefixes, vec![prefix("3760002")]);
    // 376000 now starts two registered prefixes.
    assert_refused(&mut ctx, &signed(WINERY), assign(TMALL_ORG, "376000"), module_error(Error::PrefixOverlaps));
}

#[test]
fn removing_an_organisation_removes_its_accounts_roles_prefixes_and_admin_status() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let admission = Admission {
        company_prefixes: vec![prefix("4000001234")],
        accounts: vec![account(NEWCOMER), account(NEWCOMER + 1)],
        roles: vec![Role::Admin, Role::Carrier],
        ..Admission::newcomer()
    };
    propose(&mut ctx, WINERY, admission.action()).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert_eq!(roles(&ctx, NEW_ORG), vec![Role::Carrier, Role::Admin], "sorted by encoding");
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG, NEW_ORG]);
    // The stem 400000 is now taken by the longer prefix.
    let stem = Call::propose { action: Action::AssignPrefix { org: TMALL_ORG, prefix: prefix("400000") } };
    assert_refused(&mut ctx, &signed(WINERY), stem.clone(), module_error(Error::PrefixOverlaps));

    // Four admins: three approvals needed.
    propose(&mut ctx, WINERY, Action::Remove { org: NEW_ORG }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(proposal(&ctx, 1).is_some());
    ctx.take_events();
    approve(&mut ctx, GACC, 1).unwrap();
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 1, org: GACC_ORG, approvals: 3 },
            Event::AccountRemoved { org: NEW_ORG, account: account(NEWCOMER) },
            Event::AccountRemoved { org: NEW_ORG, account: account(NEWCOMER + 1) },
            Event::RoleRevoked { org: NEW_ORG, role: Role::Carrier },
            Event::RoleRevoked { org: NEW_ORG, role: Role::Admin },
            Event::OrganisationRemoved { org: NEW_ORG },
            Event::Executed { proposal: 1, result: Ok(()) },
        ]
    );
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    assert!(!is_member(&ctx, &account(NEWCOMER + 1)));
    assert_eq!(organisation(&ctx, NEW_ORG), None);
    assert!(roles(&ctx, NEW_ORG).is_empty());
    assert!(accounts(&ctx, NEW_ORG).is_empty());
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG]);
    assert_eq!(prefix_owner(&ctx, b"4000001234567"), None);

    // The prefix and its stems are free again.
    run(&mut ctx, WINERY, stem).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    assert_eq!(prefix_owner(&ctx, b"4000001234567"), Some((TMALL_ORG, prefix("400000"))));
    // Ids are not reused.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    approve(&mut ctx, CUSTOMS, 3).unwrap();
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(NEW_ORG + 1));
}

#[test]
fn roles_are_stored_sorted_by_encoding_and_match_exactly() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    for role in [inspector("quality"), Role::Manufacturer, inspector("lab_test"), customs("CNSHA")] {
        propose(&mut ctx, WINERY, Action::GrantRole { org: CCIG_ORG, role }).unwrap();
    }
    let held = roles(&ctx, CCIG_ORG);
    let mut by_encoding = held.clone();
    by_encoding.sort_by_key(Encode::encode);
    assert_eq!(held, by_encoding);
    assert_eq!(held[0], Role::Manufacturer);
    assert_eq!(held[1], customs("CNSHA"));
    // "quality" (7 bytes) encodes before "lab_test" (8) and "quarantine" (10): length first.
    assert_eq!(&held[2..], &[inspector("quality"), inspector("lab_test"), inspector("quarantine")]);

    propose(&mut ctx, WINERY, Action::RevokeRole { org: CCIG_ORG, role: inspector("quarantine") }).unwrap();
    assert!(!has_role(&ctx, CCIG_ORG, &inspector("quarantine")));
    assert!(has_role(&ctx, CCIG_ORG, &inspector("quality")));
    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quarantine")), Err(module_error(Error::MissingRole)));
}

#[test]
fn members_add_locations_to_their_own_organisation() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    run(&mut ctx, CARRIER, Call::add_location { location: gln("3760001000009") }).unwrap();
    assert_eq!(events(&ctx), vec![Event::LocationAdded { org: CARRIER_ORG, location: gln("3760001000009") }]);
    assert_eq!(organisation(&ctx, CARRIER_ORG).unwrap().locations, vec![locode("FRLEH"), gln("3760001000009")]);
    assert_eq!(organisation(&ctx, WINERY_ORG).unwrap().locations.len(), 2, "others' are untouched");

    for n in 2..MAX_LOCATIONS {
        let code = format!("FR{}{}A", (b'A' + (n / 26) as u8) as char, (b'A' + (n % 26) as u8) as char);
        run(&mut ctx, CARRIER, Call::add_location { location: locode(&code) }).unwrap();
    }
    assert_eq!(organisation(&ctx, CARRIER_ORG).unwrap().locations.len(), MAX_LOCATIONS);
    assert_refused(
        &mut ctx,
        &signed(CARRIER),
        Call::add_location { location: locode("FRZZZ") },
        module_error(Error::TooManyLocations),
    );
}

#[test]
fn per_organisation_limits_hold_for_incremental_changes() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    let org = TMALL_ORG;
    for n in 1..MAX_ACCOUNTS as u8 {
        propose(&mut ctx, WINERY, Action::AddAccount { org, account: AccountId32([100 + n; 32]) }).unwrap();
    }
    assert_eq!(accounts(&ctx, org).len(), MAX_ACCOUNTS);
    let one_more = Call::propose { action: Action::AddAccount { org, account: account(NEWCOMER) } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyAccounts));

    for n in 0..MAX_PREFIXES {
        propose(&mut ctx, WINERY, Action::AssignPrefix { org, prefix: prefix(&format!("69000{n:02}")) }).unwrap();
    }
    let one_more = Call::propose { action: Action::AssignPrefix { org, prefix: prefix("6900099") } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyPrefixes));

    for n in 1..MAX_ROLES {
        propose(&mut ctx, WINERY, Action::GrantRole { org, role: inspector(&format!("s{n}")) }).unwrap();
    }
    assert_eq!(roles(&ctx, org).len(), MAX_ROLES);
    let one_more = Call::propose { action: Action::GrantRole { org, role: Role::Importer } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyRoles));
    assert!(ctx.events().iter().all(|record| !matches!(record.event, Event::Executed { result: Err(_), .. })));
}

#[test]
fn port_authorities_follow_admission_grants_revocations_and_removal() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    let port = |code: &str| UnLocode(code.as_bytes().try_into().unwrap());
    // Genesis: Shanghai customs governs CNSHA; nobody governs CNSZX.
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG]);
    assert!(is_port_governed(&ctx, &port("CNSHA")));
    assert!(!is_port_governed(&ctx, &port("CNSZX")));
    // A grant governs the port; a second authority of the same port is listed, sorted.
    propose(&mut ctx, WINERY, Action::GrantRole { org: GACC_ORG, role: customs("CNSZX") }).unwrap();
    propose(&mut ctx, WINERY, Action::GrantRole { org: CCIG_ORG, role: customs("CNSHA") }).unwrap();
    assert_eq!(port_authorities(&ctx, &port("CNSZX")), vec![GACC_ORG]);
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG, CCIG_ORG]);
    // Revoking the last authority of a port leaves it ungoverned, and removes the entry.
    propose(&mut ctx, WINERY, Action::RevokeRole { org: GACC_ORG, role: customs("CNSZX") }).unwrap();
    assert!(!is_port_governed(&ctx, &port("CNSZX")));
    assert!(!PORT_AUTHORITIES.contains(&ctx, &port("CNSZX")));
    // Removing an organisation removes it from its ports.
    propose(&mut ctx, WINERY, Action::Remove { org: CCIG_ORG }).unwrap();
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG]);
    // Admitting an organisation with a customs role governs its port.
    let mut newcomer = Admission::newcomer();
    newcomer.roles = vec![customs("FRLEH")];
    propose(&mut ctx, WINERY, newcomer.action()).unwrap();
    assert_eq!(port_authorities(&ctx, &port("FRLEH")), vec![NEW_ORG]);
}
