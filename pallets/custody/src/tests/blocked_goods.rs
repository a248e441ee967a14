//! Goods that may not move (on hold, refused, recalled or sold), and calls that fail leaving
//! nothing behind.

use super::*;

#[test]
fn goods_on_hold_refused_recalled_or_sold_cannot_move() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused = |error| Err(products_error(error));
    pallet_products::set_customs_state(&mut ctx, &bottle(1), CustomsState::OnHold);
    pallet_products::set_customs_state(&mut ctx, &bottle(2), CustomsState::InspectionRequired);
    pallet_products::set_customs_state(&mut ctx, &bottle(3), CustomsState::Refused);
    pallet_products::set_status(&mut ctx, &bottle(4), ItemStatus::Sold);
    pallet_products::set_status(&mut ctx, &bottle(5), ItemStatus::Destroyed);
    use pallet_products::Error::{ItemNotActive, ItemOnCustomsHold, ItemRecalled, ItemRefusedByCustoms};
    for (n, error) in [
        (1, ItemOnCustomsHold),
        (2, ItemOnCustomsHold),
        (3, ItemRefusedByCustoms),
        (4, ItemNotActive),
        (5, ItemNotActive),
    ] {
        for kind in [TransferKind::Custody, TransferKind::Ownership] {
            assert_eq!(propose(&mut ctx, WINERY, item(n), kind, CARRIER_ORG).map(|_| ()), refused(error), "bottle {n}");
        }
        assert_eq!(pack(&mut ctx, WINERY, sscc(1), vec![item(n)]), refused(error), "bottle {n}");
    }

    // A recalled lot, through pallet-products' own call.
    commission(&mut ctx, 50..=51, b"L2019B");
    let recall =
        pallet_products::Call::recall_lot { gtin: gtin(), lot: b"L2019B".to_vec(), reason: b"cork taint".to_vec() };
    pallet_products::dispatch(&mut ctx, &signed(WINERY), recall).unwrap();
    assert_eq!(
        propose(&mut ctx, WINERY, item(50), TransferKind::Custody, CARRIER_ORG).map(|_| ()),
        refused(ItemRecalled)
    );

    // One held bottle stops its whole pallet, and the pallet cannot be opened either.
    pack(&mut ctx, WINERY, sscc(2), bottles(10..=12)).unwrap();
    let id = propose(&mut ctx, WINERY, Subject::Aggregate(sscc(2)), TransferKind::Custody, CARRIER_ORG).unwrap();
    pallet_products::set_customs_state(&mut ctx, &bottle(11), CustomsState::OnHold);
    assert_eq!(accept(&mut ctx, CARRIER, id, winery_gln()), refused(ItemOnCustomsHold));
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(sscc(2)), TransferKind::Ownership, CARRIER_ORG).map(|_| ()),
        refused(ItemOnCustomsHold)
    );
    assert_eq!(
        call(&mut ctx, WINERY, Call::unpack { sscc: sscc(2), location: winery_gln() }),
        refused(ItemOnCustomsHold)
    );
    assert_eq!(product(&ctx, 10).custodian, WINERY_ORG);
    pallet_products::set_customs_state(&mut ctx, &bottle(11), CustomsState::Cleared);
    accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
    assert_eq!(product(&ctx, 10).custodian, CARRIER_ORG);

    // A bottle sold (or recalled) while still in its case stops the case from moving, but does
    // not seal it: unpacking takes it out and the rest move on.
    pack(&mut ctx, WINERY, sscc(3), bottles(13..=15)).unwrap();
    pallet_products::set_status(&mut ctx, &bottle(14), ItemStatus::Sold);
    pallet_products::set_status(&mut ctx, &bottle(15), ItemStatus::Recalled);
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(sscc(3)), TransferKind::Custody, CARRIER_ORG).map(|_| ()),
        refused(ItemNotActive)
    );
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(3), location: winery_gln() }).unwrap();
    assert_eq!((product(&ctx, 14).parent, product(&ctx, 14).status), (None, ItemStatus::Sold));
    hand_over(&mut ctx, WINERY, item(13), (CARRIER, CARRIER_ORG), winery_gln());
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    commission(&mut ctx, 21..=600, b"L2019");
    pallet_products::set_customs_state(&mut ctx, &bottle(600), CustomsState::OnHold);
    let before = ctx.overlay.committed_changes().clone();
    let events_before = ctx.events().len();
    assert_eq!(
        pack(&mut ctx, WINERY, sscc(1), bottles(1..=600)),
        Err(products_error(pallet_products::Error::ItemOnCustomsHold))
    );
    assert_eq!(ctx.overlay.committed_changes(), &before, "the 599 movable bottles were not touched");
    assert_eq!(ctx.events().len(), events_before);
}
