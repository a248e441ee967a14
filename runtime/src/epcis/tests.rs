//! The EPCIS mapping on a hand-made journey: event types, identifiers, parties, times and ids.

use super::*;
use crate::journey::{InspectionView, Notice};
use tracechain_primitives::H256;

fn party(id: u32, name: &str) -> Party {
    Party { id, name: name.into(), country: "FR".into(), roles: vec!["manufacturer".into()] }
}

fn step(block: BlockNumber, biz_step: &str, disposition: &str, record: StepRecord) -> Step {
    Step {
        block,
        time: Some(1_700_000_000_000 + u64::from(block) * 1_000),
        biz_step: biz_step.into(),
        disposition: Some(disposition.into()),
        action: biz_step.into(),
        party: party(0, "Château X"),
        counterparty: None,
        location: None,
        aggregate: None,
        record,
    }
}

const SSCC: &str = "037600010000000019";

/// Bottle R-17 of lot L2019-01: commissioned, packed, shipped, received, sold to the importer,
/// declared, held, inspected, unpacked and sold.
fn journey() -> Journey {
    let winery = party(0, "Château X");
    let carrier = party(1, "Atlantic Freight");
    let importer = party(2, "Shanghai Fine Imports");
    let mut steps = vec![step(2, "commissioning", "active", StepRecord::Commissioned)];
    steps.push(Step {
        location: Some("GLN 3760001000009".into()),
        aggregate: Some(SSCC.into()),
        ..step(2, "packing", "in_progress", StepRecord::Packed)
    });
    steps.push(Step {
        location: Some("GLN 3760001000009".into()),
        counterparty: Some(carrier.clone()),
        aggregate: Some(SSCC.into()),
        ..step(3, "shipping", "in_transit", StepRecord::CustodyProposed { proposal: 0 })
    });
    steps.push(Step {
        location: Some("FRLEH".into()),
        party: carrier.clone(),
        counterparty: Some(winery.clone()),
        ..step(4, "receiving", "in_progress", StepRecord::CustodyAccepted { proposal: 0 })
    });
    steps.push(Step {
        location: Some("CNSHA".into()),
        party: importer.clone(),
        counterparty: Some(winery.clone()),
        ..step(5, "accepting", "in_progress", StepRecord::OwnershipAccepted { proposal: 3 })
    });
    steps.push(Step {
        location: Some("CNSHA".into()),
        party: importer.clone(),
        ..step(6, "arriving", "in_progress", StepRecord::Declared { declaration: 0 })
    });
    steps.push(Step {
        location: Some("CNSHA".into()),
        party: party(3, "Shanghai Customs"),
        ..step(7, "holding", "in_progress", StepRecord::CustomsDecision { declaration: 0 })
    });
    steps.push(Step {
        party: party(4, "CCIG"),
        ..step(8, "inspecting", "conformant", StepRecord::Attestation { attestation: 5 })
    });
    steps.push(Step {
        location: Some("CNSHA".into()),
        aggregate: Some(SSCC.into()),
        party: party(5, "Tmall Global"),
        ..step(9, "unpacking", "in_progress", StepRecord::Unpacked)
    });
    steps.push(Step { party: party(5, "Tmall Global"), ..step(10, "retail_selling", "retail_sold", StepRecord::Sale) });
    steps.push(Step { party: party(5, "Tmall Global"), ..step(10, "recalling", "recalled", StepRecord::Recall) });
    let notice = Notice { by: party(5, "Tmall Global"), reason: None, block: 10, time: 1_700_000_010_000 };
    Journey {
        item: format!("{:?}", H256::repeat_byte(0x17)),
        digital_link: "https://id.tracechain.localhost/01/03760001000016/21/R-17".into(),
        gtin: "03760001000016".into(),
        serial: Some("R-17".into()),
        lot: Some("L2019-01".into()),
        quantity: None,
        production_date: 20_200_315,
        expiry_date: Some(20_301_231),
        product: None,
        status: "sold".into(),
        owner: party(5, "Tmall Global"),
        custodian: party(5, "Tmall Global"),
        location: "CNSHA".into(),
        customs: "cleared".into(),
        packed_in: None,
        recall: None,
        sale: Some(notice),
        counterfeit: None,
        destroyed: None,
        declarations: Vec::new(),
        inspections: vec![InspectionView {
            id: 5,
            inspector: party(4, "CCIG"),
            scope: "quarantine".into(),
            result: "pass".into(),
            status: "in_force".into(),
            report_hash: format!("{:?}", H256::repeat_byte(0x1a)),
            report_uri: "https://ccig.example/reports/2026/000777.pdf".into(),
            valid_until: None,
            block: 8,
            time: 1_700_000_008_000,
        }],
        steps,
    }
}

fn context() -> EpcisContext {
    EpcisContext {
        company_prefixes: ["3760001".to_string(), "9521234".to_string()].into(),
        creation_time: 1_700_000_011_000,
    }
}

