//! Tests of the customs pallet against an in-memory state built by pallet-membership's genesis,
//! with items commissioned through pallet-products, packed through pallet-custody and
//! inspected through pallet-inspection.

use std::collections::BTreeMap;

use pallet_custody::types::{Sscc, TransferKind};
use pallet_inspection::{InspectionResult, InspectionSubject};
use pallet_membership::types::{Location, OrgId};
use parity_scale_codec::{Decode, Encode};
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    commission_serials_call,
    consortium::{Consortium, Founder},
    context::{pallet_changes, ContextBuilder},
    events::{events_of, last_event_of},
    gs1::{sscc, wine_gtin, winery_gtin, WINERY_GLN},
    story::{
        CARRIER, CCIG, GACC as REGULATOR, IMPORTER, NOW, OUTSIDER, SHANGHAI_CUSTOMS as SH_CUSTOMS, TMALL as RETAILER,
        WINERY,
    },
    test_events,
};
use tracechain_primitives::{hashing::blake2_256_h, Moment};
use tracechain_support::{dispatch::DispatchError, Context, Overlay};

use super::*;

const SZ_CUSTOMS: u8 = 8;
const QUALITY_LAB: u8 = 10;
const RIVAL: u8 = 11;
const BLOCK: u32 = 42;

test_events! {
    /// The events of the pallets under test. The other pallets' events are only shown in failure
    /// messages.
    TestEvent {
        Products(pallet_products::Event),
        Custody(pallet_custody::Event),
        Inspection(pallet_inspection::Event),
        Identity(pallet_identity::Event),
        Customs(Event),
    }
}

type Ctx<'a> = Context<'a, TestEvent>;

/// The consortium of the acceptance story (the runtime's development chain), plus Shenzhen
/// customs, a laboratory accredited for quality only and a second importer in Shanghai.
fn consortium() -> Consortium {
    Consortium::development_chain()
        .with(Founder::new("Shenzhen Customs", "CN").un_locode("CNSZX").account(SZ_CUSTOMS).customs_authority("CNSZX"))
        .with(Founder::new("Quality Lab", "CN").un_locode("CNSZX").account(QUALITY_LAB).inspector("quality"))
        .with(Founder::new("Pudong Rival Imports", "CN").un_locode("CNSHA").account(RIVAL).role("importer"))
}

/// Foods and beverages (HS chapters 01–24) need a quarantine inspection.
fn customs_genesis() -> GenesisConfig {
    serde_json::from_str(r#"{"inspectionRules":[{"chapters":[1,24],"scope":"quarantine"}]}"#).unwrap()
}

/// A fresh block context over the genesis state, with the winery's wine (HS 220421, origin FR)
/// and corkscrew (HS 820559, made in CN) registered; bottles 1, 17 and A1 of lot L1, bottle
/// 99 without a lot, and corkscrews C1 and C2 commissioned, the winery (owner and custodian)
/// having named Shanghai Fine Imports their importer.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Ctx<'_> {
    let mut ctx = ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .genesis(build_genesis, &customs_genesis())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK);
    register(&mut ctx, &wine_gtin(), "Château X 2019, 750 ml", b"220421", "FR");
    register(&mut ctx, &corkscrew_gtin(), "Château X corkscrew", b"820559", "CN");
    commission(&mut ctx, &wine_gtin(), Some("L1"), &["1", "17", "A1"]);
    commission(&mut ctx, &wine_gtin(), None, &["99"]);
    commission(&mut ctx, &corkscrew_gtin(), None, &["C1", "C2"]);
    let commissioned = [bottle("1"), bottle("17"), bottle("A1"), bottle("99"), corkscrew("C1"), corkscrew("C2")];
    name_importer_of(&mut ctx, &commissioned);
    ctx.take_events();
    ctx
}

/// The winery names Shanghai Fine Imports the importer of these items.
fn name_importer_of(ctx: &mut Ctx<'_>, ids: &[ItemId]) {
    let importer = Some(org(ctx, IMPORTER));
    dispatch(ctx, &signed(WINERY), Call::name_importer { subjects: items(ids), importer }).unwrap();
}

fn register(ctx: &mut Ctx<'_>, gtin: &str, name: &str, hs_code: &[u8], origin: &str) {
    let call = pallet_products::Call::register_class {
        gtin: gtin.as_bytes().to_vec(),
        name: name.as_bytes().to_vec(),
        brand: "Château X".as_bytes().to_vec(),
        hs_code: hs_code.to_vec(),
        origin: origin.parse().unwrap(),
        documents: vec![],
    };
    pallet_products::dispatch(ctx, &signed(WINERY), call).unwrap();
}

