//! The acceptance story of the brief, end to end through signed extrinsics: a lot of Bordeaux
//! wine from the winery to a consumer in Shanghai, and the negative paths met on the way.

mod common;

use common::*;
use tracechain_primitives::{keyring::Sr25519Pair, H256};
use tracechain_runtime::{journey::journey, InMemoryChain, RuntimeCall};
use tracechain_support::dispatch::DispatchError;

use pallet_custody::types::{Subject, TransferKind};
use pallet_inspection::types::{InspectionResult, InspectionSubject};
use pallet_membership::types::{Location, OrgId};

const WINERY: OrgId = 0;
const CARRIER: OrgId = 1;
const IMPORTER: OrgId = 2;
const TMALL: OrgId = 5;
const WAREHOUSE: OrgId = 7;

fn location(text: &str) -> Location {
    serde_json::from_value(if text.len() == 13 {
        serde_json::json!({ "gln": text })
    } else {
        serde_json::json!({ "unLocode": text })
    })
    .expect("location")
}

/// Applies `call` signed by `pair` in a block of its own; the dispatch result.
fn run(chain: &mut InMemoryChain, pair: &Sr25519Pair, call: RuntimeCall) -> Result<(), DispatchError> {
    let nonce = chain.account_nonce(&pair.public());
    let bytes = chain.sign(pair, call, nonce);
    let (_, results) = next_block(chain, &[bytes]);
    results.into_iter().next().expect("one result").expect("the transaction is valid")
}

fn ok(chain: &mut InMemoryChain, pair: &Sr25519Pair, call: RuntimeCall) {
    if let Err(error) = run(chain, pair, call.clone()) {
        panic!("{call:?} failed: {error:?}");
    }
}

fn products(call: pallet_products::Call) -> RuntimeCall {
    RuntimeCall::Products(call)
}

fn custody(call: pallet_custody::Call) -> RuntimeCall {
    RuntimeCall::Custody(call)
}

fn customs(call: pallet_customs::Call) -> RuntimeCall {
    RuntimeCall::Customs(call)
}

fn item_id(serial: u32) -> H256 {
    let gtin = pallet_products::types::Gtin::parse(GTIN.as_bytes()).expect("gtin");
    pallet_products::types::serial_item_id(&gtin, serial.to_string().as_bytes())
}

/// The last proposal id the custody pallet handed out.
fn last_proposal(chain: &InMemoryChain) -> u64 {
    chain.read(|state| pallet_custody::NEXT_PROPOSAL_ID.get(state)) - 1
}

/// Proposes custody (or ownership) of both pallets to `to` and has `receiver` accept.
fn hand_over(
    chain: &mut InMemoryChain,
    from: &Sr25519Pair,
    receiver: &Sr25519Pair,
    to: OrgId,
    kind: TransferKind,
    at: &str,
    received_at: &str,
) {
    for pallet in [sscc(1), sscc(2)] {
        let propose = pallet_custody::Call::propose_transfer {
            subject: Subject::Aggregate(pallet),
            kind,
            to,
            location: location(at),
        };
        ok(chain, from, custody(propose));
        let proposal = last_proposal(chain);
        ok(chain, receiver, custody(pallet_custody::Call::accept { proposal, location: location(received_at) }));
    }
}

/// The brand registers "Château X 2019, 750 ml" under its prefix.
fn register_wine_class() -> RuntimeCall {
    products(pallet_products::Call::register_class {
        gtin: GTIN.as_bytes().to_vec(),
        name: "Château X 2019, 750 ml".as_bytes().to_vec(),
        brand: "Château X".as_bytes().to_vec(),
        hs_code: b"220421".to_vec(),
        origin: "FR".parse().expect("country"),
        documents: Vec::new(),
    })
}