#[test]
fn the_document_has_the_epcis_envelope() {
    let document = epcis_document(&journey(), &context()).expect("export");
    assert_eq!(document["@context"], json!([EPCIS_CONTEXT]));
    assert_eq!(document["type"], json!("EPCISDocument"));
    assert_eq!(document["schemaVersion"], json!("2.0"));
    assert_eq!(document["creationDate"], json!("2023-11-14T22:13:31.000Z"));
    assert_eq!(document["epcisBody"]["eventList"].as_array().map(Vec::len), Some(11));
    let parties = &document["epcisHeader"]["epcisMasterData"]["vocabularyList"][0];
    assert_eq!(parties["type"], json!("urn:epcglobal:epcis:vtype:Party"));
    assert_eq!(parties["vocabularyElementList"][1]["id"], json!("urn:tracechain:org:1"));
    assert_eq!(parties["vocabularyElementList"][1]["attributes"][0]["attribute"], json!("Atlantic Freight"));
}

#[test]
fn steps_map_to_the_events_cbv_expects() {
    let events = epcis_events(&journey(), &context()).expect("export");
    let summary: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|event| {
            (
                event["type"].as_str().unwrap_or_default(),
                event["action"].as_str().unwrap_or_default(),
                event["bizStep"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("ObjectEvent", "ADD", "commissioning"),
            ("AggregationEvent", "ADD", "packing"),
            ("ObjectEvent", "OBSERVE", "shipping"),
            ("ObjectEvent", "OBSERVE", "receiving"),
            ("TransactionEvent", "ADD", "accepting"),
            ("ObjectEvent", "OBSERVE", "arriving"),
            ("ObjectEvent", "OBSERVE", "holding"),
            ("ObjectEvent", "OBSERVE", "inspecting"),
            ("AggregationEvent", "DELETE", "unpacking"),
            ("ObjectEvent", "OBSERVE", "retail_selling"),
            ("ObjectEvent", "OBSERVE", "-"),
        ]
    );
    let sgtin = json!(["urn:epc:id:sgtin:3760001.000001.R-17"]);
    let commissioning = &events[0];
    assert_eq!(commissioning["epcList"], sgtin);
    assert_eq!(commissioning["disposition"], json!("active"));
    assert_eq!(
        commissioning["ilmd"],
        json!({"cbvmda:lotNumber": "L2019-01", "cbvmda:itemExpirationDate": "2030-12-31"})
    );
    assert_eq!(commissioning["eventTime"], json!("2023-11-14T22:13:22.000Z"));
    assert_eq!(commissioning["eventTimeZoneOffset"], json!("+00:00"));

    let packing = &events[1];
    assert_eq!(packing["parentID"], json!("urn:epc:id:sscc:3760001.0000000001"));
    assert_eq!(packing["childEPCs"], sgtin);
    assert_eq!(packing["readPoint"]["id"], json!("urn:epc:id:sgln:3760001.00000.0"));
    assert_eq!(packing["bizLocation"]["id"], json!("urn:epc:id:sgln:3760001.00000.0"));

    let shipping = &events[2];
    assert_eq!(shipping["disposition"], json!("in_transit"));
    assert!(shipping.get("bizLocation").is_none(), "goods in transit are at no business location");
    assert_eq!(shipping["sourceList"], json!([{"type": "possessing_party", "source": "urn:tracechain:org:0"}]));
    assert_eq!(
        shipping["destinationList"],
        json!([{"type": "possessing_party", "destination": "urn:tracechain:org:1"}])
    );
    let receiving = &events[3];
    assert_eq!(receiving["readPoint"]["id"], json!("https://vocabulary.uncefact.org/unlocode#FRLEH"));
    assert_eq!(receiving["sourceList"][0]["source"], json!("urn:tracechain:org:0"));
    assert_eq!(receiving["destinationList"][0]["destination"], json!("urn:tracechain:org:1"));

    let transaction = &events[4];
    assert_eq!(transaction["bizTransactionList"], json!([{"bizTransaction": "urn:tracechain:transfer:3"}]));
    assert_eq!(transaction["sourceList"], json!([{"type": "owning_party", "source": "urn:tracechain:org:0"}]));
    assert_eq!(transaction["destinationList"][0]["destination"], json!("urn:tracechain:org:2"));
    assert_eq!(transaction["epcList"], sgtin);

    assert_eq!(events[6]["bizTransactionList"][0]["bizTransaction"], json!("urn:tracechain:customs-declaration:0"));
    let inspection = &events[7];
    assert_eq!(inspection["disposition"], json!("conformant"));
    assert_eq!(inspection["certificationInfo"], json!("https://ccig.example/reports/2026/000777.pdf"));
    assert_eq!(
        inspection["bizTransactionList"][0],
        json!({"type": "testres", "bizTransaction": "urn:tracechain:attestation:5"})
    );
    assert_eq!(events[9]["disposition"], json!("retail_sold"));
    assert_eq!(events[10]["disposition"], json!("recalled"));
    assert_eq!(events[10]["persistentDisposition"], json!({"set": ["recalled"]}));
}

#[test]
fn event_ids_are_the_canonical_hashes_of_the_events() {
    let journey = journey();
    let events = epcis_events(&journey, &context()).expect("export");
    for event in &events {
        let id = event["eventID"].as_str().expect("an eventID");
        assert!(id.starts_with("ni:///sha-256;") && id.ends_with("?ver=CBV2.0"), "{id}");
        let mut without_id = event.clone();
        without_id.as_object_mut().expect("object").remove("eventID");
        assert_eq!(event_hash(&without_id).expect("hash").uri(), id);
        // The id is not part of what it hashes.
        assert_eq!(event_hash(event).expect("hash").uri(), id);
    }
    let ids: BTreeSet<&str> = events.iter().filter_map(|event| event["eventID"].as_str()).collect();
    assert_eq!(ids.len(), events.len(), "ids are unique");
    // The id of a known event, pinned: the commissioning of bottle R-17.
    assert_eq!(
        events[0]["eventID"],
        json!(event_hash(&json!({
            "type": "ObjectEvent",
            "eventTime": "2023-11-14T22:13:22.000Z",
            "eventTimeZoneOffset": "+00:00",
            "epcList": ["https://id.gs1.org/01/03760001000016/21/R-17"],
            "action": "ADD",
            "bizStep": "https://ref.gs1.org/cbv/BizStep-commissioning",
            "disposition": "active",
            "ilmd": {"cbvmda:lotNumber": "L2019-01", "cbvmda:itemExpirationDate": "2030-12-31"},
        }))
        .expect("hash")
        .uri())
    );
    // The same input gives the same bytes.
    let again = epcis_document(&journey, &context()).expect("export");
    assert_eq!(
        serde_json::to_string(&again).expect("json"),
        serde_json::to_string(&epcis_document(&journey, &context()).expect("export")).expect("json")
    );
    assert_eq!(epcis_events(&journey, &context()).expect("export"), events);
}

#[test]
fn lots_are_quantities_and_unregistered_prefixes_fall_back_to_digital_links() {
    let mut lot = journey();
    lot.serial = None;
    lot.quantity = Some(1_200);
    let events = epcis_events(&lot, &context()).expect("export");
    assert_eq!(
        events[0]["quantityList"],
        json!([{"epcClass": "urn:epc:class:lgtin:3760001.000001.L2019-01", "quantity": 1200}])
    );
    assert!(events[0].get("epcList").is_none());
    assert_eq!(events[1]["childQuantityList"][0]["quantity"], json!(1200));

    let unregistered = EpcisContext { company_prefixes: BTreeSet::new(), ..context() };
    let events = epcis_events(&journey(), &unregistered).expect("export");
    assert_eq!(events[0]["epcList"], json!(["https://id.gs1.org/01/03760001000016/21/R-17"]));
    assert_eq!(events[1]["parentID"], json!(format!("https://id.gs1.org/00/{SSCC}")));
    assert_eq!(events[1]["readPoint"]["id"], json!("https://id.gs1.org/414/3760001000009"));
}

#[test]
fn escapes_and_helpers() {
    assert_eq!(epc_escape("A/B%C?\"&<>x"), "A%2FB%25C%3F%22%26%3C%3Ex");
    assert_eq!(iso_date(20_200_315), "2020-03-15");
    assert!(is_absolute_uri("https://ccig.example/r.pdf") && is_absolute_uri("urn:x:1"));
    assert!(!is_absolute_uri("report 7") && !is_absolute_uri("no-scheme") && !is_absolute_uri("1x:y"));
    assert_eq!(company_prefix(&context().company_prefixes, "3760001000016"), Some("3760001"));
    assert_eq!(company_prefix(&context().company_prefixes, "3760001"), None, "a reference must remain");
    let keys = gs1_key_digits(&journey());
    assert!(keys.contains("3760001000016") && keys.contains("3760001000009") && keys.contains("37600010000000019"));
}

#[test]
fn missing_facts_are_errors() {
    let mut untimed = journey();
    untimed.steps[3].time = None;
    assert!(matches!(epcis_events(&untimed, &context()), Err(EpcisError::MissingTime { index: 3, block: 4, .. })));
    let mut bad = journey();
    bad.gtin = "123".into();
    assert!(matches!(epcis_events(&bad, &context()), Err(EpcisError::InvalidGtin { .. })));
    let mut bad = journey();
    bad.steps[3].location = Some("Le Havre".into());
    assert!(matches!(epcis_events(&bad, &context()), Err(EpcisError::InvalidLocation { .. })));
}
