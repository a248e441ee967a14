//! An item's current state as the other pallets read and change it: whether it may move, and the
//! setters.

use super::*;

#[test]
fn ensure_movable_follows_status_and_customs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, None, &["1"]).unwrap();
    let id = wine_serial("1");
    assert_eq!(ensure_movable(&ctx, &wine_serial("404")), Err(Error::ItemNotFound.into()));
    for (state, outcome) in [
        (CustomsState::Declared, Err(Error::ItemAwaitingCustoms)),
        (CustomsState::OnHold, Err(Error::ItemOnCustomsHold)),
        (CustomsState::InspectionRequired, Err(Error::ItemOnCustomsHold)),
        (CustomsState::Refused, Err(Error::ItemRefusedByCustoms)),
        (CustomsState::Cleared, Ok(())),
        (CustomsState::ReExported, Ok(())),
        (CustomsState::Destroyed, Err(Error::ItemNotActive)),
    ] {
        set_customs_state(&mut ctx, &id, state);
        assert_eq!(ensure_movable(&ctx, &id).map(|item| item.customs), outcome.map(|()| state).map_err(Into::into));
    }
    set_customs_state(&mut ctx, &id, CustomsState::Cleared);
    for status in [ItemStatus::Sold, ItemStatus::Recalled, ItemStatus::Destroyed, ItemStatus::Counterfeit] {
        set_status(&mut ctx, &id, status);
        assert_eq!(ensure_movable(&ctx, &id), Err(Error::ItemNotActive.into()));
    }
    set_status(&mut ctx, &id, ItemStatus::Active);
    assert!(ensure_movable(&ctx, &id).is_ok());
}

#[test]
fn setters_change_only_their_field_and_ignore_unknown_items() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, None, &["1"]).unwrap();
    let id = wine_serial("1");
    let before = item(&ctx, &id).unwrap();
    let carrier = org(&ctx, CARRIER);
    let retailer = org(&ctx, RETAILER);
    let (le_havre, shanghai) = (location_of(&ctx, CARRIER), location_of(&ctx, RETAILER));
    set_custodian(&mut ctx, &id, carrier, le_havre.clone());
    set_owner(&mut ctx, &id, retailer);
    set_parent(&mut ctx, &id, Some(*b"037600010000000018"));
    let after = item(&ctx, &id).unwrap();
    assert_eq!((after.custodian, after.owner), (carrier, retailer));
    assert_eq!(after.location, le_havre);
    assert_eq!(after.parent, Some(*b"037600010000000018"));
    assert_eq!((after.status, after.gtin, after.kind.clone()), (before.status, before.gtin, before.kind.clone()));
    set_location(&mut ctx, &id, shanghai.clone());
    set_parent(&mut ctx, &id, None);
    assert_eq!(item(&ctx, &id).unwrap().location, shanghai);
    assert_eq!(item(&ctx, &id).unwrap().parent, None);
    let unknown = wine_serial("404");
    set_status(&mut ctx, &unknown, ItemStatus::Sold);
    set_owner(&mut ctx, &unknown, carrier);
    assert!(item(&ctx, &unknown).is_none());
}
