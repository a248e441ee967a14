//! Text forms, SCALE encodings, call weights, and arbitrary bytes decoded as calls.

use super::*;

#[test]
fn text_forms_parse_strictly_and_round_trip() {
    let roles: Vec<Role> = serde_json::from_value(serde_json::json!([
        "manufacturer", "seller", "carrier", "importer", {"customsAuthority": {"port": "CNSHA"}},
        {"inspector": {"scope": "lab_test"}}, "retailer", "regulator", "admin"
    ]))
    .unwrap();
    assert_eq!(roles[4], customs("CNSHA"));
    assert_eq!(roles[5], inspector("lab_test"));
    assert_eq!(serde_json::to_value(&roles[4]).unwrap(), serde_json::json!({"customsAuthority": {"port": "CNSHA"}}));
    assert_eq!(serde_json::to_value(&roles[8]).unwrap(), serde_json::json!("admin"));
    assert_eq!(serde_json::to_value(gln("3760001000009")).unwrap(), serde_json::json!({"gln": "3760001000009"}));
    assert_eq!(serde_json::to_value(locode("FRLEH")).unwrap(), serde_json::json!({"unLocode": "FRLEH"}));

    // The chain spec round-trips.
    let config = genesis();
    let json = serde_json::to_value(&config).unwrap();
    assert_eq!(serde_json::from_value::<GenesisConfig>(json).unwrap(), config);

    // Actions in JSON, as integrators write them.
    let action: Action = serde_json::from_value(serde_json::json!({
        "admit": {
            "name": "Le Havre Terminal", "country": "FR", "companyPrefixes": [],
            "locations": [{"unLocode": "FRLEH"}], "accounts": [hex_account(NEWCOMER)], "roles": ["carrier"]
        }
    }))
    .unwrap();
    assert_eq!(action, Admission::newcomer().action());
    let threshold: Action =
        serde_json::from_value(serde_json::json!({"setThreshold": {"numerator": 2, "denominator": 3}})).unwrap();
    assert_eq!(threshold, Action::SetThreshold { numerator: 2, denominator: 3 });

    assert_eq!("FR".parse(), Ok(CountryCode(*b"FR")));
    for bad in ["fr", "FRA", "F", "", "F1", "ÉU"] {
        assert!(bad.parse::<CountryCode>().is_err(), "{bad}");
    }
    assert_eq!("CNSHA".parse::<UnLocode>().unwrap().country(), CountryCode(*b"CN"));
    assert!("USNY2".parse::<UnLocode>().is_ok());
    for bad in ["CNSH1", "CNSH0", "cnsha", "CNSH", "CNSHAA", "C1SHA"] {
        assert!(bad.parse::<UnLocode>().is_err(), "{bad}");
    }
    assert!("3760001000009".parse::<Gln>().is_ok());
    for bad in ["3760001000008", "376000100000", "37600010000090", "376000100000x"] {
        assert!(bad.parse::<Gln>().is_err(), "{bad}");
    }
    for good in ["376000", "3760001", "376000100000"] {
        assert!(good.parse::<CompanyPrefix>().is_ok(), "{good}");
    }
    for bad in ["37600", "3760001000001", "37600A1", ""] {
        assert!(bad.parse::<CompanyPrefix>().is_err(), "{bad}");
    }
    for good in ["quarantine", "quality", "authenticity", "lab_test", "iso-17025", "a"] {
        assert!(good.parse::<Scope>().is_ok(), "{good}");
    }
    let too_long = "a".repeat(MAX_SCOPE_LEN + 1);
    for bad in ["", "Quarantine", "lab test", "lab.test", too_long.as_str()] {
        assert!(bad.parse::<Scope>().is_err(), "{bad}");
    }
}

