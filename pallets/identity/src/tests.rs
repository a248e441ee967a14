//! Tests of the identity pallet against an in-memory state built by pallet-membership's genesis,
//! with items commissioned through pallet-products.

use std::collections::BTreeMap;

use pallet_membership::types::{Location, OrgId};
use pallet_products::{CustomsState, Gtin};
use parity_scale_codec::Encode;
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    commission_lot_call, commission_serials_call,
    consortium::{Consortium, Founder},
    context::ContextBuilder,
    gs1::{wine_gtin, with_check_digit},
    register_wine_call,
    story::{CARRIER, NOW, OUTSIDER, WINERY},
    test_events,
};
use tracechain_primitives::H256;
use tracechain_support::{dispatch::DispatchError, Context, Overlay};

use super::*;
use crate::calls::ensure_not_sold;

const RETAILER: u8 = 3;
const REGULATOR: u8 = 4;
const OTHER_RETAILER: u8 = 5;
const BLOCK: u32 = 11;
const RESOLVER: &str = "id.tracechain.example";

test_events! {
    /// The events of both pallets under test.
    TestEvent { Products(pallet_products::Event), Identity(Event) }
}

type Ctx<'a> = Context<'a, TestEvent>;

/// The winery and the carrier of the acceptance story, its retailer and regulator, and a
/// second retailer in Shenzhen.
fn consortium() -> Consortium {
    Consortium::winery_and_carrier()
        .with(Founder::tmall_global(RETAILER))
        .with(Founder::gacc(REGULATOR))
        .with(Founder::new("Other Store", "CN").un_locode("CNSZX").account(OTHER_RETAILER).role("retailer"))
}

/// A fresh block context over the genesis state, with the winery's wine registered and
/// bottles 1, 17 and `A/B%1` of lot `L1`, bottle 99 without a lot, and lot `L2` commissioned.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Ctx<'_> {
    let mut ctx = ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .genesis(build_genesis, &GenesisConfig { resolver_domain: RESOLVER.into() })
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK);
    pallet_products::dispatch(&mut ctx, &signed(WINERY), register_wine_call!(wine_gtin())).unwrap();
    let here = location_of(&ctx, WINERY);
    let serials =
        |lot: Option<&str>, serials: &[&str]| commission_serials_call!(wine_gtin(), lot, serials, here.clone());
    pallet_products::dispatch(&mut ctx, &signed(WINERY), serials(Some("L1"), &["1", "17", "A/B%1"])).unwrap();
    pallet_products::dispatch(&mut ctx, &signed(WINERY), serials(None, &["99"])).unwrap();
    let lot = commission_lot_call!(wine_gtin(), b"L2", 600, here);
    pallet_products::dispatch(&mut ctx, &signed(WINERY), lot).unwrap();
    ctx.take_events();
    ctx
}

fn org(ctx: &Ctx<'_>, n: u8) -> OrgId {
    pallet_membership::organisation_of(ctx, &account(n)).unwrap()
}

fn location_of(ctx: &Ctx<'_>, n: u8) -> Location {
    pallet_membership::organisation(ctx, org(ctx, n)).unwrap().locations[0].clone()
}

fn gtin(text: &str) -> Gtin {
    text.parse().unwrap()
}

fn bottle(serial: &str) -> ItemId {
    pallet_products::serial_item_id(&gtin(&wine_gtin()), serial.as_bytes())
}

fn module_error(error: u8) -> DispatchError {
    tracechain_pallet_testing::errors::module_error(PALLET_INDEX, error)
}

/// Hands the item to the retailer, as pallet-custody would on an accepted transfer.
fn deliver_to(ctx: &mut Ctx<'_>, id: &ItemId, n: u8) {
    let (to, at) = (org(ctx, n), location_of(ctx, n));
    pallet_products::set_custodian(ctx, id, to, at);
}

fn sell(ctx: &mut Ctx<'_>, who: u8, id: ItemId) -> DispatchResult {
    dispatch(ctx, &signed(who), Call::mark_sold { item: id })
}

fn status(ctx: &Ctx<'_>, id: &ItemId) -> ItemStatus {
    pallet_products::item(ctx, id).unwrap().status
}

fn last_event<'c>(ctx: &'c Ctx<'_>) -> &'c Event {
    match ctx.events().last().map(|record| &record.event) {
        Some(TestEvent::Identity(event)) => event,
        other => panic!("expected an identity event, got {other:?}"),
    }
}