fn commission(ctx: &mut Ctx<'_>, gtin: &str, lot: Option<&str>, serials: &[&str]) {
    pallet_products::dispatch(ctx, &signed(WINERY), commission_serials_call!(gtin, lot, serials, winery())).unwrap();
}

fn org(ctx: &Ctx<'_>, n: u8) -> OrgId {
    pallet_membership::organisation_of(ctx, &account(n)).unwrap()
}

fn winery() -> Location {
    Location::Gln(WINERY_GLN.parse().unwrap())
}

fn corkscrew_gtin() -> String {
    winery_gtin("00024")
}

fn bottle(serial: &str) -> ItemId {
    pallet_products::serial_item_id(&wine_gtin().parse().unwrap(), serial.as_bytes())
}

fn corkscrew(serial: &str) -> ItemId {
    pallet_products::serial_item_id(&corkscrew_gtin().parse().unwrap(), serial.as_bytes())
}

fn items(ids: &[ItemId]) -> Vec<Subject> {
    ids.iter().map(|id| Subject::Item(*id)).collect()
}

fn pack(ctx: &mut Ctx<'_>, sscc: Sscc, children: Vec<Subject>) {
    let call = pallet_custody::Call::pack { sscc, children, location: winery() };
    pallet_custody::dispatch(ctx, &signed(WINERY), call).unwrap();
}

fn port(code: &str) -> UnLocode {
    code.parse().unwrap()
}

fn scope(text: &str) -> Scope {
    text.parse().unwrap()
}

fn quarantine() -> Scope {
    scope("quarantine")
}

fn module_error(error: u8) -> DispatchError {
    tracechain_pallet_testing::errors::module_error(PALLET_INDEX, error)
}

fn products_error(error: pallet_products::Error) -> DispatchResult {
    Err(error.into())
}

fn declare_call(subjects: Vec<Subject>) -> Call {
    Call::declare {
        subjects,
        hs_code: b"220421".to_vec(),
        declared_origin: "FR".parse().unwrap(),
        declared_value: 1_250_000,
        currency: *b"EUR",
        port_of_entry: port("CNSHA"),
        documents: vec![blake2_256_h(b"commercial invoice"), blake2_256_h(b"certificate of origin")],
    }
}

/// Declares the items at CNSHA as the importer; returns the declaration's id.
fn declare(ctx: &mut Ctx<'_>, subjects: Vec<Subject>) -> DeclarationId {
    dispatch(ctx, &signed(IMPORTER), declare_call(subjects)).unwrap();
    NEXT_DECLARATION_ID.get(ctx) - 1
}

/// Declares corkscrews (HS 820559: no inspection rule applies) at CNSHA; returns the id.
fn declare_corkscrews(ctx: &mut Ctx<'_>, ids: &[ItemId]) -> DeclarationId {
    let call = with_declaration(
        |call| {
            if let Call::declare { hs_code, .. } = call {
                *hs_code = b"820559".to_vec()
            }
        },
        items(ids),
    );
    dispatch(ctx, &signed(IMPORTER), call).unwrap();
    NEXT_DECLARATION_ID.get(ctx) - 1
}

fn with_declaration(change: impl FnOnce(&mut Call), subjects: Vec<Subject>) -> Call {
    let mut call = declare_call(subjects);
    change(&mut call);
    call
}

fn hold(declaration: DeclarationId) -> Call {
    Call::hold { declaration, reason: b"pending quarantine inspection".to_vec() }
}

fn clear(declaration: DeclarationId) -> Call {
    Call::clear { declaration, certificate_ref: b"CNSHA-2024-000117".to_vec() }
}

fn refuse(declaration: DeclarationId) -> Call {
    Call::refuse { declaration, reason: b"failed quarantine".to_vec() }
}

fn require(declaration: DeclarationId, scopes: &[&str]) -> Call {
    Call::require_inspection { declaration, scopes: scopes.iter().map(|text| scope(text)).collect() }
}

fn attest_call(subject: InspectionSubject, scope: Scope, valid_until: Option<Moment>) -> pallet_inspection::Call {
    pallet_inspection::Call::attest {
        subject,
        scope,
        result: InspectionResult::Pass,
        report_hash: blake2_256_h(b"lab report"),
        report_uri: b"https://ccig.example/reports/117.pdf".to_vec(),
        valid_until,
        conditions: None,
    }
}

/// CCIG attests a pass on lot L1 of the wine; returns the attestation's id.
fn attest_lot_l1(ctx: &mut Ctx<'_>, scope: Scope, valid_until: Option<Moment>) -> u64 {
    let subject = InspectionSubject::Lot { gtin: wine_gtin().parse().unwrap(), lot: b"L1".to_vec() };
    pallet_inspection::dispatch(ctx, &signed(CCIG), attest_call(subject, scope, valid_until)).unwrap();
    pallet_inspection::NEXT_ATTESTATION_ID.get(ctx) - 1
}

