//! Customs decisions on a declaration: jurisdiction, holds, clearance once the required
//! inspections pass, and the acceptance story at customs.

use super::*;

#[test]
fn customs_of_another_port_cannot_clear() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    for call in [clear(id), hold(id), refuse(id), require(id, &["quality"])] {
        assert_eq!(
            dispatch(&mut ctx, &signed(SZ_CUSTOMS), call.clone()),
            Err(Error::NotJurisdiction.into()),
            "{call:?}"
        );
        // An organisation with no customs role at all.
        for who in [IMPORTER, REGULATOR, CCIG] {
            assert_eq!(dispatch(&mut ctx, &signed(who), call.clone()), Err(Error::NotCustomsAuthority.into()));
        }
        assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), call.clone()), Err(Error::NotMember.into()));
        assert_eq!(dispatch(&mut ctx, &Origin::None, call), Err(DispatchError::BadOrigin));
    }
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Declared);
    assert!(declaration(&ctx, id).unwrap().decisions.is_empty());
    // The permission comes before the arguments.
    let bad = Call::clear { declaration: id, certificate_ref: vec![] };
    assert_eq!(dispatch(&mut ctx, &signed(SZ_CUSTOMS), bad), Err(Error::NotJurisdiction.into()));
    // Shanghai customs, with jurisdiction over CNSHA, may (corkscrews need no inspection).
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Cleared);
    // And Shenzhen customs decides on declarations at its own port.
    let call = with_declaration(
        |call| {
            if let Call::declare { port_of_entry, hs_code, .. } = call {
                (*port_of_entry, *hs_code) = (port("CNSZX"), b"820559".to_vec());
            }
        },
        items(&[corkscrew("C2")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(1)), Err(Error::NotJurisdiction.into()));
    dispatch(&mut ctx, &signed(SZ_CUSTOMS), hold(1)).unwrap();
}

#[test]
fn goods_on_hold_cannot_change_custody() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("17")]));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::OnHold);
    assert_eq!(declaration(&ctx, id).unwrap().status, DeclarationStatus::OnHold);
    match last_event(&ctx) {
        Event::Held { declaration, importer, customs, reason, biz_location, biz_step, disposition, time, .. } => {
            assert_eq!((*declaration, *importer, *customs), (id, org(&ctx, IMPORTER), org(&ctx, SH_CUSTOMS)));
            assert_eq!(reason, b"pending quarantine inspection");
            assert_eq!(biz_location, &Location::UnLocode(port("CNSHA")));
            assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("holding", "non_sellable_other", NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    let on_hold = products_error(pallet_products::Error::ItemOnCustomsHold);
    assert_eq!(pallet_products::ensure_movable(&ctx, &bottle("17")).map(|_| ()), on_hold);
    let ship = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(bottle("17")),
        kind: TransferKind::Custody,
        to: org(&ctx, CARRIER),
        location: winery(),
    };
    assert_eq!(pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship.clone()), on_hold);
    let repack = pallet_custody::Call::pack { sscc: sscc(7), children: items(&[bottle("17")]), location: winery() };
    assert_eq!(pallet_custody::dispatch(&mut ctx, &signed(WINERY), repack), on_hold);
    // Pending an inspection, the same.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quality"])).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::InspectionRequired);
    assert_eq!(pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship.clone()), on_hold);
    // Refused: still may not move.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(id)).unwrap();
    assert_eq!(
        pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship),
        products_error(pallet_products::Error::ItemRefusedByCustoms)
    );
}

#[test]
fn cleared_goods_move_on() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    let ship = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(corkscrew("C1")),
        kind: TransferKind::Custody,
        to: org(&ctx, CARRIER),
        location: winery(),
    };
    pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship).unwrap();
}