#[test]
fn genesis_takes_a_plain_dns_name() {
    let config: GenesisConfig =
        serde_json::from_value(serde_json::json!({"resolverDomain": "QR.Tmall.example"})).unwrap();
    let state = BTreeMap::new();
    let mut overlay = Overlay::new(&state);
    assert_eq!(resolver_domain(&overlay), DEFAULT_RESOLVER_DOMAIN);
    build_genesis(&mut overlay, &config).unwrap();
    assert_eq!(resolver_domain(&overlay), "qr.tmall.example");
    assert!(serde_json::from_value::<GenesisConfig>(serde_json::json!({"resolverDomain": "a.b", "x": 1})).is_err());
    let too_long = format!("{}.example", "a".repeat(64));
    let way_too_long = ["abc"; 70].join(".");
    for bad in [
        "",
        "https://id.example.com",
        "id.example.com/path",
        "id.example.com:8443",
        "user@id.example.com",
        "-id.example.com",
        "id-.example.com",
        "id..example.com",
        "id.example.com.",
        "id_example.com",
        "192.168.1.1",
        "résolveur.example",
        too_long.as_str(),
        way_too_long.as_str(),
    ] {
        let outcome = build_genesis(&mut overlay, &GenesisConfig { resolver_domain: bad.into() });
        assert!(
            matches!(&outcome, Err(GenesisError::InvalidResolverDomain { domain, .. }) if domain == bad),
            "{bad:?}: {outcome:?}"
        );
    }
    for good in ["localhost", "id.gs1.org", "a-b.c1.example", "xn--rsolveur-b1a.example"] {
        build_genesis(&mut overlay, &GenesisConfig { resolver_domain: good.into() }).unwrap();
    }
}

#[test]
fn digital_links_of_serials_and_lots() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    let item = |id: &ItemId| pallet_products::item(&ctx, id).unwrap();
    assert_eq!(digital_link(&ctx, &item(&bottle("17"))), format!("https://{RESOLVER}/01/{}/21/17", wine_gtin()));
    let lot = pallet_products::lot_item_id(&gtin(&wine_gtin()), b"L2");
    assert_eq!(digital_link(&ctx, &item(&lot)), format!("https://{RESOLVER}/01/{}/10/L2", wine_gtin()));
    // `/` and `%` are percent-encoded.
    assert_eq!(
        digital_link(&ctx, &item(&bottle("A/B%1"))),
        format!("https://{RESOLVER}/01/{}/21/A%2FB%251", wine_gtin())
    );
}

#[test]
fn percent_encoding_leaves_only_unreserved_characters() {
    assert_eq!(percent_encode(b"AZaz09-._"), "AZaz09-._");
    assert_eq!(percent_encode(b"!\"%&'()*+,/:;<=>?"), "%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F");
}

#[test]
fn the_published_gs1_examples_parse() {
    let (gtin_a, key_a) = parse_digital_link("https://id.gs1.org/01/09506000134352/10/ABC123").unwrap();
    assert_eq!(gtin_a.as_str(), "09506000134352");
    assert_eq!(key_a, DigitalLinkKey::Lot(b"ABC123".to_vec()));
    let (gtin_b, key_b) = parse_digital_link("https://example.com/01/00614141123452/21/12345").unwrap();
    assert_eq!(gtin_b.as_str(), "00614141123452");
    assert_eq!(key_b, DigitalLinkKey::Serial(b"12345".to_vec()));
    // The notes' example: a serial with its lot as a qualifier and an expiry data attribute.
    let (gtin_c, key_c) =
        parse_digital_link("https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=261231").unwrap();
    assert_eq!((gtin_c.as_str(), key_c), ("09521234543213", DigitalLinkKey::Serial(b"12345".to_vec())));
}