/// Genesis to registered, commissioned and palletised wine at the winery.
fn winery_ships(chain: &mut InMemoryChain) {
    let alice = dev("Alice");
    ok(chain, &alice, register_wine_class());
    for (pallet, serials) in [(sscc(1), 1..=600u32), (sscc(2), 601..=1200u32)] {
        let serials: Vec<u32> = serials.collect();
        ok(
            chain,
            &alice,
            products(pallet_products::Call::commission_serials {
                gtin: GTIN.as_bytes().to_vec(),
                lot: Some(b"L2019-01".to_vec()),
                serials: serials.iter().map(|serial| serial.to_string().into_bytes()).collect(),
                production_date: 20_200_315,
                expiry_date: None,
                location: location("3760001000009"),
            }),
        );
        ok(
            chain,
            &alice,
            custody(pallet_custody::Call::pack {
                sscc: pallet,
                children: serials.iter().map(|serial| Subject::Item(item_id(*serial))).collect(),
                location: location("3760001000009"),
            }),
        );
    }
}

#[test]
fn a_bottle_of_bordeaux_from_the_winery_to_a_consumer_in_shanghai() {
    let mut chain = dev_chain();
    let (alice, bob, charlie, dave, eve, ferdie) =
        (dev("Alice"), dev("Bob"), dev("Charlie"), dev("Dave"), dev("Eve"), dev("Ferdie"));
    let warehouse = Sr25519Pair::from_suri("//Warehouse").expect("warehouse key");

    winery_ships(&mut chain);
    // The carrier accepts custody at the winery's GLN; the winery still owns the wine.
    hand_over(&mut chain, &alice, &bob, CARRIER, TransferKind::Custody, "3760001000009", "3760001000009");
    let bottle = item_id(17);
    let item = chain.read(|state| pallet_products::item(state, &bottle)).expect("bottle 17");
    assert_eq!((item.owner, item.custodian), (WINERY, CARRIER));
    // The carrier hands over at Le Havre; the importer receives in Shanghai. Title passes too.
    hand_over(&mut chain, &bob, &charlie, IMPORTER, TransferKind::Custody, "FRLEH", "CNSHA");
    hand_over(&mut chain, &alice, &charlie, IMPORTER, TransferKind::Ownership, "3760001000009", "CNSHA");

    // The importer declares the pallets at CNSHA (one declaration each: at most 1,000 items).
    for pallet in [sscc(1), sscc(2)] {
        ok(
            &mut chain,
            &charlie,
            customs(pallet_customs::Call::declare {
                subjects: vec![Subject::Aggregate(pallet)],
                hs_code: b"220421".to_vec(),
                declared_origin: "FR".parse().expect("country"),
                declared_value: 900_000,
                currency: *b"EUR",
                port_of_entry: "CNSHA".parse().expect("port"),
                documents: vec![H256::repeat_byte(0xd0)],
            }),
        );
    }
    // Declared goods wait for customs: they cannot change custody before the decision.
    let early = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(1)),
        kind: TransferKind::Custody,
        to: WAREHOUSE,
        location: location("CNSHA"),
    };
    assert_eq!(run(&mut chain, &charlie, custody(early)), Err(pallet_products::Error::ItemAwaitingCustoms.into()));
    for declaration in [0, 1] {
        // Customs at CNSHA holds the goods pending a quarantine inspection.
        let hold = pallet_customs::Call::hold { declaration, reason: b"quarantine inspection pending".to_vec() };
        ok(&mut chain, &dave, customs(hold));
    }
    // Goods on hold cannot change custody.
    let moving = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(1)),
        kind: TransferKind::Custody,
        to: WAREHOUSE,
        location: location("CNSHA"),
    };
    assert_eq!(run(&mut chain, &charlie, custody(moving)), Err(pallet_products::Error::ItemOnCustomsHold.into()));
    for declaration in [0, 1] {
        let scopes = vec!["quarantine".parse().expect("scope")];
        ok(&mut chain, &dave, customs(pallet_customs::Call::require_inspection { declaration, scopes }));
    }
    // Clearance is refused until the quarantine inspection has passed.
    let clear =
        |declaration| pallet_customs::Call::clear { declaration, certificate_ref: b"CNSHA-2026-000123".to_vec() };
    assert!(run(&mut chain, &dave, customs(clear(0))).is_err(), "no clearance before the inspection");
    // CCIG attests "pass" with the lab report's hash.
    for pallet in [sscc(1), sscc(2)] {
        ok(
            &mut chain,
            &eve,
            RuntimeCall::Inspection(pallet_inspection::Call::attest {
                subject: InspectionSubject::Aggregate(pallet),
                scope: "quarantine".parse().expect("scope"),
                result: InspectionResult::Pass,
                report_hash: H256::repeat_byte(0x1a),
                report_uri: b"https://ccig.example/reports/2026/000777.pdf".to_vec(),
                valid_until: None,
                conditions: None,
            }),
        );
    }
    for declaration in [0, 1] {
        ok(&mut chain, &dave, customs(clear(declaration)));
    }

    // Bonded warehouse, then the Tmall store, which also takes title.
    hand_over(&mut chain, &charlie, &warehouse, WAREHOUSE, TransferKind::Custody, "CNSHA", "CNSHA");
    hand_over(&mut chain, &warehouse, &ferdie, TMALL, TransferKind::Custody, "CNSHA", "CNSHA");
    hand_over(&mut chain, &charlie, &ferdie, TMALL, TransferKind::Ownership, "CNSHA", "CNSHA");
    ok(&mut chain, &ferdie, custody(pallet_custody::Call::unpack { sscc: sscc(1), location: location("CNSHA") }));
    // The store sells bottle #17.
    ok(&mut chain, &ferdie, RuntimeCall::Identity(pallet_identity::Call::mark_sold { item: bottle }));

    // The consumer scans https://<resolver>/01/<GTIN>/21/17.
    let uri = format!("https://id.tracechain.localhost/01/{GTIN}/21/17");
    let scanned = chain.read(|state| pallet_identity::item_for_uri(state, &uri)).expect("the QR code resolves");
    assert_eq!(scanned, bottle);
    let scan = chain.read(|state| journey(state, &scanned, &|_| None)).expect("the journey of bottle 17");
    assert_eq!(scan.digital_link, uri);
    assert_eq!(scan.status, "sold");
    assert_eq!(scan.customs, "cleared");
    assert_eq!(scan.product.as_ref().expect("product").origin, "FR");
    assert_eq!((scan.owner.id, scan.custodian.id), (TMALL, TMALL));
    let biz_steps: Vec<&str> = scan.steps.iter().map(|step| step.biz_step.as_str()).collect();
    for expected in [
        "commissioning",
        "packing",
        "shipping",
        "receiving",
        "accepting",
        "arriving",
        "holding",
        "inspecting",
        "unpacking",
        "retail_selling",
    ] {
        assert!(biz_steps.contains(&expected), "journey lacks {expected}: {biz_steps:?}");
    }
    assert!(scan.steps.iter().any(|step| step.location.as_deref() == Some("FRLEH")), "handed over at Le Havre");
    assert!(scan.steps.windows(2).all(|pair| pair[0].block <= pair[1].block), "steps in block order");
    assert_eq!(scan.inspections.len(), 1);
    assert_eq!((scan.inspections[0].scope.as_str(), scan.inspections[0].result.as_str()), ("quarantine", "pass"));
    assert_eq!(scan.inspections[0].inspector.name, "CCIG");
    let sale = scan.sale.clone().expect("sale recorded");
    assert_eq!(sale.by.name, "Tmall Global");

    // A second scan of the same code by someone buying a "new" bottle: already sold, and a
    // second sale of the same identity is refused.
    let second = run(&mut chain, &ferdie, RuntimeCall::Identity(pallet_identity::Call::mark_sold { item: bottle }));
    assert!(matches!(second, Err(DispatchError::Module(error)) if error.index == pallet_identity::PALLET_INDEX));
    let again = chain.read(|state| journey(state, &bottle, &|_| None)).expect("journey");
    assert_eq!(again.sale.expect("still sold").block, sale.block);

    // The journey serialises as plain JSON for integrators.
    let json = serde_json::to_value(&again.steps).expect("json");
    assert!(json.as_array().is_some_and(|steps| steps.len() >= 10));
    // Every other bottle of pallet 1 is unpacked at the store; pallet 2 is still packed.
    let other = chain.read(|state| pallet_products::item(state, &item_id(700))).expect("bottle 700");
    assert_eq!(other.parent, Some(sscc(2)));
}