fn customs_state(ctx: &Ctx<'_>, id: &ItemId) -> CustomsState {
    pallet_products::item(ctx, id).unwrap().customs
}

fn customs_events<'c>(ctx: &'c Ctx<'_>) -> Vec<&'c Event> {
    events_of(ctx)
}

fn last_event<'c>(ctx: &'c Ctx<'_>) -> &'c Event {
    last_event_of(ctx).expect("a customs event")
}

/// Everything the pallet stores, to check that a failed call changed nothing.
fn customs_state_keys(ctx: &Ctx<'_>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    pallet_changes(&ctx.overlay, PALLET_NAME)
}

fn missing(scope: &str, item: ItemId) -> DispatchResult {
    Err(Error::InspectionMissing { scope: scope.as_bytes().to_vec(), item }.into())
}

// ---------------------------------------------------------------------------------------------
// Genesis

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

// ---------------------------------------------------------------------------------------------
// Declarations

#[test]
fn an_importer_declares_and_the_items_become_declared() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("1"), bottle("17")]));
    assert_eq!(id, 0);
    let stored = declaration(&ctx, 0).unwrap();
    assert_eq!((stored.id, stored.importer, stored.agent), (0, org(&ctx, IMPORTER), account(IMPORTER)));
    assert_eq!(stored.items, vec![bottle("1"), bottle("17")]);
    assert_eq!(
        (stored.hs_code.as_slice(), stored.declared_value, stored.currency),
        (&b"220421"[..], 1_250_000, *b"EUR")
    );
    assert_eq!((stored.port.clone(), stored.status), (port("CNSHA"), DeclarationStatus::Declared));
    assert_eq!(stored.documents.len(), 2);
    assert!(stored.origin_mismatch.is_empty());
    assert!(stored.decisions.is_empty() && stored.required_scopes.is_empty());
    assert_eq!((stored.declared_at, stored.declared_time), (BLOCK, NOW));
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::Declared);
    assert_eq!(customs_state(&ctx, &bottle("A1")), CustomsState::None);
    match last_event(&ctx) {
        Event::Declared {
            declaration,
            subjects,
            item_count,
            importer,
            agent,
            declared_origin,
            origin_mismatch,
            read_point,
            biz_location,
            biz_step,
            disposition,
            time,
            ..
        } => {
            assert_eq!((*declaration, subjects, *item_count), (0, &items(&[bottle("1"), bottle("17")]), 2));
            assert_eq!((*importer, *agent), (org(&ctx, IMPORTER), account(IMPORTER)));
            assert_eq!(declared_origin.to_string(), "FR");
            assert!(origin_mismatch.is_empty());
            assert_eq!(
                (read_point, biz_location),
                (&Location::UnLocode(port("CNSHA")), &Location::UnLocode(port("CNSHA")))
            );
            assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("arriving", "in_progress", NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Declared goods wait for customs' decision.
    let awaiting = products_error(pallet_products::Error::ItemAwaitingCustoms);
    assert_eq!(pallet_products::ensure_movable(&ctx, &bottle("1")).map(|_| ()), awaiting);
    assert_eq!(open_declarations_by_port(&ctx, &port("CNSHA")), vec![(0, stored.clone())]);
    assert_eq!(declarations_of_item(&ctx, &bottle("17")), vec![(0, stored)]);
    assert!(declarations_of_item(&ctx, &bottle("A1")).is_empty());
}

/// Dispatches `call` from `who` outside any transactional layer and checks that it fails with
/// `error` having written and emitted nothing (the whole state, every pallet's, is compared).
fn assert_refused(ctx: &mut Ctx<'_>, who: u8, call: Call, error: DispatchError) {
    let changes_before = ctx.overlay.committed_changes().clone();
    let events_before = ctx.events().len();
    assert_eq!(dispatch(ctx, &signed(who), call.clone()), Err(error), "{call:?}");
    assert_eq!(ctx.overlay.committed_changes(), &changes_before, "{call:?} wrote before failing");
    assert_eq!(ctx.events().len(), events_before, "{call:?} emitted an event");
}

fn at_port(code: &str, subjects: Vec<Subject>) -> Call {
    with_declaration(
        |call| {
            if let Call::declare { port_of_entry, .. } = call {
                *port_of_entry = port(code)
            }
        },
        subjects,
    )
}

/// `from` proposes a transfer of `id` to `to`, which accepts it.
fn hand_over(ctx: &mut Ctx<'_>, from: u8, to: u8, id: ItemId, kind: TransferKind) {
    let propose = pallet_custody::Call::propose_transfer {
        subject: Subject::Item(id),
        kind,
        to: org(ctx, to),
        location: winery(),
    };
    pallet_custody::dispatch(ctx, &signed(from), propose).unwrap();
    let proposal = pallet_custody::NEXT_PROPOSAL_ID.get(ctx) - 1;
    let accept = pallet_custody::Call::accept { proposal, location: Location::UnLocode(port("CNSHA")) };
    pallet_custody::dispatch(ctx, &signed(to), accept).unwrap();
}

#[test]
fn a_squatter_cannot_declare_another_members_goods_at_a_port_nobody_governs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A rival importer, neither owner nor holder, declares the winery's bottles at Qingdao,
    // where no member is the customs authority: had it worked, nobody could ever clear them.
    assert_refused(&mut ctx, RIVAL, at_port("CNTAO", items(&[bottle("1")])), Error::PortNotGoverned.into());
    // The port is checked before the goods: even the named importer may not declare there.
    assert_refused(&mut ctx, IMPORTER, at_port("CNTAO", items(&[bottle("1")])), Error::PortNotGoverned.into());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // The honest importer declares at a governed port: Shanghai, or Shenzhen.
    dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", items(&[bottle("17")]))).unwrap();
    let id = declare(&mut ctx, items(&[bottle("1")]));
    assert_eq!(declaration(&ctx, id).unwrap().importer, org(&ctx, IMPORTER));
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::Declared);
}

