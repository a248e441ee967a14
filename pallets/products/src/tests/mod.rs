//! Tests of the products pallet against an in-memory state built by pallet-membership's genesis.

use std::collections::BTreeMap;

use pallet_membership::types::{CountryCode, Gln, Location, OrgId, UnLocode};
use parity_scale_codec::Encode;
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    consortium::{Consortium, Founder},
    context::{pallet_changes, ContextBuilder},
    errors::module_error,
    gs1::{wine_gtin, with_check_digit},
    story::{CARRIER, NOW, OUTSIDER, WINERY},
};
use tracechain_primitives::{hashing::blake2_256_h, H256};
use tracechain_support::{dispatch::DispatchError, Context};

use super::*;

const RETAILER: u8 = 3;
const REGULATOR: u8 = 4;
const OTHER_MAKER: u8 = 5;
const BLOCK: u32 = 7;

/// The winery and the carrier of the acceptance story, its retailer and regulator, and a Belgian
/// manufacturer whose company prefix is not the winery's.
fn consortium() -> Consortium {
    let other_maker = Founder::new("Other Maker", "BE").company_prefix("9506000").un_locode("BEANR");
    Consortium::winery_and_carrier()
        .with(Founder::tmall_global(RETAILER))
        .with(Founder::gacc(REGULATOR))
        .with(other_maker.account(OTHER_MAKER).role("manufacturer"))
}

/// A fresh block context at block `BLOCK` and time `NOW` over the genesis state.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
    ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK)
}

fn org(ctx: &Context<'_, Event>, n: u8) -> OrgId {
    pallet_membership::organisation_of(ctx, &account(n)).unwrap()
}

/// The organisation's first registered location (the winery's GLN).
fn location_of(ctx: &Context<'_, Event>, n: u8) -> Location {
    pallet_membership::organisation(ctx, org(ctx, n)).unwrap().locations[0].clone()
}

fn register_call(gtin: &str) -> Call {
    Call::register_class {
        gtin: gtin.as_bytes().to_vec(),
        name: "Château X 2019, 750 ml".as_bytes().to_vec(),
        brand: "Château X".as_bytes().to_vec(),
        hs_code: b"220421".to_vec(),
        origin: "FR".parse().unwrap(),
        documents: vec![Document {
            hash: blake2_256_h(b"spec sheet"),
            uri: b"https://chateau-x.example/spec.pdf".to_vec(),
        }],
    }
}

fn register_wine(ctx: &mut Context<'_, Event>) {
    dispatch(ctx, &signed(WINERY), register_call(&wine_gtin())).unwrap();
}

fn serials_call(ctx: &Context<'_, Event>, lot: Option<&str>, serials: &[&str]) -> Call {
    Call::commission_serials {
        gtin: wine_gtin().into_bytes(),
        lot: lot.map(|lot| lot.as_bytes().to_vec()),
        serials: serials.iter().map(|serial| serial.as_bytes().to_vec()).collect(),
        production_date: 20_190_915,
        expiry_date: Some(20_390_915),
        location: location_of(ctx, WINERY),
    }
}

fn lot_call(ctx: &Context<'_, Event>, lot: &str, quantity: u32) -> Call {
    Call::commission_lot {
        gtin: wine_gtin().into_bytes(),
        lot: lot.as_bytes().to_vec(),
        quantity,
        production_date: 20_190_915,
        expiry_date: None,
        location: location_of(ctx, WINERY),
    }
}

fn commission(ctx: &mut Context<'_, Event>, who: u8, lot: Option<&str>, serials: &[&str]) -> DispatchResult {
    let call = serials_call(ctx, lot, serials);
    dispatch(ctx, &signed(who), call)
}

fn commission_lot_as(ctx: &mut Context<'_, Event>, who: u8, lot: &str, quantity: u32) -> DispatchResult {
    let call = lot_call(ctx, lot, quantity);
    dispatch(ctx, &signed(who), call)
}

fn gtin(text: &str) -> Gtin {
    text.parse().unwrap()
}

fn wine_serial(serial: &str) -> ItemId {
    serial_item_id(&gtin(&wine_gtin()), serial.as_bytes())
}

/// Everything the pallet stores, to check that a failed call changed nothing.
fn products_state(ctx: &Context<'_, Event>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    pallet_changes(&ctx.overlay, PALLET_NAME)
}