#[test]
fn clearance_of_wine_is_refused_until_a_quarantine_attestation_passes() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("1"), bottle("17")]));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    // HS 220421 is chapter 22, within the regulator's 01–24 quarantine rule.
    assert_eq!(required_scopes(&ctx, &declaration(&ctx, id).unwrap()), vec![quarantine()]);
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottle("1")));
    assert_eq!(DispatchError::from(Error::InspectionMissing { scope: vec![], item: H256::zero() }), module_error(24));
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::OnHold);
    // An inspector without the quarantine scope cannot help.
    let subject = InspectionSubject::Item(bottle("1"));
    assert_eq!(
        pallet_inspection::dispatch(&mut ctx, &signed(QUALITY_LAB), attest_call(subject, quarantine(), None)),
        Err(pallet_inspection::Error::NotAccredited.into())
    );
    // A quarantine pass on one bottle is not enough for the other.
    let subject = InspectionSubject::Item(bottle("1"));
    pallet_inspection::dispatch(&mut ctx, &signed(CCIG), attest_call(subject, quarantine(), None)).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottle("17")));
    // CCIG attests the lot: every bottle has passed.
    attest_lot_l1(&mut ctx, quarantine(), Some(NOW + 1_000_000));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    for bottle in [bottle("1"), bottle("17")] {
        assert_eq!(customs_state(&ctx, &bottle), CustomsState::Cleared);
    }
    let stored = declaration(&ctx, id).unwrap();
    assert_eq!(stored.status, DeclarationStatus::Cleared);
    assert_eq!(stored.decisions.len(), 2);
    assert_eq!(stored.decisions[1].kind, DecisionKind::Clear { certificate_ref: b"CNSHA-2024-000117".to_vec() });
    assert_eq!((stored.decisions[1].by, stored.decisions[1].time), (org(&ctx, SH_CUSTOMS), NOW));
    match last_event(&ctx) {
        Event::Cleared { declaration, certificate_ref, inspections, biz_step, disposition, customs, .. } => {
            assert_eq!((*declaration, certificate_ref.as_slice()), (id, &b"CNSHA-2024-000117"[..]));
            assert_eq!(inspections, &vec![quarantine()]);
            assert_eq!(*customs, org(&ctx, SH_CUSTOMS));
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("accepting", "active"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Closed: off the port's worklist.
    assert!(open_at_port(&ctx, "CNSHA").is_empty());
}

#[test]
fn an_aggregate_attestation_lets_a_declared_pallet_clear() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17"), bottle("99")]));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quarantine"])).unwrap();
    assert!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).is_err());
    let subject = InspectionSubject::Aggregate(sscc(1));
    pallet_inspection::dispatch(&mut ctx, &signed(CCIG), attest_call(subject, quarantine(), None)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("99")), CustomsState::Cleared);
}

#[test]
fn a_revoked_attestation_no_longer_lets_goods_clear() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("17")]));
    let attestation = attest_lot_l1(&mut ctx, quarantine(), None);
    let revoke = pallet_inspection::Call::revoke { attestation, reason: b"sample contaminated".to_vec() };
    pallet_inspection::dispatch(&mut ctx, &signed(CCIG), revoke).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottle("17")));
}

#[test]
fn a_superseded_attestation_no_longer_lets_goods_clear() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("17")]));
    let attestation = attest_lot_l1(&mut ctx, quarantine(), None);
    let supersede = |result| pallet_inspection::Call::supersede {
        attestation,
        reason: b"retest of the lot".to_vec(),
        result,
        report_hash: blake2_256_h(b"retest"),
        report_uri: b"https://ccig.example/reports/117-retest.pdf".to_vec(),
        valid_until: None,
        conditions: None,
    };
    pallet_inspection::dispatch(&mut ctx, &signed(CCIG), supersede(InspectionResult::Fail)).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottle("17")));
    // The history keeps both.
    let lot = InspectionSubject::Lot { gtin: wine_gtin().parse().unwrap(), lot: b"L1".to_vec() };
    assert_eq!(pallet_inspection::attestations_of(&ctx, &lot).len(), 2);
}

#[test]
fn an_expired_attestation_no_longer_lets_goods_clear() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("17")]));
    attest_lot_l1(&mut ctx, quarantine(), Some(NOW + 60_000));
    // A later block, after the validity ended.
    pallet_timestamp::NOW.put(&mut ctx, &(NOW + 60_000));
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottle("17")));
    // A fresh attestation counts.
    attest_lot_l1(&mut ctx, quarantine(), None);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
}

#[test]
fn required_inspections_add_to_the_regulators_rules() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("17")]));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quality", "authenticity"])).unwrap();
    let stored = declaration(&ctx, id).unwrap();
    assert_eq!(stored.status, DeclarationStatus::InspectionRequired);
    assert_eq!(stored.required_scopes, vec![scope("authenticity"), scope("quality")]);
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::InspectionRequired);
    match last_event(&ctx) {
        Event::InspectionRequired { scopes, required, biz_step, disposition, .. } => {
            assert_eq!(scopes, &vec![scope("authenticity"), scope("quality")]);
            assert_eq!(required, &vec![scope("authenticity"), scope("quality"), quarantine()]);
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("inspecting", "in_progress"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // A second requirement adds to the first.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quality", "lab_test"])).unwrap();
    assert_eq!(declaration(&ctx, id).unwrap().required_scopes.len(), 3);
    attest_lot_l1(&mut ctx, quarantine(), None);
    attest_lot_l1(&mut ctx, scope("authenticity"), None);
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("lab_test", bottle("17")));
    // CCIG is not accredited for lab tests; no one here is, so the goods stay.
    attest_lot_l1(&mut ctx, scope("quality"), None);
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("lab_test", bottle("17")));
    // Customs may still refuse.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(id)).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::Refused);
}

#[test]
fn the_registered_hs_code_counts_even_if_another_is_declared() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // Wine declared as corkscrews (chapter 82): the wine's own chapter 22 still needs quarantine.
    let call = with_declaration(
        |call| {
            if let Call::declare { hs_code, .. } = call {
                *hs_code = b"820559".to_vec()
            }
        },
        items(&[bottle("17")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(0)), missing("quarantine", bottle("17")));
    // Corkscrews declared as wine: the declared chapter 22 needs quarantine too.
    let id = declare(&mut ctx, items(&[corkscrew("C1")]));
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", corkscrew("C1")));
    // Corkscrews declared as corkscrews need nothing.
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
}