#[test]
fn parsing_normalises_and_rejects() {
    // GTIN-13, GTIN-12 and GTIN-8 are normalised to 14 digits.
    let (gtin13, _) = parse_digital_link("https://id.gs1.org/01/9506000134352/10/ABC123").unwrap();
    assert_eq!(gtin13.as_str(), "09506000134352");
    let (gtin12, _) = parse_digital_link("https://id.gs1.org/01/614141123452/21/1").unwrap();
    assert_eq!(gtin12.as_str(), "00614141123452");
    let (gtin8, _) = parse_digital_link("https://id.gs1.org/01/95012346/21/1").unwrap();
    assert_eq!(gtin8.as_str(), "00000095012346");
    // Scheme and percent-escapes are case-insensitive; raw sub-delimiters are accepted.
    let (_, key) = parse_digital_link("HTTP://example.com/01/00614141123452/21/a%2fb%2F!*").unwrap();
    assert_eq!(key, DigitalLinkKey::Serial(b"a/b/!*".to_vec()));
    let (_, key) = parse_digital_link("https://example.com:8443/01/00614141123452/21/x#frag").unwrap();
    assert_eq!(key, DigitalLinkKey::Serial(b"x".to_vec()));

    // Each bad link and the name of the error it gets.
    let cases = [
        ("https://id.gs1.org/01/09506000134353/10/ABC123", "CheckDigitMismatch"),
        ("https://id.gs1.org/01/9506000134353/10/ABC123", "CheckDigitMismatch"),
        ("https://id.gs1.org/01/0950600013435x/10/ABC123", "InvalidGtin"),
        ("https://id.gs1.org/01/123456789/10/ABC123", "InvalidGtin"),
        ("ftp://id.gs1.org/01/09506000134352/10/ABC123", "NotHttp"),
        ("id.gs1.org/01/09506000134352/10/ABC123", "NotHttp"),
        ("https:///01/09506000134352/10/ABC123", "InvalidHost"),
        ("https://user@id.gs1.org/01/09506000134352/10/A", "InvalidHost"),
        ("https://id.gs1.org/01/09506000134352", "NotCanonicalPath"),
        ("https://id.gs1.org/01/09506000134352/21/1/10/A", "NotCanonicalPath"),
        ("https://id.gs1.org/01/09506000134352/10/A/", "NotCanonicalPath"),
        ("https://id.gs1.org/x/01/09506000134352/10/A", "NotCanonicalPath"),
        ("https://id.gs1.org/01/09506000134352/21/", "InvalidSerial"),
        ("https://id.gs1.org/01/09506000134352/21/123456789012345678901", "InvalidSerial"),
        ("https://id.gs1.org/01/09506000134352/21/%23", "InvalidSerial"),
        ("https://id.gs1.org/01/09506000134352/10/a%2", "InvalidEncoding"),
        ("https://id.gs1.org/01/09506000134352/10/a\"b", "InvalidEncoding"),
    ];
    for (uri, expected) in cases {
        let outcome = parse_digital_link(uri);
        let name = outcome.as_ref().err().map(|error| format!("{error:?}"));
        assert_eq!(
            name.as_deref().and_then(|name| name.split([' ', '{']).next()),
            Some(expected),
            "{uri}: {outcome:?}"
        );
    }
    assert_eq!(parse_digital_link("https://id.gs1.org/01/09506000134352/10/%zz"), Err(ParseError::InvalidEncoding));
    assert_eq!(parse_digital_link("https://id.gs1.org/01/09506000134352/10/é"), Err(ParseError::InvalidEncoding));
    assert_eq!(parse_digital_link("https://id.gs1.org/01/09506000134352/10/a%20b"), Err(ParseError::InvalidLot));
}

#[test]
fn item_for_uri_maps_links_back_to_registered_items() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    for id in [bottle("1"), bottle("17"), bottle("A/B%1"), pallet_products::lot_item_id(&gtin(&wine_gtin()), b"L2")] {
        let uri = digital_link(&ctx, &pallet_products::item(&ctx, &id).unwrap());
        assert_eq!(item_for_uri(&ctx, &uri), Some(id), "{uri}");
    }
    let wine = wine_gtin();
    // Any resolver domain, and the GTIN-13 form, name the same item.
    assert_eq!(item_for_uri(&ctx, &format!("https://id.gs1.org/01/{}/21/17", &wine[1..])), Some(bottle("17")));
    // A lot qualifier must be the item's own lot.
    assert_eq!(item_for_uri(&ctx, &format!("https://id.gs1.org/01/{wine}/10/L1/21/17")), Some(bottle("17")));
    assert_eq!(item_for_uri(&ctx, &format!("https://id.gs1.org/01/{wine}/10/L2/21/17")), None);
    assert_eq!(item_for_uri(&ctx, &format!("https://id.gs1.org/01/{wine}/10/L1/21/99")), None);
    // Unknown items and bad links map to nothing.
    assert_eq!(item_for_uri(&ctx, &format!("https://{RESOLVER}/01/{wine}/21/18")), None);
    assert_eq!(item_for_uri(&ctx, &format!("https://{RESOLVER}/01/{wine}/10/L1")), None);
    assert_eq!(item_for_uri(&ctx, "not a link"), None);
}

