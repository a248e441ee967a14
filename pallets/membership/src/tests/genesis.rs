//! The founding consortium from the chain spec: what genesis builds, and the configs it refuses.

use super::*;

#[test]
fn genesis_from_the_chain_spec_builds_the_consortium_and_answers_queries() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);

    for member in [WINERY, CARRIER, IMPORTER, CUSTOMS, CUSTOMS_DESK, CCIG, TMALL, GACC] {
        assert!(is_member(&ctx, &account(member)), "{member}");
    }
    assert!(!is_member(&ctx, &account(OUTSIDER)));
    assert_eq!(organisation_of(&ctx, &account(CUSTOMS_DESK)), Some(CUSTOMS_ORG));
    assert_eq!(organisation_of(&ctx, &account(OUTSIDER)), None);

    let winery = organisation(&ctx, WINERY_ORG).unwrap();
    assert_eq!(winery.name, "Château X".as_bytes());
    assert_eq!(winery.country, CountryCode(*b"FR"));
    assert_eq!(winery.company_prefixes, vec![prefix("3760001")]);
    assert_eq!(winery.locations, vec![gln("3760001000009"), locode("FRBOD")]);
    assert_eq!(winery.admitted_at, 0);
    assert_eq!(organisation(&ctx, 7), None);
    assert_eq!(accounts(&ctx, CUSTOMS_ORG), vec![account(CUSTOMS), account(CUSTOMS_DESK)]);

    assert_eq!(roles(&ctx, WINERY_ORG), vec![Role::Manufacturer, Role::Seller, Role::Admin]);
    assert!(has_role(&ctx, CUSTOMS_ORG, &customs("CNSHA")));
    assert!(!has_role(&ctx, CUSTOMS_ORG, &customs("CNSZX")), "customs of one port only");
    assert!(has_role(&ctx, CCIG_ORG, &inspector("quarantine")));
    assert!(!has_role(&ctx, CCIG_ORG, &inspector("lab_test")), "an inspector of one scope only");
    assert!(has_role(&ctx, TMALL_ORG, &Role::Retailer));
    assert!(has_role(&ctx, GACC_ORG, &Role::Regulator));
    assert!(roles(&ctx, 99).is_empty());

    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quarantine")), Ok(CCIG_ORG));
    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quality")), Err(module_error(Error::MissingRole)));
    assert_eq!(ensure_role(&ctx, &account(CARRIER), &Role::Admin), Err(module_error(Error::NotAdmin)));
    assert_eq!(ensure_role(&ctx, &account(OUTSIDER), &Role::Carrier), Err(module_error(Error::NotMember)));
    assert_eq!(ensure_role(&ctx, &account(CUSTOMS_DESK), &customs("CNSHA")), Ok(CUSTOMS_ORG));

    // A GTIN-14 after its indicator digit: the winery's prefix, then the item reference.
    assert_eq!(prefix_owner(&ctx, b"3760001000178"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(prefix_owner(&ctx, b"3760002000178"), None);
    assert_eq!(prefix_owner(&ctx, b"3760001"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(prefix_owner(&ctx, b"376000"), None, "shorter than the prefix");
    assert_eq!(prefix_owner(&ctx, b""), None);

    assert_eq!(
        validators(&ctx),
        vec![
            ValidatorInfo { org: WINERY_ORG, consensus_key: consensus_key(0x11) },
            ValidatorInfo { org: CUSTOMS_ORG, consensus_key: consensus_key(0x22) }
        ]
    );
    assert_eq!(pending_validators(&ctx), None);
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG]);
    assert_eq!(approval_threshold(&ctx), (1, 2));
    assert_eq!(NEXT_ORG_ID.get(&ctx), NEW_ORG);
    assert!(ctx.overlay.corruption().is_none());
}

#[test]
fn genesis_refuses_invalid_configs_and_says_where() {
    let build = |config: &GenesisConfig| {
        let state = BTreeMap::new();
        let mut overlay = Overlay::new(&state);
        build_genesis(&mut overlay, config)
    };
    assert_eq!(build(&genesis()), Ok(()));

    let mut shared_account = genesis();
    shared_account.organisations[2].accounts.push(account(CARRIER));
    let error = build(&shared_account).unwrap_err();
    assert_eq!(
        error,
        GenesisError::Organisation {
            index: 2,
            name: "Shanghai Fine Imports".into(),
            error: Error::AccountAlreadyMember
        }
    );
    assert!(error.to_string().contains("organisation #2 (\"Shanghai Fine Imports\")"), "{error}");

    let mut overlapping = genesis();
    overlapping.organisations[4].company_prefixes.push(prefix("37600015"));
    assert!(matches!(
        build(&overlapping),
        Err(GenesisError::Organisation { index: 4, error: Error::PrefixOverlaps, .. })
    ));

    let mut nameless = genesis();
    nameless.organisations[1].name = String::new();
    assert!(matches!(build(&nameless), Err(GenesisError::Organisation { index: 1, error: Error::InvalidName, .. })));

    let mut bad_scope = genesis();
    bad_scope.organisations[4].roles.push(inspector("Lab Test"));
    assert!(matches!(build(&bad_scope), Err(GenesisError::Organisation { index: 4, error: Error::InvalidScope, .. })));

    let mut no_admin = genesis();
    for founder in &mut no_admin.organisations {
        founder.roles.retain(|role| *role != Role::Admin);
    }
    assert_eq!(build(&no_admin), Err(GenesisError::NoAdmin));

    let mut mute_admin = genesis();
    mute_admin.organisations[6].accounts.clear();
    assert!(matches!(
        build(&mute_admin),
        Err(GenesisError::Organisation { index: 6, error: Error::AdminNeedsAccount, .. })
    ));

    let mut unknown_org = genesis();
    unknown_org.validators[1].org_index = 7;
    assert_eq!(build(&unknown_org), Err(GenesisError::UnknownValidatorOrg { index: 1, org_index: 7, count: 7 }));

    let mut same_key = genesis();
    same_key.validators[1].consensus_key = consensus_key(0x11);
    assert_eq!(build(&same_key), Err(GenesisError::Validator { index: 1, error: Error::InvalidValidatorSet }));

    let mut no_validators = genesis();
    no_validators.validators.clear();
    assert_eq!(build(&no_validators), Err(GenesisError::Validators(Error::InvalidValidatorSet)));

    let mut minority = genesis();
    minority.threshold = Some((1, 3));
    assert_eq!(
        build(&minority),
        Err(GenesisError::Threshold { numerator: 1, denominator: 3, error: Error::InvalidThreshold })
    );

    // Malformed text is refused when the spec is read, naming the value.
    let with = |pointer: &str, value: serde_json::Value| {
        let mut json = spec_json();
        *json.pointer_mut(pointer).unwrap() = value;
        serde_json::from_value::<GenesisConfig>(json).unwrap_err().to_string()
    };
    assert!(with("/organisations/0/locations/0/gln", "3760001000008".into()).contains("is not a GLN"));
    assert!(with("/organisations/0/country", "fr".into()).contains("country code"));
    assert!(with("/organisations/0/companyPrefixes/0", "37600".into()).contains("company prefix"));
    assert!(with("/organisations/1/locations/0/unLocode", "FRLE1".into()).contains("UN/LOCODE"));
    assert!(with("/organisations/4/roles/0/inspector/scope", "Quarantine".into()).contains("inspection scope"));
    assert!(with("/validators/0/consensusKey", "11".repeat(32).into()).contains("32-byte key"));
    assert!(with("/organisations/0/roles/0", "owner".into()).contains("unknown variant"));
    let mut typo = spec_json();
    typo["threshhold"] = serde_json::json!([1, 2]);
    assert!(serde_json::from_value::<GenesisConfig>(typo).is_err(), "unknown fields are refused");
}
