//! Tests of the customs pallet against an in-memory state built by pallet-membership's genesis,
//! with items commissioned through pallet-products, packed through pallet-custody and
//! inspected through pallet-inspection.
//!
//! The tests are grouped by theme in the submodules; this module holds the fixtures they share.

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

mod decisions;
mod declarations;
mod inspection_rules;
mod reads_and_encodings;
mod refused_goods;

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

fn missing(scope: &str, item: ItemId) -> DispatchResult {
    Err(Error::InspectionMissing { scope: scope.as_bytes().to_vec(), item }.into())
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

/// The keys of `port`'s worklist in key order, as a node iterates them: the tests' states are
/// empty backends under an overlay with no open layer, so every stored key is a committed change.
fn worklist_keys(ctx: &Ctx<'_>, port: &UnLocode) -> Vec<Vec<u8>> {
    let prefix = worklist_prefix(port);
    ctx.overlay
        .committed_changes()
        .range(prefix.clone()..)
        .take_while(|(key, _)| key.starts_with(&prefix))
        .filter(|(_, value)| value.is_some())
        .map(|(key, _)| key.clone())
        .collect()
}

/// The open declarations at the port `code`, as a customs office lists them.
fn open_at_port(ctx: &Ctx<'_>, code: &str) -> Vec<(DeclarationId, Declaration)> {
    open_declarations_by_port(ctx, &port(code), worklist_keys(ctx, &port(code)))
}

/// The state root of `state` with the context's committed changes applied.
fn state_root(state: &BTreeMap<Vec<u8>, Vec<u8>>, ctx: &Ctx<'_>) -> tracechain_primitives::H256 {
    let mut pairs = state.clone();
    for (key, value) in ctx.overlay.committed_changes() {
        match value {
            Some(value) => pairs.insert(key.clone(), value.clone()),
            None => pairs.remove(key),
        };
    }
    tracechain_primitives::trie::trie_root(pairs)
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