#[test]
fn a_squatter_at_a_governed_port_cannot_declare_goods_it_neither_owns_nor_holds() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let squat = || declare_call(items(&[bottle("1"), bottle("17")]));
    assert_refused(&mut ctx, RIVAL, squat(), Error::NotOwnerOrCustodian.into());
    // Inside an aggregate too: every item is checked, at every depth.
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    pack(&mut ctx, sscc(2), vec![Subject::Aggregate(sscc(1))]);
    assert_refused(&mut ctx, RIVAL, declare_call(vec![Subject::Aggregate(sscc(2))]), Error::NotOwnerOrCustodian.into());
    // One foreign item among its own is enough to refuse the whole declaration.
    hand_over(&mut ctx, WINERY, RIVAL, corkscrew("C1"), TransferKind::Custody);
    let mixed = || declare_call(items(&[corkscrew("C1"), corkscrew("C2")]));
    assert_refused(&mut ctx, RIVAL, mixed(), Error::NotOwnerOrCustodian.into());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // The importer the owner named declares the pallet; the rival may declare what it holds.
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(2))]);
    assert_eq!(declaration(&ctx, id).unwrap().items, vec![bottle("1"), bottle("17")]);
    let corkscrews = with_declaration(
        |call| {
            if let Call::declare { hs_code, .. } = call {
                *hs_code = b"820559".to_vec()
            }
        },
        items(&[corkscrew("C1")]),
    );
    dispatch(&mut ctx, &signed(RIVAL), corkscrews).unwrap();
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Declared);
}

/// Runs a custody call as `who` and checks that it fails with `error`, changing nothing.
fn assert_custody_refused(ctx: &mut Ctx<'_>, who: u8, call: pallet_custody::Call, error: pallet_products::Error) {
    let changes_before = ctx.overlay.committed_changes().clone();
    assert_eq!(pallet_custody::dispatch(ctx, &signed(who), call.clone()), products_error(error), "{call:?}");
    assert_eq!(ctx.overlay.committed_changes(), &changes_before, "{call:?} wrote before failing");
}