#[test]
fn decisions_on_a_closed_declaration_are_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let cleared = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(cleared)).unwrap();
    let refused = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(refused)).unwrap();
    match last_event(&ctx) {
        Event::Refused { declaration, reason, biz_step, disposition, .. } => {
            assert_eq!((*declaration, reason.as_slice()), (refused, &b"failed quarantine"[..]));
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("holding", "non_conformant"));
        }
        other => panic!("unexpected {other:?}"),
    }
    for id in [cleared, refused] {
        for call in [clear(id), hold(id), refuse(id), require(id, &["quality"])] {
            assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), call), Err(Error::DeclarationClosed.into()));
        }
    }
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Cleared);
    assert_eq!(customs_state(&ctx, &corkscrew("C2")), CustomsState::Refused);
    assert!(open_at_port(&ctx, "CNSHA").is_empty());
}

#[test]
fn decision_arguments_are_validated() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    let refused = |ctx: &mut Ctx<'_>, call: Call, error: Error| {
        assert_eq!(dispatch(ctx, &signed(SH_CUSTOMS), call.clone()), Err(error.into()), "{call:?}");
    };
    refused(&mut ctx, hold(99), Error::DeclarationNotFound);
    refused(&mut ctx, Call::hold { declaration: id, reason: vec![] }, Error::InvalidReason);
    refused(&mut ctx, Call::hold { declaration: id, reason: vec![0xc3] }, Error::InvalidReason);
    for hidden in ["pending\u{202e}", "pending\u{0}", "pending\ninspection"] {
        let reason = hidden.as_bytes().to_vec();
        refused(&mut ctx, Call::hold { declaration: id, reason: reason.clone() }, Error::ReasonHasControlCharacter);
        refused(&mut ctx, Call::refuse { declaration: id, reason }, Error::ReasonHasControlCharacter);
    }
    refused(&mut ctx, Call::refuse { declaration: id, reason: vec![b'x'; MAX_REASON_LEN + 1] }, Error::InvalidReason);
    refused(&mut ctx, Call::clear { declaration: id, certificate_ref: vec![] }, Error::InvalidCertificateRef);
    refused(
        &mut ctx,
        Call::clear { declaration: id, certificate_ref: b"CN SHA".to_vec() },
        Error::InvalidCertificateRef,
    );
    let long = vec![b'7'; MAX_CERTIFICATE_REF_LEN + 1];
    refused(&mut ctx, Call::clear { declaration: id, certificate_ref: long }, Error::InvalidCertificateRef);
    refused(&mut ctx, require(id, &[]), Error::NoScopes);
    let nine = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    refused(&mut ctx, require(id, &nine), Error::TooManyScopes);
    refused(&mut ctx, require(id, &["quality", "quality"]), Error::DuplicateScope);
    let bad = Call::require_inspection { declaration: id, scopes: vec![Scope(b"Quality".to_vec())] };
    refused(&mut ctx, bad, Error::InvalidScope);
    assert!(declaration(&ctx, id).unwrap().decisions.is_empty());
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Declared);
    // At most MAX_DECISIONS decisions.
    for _ in 0..MAX_DECISIONS {
        dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    }
    refused(&mut ctx, clear(id), Error::TooManyDecisions);
}

/// The acceptance story at customs, for one pallet of bottles: declared, held pending
/// quarantine, attested by CCIG, cleared, then handed on.
#[test]
fn the_acceptance_story_at_customs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let serials: Vec<String> = (100..700).map(|n| n.to_string()).collect();
    let serial_refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    commission(&mut ctx, &wine_gtin(), Some("L2019"), &serial_refs);
    let bottles: Vec<ItemId> = serials.iter().map(|serial| bottle(serial)).collect();
    name_importer_of(&mut ctx, &bottles);
    pack(&mut ctx, sscc(1), items(&bottles));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    assert_eq!(declaration(&ctx, id).unwrap().items.len(), 600);
    // Only customs with jurisdiction over CNSHA acts.
    assert_eq!(dispatch(&mut ctx, &signed(SZ_CUSTOMS), hold(id)), Err(Error::NotJurisdiction.into()));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    assert_eq!(dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)), missing("quarantine", bottles[0]));
    let subject = InspectionSubject::Aggregate(sscc(1));
    pallet_inspection::dispatch(&mut ctx, &signed(CCIG), attest_call(subject, quarantine(), None)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    assert!(bottles.iter().all(|bottle| customs_state(&ctx, bottle) == CustomsState::Cleared));
    let ship = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(1)),
        kind: TransferKind::Custody,
        to: org(&ctx, RETAILER),
        location: winery(),
    };
    pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship).unwrap();
}