#[test]
fn register_class_stores_the_class_and_emits_master_data() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let class = product_class(&ctx, &gtin(&wine_gtin())).unwrap();
    assert_eq!(class.brand_org, org(&ctx, WINERY));
    assert_eq!(class.hs_code, b"220421".to_vec());
    assert_eq!(class.origin, "FR".parse().unwrap());
    assert_eq!(class.registered_at, BLOCK);
    assert_eq!(class.documents.len(), 1);
    assert!(matches!(
        &ctx.events()[0].event,
        Event::ProductClassRegistered { gtin: registered, agent, time: NOW, .. }
            if registered.as_str() == wine_gtin() && *agent == account(WINERY)
    ));
    assert_eq!(
        dispatch(&mut ctx, &signed(WINERY), register_call(&wine_gtin())),
        Err(Error::ClassAlreadyRegistered.into())
    );
}

#[test]
fn register_class_needs_a_signed_member_manufacturer() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    assert_eq!(dispatch(&mut ctx, &Origin::None, register_call(&wine_gtin())), Err(DispatchError::BadOrigin));
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), register_call(&wine_gtin())), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), register_call(&wine_gtin())), Err(Error::NotManufacturer.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), register_call(&wine_gtin())), Err(Error::NotManufacturer.into()));
    // The permission is checked before the arguments: a carrier with a bad GTIN is told it is
    // not a manufacturer.
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), register_call("123")), Err(Error::NotManufacturer.into()));
    assert!(ctx.events().is_empty());
}

#[test]
fn a_gtin_outside_the_registrants_company_prefix_is_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused = Err(Error::PrefixNotOwned.into());
    // Another member's prefix (GS1's example prefix 9506000, owned by Other Maker).
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0950600013435"))), refused);
    // 3760001 appears in the GTIN, but not right after the indicator digit.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0123760001123"))), refused);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0000003760001"))), refused);
    // 3760001 starting at the indicator digit is one position off.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("3760001000170"))), refused);
    // No member owns this prefix.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0400000000017"))), refused);
    // The prefix's owner may register it; a non-zero indicator (a case of bottles) is fine too.
    dispatch(&mut ctx, &signed(OTHER_MAKER), register_call(&with_check_digit("0950600013435"))).unwrap();
    dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("1376000100017"))).unwrap();
}

#[test]
fn a_check_digit_that_does_not_verify_is_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let good = wine_gtin();
    let last = good.as_bytes()[13] - b'0';
    let bad = format!("{}{}", &good[..13], (last + 1) % 10);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&bad)), Err(Error::CheckDigitMismatch.into()));
    for malformed in ["", "1234567", "123456789", "037600010001x7", "037600010001777"] {
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), register_call(malformed)),
            Err(Error::InvalidGtin.into()),
            "{malformed:?}"
        );
    }
    assert!(product_class(&ctx, &gtin(&good)).is_none());
}

#[test]
fn gtin_13_input_is_stored_as_gtin_14() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let gtin13 = with_check_digit("376000100017");
    dispatch(&mut ctx, &signed(WINERY), register_call(&gtin13)).unwrap();
    let stored = product_class(&ctx, &gtin(&wine_gtin())).unwrap();
    assert_eq!(stored.gtin.as_str(), format!("0{gtin13}"));
    assert_eq!(stored.gtin.as_str(), wine_gtin());
    // The 14-digit form names the same class.
    assert_eq!(
        dispatch(&mut ctx, &signed(WINERY), register_call(&wine_gtin())),
        Err(Error::ClassAlreadyRegistered.into())
    );
}

#[test]
fn class_fields_are_validated() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let with = |change: &dyn Fn(&mut Call)| {
        let mut call = register_call(&wine_gtin());
        change(&mut call);
        call
    };
    let cases: Vec<(Call, Error)> = vec![
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    name.clear()
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    *name = vec![b'a'; 129]
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    *name = vec![0xff, 0xfe]
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { brand, .. } = c {
                    *brand = vec![b'b'; 65]
                }
            }),
            Error::InvalidBrand,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"22042".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"22042100001".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"2204a1".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { origin, .. } = c {
                    *origin = CountryCode(*b"fr")
                }
            }),
            Error::InvalidCountry,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    *documents = vec![Document { hash: H256::zero(), uri: b"u".to_vec() }; 9]
                }
            }),
            Error::TooManyDocuments,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    documents[0].uri = vec![b'u'; 257]
                }
            }),
            Error::InvalidDocumentUri,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    documents[0].uri = b"has space".to_vec()
                }
            }),
            Error::InvalidDocumentUri,
        ),
    ];
    for (call, error) in cases {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(error.into()));
    }
    // The limits themselves are fine: 128-byte name, 64-byte brand, 10-digit HS code, 8 documents.
    let call = with(&|c| {
        if let Call::register_class { name, brand, hs_code, documents, .. } = c {
            *name = vec![b'a'; 128];
            *brand = vec![b'b'; 64];
            *hs_code = b"2204210000".to_vec();
            let mut uri = b"https://".to_vec();
            uri.resize(256, b'u');
            *documents = vec![Document { hash: H256::zero(), uri }; 8];
        }
    });
    dispatch(&mut ctx, &signed(WINERY), call).unwrap();
}