#[test]
fn declared_goods_can_neither_change_hands_nor_be_repacked_until_customs_decides() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A custody proposal made before the declaration, and a packed pallet.
    ship_to_carrier(&mut ctx, Subject::Item(corkscrew("C1"))).unwrap();
    let early = pallet_custody::NEXT_PROPOSAL_ID.get(&ctx) - 1;
    pack(&mut ctx, sscc(1), items(&[corkscrew("C2")]));
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1"), corkscrew("C2")]);
    let carrier = org(&ctx, CARRIER);
    let transfer = |subject, kind, to| pallet_custody::Call::propose_transfer { subject, kind, to, location: winery() };
    use pallet_products::Error::ItemAwaitingCustoms;
    // The custodian tries to ship the declared goods away before customs looks at them…
    let ship = transfer(Subject::Aggregate(sscc(1)), TransferKind::Custody, carrier);
    assert_custody_refused(&mut ctx, WINERY, ship, ItemAwaitingCustoms);
    let ship = transfer(Subject::Item(corkscrew("C1")), TransferKind::Custody, carrier);
    assert_custody_refused(&mut ctx, WINERY, ship, ItemAwaitingCustoms);
    // …or to sell them on, …
    let sell = transfer(Subject::Item(corkscrew("C1")), TransferKind::Ownership, org(&ctx, RETAILER));
    assert_custody_refused(&mut ctx, WINERY, sell, ItemAwaitingCustoms);
    // …or the carrier accepts the proposal made before the declaration, …
    let accept = pallet_custody::Call::accept { proposal: early, location: winery() };
    assert_custody_refused(&mut ctx, CARRIER, accept.clone(), ItemAwaitingCustoms);
    // …or the declared pallet is broken up or repacked.
    let unpack_call = pallet_custody::Call::unpack { sscc: sscc(1), location: winery() };
    assert_custody_refused(&mut ctx, WINERY, unpack_call, ItemAwaitingCustoms);
    let repack = pallet_custody::Call::pack { sscc: sscc(2), children: items(&[corkscrew("C1")]), location: winery() };
    assert_custody_refused(&mut ctx, WINERY, repack, ItemAwaitingCustoms);
    // The declaration stands, and once customs clears the goods they move again.
    assert_eq!(declaration(&ctx, id).unwrap().status, DeclarationStatus::Declared);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    pallet_custody::dispatch(&mut ctx, &signed(CARRIER), accept).unwrap();
    assert_eq!(pallet_products::item(&ctx, &corkscrew("C1")).unwrap().custodian, carrier);
    assert_eq!(unpack(&mut ctx, sscc(1)), Ok(()));
}

#[test]
fn the_owner_names_the_importer_and_the_nomination_lapses_with_ownership() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let importer = org(&ctx, IMPORTER);
    assert_eq!(named_importer(&ctx, &bottle("1")), Some(importer));
    pack(&mut ctx, sscc(1), items(&[bottle("17"), bottle("A1")]));
    let subjects = vec![Subject::Aggregate(sscc(1)), Subject::Item(bottle("99"))];
    dispatch(&mut ctx, &signed(WINERY), Call::name_importer { subjects, importer: Some(importer) }).unwrap();
    match last_event(&ctx) {
        Event::ImporterNamed { item_count, owner, importer: named, agent, time, .. } => {
            assert_eq!((*item_count, *owner, *named), (3, org(&ctx, WINERY), Some(importer)));
            assert_eq!((*agent, *time), (account(WINERY), NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    let name = |importer| Call::name_importer { subjects: items(&[bottle("1")]), importer };
    // Only the owner names an importer, and only a member importer.
    let (rival, carrier) = (org(&ctx, RIVAL), org(&ctx, CARRIER));
    assert_refused(&mut ctx, RIVAL, name(Some(rival)), Error::NotOwner.into());
    assert_refused(&mut ctx, IMPORTER, name(None), Error::NotOwner.into());
    assert_refused(&mut ctx, WINERY, name(Some(carrier)), Error::NomineeNotImporter.into());
    assert_refused(&mut ctx, WINERY, name(Some(999)), Error::NomineeNotImporter.into());
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), name(None)), Err(Error::NotMember.into()));
    assert_refused(&mut ctx, WINERY, Call::name_importer { subjects: vec![], importer: None }, Error::NoItems.into());
    // Withdrawn, the nomination no longer lets the importer declare.
    dispatch(&mut ctx, &signed(WINERY), name(None)).unwrap();
    assert_eq!(named_importer(&ctx, &bottle("1")), None);
    assert_refused(&mut ctx, IMPORTER, declare_call(items(&[bottle("1")])), Error::NotOwnerOrCustodian.into());
    // Renamed, it does again.
    dispatch(&mut ctx, &signed(WINERY), name(Some(importer))).unwrap();
    declare(&mut ctx, items(&[bottle("1")]));
    // A new owner is not bound by the former owner's choice: the nomination lapses.
    hand_over(&mut ctx, WINERY, RETAILER, corkscrew("C2"), TransferKind::Ownership);
    assert_eq!(named_importer(&ctx, &corkscrew("C2")), None);
    assert_refused(&mut ctx, IMPORTER, declare_call(items(&[corkscrew("C2")])), Error::NotOwnerOrCustodian.into());
    // The custodian may declare what it holds, without any nomination.
    hand_over(&mut ctx, WINERY, IMPORTER, corkscrew("C2"), TransferKind::Custody);
    declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    assert_eq!(customs_state(&ctx, &corkscrew("C2")), CustomsState::Declared);
}

