//! Commissioning serialised items and lots: who may, batches, dates and locations.

use super::*;

#[test]
fn commissioning_serials_creates_active_items_owned_and_held_by_the_brand() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let call = serials_call(&ctx, Some("L2019A"), &["1", "17", "A-B/C"]);
    dispatch(&mut ctx, &signed(WINERY), call).unwrap();
    let winery = org(&ctx, WINERY);
    let id = wine_serial("17");
    // The id is the hash of the canonical element string.
    assert_eq!(id, blake2_256_h(format!("(01){}(21)17", wine_gtin()).as_bytes()));
    let item = item(&ctx, &id).unwrap();
    assert_eq!(item.id, id);
    assert_eq!(item.kind, ItemKind::Serial { serial: b"17".to_vec() });
    assert_eq!(item.lot, Some(b"L2019A".to_vec()));
    assert_eq!((item.owner, item.custodian), (winery, winery));
    assert_eq!(item.location, location_of(&ctx, WINERY));
    assert_eq!((item.status, item.customs), (ItemStatus::Active, CustomsState::None));
    assert_eq!((item.production_date, item.expiry_date), (20_190_915, Some(20_390_915)));
    assert_eq!((item.parent, item.recalled.clone(), item.commissioned_at), (None, None, BLOCK));
    assert_eq!(item.element_string(), format!("(01){}(21)17", wine_gtin()).into_bytes());
    assert!(ensure_movable(&ctx, &id).is_ok());
    assert!(ITEMS.contains(&ctx, &wine_serial("A-B/C")));
    assert_eq!(LOTS.get(&ctx, &gtin(&wine_gtin()), &b"L2019A".to_vec()), 3);
    let Event::ItemsCommissioned { items, serials, org, read_point, biz_location, biz_step, disposition, time, .. } =
        &ctx.events()[1].event
    else {
        panic!("expected ItemsCommissioned, got {:?}", ctx.events()[1].event);
    };
    assert_eq!(items, &vec![wine_serial("1"), id, wine_serial("A-B/C")]);
    assert_eq!(serials.len(), 3);
    assert_eq!(*org, winery);
    assert_eq!((read_point, biz_location), (&location_of(&ctx, WINERY), &location_of(&ctx, WINERY)));
    assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("commissioning", "active", NOW));
}

#[test]
fn a_batch_of_1000_serials_commissions_and_1001_is_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let names: Vec<String> = (1..=MAX_BATCH + 1).map(|n| n.to_string()).collect();
    let too_many: Vec<&str> = names.iter().map(String::as_str).collect();
    let before = products_state(&ctx);
    assert_eq!(commission(&mut ctx, WINERY, None, &too_many), Err(Error::TooManyItems.into()));
    assert_eq!(products_state(&ctx), before);
    commission(&mut ctx, WINERY, Some("L1"), &too_many[..MAX_BATCH]).unwrap();
    assert!(ITEMS.contains(&ctx, &wine_serial("1")));
    assert!(ITEMS.contains(&ctx, &wine_serial("1000")));
    assert!(!ITEMS.contains(&ctx, &wine_serial("1001")));
    assert_eq!(LOTS.get(&ctx, &gtin(&wine_gtin()), &b"L1".to_vec()), 1000);
    assert_eq!(commission(&mut ctx, WINERY, None, &[]), Err(Error::NoItems.into()));
}

#[test]
fn commissioning_weight_grows_with_the_batch() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    let one = call_weight(&serials_call(&ctx, None, &["1"]));
    let two = call_weight(&serials_call(&ctx, None, &["1", "2"]));
    let thousand: Vec<String> = (0..1000).map(|n| n.to_string()).collect();
    let thousand: Vec<&str> = thousand.iter().map(String::as_str).collect();
    let big = call_weight(&serials_call(&ctx, None, &thousand));
    assert!(two.ref_time > one.ref_time);
    assert_eq!(big.ref_time - one.ref_time, 999 * (two.ref_time - one.ref_time));
    assert!(!big.any_gt(tracechain_support::weight::DEFAULT_BLOCK_LIMITS.max_normal_weight()));
}