/// A register call whose name and brand are replaced and whose first document has `uri`.
fn register_with(name: &str, brand: &str, uri: &[u8]) -> Call {
    let mut call = register_call(&wine_gtin());
    if let Call::register_class { name: n, brand: b, documents, .. } = &mut call {
        *n = name.as_bytes().to_vec();
        *b = brand.as_bytes().to_vec();
        documents[0].uri = uri.to_vec();
    }
    call
}

#[test]
fn names_brands_and_reasons_refuse_control_and_bidi_characters_and_change_nothing() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let uri = b"https://chateau-x.example/spec.pdf";
    let cases = [
        (register_with("Château X\u{202e}lm 057", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X\u{0}", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X\n2019", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X", "Château\u{2066}X", uri), Error::BrandHasControlCharacter),
        (register_with("Château X", "Château\u{1b}[31mX", uri), Error::BrandHasControlCharacter),
    ];
    for (call, error) in cases {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(error.into()));
        assert!(products_state(&ctx).is_empty(), "a refused class writes nothing");
    }
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, Some("L1"), &["1"]).unwrap();
    let before = products_state(&ctx);
    for reason in ["cork taint\u{202e}", "line\u{7}bell", "tab\tseparated"] {
        let lot = Call::recall_lot { gtin: wine_gtin().into_bytes(), lot: b"L1".to_vec(), reason: reason.into() };
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), lot), Err(Error::ReasonHasControlCharacter.into()));
        let class = Call::recall_class { gtin: wine_gtin().into_bytes(), reason: reason.into() };
        assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), class), Err(Error::ReasonHasControlCharacter.into()));
    }
    assert_eq!(products_state(&ctx), before);
    // Non-ASCII text without control characters is fine.
    let lot = Call::recall_lot {
        gtin: wine_gtin().into_bytes(),
        lot: b"L1".to_vec(),
        reason: "bouchon défectueux — 软木塞".into(),
    };
    dispatch(&mut ctx, &signed(WINERY), lot).unwrap();
}

#[test]
fn document_uris_are_https_http_ipfs_or_ar() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused: [&[u8]; 7] = [
        b"javascript:alert(document.cookie)",
        b"JavaScript:alert(1)",
        b"data:text/html;base64,PHNjcmlwdD4",
        b"file:///etc/passwd",
        b"ftp://x/y",
        b"https:",
        b"spec.pdf",
    ];
    for uri in refused {
        let call = register_with("Château X", "Château X", uri);
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), call),
            Err(Error::DocumentUriSchemeNotAllowed.into()),
            "{uri:?}"
        );
        assert!(products_state(&ctx).is_empty());
    }
    let malformed: [&[u8]; 3] = [b"https://a b", b"https://a\x01b", "https://é".as_bytes()];
    for uri in malformed {
        let call = register_with("Château X", "Château X", uri);
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(Error::InvalidDocumentUri.into()), "{uri:?}");
    }
    register_wine(&mut ctx);
    let add = |uri: &[u8]| Call::add_document {
        gtin: wine_gtin().into_bytes(),
        document: Document { hash: H256::repeat_byte(1), uri: uri.to_vec() },
    };
    let before = products_state(&ctx);
    let refused: [&[u8]; 3] = [b"javascript:alert(1)", b"data:,x", b"ipfs:"];
    for uri in refused {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), add(uri)), Err(Error::DocumentUriSchemeNotAllowed.into()));
    }
    assert_eq!(products_state(&ctx), before);
    let accepted: [&[u8]; 5] = [
        b"HTTPS://chateau-x.example/a.pdf",
        b"http://chateau-x.example/b",
        b"ipfs://bafybeigdyrzt",
        b"IPFS:QmYwAPJzv5",
        b"ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U",
    ];
    for uri in accepted {
        dispatch(&mut ctx, &signed(WINERY), add(uri)).unwrap();
    }
    assert_eq!(product_class(&ctx, &gtin(&wine_gtin())).unwrap().documents.len(), 6);
}

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

#[test]
fn documents_are_added_by_the_brand_up_to_the_limit() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let add = |n: u8| Call::add_document {
        gtin: wine_gtin().into_bytes(),
        document: Document { hash: H256::repeat_byte(n), uri: format!("ipfs://doc{n}").into_bytes() },
    };
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), add(1)), Err(Error::NotManufacturer.into()));
    assert_eq!(dispatch(&mut ctx, &signed(OTHER_MAKER), add(1)), Err(Error::NotBrandOwner.into()));
    for n in 2..=MAX_DOCUMENTS as u8 {
        dispatch(&mut ctx, &signed(WINERY), add(n)).unwrap();
    }
    assert_eq!(product_class(&ctx, &gtin(&wine_gtin())).unwrap().documents.len(), MAX_DOCUMENTS);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), add(9)), Err(Error::TooManyDocuments.into()));
}