#[test]
fn declaring_needs_a_signed_member_importer() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = customs_state_keys(&ctx);
    let call = || declare_call(items(&[bottle("1")]));
    assert_eq!(dispatch(&mut ctx, &Origin::None, call()), Err(DispatchError::BadOrigin));
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), call()), Err(Error::NotMember.into()));
    for who in [WINERY, CARRIER, SH_CUSTOMS, RETAILER, REGULATOR] {
        assert_eq!(dispatch(&mut ctx, &signed(who), call()), Err(Error::NotImporter.into()));
    }
    // The permission is checked before the arguments.
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), declare_call(vec![])), Err(Error::NotImporter.into()));
    assert_eq!(customs_state_keys(&ctx), before);
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
}

#[test]
fn a_declaration_validates_every_field() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = customs_state_keys(&ctx);
    let one = || items(&[bottle("1")]);
    let refused = |ctx: &mut Ctx<'_>, call: Call, error: Error| {
        assert_eq!(dispatch(ctx, &signed(IMPORTER), call.clone()), Err(error.into()), "{call:?}");
    };
    refused(&mut ctx, declare_call(vec![]), Error::NoItems);
    refused(&mut ctx, declare_call(vec![Subject::Item(bottle("1")); MAX_DECLARATION_ITEMS + 1]), Error::TooManyItems);
    for code in [&b"22042"[..], b"22042100001", b"2204a1", b"002204", b""] {
        let call = with_declaration(
            |call| {
                if let Call::declare { hs_code, .. } = call {
                    *hs_code = code.to_vec()
                }
            },
            one(),
        );
        refused(&mut ctx, call, Error::InvalidHsCode);
    }
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_origin, .. } = call {
                *declared_origin = CountryCode(*b"fr")
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::InvalidCountry);
    for code in [*b"eur", *b"EU1", *b"E R"] {
        let call = with_declaration(
            |call| {
                if let Call::declare { currency, .. } = call {
                    *currency = code
                }
            },
            one(),
        );
        refused(&mut ctx, call, Error::InvalidCurrency);
    }
    let call = with_declaration(
        |call| {
            if let Call::declare { port_of_entry, .. } = call {
                *port_of_entry = UnLocode(*b"CNSH1")
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::InvalidPort);
    let call = with_declaration(
        |call| {
            if let Call::declare { documents, .. } = call {
                *documents = vec![H256::zero(); MAX_DOCUMENTS + 1]
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::TooManyDocuments);
    let mut bad_sscc = sscc(1);
    bad_sscc[17] = b'0' + (bad_sscc[17] - b'0' + 1) % 10;
    refused(&mut ctx, declare_call(vec![Subject::Aggregate(bad_sscc)]), Error::InvalidSscc);
    refused(&mut ctx, declare_call(vec![Subject::Aggregate(sscc(1))]), Error::AggregateNotFound);
    refused(&mut ctx, declare_call(items(&[bottle("1"), bottle("17"), bottle("1")])), Error::DuplicateItem);
    // An unknown item: pallet-products' own error.
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), declare_call(items(&[bottle("1"), H256::zero()]))),
        products_error(pallet_products::Error::ItemNotFound)
    );
    assert_eq!(customs_state_keys(&ctx), before);
    assert!(customs_events(&ctx).is_empty());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // A value of zero (samples) and no documents are fine.
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_value, documents, .. } = call {
                (*declared_value, *documents) = (0, vec![]);
            }
        },
        one(),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
}

#[test]
fn an_item_under_an_open_declaration_cannot_be_declared_again() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let first = declare(&mut ctx, items(&[bottle("1"), bottle("17")]));
    let again = declare_call(items(&[bottle("A1"), bottle("17")]));
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), again.clone()), Err(Error::AlreadyDeclared.into()));
    // Nothing of the refused declaration was written.
    assert_eq!(customs_state(&ctx, &bottle("A1")), CustomsState::None);
    // Once on hold, the item may not move, so products refuses it first.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(first)).unwrap();
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), again.clone()),
        products_error(pallet_products::Error::ItemOnCustomsHold)
    );
    // Cleared goods may be declared again (e.g. re-exported and re-imported elsewhere).
    attest_lot_l1(&mut ctx, quarantine(), None);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(first)).unwrap();
    dispatch(&mut ctx, &signed(IMPORTER), again).unwrap();
    assert_eq!(declarations_of_item(&ctx, &bottle("17")).iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![0, 1]);
    // Refused goods may not: they may not move at all.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(1)).unwrap();
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), declare_call(items(&[bottle("A1")]))),
        products_error(pallet_products::Error::ItemRefusedByCustoms)
    );
}