#[test]
fn the_retailer_holding_the_bottle_marks_it_sold_once() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = bottle("17");
    // The winery holds it but is no retailer; the store is a retailer but does not hold it yet.
    assert_eq!(sell(&mut ctx, WINERY, id), Err(Error::NotRetailer.into()));
    assert_eq!(sell(&mut ctx, CARRIER, id), Err(Error::NotRetailer.into()));
    assert_eq!(sell(&mut ctx, RETAILER, id), Err(Error::NotCustodian.into()));
    assert_eq!(sell(&mut ctx, OUTSIDER, id), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &Origin::None, Call::mark_sold { item: id }), Err(DispatchError::BadOrigin));
    assert_eq!(sell(&mut ctx, RETAILER, H256::repeat_byte(7)), Err(Error::ItemNotFound.into()));
    deliver_to(&mut ctx, &id, RETAILER);
    assert_eq!(sell(&mut ctx, OTHER_RETAILER, id), Err(Error::NotCustodian.into()));

    sell(&mut ctx, RETAILER, id).unwrap();
    let store = org(&ctx, RETAILER);
    assert_eq!(sale(&ctx, &id), Some(Sale { by: store, at: BLOCK, time: NOW }));
    assert_eq!(status(&ctx, &id), ItemStatus::Sold);
    let Event::ItemSold {
        item,
        gtin: sold_gtin,
        by,
        owner,
        agent,
        read_point,
        biz_location,
        biz_step,
        disposition,
        time,
    } = last_event(&ctx)
    else {
        panic!("expected ItemSold");
    };
    assert_eq!((*item, sold_gtin.as_str(), *by, *owner), (id, wine_gtin().as_str(), store, org(&ctx, WINERY)));
    assert_eq!(
        (*agent, read_point, biz_location),
        (account(RETAILER), &location_of(&ctx, RETAILER), &location_of(&ctx, RETAILER))
    );
    assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("retail_selling", "retail_sold", NOW));

    // A second sale is refused, saying when the first was.
    assert_eq!(sell(&mut ctx, RETAILER, id), Err(module_error(3)));
    assert_eq!(sell(&mut ctx, RETAILER, id), Err(Error::AlreadySold { at: BLOCK, time: NOW }.into()));
    assert_eq!(ensure_not_sold(&ctx, &id), Err(Error::AlreadySold { at: BLOCK, time: NOW }));
    assert_eq!(
        Error::AlreadySold { at: BLOCK, time: NOW }.to_string(),
        format!("the item was already sold in block {BLOCK} (time {NOW})")
    );
    // Even if something set it active again, the sale record stands.
    pallet_products::set_status(&mut ctx, &id, ItemStatus::Active);
    assert_eq!(sell(&mut ctx, RETAILER, id), Err(Error::AlreadySold { at: BLOCK, time: NOW }.into()));
    assert_eq!(sale(&ctx, &bottle("1")), None);
}

#[test]
fn a_bottle_that_may_not_move_may_not_be_sold() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    for serial in ["1", "17", "99"] {
        deliver_to(&mut ctx, &bottle(serial), RETAILER);
    }
    // Declared goods wait for customs: the store holding them cannot sell them yet.
    pallet_products::set_customs_state(&mut ctx, &bottle("99"), CustomsState::Declared);
    let before = ctx.overlay.committed_changes().clone();
    assert_eq!(sell(&mut ctx, RETAILER, bottle("99")), Err(pallet_products::Error::ItemAwaitingCustoms.into()));
    assert_eq!(ctx.overlay.committed_changes(), &before, "a refused sale changes nothing");
    assert_eq!(sale(&ctx, &bottle("99")), None);
    pallet_products::set_customs_state(&mut ctx, &bottle("99"), CustomsState::OnHold);
    assert_eq!(sell(&mut ctx, RETAILER, bottle("99")), Err(pallet_products::Error::ItemOnCustomsHold.into()));
    let recall = pallet_products::Call::recall_lot {
        gtin: wine_gtin().into_bytes(),
        lot: b"L1".to_vec(),
        reason: b"cork taint".to_vec(),
    };
    pallet_products::dispatch(&mut ctx, &signed(REGULATOR), recall).unwrap();
    assert!(matches!(
        ctx.events().last().map(|record| &record.event),
        Some(TestEvent::Products(pallet_products::Event::LotRecalled { .. }))
    ));
    assert_eq!(sell(&mut ctx, RETAILER, bottle("17")), Err(pallet_products::Error::ItemRecalled.into()));
    pallet_products::set_status(&mut ctx, &bottle("1"), ItemStatus::Destroyed);
    assert_eq!(sell(&mut ctx, RETAILER, bottle("1")), Err(pallet_products::Error::ItemNotActive.into()));
    assert!(sale(&ctx, &bottle("17")).is_none());
}