#[test]
fn a_bad_serial_in_a_batch_changes_nothing() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let events_before = ctx.events().len();
    let before = products_state(&ctx);
    let too_long = "1".repeat(21);
    for bad in ["", "#1", "é", "with space", "~", too_long.as_str()] {
        let call = serials_call(&ctx, Some("L1"), &["1", "2", bad, "4"]);
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(Error::InvalidSerial.into()), "{bad:?}");
        assert_eq!(products_state(&ctx), before);
    }
    // The same serial twice in one batch, or one already commissioned: all or nothing too.
    let call = serials_call(&ctx, None, &["1", "2", "1"]);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(Error::DuplicateItem.into()));
    assert_eq!(products_state(&ctx), before);
    assert_eq!(ctx.events().len(), events_before);
    commission(&mut ctx, WINERY, None, &["2"]).unwrap();
    let after_two = products_state(&ctx);
    assert_eq!(commission(&mut ctx, WINERY, None, &["1", "2", "3"]), Err(Error::DuplicateItem.into()));
    assert_eq!(products_state(&ctx), after_two);
    assert!(!ITEMS.contains(&ctx, &wine_serial("1")));
    // A bad lot is refused before any serial.
    assert_eq!(commission(&mut ctx, WINERY, Some("L 1"), &["5"]), Err(Error::InvalidLot.into()));
    // The 20-character limit itself and the whole character set 82 are fine.
    let longest = "9".repeat(20);
    commission(&mut ctx, WINERY, None, &[&longest, "!\"%&'()*+,-./:;<=>?_", "zZ09"]).unwrap();
}

#[test]
fn only_the_brand_may_commission() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let unknown = Err(Error::ProductClassNotFound.into());
    assert_eq!(commission(&mut ctx, WINERY, None, &["1"]), unknown);
    register_wine(&mut ctx);
    for other in [CARRIER, RETAILER, REGULATOR] {
        assert_eq!(commission(&mut ctx, other, None, &["1"]), Err(Error::NotManufacturer.into()));
        assert_eq!(commission_lot_as(&mut ctx, other, "L1", 10), Err(Error::NotManufacturer.into()));
    }
    // Another manufacturer is not the brand.
    assert_eq!(commission(&mut ctx, OTHER_MAKER, None, &["1"]), Err(Error::NotBrandOwner.into()));
    assert_eq!(commission_lot_as(&mut ctx, OTHER_MAKER, "L1", 10), Err(Error::NotBrandOwner.into()));
    // Permission before arguments: a bad serial from a non-brand is told it is not the brand.
    assert_eq!(commission(&mut ctx, OTHER_MAKER, None, &["bad serial"]), Err(Error::NotBrandOwner.into()));
    assert_eq!(commission(&mut ctx, CARRIER, None, &["bad serial"]), Err(Error::NotManufacturer.into()));
    assert_eq!(commission(&mut ctx, OUTSIDER, None, &["1"]), Err(Error::NotMember.into()));
}

#[test]
fn a_brand_whose_manufacturer_role_was_revoked_neither_commissions_nor_documents() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, None, &["1"]).unwrap();
    // The consortium revokes the winery's Manufacturer role (as an executed RevokeRole would).
    let winery = org(&ctx, WINERY);
    let mut roles = pallet_membership::roles(&ctx, winery);
    roles.retain(|role| *role != Role::Manufacturer);
    pallet_membership::ORG_ROLES.insert(&mut ctx, &winery, &roles);
    let changes_before = ctx.overlay.committed_changes().clone();
    assert_eq!(commission(&mut ctx, WINERY, None, &["2"]), Err(Error::NotManufacturer.into()));
    assert_eq!(commission_lot_as(&mut ctx, WINERY, "L9", 10), Err(Error::NotManufacturer.into()));
    let document = Document { hash: H256::repeat_byte(7), uri: b"ipfs://forged-certificate".to_vec() };
    let add = Call::add_document { gtin: wine_gtin().into_bytes(), document };
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), add), Err(Error::NotManufacturer.into()));
    assert_eq!(ctx.overlay.committed_changes(), &changes_before, "the refusals changed nothing");
    // Its existing items are untouched and still its own.
    assert_eq!(item(&ctx, &wine_serial("1")).unwrap().owner, winery);
    assert!(item(&ctx, &wine_serial("2")).is_none());
}