#[test]
fn declaring_aggregates_records_the_items_they_hold() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    pack(&mut ctx, sscc(2), vec![Subject::Aggregate(sscc(1)), Subject::Item(bottle("A1"))]);
    // An item named on its own and inside a declared pallet is named twice.
    let twice = declare_call(vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("17"))]);
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), twice), Err(Error::DuplicateItem.into()));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("99"))]);
    let stored = declaration(&ctx, id).unwrap();
    assert_eq!(stored.subjects, vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("99"))]);
    let mut declared = stored.items.clone();
    declared.sort();
    let mut expected = vec![bottle("1"), bottle("17"), bottle("A1"), bottle("99")];
    expected.sort();
    assert_eq!(declared, expected);
    assert!(matches!(last_event(&ctx), Event::Declared { item_count: 4, .. }));
    for item in &expected {
        assert_eq!(customs_state(&ctx, item), CustomsState::Declared);
    }
    // A hold holds every item inside, and the pallet cannot be shipped.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::OnHold);
    let ship = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(2)),
        kind: TransferKind::Custody,
        to: org(&ctx, CARRIER),
        location: winery(),
    };
    assert_eq!(
        pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship),
        products_error(pallet_products::Error::ItemOnCustomsHold)
    );
}

#[test]
fn a_declared_origin_different_from_the_registry_is_flagged() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // The wine is registered as French, the corkscrews as Chinese; the importer declares French.
    let id = declare(&mut ctx, items(&[bottle("1"), corkscrew("C1"), corkscrew("C2")]));
    let expected = vec![(corkscrew_gtin().parse::<Gtin>().unwrap(), "CN".parse::<CountryCode>().unwrap())];
    assert_eq!(declaration(&ctx, id).unwrap().origin_mismatch, expected);
    assert!(matches!(last_event(&ctx), Event::Declared { origin_mismatch, .. } if *origin_mismatch == expected));
    // Declared Italian: both classes are flagged, each once, sorted by GTIN.
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_origin, .. } = call {
                *declared_origin = "IT".parse().unwrap()
            }
        },
        items(&[bottle("17"), bottle("99")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    let flagged = declaration(&ctx, 1).unwrap().origin_mismatch;
    assert_eq!(flagged, vec![(wine_gtin().parse().unwrap(), "FR".parse().unwrap())]);
    // A flag is not a refusal: the declaration was filed.
    assert_eq!(customs_state(&ctx, &bottle("99")), CustomsState::Declared);
}

// ---------------------------------------------------------------------------------------------
// Decisions

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
    assert!(open_declarations_by_port(&ctx, &port("CNSHA")).is_empty());
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
    assert!(open_declarations_by_port(&ctx, &port("CNSHA")).is_empty());
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

// ---------------------------------------------------------------------------------------------
// Rules

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

// ---------------------------------------------------------------------------------------------
// Reads, weights, encodings

#[test]
fn the_ports_worklist_and_the_items_declarations() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let first = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    let second = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    let call = with_declaration(
        |call| {
            if let Call::declare { port_of_entry, .. } = call {
                *port_of_entry = port("CNSZX")
            }
        },
        items(&[bottle("1")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    let open_at = |ctx: &Ctx<'_>, code| {
        open_declarations_by_port(ctx, &port(code)).into_iter().map(|(id, _)| id).collect::<Vec<_>>()
    };
    assert_eq!(open_at(&ctx, "CNSHA"), vec![first, second]);
    assert_eq!(open_at(&ctx, "CNSZX"), vec![2]);
    assert!(open_at(&ctx, "FRLEH").is_empty());
    // Holding keeps it open; clearing closes it.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(first)).unwrap();
    assert_eq!(open_at(&ctx, "CNSHA"), vec![first, second]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(first)).unwrap();
    assert_eq!(open_at(&ctx, "CNSHA"), vec![second]);
    let history = declarations_of_item(&ctx, &corkscrew("C1"));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].1.status, DeclarationStatus::Cleared);
    assert!(declaration(&ctx, 77).is_none());
}

#[test]
fn weights_grow_with_the_items_declared() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17"), bottle("A1"), bottle("99")]));
    let one = call_weight(&ctx, &declare_call(items(&[corkscrew("C1")])));
    let two = call_weight(&ctx, &declare_call(items(&[corkscrew("C1"), corkscrew("C2")])));
    let pallet = call_weight(&ctx, &declare_call(vec![Subject::Aggregate(sscc(1))]));
    assert!(one.ref_time < two.ref_time && two.ref_time < pallet.ref_time);
    // An adversarial list does not overflow.
    let huge = call_weight(&ctx, &declare_call(vec![Subject::Aggregate(sscc(1)); 100_000]));
    assert!(huge.ref_time > pallet.ref_time);
    let small = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    let large = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    for (make, name) in [(clear as fn(DeclarationId) -> Call, "clear"), (hold, "hold"), (refuse, "refuse")] {
        assert!(call_weight(&ctx, &make(small)).ref_time < call_weight(&ctx, &make(large)).ref_time, "{name}");
    }
    assert!(call_weight(&ctx, &clear(large)).ref_time > call_weight(&ctx, &hold(large)).ref_time);
    let rule = Call::set_inspection_rule { chapters: (1, 1), scope: quarantine() };
    assert!(call_weight(&ctx, &rule).ref_time > 0);
}

