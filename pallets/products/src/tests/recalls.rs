//! Recalls of a lot or a whole class, and who may issue them.

use super::*;

#[test]
fn a_lot_under_recall_shows_the_recall_on_every_item() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, Some("L1"), &["1", "2", "3"]).unwrap();
    commission(&mut ctx, WINERY, Some("L2"), &["4"]).unwrap();
    commission(&mut ctx, WINERY, None, &["5"]).unwrap();
    commission_lot_as(&mut ctx, WINERY, "L1", 100).unwrap();
    let lot_item = lot_item_id(&gtin(&wine_gtin()), b"L1");
    let recall =
        Call::recall_lot { gtin: wine_gtin().into_bytes(), lot: b"L1".to_vec(), reason: b"cork taint".to_vec() };
    dispatch(&mut ctx, &signed(WINERY), recall).unwrap();

    let expected = Recall { by: org(&ctx, WINERY), reason: b"cork taint".to_vec(), at: BLOCK, time: NOW };
    for id in [wine_serial("1"), wine_serial("2"), wine_serial("3"), lot_item] {
        let item = item(&ctx, &id).unwrap();
        assert_eq!(recall_of(&ctx, &item), Some(expected.clone()));
        assert_eq!(ensure_movable(&ctx, &id), Err(Error::ItemRecalled.into()));
    }
    for id in [wine_serial("4"), wine_serial("5")] {
        assert_eq!(recall_of(&ctx, &item(&ctx, &id).unwrap()), None);
        assert!(ensure_movable(&ctx, &id).is_ok());
    }
    let Some(Event::LotRecalled { lot, by, reason, read_point, biz_step, disposition, time, .. }) =
        ctx.events().last().map(|record| &record.event)
    else {
        panic!("expected LotRecalled");
    };
    assert_eq!(
        (lot.as_slice(), *by, reason.as_slice()),
        (b"L1".as_slice(), org(&ctx, WINERY), b"cork taint".as_slice())
    );
    assert_eq!(read_point, &Some(location_of(&ctx, WINERY)));
    assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("recalling", "recalled", NOW));
    // Nothing more may be commissioned into the recalled lot.
    assert_eq!(commission(&mut ctx, WINERY, Some("L1"), &["6"]), Err(Error::LotUnderRecall.into()));
}

#[test]
fn recall_rules() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, Some("L1"), &["1"]).unwrap();
    let recall = |lot: &str, reason: &str| Call::recall_lot {
        gtin: wine_gtin().into_bytes(),
        lot: lot.as_bytes().to_vec(),
        reason: reason.as_bytes().to_vec(),
    };
    for other in [CARRIER, RETAILER, OTHER_MAKER] {
        assert_eq!(dispatch(&mut ctx, &signed(other), recall("L1", "why")), Err(Error::NotBrandOrRegulator.into()));
        let call = Call::recall_class { gtin: wine_gtin().into_bytes(), reason: b"why".to_vec() };
        assert_eq!(dispatch(&mut ctx, &signed(other), call), Err(Error::NotBrandOrRegulator.into()));
    }
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), recall("L1", "why")), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), recall("L9", "why")), Err(Error::LotNotFound.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), recall("L 1", "why")), Err(Error::InvalidLot.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), recall("L1", "")), Err(Error::InvalidReason.into()));
    let long = "r".repeat(MAX_REASON_LEN + 1);
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), recall("L1", &long)), Err(Error::InvalidReason.into()));
    // A regulator (GACC, which has no location) may recall the lot.
    dispatch(&mut ctx, &signed(REGULATOR), recall("L1", "lead above limit")).unwrap();
    assert!(matches!(
        ctx.events().last().map(|record| &record.event),
        Some(Event::LotRecalled { read_point: None, .. })
    ));
    assert_eq!(lot_recall(&ctx, &gtin(&wine_gtin()), b"L1").map(|recall| recall.by), Some(org(&ctx, REGULATOR)));
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), recall("L1", "again")), Err(Error::AlreadyRecalled.into()));
    let unknown_class =
        Call::recall_class { gtin: with_check_digit("0376000199999").into_bytes(), reason: b"x".to_vec() };
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), unknown_class), Err(Error::ProductClassNotFound.into()));
}

#[test]
fn a_class_recall_covers_every_item_of_the_class() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, Some("L1"), &["1"]).unwrap();
    commission(&mut ctx, WINERY, None, &["2"]).unwrap();
    commission_lot_as(&mut ctx, WINERY, "L7", 3).unwrap();
    let call = Call::recall_class { gtin: wine_gtin().into_bytes(), reason: b"counterfeit labels in market".to_vec() };
    dispatch(&mut ctx, &signed(REGULATOR), call.clone()).unwrap();
    for id in [wine_serial("1"), wine_serial("2"), lot_item_id(&gtin(&wine_gtin()), b"L7")] {
        let recall = recall_of(&ctx, &item(&ctx, &id).unwrap()).unwrap();
        assert_eq!((recall.by, recall.time), (org(&ctx, REGULATOR), NOW));
        assert_eq!(ensure_movable(&ctx, &id), Err(Error::ItemRecalled.into()));
    }
    assert!(matches!(
        ctx.events().last().map(|record| &record.event),
        Some(Event::ClassRecalled { biz_step: BizStep::recalling, disposition: Disposition::recalled, .. })
    ));
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(Error::AlreadyRecalled.into()));
    assert_eq!(commission(&mut ctx, WINERY, None, &["3"]), Err(Error::ClassUnderRecall.into()));
}
