//! Refused goods: ordered re-exported or destroyed, and what they may do afterwards.

use super::*;

fn reexport(declaration: DeclarationId) -> Call {
    Call::order_reexport { declaration, reason: b"return to the consignor".to_vec() }
}

fn destroy(declaration: DeclarationId) -> Call {
    Call::order_destruction { declaration, reason: b"quarantine pest found".to_vec() }
}

#[test]
fn refused_goods_ordered_re_exported_move_again_but_not_back_into_the_refusing_port() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    // Before a refusal there is nothing to re-export or destroy.
    assert_refused(&mut ctx, SH_CUSTOMS, reexport(id), Error::NotRefused.into());
    assert_refused(&mut ctx, SH_CUSTOMS, destroy(id), Error::NotRefused.into());
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(id)).unwrap();
    // Refused, the goods are stuck: they neither move, nor unpack, nor are declared again.
    let refused = products_error(pallet_products::Error::ItemRefusedByCustoms);
    assert_eq!(ship_to_carrier(&mut ctx, Subject::Aggregate(sscc(1))), refused);
    assert_eq!(unpack(&mut ctx, sscc(1)), refused);
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", vec![Subject::Aggregate(sscc(1))])), refused);
    // Only the customs of the port decides what becomes of them.
    assert_refused(&mut ctx, SZ_CUSTOMS, reexport(id), Error::NotJurisdiction.into());
    assert_refused(&mut ctx, IMPORTER, reexport(id), Error::NotCustomsAuthority.into());
    assert_refused(&mut ctx, WINERY, destroy(id), Error::NotCustomsAuthority.into());
    let no_reason = Call::order_reexport { declaration: id, reason: vec![] };
    assert_refused(&mut ctx, SH_CUSTOMS, no_reason, Error::InvalidReason.into());
    assert_refused(&mut ctx, SH_CUSTOMS, reexport(99), Error::DeclarationNotFound.into());

    dispatch(&mut ctx, &signed(SH_CUSTOMS), reexport(id)).unwrap();
    let stored = declaration(&ctx, id).unwrap();
    assert_eq!(stored.status, DeclarationStatus::ReExported);
    assert_eq!(
        stored.decisions.last().map(|decision| &decision.kind),
        Some(&DecisionKind::ReExport { reason: b"return to the consignor".to_vec() })
    );
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::ReExported);
    match last_event(&ctx) {
        Event::ReExportOrdered {
            declaration, item_count, customs, reason, biz_step, disposition, read_point, ..
        } => {
            assert_eq!((*declaration, *item_count, *customs), (id, 2, org(&ctx, SH_CUSTOMS)));
            assert_eq!(reason.as_slice(), b"return to the consignor");
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("departing", "in_transit"));
            assert_eq!(read_point, &Location::UnLocode(port("CNSHA")));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Final: no second order.
    assert_refused(&mut ctx, SH_CUSTOMS, destroy(id), Error::DeclarationClosed.into());
    assert_refused(&mut ctx, SH_CUSTOMS, reexport(id), Error::DeclarationClosed.into());
    assert_refused(&mut ctx, SH_CUSTOMS, hold(id), Error::DeclarationClosed.into());
    // Not back into the port that refused them; elsewhere, yes.
    assert_refused(
        &mut ctx,
        IMPORTER,
        declare_call(vec![Subject::Aggregate(sscc(1))]),
        Error::ReExportedFromPort.into(),
    );
    let again = dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", vec![Subject::Aggregate(sscc(1))]));
    assert_eq!(again, Ok(()));
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::Declared);
    assert_eq!(declarations_of_item(&ctx, &bottle("17")).len(), 2);
}