#[test]
fn customs_of_another_authority_cannot_clear_and_an_unaccredited_inspector_cannot_attest() {
    let mut chain = dev_chain();
    let (alice, bob, charlie, eve) = (dev("Alice"), dev("Bob"), dev("Charlie"), dev("Eve"));
    winery_ships(&mut chain);
    hand_over(&mut chain, &alice, &bob, CARRIER, TransferKind::Custody, "3760001000009", "3760001000009");
    hand_over(&mut chain, &bob, &charlie, IMPORTER, TransferKind::Custody, "FRLEH", "CNSHA");
    ok(
        &mut chain,
        &charlie,
        customs(pallet_customs::Call::declare {
            subjects: vec![Subject::Aggregate(sscc(1))],
            hs_code: b"220421".to_vec(),
            declared_origin: "IT".parse().expect("country"),
            declared_value: 900_000,
            currency: *b"EUR",
            port_of_entry: "CNSHA".parse().expect("port"),
            documents: Vec::new(),
        }),
    );
    // A declared origin that differs from the registry is flagged.
    let declaration = chain.read(|state| pallet_customs::declaration(state, 0)).expect("declaration");
    assert!(!declaration.origin_mismatch.is_empty(), "IT declared, FR registered");
    // The inspector is no customs authority: it cannot clear.
    let clear = pallet_customs::Call::clear { declaration: 0, certificate_ref: b"X".to_vec() };
    assert!(run(&mut chain, &eve, customs(clear)).is_err());
    // The carrier holds no inspector accreditation: it cannot attest.
    let attest = pallet_inspection::Call::attest {
        subject: InspectionSubject::Aggregate(sscc(1)),
        scope: "quarantine".parse().expect("scope"),
        result: InspectionResult::Pass,
        report_hash: H256::repeat_byte(1),
        report_uri: b"https://example.org/r.pdf".to_vec(),
        valid_until: None,
        conditions: None,
    };
    assert!(run(&mut chain, &bob, RuntimeCall::Inspection(attest)).is_err());
}