#[test]
fn call_event_and_error_indices_are_stable() {
    assert_eq!(declare_call(vec![]).encode()[0], 0);
    assert_eq!(hold(0).encode()[0], 1);
    assert_eq!(require(0, &[]).encode()[0], 2);
    assert_eq!(clear(0).encode()[0], 3);
    assert_eq!(refuse(0).encode()[0], 4);
    assert_eq!(Call::set_inspection_rule { chapters: (1, 24), scope: quarantine() }.encode()[..3], [5, 1, 24]);
    assert_eq!(Call::remove_inspection_rule { chapters: (1, 24), scope: quarantine() }.encode()[0], 6);
    assert_eq!(DispatchError::from(Error::NotMember), module_error(0));
    assert_eq!(DispatchError::from(Error::NotJurisdiction), module_error(3));
    assert_eq!(DispatchError::from(Error::DeclarationClosed), module_error(17));
    assert_eq!(DispatchError::from(Error::IdsExhausted), module_error(32));
    // The scope and item of `InspectionMissing` are not encoded: the error fits four bytes.
    let error = Error::InspectionMissing { scope: b"quarantine".to_vec(), item: bottle("17") };
    assert_eq!(error.encode(), vec![24]);
    assert!(error.to_string().contains("quarantine"));
    let scale_info::TypeDef::Variant(errors) = <Error as scale_info::TypeInfo>::type_info().type_def else {
        panic!("errors are an enum");
    };
    let variant = errors.variants.iter().find(|variant| variant.name == "InspectionMissing").unwrap();
    assert_eq!((variant.index, variant.fields.len()), (24, 0));
    assert_eq!(DeclarationStatus::Refused.encode(), vec![4]);
    // Event indices, through a whole story.
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    dispatch(&mut ctx, &signed(REGULATOR), Call::set_inspection_rule { chapters: (82, 82), scope: quarantine() })
        .unwrap();
    dispatch(&mut ctx, &signed(REGULATOR), Call::remove_inspection_rule { chapters: (82, 82), scope: quarantine() })
        .unwrap();
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quality"])).unwrap();
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(0)).unwrap();
    let indices: Vec<u8> = customs_events(&ctx).iter().map(|event| event.encode()[0]).collect();
    assert_eq!(indices, vec![5, 6, 0, 1, 2, 0, 3, 4]);
    let stored = declaration(&ctx, 0).unwrap();
    assert_eq!(Declaration::decode(&mut &stored.encode()[..]).unwrap(), stored);
}

fn reexport(declaration: DeclarationId) -> Call {
    Call::order_reexport { declaration, reason: b"return to the consignor".to_vec() }
}

fn destroy(declaration: DeclarationId) -> Call {
    Call::order_destruction { declaration, reason: b"quarantine pest found".to_vec() }
}

fn unpack(ctx: &mut Ctx<'_>, sscc: Sscc) -> DispatchResult {
    pallet_custody::dispatch(ctx, &signed(WINERY), pallet_custody::Call::unpack { sscc, location: winery() })
}

fn ship_to_carrier(ctx: &mut Ctx<'_>, subject: Subject) -> DispatchResult {
    let propose = pallet_custody::Call::propose_transfer {
        subject,
        kind: TransferKind::Custody,
        to: org(ctx, CARRIER),
        location: winery(),
    };
    pallet_custody::dispatch(ctx, &signed(WINERY), propose)
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

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_when_decoded_as_a_call(
        index in 0u8..10, variant in 0u8..2, bytes in proptest::collection::vec(any::<u8>(), 0..256)
    ) {
        // Steer most inputs past the call and subject indices into the fields.
        let input = [&[index, variant][..], &bytes].concat();
        for candidate in [&input[..], &bytes[..]] {
            if let Ok(call) = Call::decode(&mut &candidate[..]) {
                let state = BTreeMap::new();
                let mut ctx = new_ctx(&state);
                // A declaration to decide on: id 0.
                declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
                let _ = call_weight(&ctx, &call);
                for who in [IMPORTER, SH_CUSTOMS, REGULATOR] {
                    let _ = ctx.transactional(|ctx| dispatch(ctx, &signed(who), call.clone()));
                }
                prop_assert!(ctx.overlay.corruption().is_none());
            }
        }
    }
}