#[test]
fn the_status_a_consumer_sees_includes_recalls() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let item = |ctx: &Ctx<'_>, id: &ItemId| pallet_products::item(ctx, id).unwrap();
    assert_eq!(status_of(&ctx, &item(&ctx, &bottle("17"))), ItemStatus::Active);
    let recall = pallet_products::Call::recall_lot {
        gtin: wine_gtin().into_bytes(),
        lot: b"L1".to_vec(),
        reason: b"cork taint".to_vec(),
    };
    pallet_products::dispatch(&mut ctx, &signed(WINERY), recall).unwrap();
    for serial in ["1", "17", "A/B%1"] {
        assert_eq!(status_of(&ctx, &item(&ctx, &bottle(serial))), ItemStatus::Recalled);
    }
    assert_eq!(status_of(&ctx, &item(&ctx, &bottle("99"))), ItemStatus::Active);
}

#[test]
fn only_the_brand_reports_a_counterfeit() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = bottle("17");
    let report = |reason: &str| Call::report_counterfeit { item: id, reason: reason.as_bytes().to_vec() };
    for other in [CARRIER, RETAILER, REGULATOR] {
        assert_eq!(dispatch(&mut ctx, &signed(other), report("fake")), Err(Error::NotBrandOwner.into()));
    }
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), report("fake")), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), report("")), Err(Error::InvalidReason.into()));
    for hidden in ["fake\u{202e}", "fake\u{0}", "fake\r\nfake"] {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), report(hidden)), Err(Error::ReasonHasControlCharacter.into()));
    }
    let missing = Call::report_counterfeit { item: H256::zero(), reason: b"x".to_vec() };
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), missing), Err(Error::ItemNotFound.into()));
    // Even a sold bottle's code can turn up on fakes.
    deliver_to(&mut ctx, &id, RETAILER);
    sell(&mut ctx, RETAILER, id).unwrap();
    dispatch(&mut ctx, &signed(WINERY), report("QR copied onto refilled bottles")).unwrap();
    assert_eq!(status(&ctx, &id), ItemStatus::Counterfeit);
    let record = counterfeit_report(&ctx, &id).unwrap();
    assert_eq!((record.by, record.at, record.time), (org(&ctx, WINERY), BLOCK, NOW));
    assert!(matches!(
        last_event(&ctx),
        Event::CounterfeitReported {
            biz_step: BizStep::inspecting,
            disposition: Disposition::non_conformant,
            time: NOW,
            ..
        }
    ));
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), report("again")), Err(Error::AlreadyReported.into()));
}

#[test]
fn the_owner_or_a_regulator_records_a_destruction() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let destroy = |id: ItemId| Call::mark_destroyed { item: id, reason: b"broken in transit".to_vec() };
    // The carrier holds it but does not own it.
    deliver_to(&mut ctx, &bottle("17"), CARRIER);
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), destroy(bottle("17"))), Err(Error::NotOwnerOrRegulator.into()));
    assert_eq!(dispatch(&mut ctx, &signed(RETAILER), destroy(bottle("17"))), Err(Error::NotOwnerOrRegulator.into()));
    dispatch(&mut ctx, &signed(WINERY), destroy(bottle("17"))).unwrap();
    assert_eq!(status(&ctx, &bottle("17")), ItemStatus::Destroyed);
    let Event::ItemDestroyed { by, owner, read_point, biz_step, disposition, .. } = last_event(&ctx) else {
        panic!("expected ItemDestroyed");
    };
    assert_eq!((*by, *owner), (org(&ctx, WINERY), org(&ctx, WINERY)));
    assert_eq!(read_point, &location_of(&ctx, CARRIER));
    assert_eq!((biz_step.as_str(), disposition.as_str()), ("destroying", "destroyed"));
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), destroy(bottle("17"))), Err(Error::AlreadyDestroyed.into()));
    // A regulator may destroy what it does not own.
    dispatch(&mut ctx, &signed(REGULATOR), destroy(bottle("1"))).unwrap();
    assert_eq!(destruction(&ctx, &bottle("1")).map(|record| record.by), Some(org(&ctx, REGULATOR)));
    let empty = Call::mark_destroyed { item: bottle("99"), reason: vec![] };
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), empty), Err(Error::InvalidReason.into()));
    let hidden = Call::mark_destroyed { item: bottle("99"), reason: "crushed\u{2067}".as_bytes().to_vec() };
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), hidden), Err(Error::ReasonHasControlCharacter.into()));
    assert_eq!(status(&ctx, &bottle("99")), ItemStatus::Active);
}