#[test]
fn a_lot_under_recall_shows_the_recall_on_every_scan() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    winery_ships(&mut chain);
    ok(
        &mut chain,
        &alice,
        products(pallet_products::Call::recall_lot {
            gtin: GTIN.as_bytes().to_vec(),
            lot: b"L2019-01".to_vec(),
            reason: b"cork taint".to_vec(),
        }),
    );
    for serial in [1, 17, 1200] {
        let journey = chain.read(|state| journey(state, &item_id(serial), &|_| None)).expect("journey");
        assert_eq!(journey.status, "recalled");
        assert_eq!(journey.recall.expect("recall").reason.as_deref(), Some("cork taint"));
    }
    // Recalled goods cannot move.
    let propose = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(1)),
        kind: TransferKind::Custody,
        to: CARRIER,
        location: location("3760001000009"),
    };
    assert!(run(&mut chain, &alice, custody(propose)).is_err());
}

#[test]
fn a_gtin_outside_the_registrants_prefix_or_with_a_bad_check_digit_is_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let register = |gtin: &str| {
        products(pallet_products::Call::register_class {
            gtin: gtin.as_bytes().to_vec(),
            name: b"Wine".to_vec(),
            brand: b"Brand".to_vec(),
            hs_code: b"220421".to_vec(),
            origin: "FR".parse().expect("country"),
            documents: Vec::new(),
        })
    };
    // Prefix 3760001 appears, but not right after the indicator digit.
    let misplaced = with_check_digit("0003760001000");
    assert_eq!(run(&mut chain, &alice, register(&misplaced)), Err(pallet_products::Error::PrefixNotOwned.into()));
    assert_eq!(
        run(&mut chain, &alice, register("03760001000017")),
        Err(pallet_products::Error::CheckDigitMismatch.into())
    );
    ok(&mut chain, &alice, register(GTIN));
}

