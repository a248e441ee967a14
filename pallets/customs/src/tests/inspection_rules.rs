//! The regulator's inspection rules: from the chain spec's genesis, and set and removed by the
//! regulator.

use super::*;

#[test]
fn genesis_takes_rules_in_camel_case_json() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    assert_eq!(inspection_rules(&ctx), vec![InspectionRule { chapters: (1, 24), scope: quarantine() }]);
    let config = customs_genesis();
    assert_eq!(
        serde_json::to_value(&config).unwrap(),
        serde_json::json!({"inspectionRules": [{"chapters": [1, 24], "scope": "quarantine"}]})
    );
    // Unknown fields and malformed scopes are refused when the spec is read.
    assert!(serde_json::from_str::<GenesisConfig>(r#"{"rules":[]}"#).is_err());
    assert!(serde_json::from_str::<GenesisConfig>(r#"{"inspectionRules":[{"chapters":[1,24],"scope":"Q"}]}"#).is_err());
    // An empty section is no rules.
    assert_eq!(serde_json::from_str::<GenesisConfig>("{}").unwrap(), GenesisConfig::default());

    let build = |json: &str| {
        let config: GenesisConfig = serde_json::from_str(json).unwrap();
        let empty = BTreeMap::new();
        let mut overlay = Overlay::new(&empty);
        build_genesis(&mut overlay, &config).map(|()| inspection_rules(&overlay))
    };
    assert_eq!(
        build(r#"{"inspectionRules":[{"chapters":[0,24],"scope":"quarantine"}]}"#),
        Err(GenesisError::InvalidChapterRange { index: 0, first: 0, last: 24 })
    );
    assert_eq!(
        build(r#"{"inspectionRules":[{"chapters":[1,24],"scope":"a"},{"chapters":[30,20],"scope":"b"}]}"#),
        Err(GenesisError::InvalidChapterRange { index: 1, first: 30, last: 20 })
    );
    assert_eq!(
        build(r#"{"inspectionRules":[{"chapters":[1,100],"scope":"a"}]}"#),
        Err(GenesisError::InvalidChapterRange { index: 0, first: 1, last: 100 })
    );
    assert_eq!(
        build(r#"{"inspectionRules":[{"chapters":[1,24],"scope":"a"},{"chapters":[1,24],"scope":"a"}]}"#),
        Err(GenesisError::DuplicateRule { index: 1 })
    );
    // Stored sorted by chapters, then scope.
    let sorted = build(
        r#"{"inspectionRules":[{"chapters":[30,39],"scope":"quality"},{"chapters":[1,24],"scope":"quarantine"},
            {"chapters":[1,24],"scope":"lab_test"}]}"#,
    )
    .unwrap();
    let order: Vec<((u8, u8), String)> = sorted.iter().map(|rule| (rule.chapters, rule.scope.to_string())).collect();
    assert_eq!(order, vec![((1, 24), "lab_test".into()), ((1, 24), "quarantine".into()), ((30, 39), "quality".into())]);
    let too_many = GenesisConfig {
        inspection_rules: (1..=65)
            .map(|chapter| InspectionRule { chapters: (1, chapter), scope: quarantine() })
            .collect(),
    };
    let empty = BTreeMap::new();
    let mut overlay = Overlay::new(&empty);
    assert_eq!(build_genesis(&mut overlay, &too_many), Err(GenesisError::TooManyRules { count: 65 }));
}

#[test]
fn only_a_regulator_sets_and_removes_inspection_rules() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let set = |chapters, text: &str| Call::set_inspection_rule { chapters, scope: Scope(text.as_bytes().to_vec()) };
    let remove =
        |chapters, text: &str| Call::remove_inspection_rule { chapters, scope: Scope(text.as_bytes().to_vec()) };
    for who in [SH_CUSTOMS, CCIG, IMPORTER] {
        assert_eq!(dispatch(&mut ctx, &signed(who), set((82, 82), "quality")), Err(Error::NotRegulator.into()));
        assert_eq!(dispatch(&mut ctx, &signed(who), remove((1, 24), "quarantine")), Err(Error::NotRegulator.into()));
    }
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), set((82, 82), "quality")), Err(Error::NotMember.into()));
    // The permission comes before the arguments.
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), set((0, 0), "Q")), Err(Error::NotRegulator.into()));
    for chapters in [(0, 5), (30, 20), (1, 100), (100, 100)] {
        assert_eq!(
            dispatch(&mut ctx, &signed(REGULATOR), set(chapters, "quality")),
            Err(Error::InvalidChapterRange.into())
        );
    }
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), set((82, 82), "Quality")), Err(Error::InvalidScope.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), set((1, 24), "quarantine")), Err(Error::RuleExists.into()));
    dispatch(&mut ctx, &signed(REGULATOR), set((82, 82), "quality")).unwrap();
    match last_event(&ctx) {
        Event::InspectionRuleSet { chapters, scope: set_scope, by, agent, time } => {
            assert_eq!((*chapters, set_scope, *by), ((82, 82), &scope("quality"), org(&ctx, REGULATOR)));
            assert_eq!((*agent, *time), (account(REGULATOR), NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    dispatch(&mut ctx, &signed(REGULATOR), set((1, 24), "lab_test")).unwrap();
    let rules: Vec<((u8, u8), String)> =
        inspection_rules(&ctx).into_iter().map(|rule| (rule.chapters, rule.scope.to_string())).collect();
    assert_eq!(rules, vec![((1, 24), "lab_test".into()), ((1, 24), "quarantine".into()), ((82, 82), "quality".into())]);
    // Corkscrews now need a quality inspection.
    declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(0)), missing("quality", corkscrew("C1")));
    // Removed, it no longer applies, to open declarations too.
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), remove((82, 83), "quality")), Err(Error::RuleNotFound.into()));
    dispatch(&mut ctx, &signed(REGULATOR), remove((82, 82), "quality")).unwrap();
    assert!(matches!(last_event(&ctx), Event::InspectionRuleRemoved { chapters: (82, 82), .. }));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(0)).unwrap();
    // Removing every rule leaves none.
    dispatch(&mut ctx, &signed(REGULATOR), remove((1, 24), "quarantine")).unwrap();
    dispatch(&mut ctx, &signed(REGULATOR), remove((1, 24), "lab_test")).unwrap();
    assert!(inspection_rules(&ctx).is_empty());
    assert!(!INSPECTION_RULES.exists(&ctx));
    // Bounded.
    for last in 1..=MAX_RULES as u8 {
        dispatch(&mut ctx, &signed(REGULATOR), set((1, last), "quarantine")).unwrap();
    }
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), set((2, 2), "quarantine")), Err(Error::TooManyRules.into()));
}