#[test]
fn call_event_and_error_indices_are_stable() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    assert_eq!(register_call(&wine_gtin()).encode()[0], 0);
    assert_eq!(serials_call(&ctx, None, &[]).encode()[0], 1);
    assert_eq!(lot_call(&ctx, "L", 1).encode()[0], 2);
    assert_eq!(Call::recall_lot { gtin: vec![], lot: vec![], reason: vec![] }.encode(), vec![3, 0, 0, 0]);
    assert_eq!(Call::recall_class { gtin: vec![], reason: vec![] }.encode(), vec![4, 0, 0]);
    assert_eq!(
        Call::add_document { gtin: vec![], document: Document { hash: H256::zero(), uri: vec![] } }.encode()[0],
        5
    );
    assert_eq!(DispatchError::from(Error::NotMember), module_error(10, 0));
    assert_eq!(DispatchError::from(Error::PrefixNotOwned), module_error(10, 4));
    assert_eq!(DispatchError::from(Error::ItemNotFound), module_error(10, 25));
    assert_eq!(DispatchError::from(Error::InvalidReason), module_error(10, 33));
    assert_eq!(ItemStatus::Counterfeit.encode(), vec![4]);
    assert_eq!(CustomsState::Refused.encode(), vec![5]);
    assert_eq!(CustomsState::ReExported.encode(), vec![6]);
    assert_eq!(CustomsState::Destroyed.encode(), vec![7]);
    assert_eq!(BizStep::retail_selling.encode(), vec![2]);
    assert_eq!(Disposition::retail_sold.encode(), vec![2]);
    assert_eq!(gtin(&wine_gtin()).encode(), wine_gtin().into_bytes());
}

#[test]
fn gtin_text_forms() {
    let wine = gtin(&wine_gtin());
    assert_eq!(wine.to_string(), wine_gtin());
    assert_eq!(format!("{wine:?}"), format!("Gtin({})", wine_gtin()));
    assert_eq!(wine.indicator(), b'0');
    assert_eq!(wine.after_indicator(), &wine_gtin().as_bytes()[1..]);
    assert_eq!(serde_json::to_value(wine).unwrap(), serde_json::json!(wine_gtin()));
    assert_eq!(serde_json::from_value::<Gtin>(serde_json::json!(wine_gtin())).unwrap(), wine);
    assert!(serde_json::from_value::<Gtin>(serde_json::json!("03760001000171")).is_err());
    // GS1's published examples.
    assert!("10614141000415".parse::<Gtin>().is_ok());
    assert_eq!("614141000418".parse::<Gtin>().unwrap().as_str(), "00614141000418");
    assert_eq!("6291041500213".parse::<Gtin>().unwrap().as_str(), "06291041500213");
    assert_eq!("6291041500214".parse::<Gtin>(), Err(Error::CheckDigitMismatch));
}

fn digits(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, range).prop_map(|digits| digits.iter().map(|d| char::from(b'0' + d)).collect())
}

proptest! {
    #[test]
    fn a_computed_check_digit_passes_and_any_single_digit_change_fails(
        body in digits(13..14), position in 0usize..14, delta in 1u8..10
    ) {
        let full = with_check_digit(&body);
        prop_assert!(Gtin::parse(full.as_bytes()).is_ok());
        let mut changed = full.into_bytes();
        changed[position] = b'0' + (changed[position] - b'0' + delta) % 10;
        prop_assert_eq!(Gtin::parse(&changed), Err(Error::CheckDigitMismatch));
    }

    #[test]
    fn gtin_8_12_13_normalise_to_14_by_left_zero_padding(
        body in prop_oneof![digits(7..8), digits(11..12), digits(12..13)]
    ) {
        let short = with_check_digit(&body);
        let gtin = Gtin::parse(short.as_bytes()).unwrap();
        let expected = format!("{short:0>14}");
        prop_assert_eq!(gtin.as_str(), expected.as_str());
        prop_assert_eq!(Gtin::parse(expected.as_bytes()), Ok(gtin));
        prop_assert!(tracechain_primitives::gs1::check_digit_is_valid(gtin.as_bytes()));
    }

    #[test]
    fn serials_of_character_set_82_are_valid_and_others_not(
        serial in "[!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}", bad in "[#$@\\[\\]^`{|}~ ]"
    ) {
        prop_assert!(is_valid_serial(serial.as_bytes()));
        let mut with_bad = serial.clone();
        with_bad.insert_str(0, &bad);
        with_bad.truncate(20);
        prop_assert!(!is_valid_serial(with_bad.as_bytes()));
    }
}