/// A journey longer than one page of custody history, built through the executive: the winery
/// loops custody proposals and cancellations (a history looper), then hands over for real. The
/// carrier still takes the goods, and the journey and its EPCIS export have every step, in order.
#[test]
fn a_journey_of_several_history_pages_is_read_whole_by_the_journey_and_the_epcis_export() {
    use std::collections::BTreeSet;
    use tracechain_runtime::epcis::{epcis_events, EpcisContext};

    let mut chain = dev_chain();
    let (alice, bob) = (dev("Alice"), dev("Bob"));
    ok(&mut chain, &alice, register_wine_class());
    ok(
        &mut chain,
        &alice,
        products(pallet_products::Call::commission_serials {
            gtin: GTIN.as_bytes().to_vec(),
            lot: Some(b"L2019-01".to_vec()),
            serials: vec![b"17".to_vec()],
            production_date: 20_200_315,
            expiry_date: None,
            location: location("3760001000009"),
        }),
    );
    let bottle = item_id(17);
    let propose = || {
        custody(pallet_custody::Call::propose_transfer {
            subject: Subject::Item(bottle),
            kind: TransferKind::Custody,
            to: CARRIER,
            location: location("3760001000009"),
        })
    };
    // Two pages and a half of proposals, each cancelled in the same block: 40 pairs a block.
    let loops = 2 * pallet_custody::HISTORY_PAGE_STEPS + 32;
    let mut looped = Vec::new();
    let mut nonce = chain.account_nonce(&alice.public());
    let mut next_id = chain.read(|state| pallet_custody::NEXT_PROPOSAL_ID.get(state));
    for chunk in (0..loops).collect::<Vec<_>>().chunks(40) {
        let mut extrinsics = Vec::new();
        for _ in chunk {
            extrinsics.push(chain.sign(&alice, propose(), nonce));
            extrinsics.push(chain.sign(&alice, custody(pallet_custody::Call::cancel { proposal: next_id }), nonce + 1));
            looped.push(next_id);
            nonce += 2;
            next_id += 1;
        }
        let (_, results) = next_block(&mut chain, &extrinsics);
        assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
    }
    assert_eq!(chain.read(|state| pallet_custody::history_length(state, &bottle)), loops);
    // The real hand-over goes through.
    ok(&mut chain, &alice, propose());
    let handed = last_proposal(&chain);
    ok(&mut chain, &bob, custody(pallet_custody::Call::accept { proposal: handed, location: location("FRLEH") }));

    let journey = chain.read(|state| journey(state, &bottle, &|number| Some(time_of(number)))).expect("journey");
    assert_eq!(journey.custodian.name, "Atlantic Freight");
    let records: Vec<_> = journey.steps.iter().map(|step| step.record).collect();
    let mut expected = vec![tracechain_runtime::journey::StepRecord::Commissioned];
    expected.extend(
        looped
            .iter()
            .chain([&handed])
            .map(|proposal| tracechain_runtime::journey::StepRecord::CustodyProposed { proposal: *proposal }),
    );
    expected.push(tracechain_runtime::journey::StepRecord::CustodyAccepted { proposal: handed });
    assert_eq!(records, expected, "every step, in order");
    assert!(records.len() > 2 * pallet_custody::HISTORY_PAGE_STEPS as usize);

    // The EPCIS export has one event per step, in the same order.
    let context = EpcisContext {
        company_prefixes: BTreeSet::from(["3760001".to_string()]),
        creation_time: time_of(chain.head().number),
    };
    let events = epcis_events(&journey, &context).expect("EPCIS events");
    assert_eq!(events.len(), journey.steps.len());
    for (event, step) in events.iter().zip(&journey.steps) {
        assert_eq!(event["bizStep"], serde_json::json!(step.biz_step));
        // Every event's id is GS1's canonical hash of the event itself.
        let mut without_id = event.clone();
        without_id.as_object_mut().expect("object").remove("eventID");
        let hash = tracechain_runtime::epcis::event_hash(&without_id).expect("hash");
        assert_eq!(event["eventID"], serde_json::json!(hash.uri()));
    }
    let ids: BTreeSet<&str> = events.iter().filter_map(|event| event["eventID"].as_str()).collect();
    assert_eq!(ids.len(), events.len(), "every step is its own event");
}