#[test]
fn call_event_and_error_indices_are_stable() {
    assert_eq!(Call::mark_sold { item: H256::zero() }.encode()[0], 0);
    assert_eq!(Call::report_counterfeit { item: H256::zero(), reason: vec![] }.encode()[0], 1);
    assert_eq!(Call::mark_destroyed { item: H256::zero(), reason: vec![] }.encode()[0], 2);
    assert_eq!(DispatchError::from(Error::NotMember), module_error(0));
    // The first sale's block and time are not encoded: the error fits Substrate's four bytes.
    assert_eq!(Error::AlreadySold { at: 5, time: 6 }.encode(), vec![3]);
    assert_eq!(DispatchError::from(Error::AlreadySold { at: 5, time: 6 }), module_error(3));
    assert_eq!(DispatchError::from(Error::InvalidReason), module_error(9));
    // The metadata agrees: `AlreadySold` has no encoded fields.
    let scale_info::TypeDef::Variant(errors) = <Error as scale_info::TypeInfo>::type_info().type_def else {
        panic!("errors are an enum");
    };
    let already_sold = errors.variants.iter().find(|variant| variant.name == "AlreadySold").unwrap();
    assert_eq!((already_sold.index, already_sold.fields.len()), (3, 0));
    assert_eq!(DigitalLinkKey::Lot(vec![]).encode(), vec![1, 0]);
}

fn cset82_value() -> impl Strategy<Value = Vec<u8>> {
    "[!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}".prop_map(String::into_bytes)
}

proptest! {
    #[test]
    fn item_to_uri_to_item_round_trips(value in cset82_value(), is_lot in any::<bool>(), body in "[0-9]{13}") {
        let state = BTreeMap::new();
        let ctx = new_ctx(&state);
        let gtin = gtin(&with_check_digit(&body));
        let kind = if is_lot {
            ItemKind::Lot { lot: value.clone(), quantity: 1 }
        } else {
            ItemKind::Serial { serial: value.clone() }
        };
        let mut item = pallet_products::item(&ctx, &bottle("17")).unwrap();
        item.gtin = gtin;
        item.kind = kind;
        item.id = if is_lot {
            pallet_products::lot_item_id(&gtin, &value)
        } else {
            pallet_products::serial_item_id(&gtin, &value)
        };
        let uri = digital_link(&ctx, &item);
        // Only unreserved characters remain unescaped in the value.
        let encoded = uri.rsplit('/').next().unwrap_or_default();
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._%".contains(&b)), "{}", uri);
        let (parsed_gtin, key) = parse_digital_link(&uri).unwrap();
        prop_assert_eq!(parsed_gtin, gtin);
        prop_assert_eq!(key.item_id(&parsed_gtin), item.id);
        let expected = if is_lot { DigitalLinkKey::Lot(value) } else { DigitalLinkKey::Serial(value) };
        prop_assert_eq!(key, expected);
    }

    #[test]
    fn commissioned_items_round_trip_through_the_chain(serial in cset82_value()) {
        let state = BTreeMap::new();
        let mut ctx = new_ctx(&state);
        let call = pallet_products::Call::commission_serials {
            gtin: wine_gtin().into_bytes(),
            lot: None,
            serials: vec![serial.clone()],
            production_date: 20_190_915,
            expiry_date: None,
            location: location_of(&ctx, WINERY),
        };
        // A few generated serials collide with the fixture's bottles; those exist already.
        let _ = pallet_products::dispatch(&mut ctx, &signed(WINERY), call);
        let id = pallet_products::serial_item_id(&gtin(&wine_gtin()), &serial);
        let uri = digital_link(&ctx, &pallet_products::item(&ctx, &id).unwrap());
        prop_assert_eq!(item_for_uri(&ctx, &uri), Some(id));
    }
}