#[test]
fn refused_goods_ordered_destroyed_are_destroyed_and_no_longer_seal_their_aggregate() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), destroy(id)).unwrap();
    assert_eq!(declaration(&ctx, id).unwrap().status, DeclarationStatus::Destroyed);
    for item in [bottle("1"), bottle("17")] {
        let record = pallet_products::item(&ctx, &item).unwrap();
        assert_eq!((record.status, record.customs), (pallet_products::ItemStatus::Destroyed, CustomsState::Destroyed));
    }
    match last_event(&ctx) {
        Event::DestructionOrdered { declaration, item_count, reason, biz_step, disposition, .. } => {
            assert_eq!((*declaration, *item_count), (id, 2));
            assert_eq!(reason.as_slice(), b"quarantine pest found");
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("destroying", "destroyed"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_refused(&mut ctx, SH_CUSTOMS, reexport(id), Error::DeclarationClosed.into());
    // Destroyed goods never move or get declared again, but the pallet can be unpacked.
    let not_active = products_error(pallet_products::Error::ItemNotActive);
    assert_eq!(ship_to_carrier(&mut ctx, Subject::Aggregate(sscc(1))), not_active);
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", items(&[bottle("1")]))), not_active);
    assert_eq!(unpack(&mut ctx, sscc(1)), Ok(()));
    assert_eq!(pallet_products::item(&ctx, &bottle("1")).unwrap().parent, None);
    // A cleared declaration is not destroyed by customs either.
    let cleared = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(cleared)).unwrap();
    assert_refused(&mut ctx, SH_CUSTOMS, destroy(cleared), Error::DeclarationClosed.into());
}

#[test]
fn goods_customs_destroyed_are_recorded_destroyed_and_can_never_be_sold_moved_or_destroyed_again() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // The store holds the bottle (custody) when it is declared, refused and ordered destroyed.
    let retailer = org(&ctx, RETAILER);
    let hand_over = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(bottle("99")),
        kind: TransferKind::Custody,
        to: retailer,
        location: winery(),
    };
    pallet_custody::dispatch(&mut ctx, &signed(WINERY), hand_over).unwrap();
    let proposal = pallet_custody::open_proposal(&ctx, &Subject::Item(bottle("99")), retailer, TransferKind::Custody);
    let accept =
        pallet_custody::Call::accept { proposal: proposal.unwrap(), location: Location::UnLocode(port("CNSHA")) };
    pallet_custody::dispatch(&mut ctx, &signed(RETAILER), accept).unwrap();
    let id = declare(&mut ctx, items(&[bottle("99")]));
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(id)).unwrap();
    assert_eq!(pallet_identity::destruction(&ctx, &bottle("99")), None);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), destroy(id)).unwrap();

    // The same destruction record as Identity.mark_destroyed, by the customs office, with its
    // reason: what the journey, trace_getItem and the EPCIS export read.
    let record = pallet_identity::destruction(&ctx, &bottle("99")).expect("recorded destroyed");
    assert_eq!(
        (record.by, record.reason.as_slice(), record.at, record.time),
        (org(&ctx, SH_CUSTOMS), &b"quarantine pest found"[..], BLOCK, NOW)
    );
    let item = pallet_products::item(&ctx, &bottle("99")).unwrap();
    assert_eq!((item.status, item.customs), (pallet_products::ItemStatus::Destroyed, CustomsState::Destroyed));
    assert_eq!(pallet_identity::status_of(&ctx, &item), pallet_products::ItemStatus::Destroyed);

    // Nothing moves, sells or destroys it afterwards, each with its own error, writing nothing.
    let changes_before = ctx.overlay.committed_changes().clone();
    let not_active = products_error(pallet_products::Error::ItemNotActive);
    let sell = pallet_identity::Call::mark_sold { item: bottle("99") };
    assert_eq!(pallet_identity::dispatch(&mut ctx, &signed(RETAILER), sell), not_active.clone());
    let onward = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(bottle("99")),
        kind: TransferKind::Custody,
        to: org(&ctx, CARRIER),
        location: Location::UnLocode(port("CNSHA")),
    };
    assert_eq!(pallet_custody::dispatch(&mut ctx, &signed(RETAILER), onward), not_active.clone());
    let title = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(bottle("99")),
        kind: TransferKind::Ownership,
        to: retailer,
        location: winery(),
    };
    assert_eq!(pallet_custody::dispatch(&mut ctx, &signed(WINERY), title), not_active);
    let again = pallet_identity::Call::mark_destroyed { item: bottle("99"), reason: b"again".to_vec() };
    assert_eq!(
        pallet_identity::dispatch(&mut ctx, &signed(WINERY), again),
        Err(pallet_identity::Error::AlreadyDestroyed.into())
    );
    assert_eq!(ctx.overlay.committed_changes(), &changes_before);
    assert_eq!(pallet_identity::destruction(&ctx, &bottle("99")), Some(record), "the first record stays");
}