#[test]
fn encodings_are_stable() {
    assert_eq!(Role::Manufacturer.encode(), vec![0]);
    assert_eq!(Role::Seller.encode(), vec![1]);
    assert_eq!(Role::Carrier.encode(), vec![2]);
    assert_eq!(Role::Importer.encode(), vec![3]);
    assert_eq!(customs("CNSHA").encode(), [&[4u8][..], b"CNSHA"].concat());
    assert_eq!(inspector("quarantine").encode(), [&[5u8, 40][..], b"quarantine"].concat());
    assert_eq!(Role::Retailer.encode(), vec![6]);
    assert_eq!(Role::Regulator.encode(), vec![7]);
    assert_eq!(Role::Admin.encode(), vec![8]);
    assert_eq!(gln("3760001000009").encode(), [&[0u8][..], b"3760001000009"].concat());
    assert_eq!(locode("CNSHA").encode(), [&[1u8][..], b"CNSHA"].concat());

    assert_eq!(Action::Remove { org: 3 }.encode(), vec![1, 3, 0, 0, 0]);
    assert_eq!(Action::SetThreshold { numerator: 1, denominator: 2 }.encode(), vec![8, 1, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(Action::RemoveAccount { account: account(1) }.encode()[0], 6);
    assert_eq!(Action::SetValidators { validators: vec![] }.encode(), vec![7, 0]);

    assert_eq!(
        Call::propose { action: Action::SetThreshold { numerator: 1, denominator: 2 } }.encode(),
        vec![0, 8, 1, 0, 0, 0, 2, 0, 0, 0]
    );
    assert_eq!(Call::approve { proposal: 1 }.encode(), vec![1, 1, 0, 0, 0]);
    assert_eq!(Call::cancel { proposal: 1 }.encode(), vec![2, 1, 0, 0, 0]);
    assert_eq!(Call::add_location { location: locode("CNSHA") }.encode(), [&[3u8, 1][..], b"CNSHA"].concat());

    assert_eq!(Event::Executed { proposal: 0, result: Ok(()) }.encode(), vec![10, 0, 0, 0, 0, 0]);
    assert_eq!(Event::Cancelled { proposal: 2 }.encode(), vec![11, 2, 0, 0, 0]);

    let error: DispatchError = Error::NotMember.into();
    assert_eq!(error.encode(), vec![3, 2, 0, 0, 0, 0]);
    assert_eq!(module_error(Error::NotAdmin), DispatchError::Module(ModuleError { index: 2, error: [1, 0, 0, 0] }));
    assert_eq!(Error::PrefixOverlaps as u8, 12);
    assert_eq!(Error::LastAdmin as u8, 27);
    assert_eq!(Error::IdsExhausted as u8, 31);

    let mut expected = twox_128(b"Membership").to_vec();
    expected.extend_from_slice(&twox_128(b"AccountOrg"));
    assert!(ACCOUNT_ORG.key(&account(1)).starts_with(&expected));
    assert_eq!(ACCOUNT_ORG.key(&account(1)).len(), 32 + 16 + 32, "Blake2_128Concat");
    assert_eq!(ORGANISATIONS.key(&1).len(), 32 + 8 + 4, "Twox64Concat");
}

#[test]
fn call_weights_grow_with_the_lists_and_bound_any_execution() {
    let small = Admission::newcomer().action();
    let large = Admission {
        accounts: (0..MAX_ACCOUNTS as u8).map(|n| AccountId32([n; 32])).collect(),
        company_prefixes: (0..MAX_PREFIXES).map(|n| prefix(&format!("80000{n:02}"))).collect(),
        locations: (0..MAX_LOCATIONS as u8)
            .map(|n| locode(&format!("FRA{}{}", (b'A' + n / 26) as char, (b'A' + n % 26) as char)))
            .collect(),
        roles: (0..MAX_ROLES).map(|n| inspector(&format!("s{n}"))).collect(),
        ..Admission::newcomer()
    }
    .action();
    let one = Action::SetValidators { validators: vec![ValidatorInfo { org: 0, consensus_key: consensus_key(1) }] };
    let many = Action::SetValidators {
        validators: (0..MAX_VALIDATORS as u8)
            .map(|n| ValidatorInfo { org: 0, consensus_key: consensus_key(n) })
            .collect(),
    };
    assert!(action_weight(&small).ref_time > 0);
    assert!(action_weight(&large).ref_time > action_weight(&small).ref_time);
    assert!(action_weight(&many).ref_time > action_weight(&one).ref_time);
    assert!(
        call_weight(&Call::propose { action: large.clone() }).ref_time
            > call_weight(&Call::propose { action: small }).ref_time
    );
    // An approval may execute any action a proposal can hold: it pays for the costliest.
    let approve = call_weight(&Call::approve { proposal: 0 });
    for action in [large, many, Action::Remove { org: 0 }, Action::AssignPrefix { org: 0, prefix: prefix("1234567") }] {
        assert!(!action_weight(&action).any_gt(max_action_weight()), "{action:?}");
    }
    assert!(!max_action_weight().any_gt(approve));
    // An adversarial list does not overflow, and costs more than any valid action.
    let huge =
        Action::SetValidators { validators: vec![ValidatorInfo { org: 0, consensus_key: consensus_key(0) }; 100_000] };
    assert!(call_weight(&Call::propose { action: huge }).ref_time > approve.ref_time);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_when_decoded_as_a_call(
        index in 0u8..5, action in 0u8..10, bytes in proptest::collection::vec(any::<u8>(), 0..256)
    ) {
        // Steer most inputs past the call and action indices into the fields.
        let input = [&[index, action][..], &bytes].concat();
        for candidate in [&input[..], &bytes[..]] {
            if let Ok(call) = Call::decode(&mut &candidate[..]) {
                let _ = call_weight(&call);
                let state = BTreeMap::new();
                let mut ctx = new_ctx(&state);
                let _ = ctx.transactional(|ctx| dispatch(ctx, &signed(WINERY), call));
                prop_assert!(ctx.overlay.corruption().is_none());
            }
        }
    }
}