#[test]
fn commissioning_a_lot() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    assert_eq!(commission_lot_as(&mut ctx, WINERY, "L1", 0), Err(Error::InvalidQuantity.into()));
    assert_eq!(commission_lot_as(&mut ctx, WINERY, "", 5), Err(Error::InvalidLot.into()));
    commission_lot_as(&mut ctx, WINERY, "L1", 1_200).unwrap();
    let id = lot_item_id(&gtin(&wine_gtin()), b"L1");
    assert_eq!(id, blake2_256_h(format!("(01){}(10)L1", wine_gtin()).as_bytes()));
    let item = item(&ctx, &id).unwrap();
    assert_eq!(item.kind, ItemKind::Lot { lot: b"L1".to_vec(), quantity: 1_200 });
    assert_eq!(item.lot_number(), Some(b"L1".as_slice()));
    assert_eq!(item.owner, org(&ctx, WINERY));
    assert!(matches!(
        ctx.events().last().map(|record| &record.event),
        Some(Event::LotCommissioned {
            quantity: 1_200,
            biz_step: BizStep::commissioning,
            disposition: Disposition::active,
            ..
        })
    ));
    assert_eq!(commission_lot_as(&mut ctx, WINERY, "L1", 5), Err(Error::DuplicateItem.into()));
}

#[test]
fn dates_are_real_calendar_dates_and_expiry_follows_production() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let here = location_of(&ctx, WINERY);
    let call = |production: u32, expiry: Option<u32>, serial: &str| Call::commission_serials {
        gtin: wine_gtin().into_bytes(),
        lot: None,
        serials: vec![serial.as_bytes().to_vec()],
        production_date: production,
        expiry_date: expiry,
        location: here.clone(),
    };
    for bad in [0, 20_230_229, 20_231_301, 20_230_431, 20_230_100, 19_000_229, 2_023_101, 100_000_101] {
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), call(bad, None, "1")),
            Err(Error::InvalidProductionDate.into()),
            "{bad}"
        );
    }
    for bad in [Some(20_240_101), Some(20_231_231), Some(20_240_230)] {
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), call(20_240_101, bad, "1")),
            Err(Error::InvalidExpiryDate.into()),
            "{bad:?}"
        );
    }
    dispatch(&mut ctx, &signed(WINERY), call(20_240_229, Some(20_240_301), "1")).unwrap();
    dispatch(&mut ctx, &signed(WINERY), call(20_000_229, None, "2")).unwrap();
    assert!(is_valid_date(20_000_229) && !is_valid_date(21_000_229) && is_valid_date(99_991_231));
}

#[test]
fn the_commissioning_location_must_be_a_valid_gln_or_un_locode() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let at = |location: Location| Call::commission_lot {
        gtin: wine_gtin().into_bytes(),
        lot: b"L1".to_vec(),
        quantity: 1,
        production_date: 20_190_915,
        expiry_date: None,
        location,
    };
    for bad in [Location::Gln(Gln(*b"3760001000008")), Location::UnLocode(UnLocode(*b"FRLE1"))] {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), at(bad)), Err(Error::InvalidLocation.into()));
    }
    dispatch(&mut ctx, &signed(WINERY), at(Location::UnLocode("FRBOD".parse().unwrap()))).unwrap();
}
