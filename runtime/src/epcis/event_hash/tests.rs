//! The event hash against the worked examples of the reference implementation of the CBV 2.0
//! algorithm, and its properties: insensitive to serialisation, sensitive to content, total on
//! hostile input.
//!
//! The documents in `examples/` and their expected pre-hash strings and hashes are the test
//! examples of github.com/RalphTro/epcis-event-hash-generator (`tests/examples/`, commit
//! 5d2f1c389a1599af40fe1b530b62e0ca59ab818f, MIT licence, © Ralph Tröger and Sebastian
//! Schmittner), copied unchanged as test data.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

macro_rules! example {
    ($name:literal) => {
        Example {
            name: $name,
            document: include_str!(concat!("examples/", $name, ".jsonld")),
            hashes: include_str!(concat!("examples/", $name, ".hashes")),
        }
    };
}

struct Example {
    name: &'static str,
    document: &'static str,
    hashes: &'static str,
}

/// The worked examples this implementation reproduces exactly, hash for hash.
fn examples() -> Vec<Example> {
    vec![
        example!("epcisDocWithSingleEvent"),
        example!("ReferenceEventHashAlgorithm"),
        example!("ReferenceEventHashAlgorithm2"),
        example!("ReferenceEventHashAlgorithm3"),
        example!("epcisDocWithVariousEventTypes"),
        example!("epcisDocWithShippingAndTransportingEvent"),
        example!("persistentDisposition"),
        example!("epclist_normalisation"),
        example!("TimeStampRoundOff"),
        example!("CertificationInfoAndSensorReportWithCRS"),
        example!("epcisEventWithCURIEs"),
        example!("epcisDocWithSensorDataObjectEvent"),
        example!("epcisDocWithSensorComponent"),
        example!("epcisDocWithXMLstartTagAndErrorDeclaration"),
        example!("epcisDocWithAllGS1Keys"),
        example!("epcisDocWithCustomSchemaInContext"),
        example!("epcisDocWithDefaultSchemaInContext"),
        example!("epcisDocHavingEventWithComment"),
        example!("epcisQueryDocument"),
        example!("ralfsChaosExample"),
    ]
}

/// The events of an EPCIS document or query document, and the document's `@context`.
fn events_of(document: &Value) -> (Vec<Value>, Value) {
    let body = &document["epcisBody"];
    let list = if body["eventList"].is_array() {
        &body["eventList"]
    } else {
        &body["queryResults"]["resultsBody"]["eventList"]
    };
    (list.as_array().cloned().unwrap_or_default(), document["@context"].clone())
}

fn example_hashes(example: &Example) -> (Vec<String>, Vec<String>) {
    let document: Value = serde_json::from_str(example.document).expect("example JSON");
    let (events, context) = events_of(&document);
    let actual = events
        .iter()
        .map(|event| match event_hash_in(event, &context) {
            Ok(hash) => hash.uri(),
            Err(error) => format!("error: {error}"),
        })
        .collect();
    let expected = example.hashes.lines().filter(|line| !line.is_empty()).map(str::to_string).collect();
    (actual, expected)
}

#[test]
fn the_worked_examples_give_the_published_hashes() {
    let mut failures = Vec::new();
    let mut events = 0;
    for example in examples() {
        let (actual, expected) = example_hashes(&example);
        events += expected.len();
        if actual != expected {
            failures.push(format!("{}:\n  actual   {actual:?}\n  expected {expected:?}", example.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(events >= 30, "{events} events checked");
}

#[test]
fn pre_hash_strings_match_the_published_ones() {
    let document: Value =
        serde_json::from_str(include_str!("examples/epcisDocWithSingleEvent.jsonld")).expect("example JSON");
    let (events, context) = events_of(&document);
    let expected = include_str!("examples/epcisDocWithSingleEvent.prehashes");
    assert_eq!(pre_hash_string(&events[0], &context).expect("pre-hash"), expected.trim_end());
    let document: Value =
        serde_json::from_str(include_str!("examples/epcisDocWithVariousEventTypes.jsonld")).expect("example JSON");
    let (events, context) = events_of(&document);
    let expected: Vec<&str> = include_str!("examples/epcisDocWithVariousEventTypes.prehashes").lines().collect();
    for (event, expected) in events.iter().zip(expected) {
        assert_eq!(pre_hash_string(event, &context).expect("pre-hash"), expected);
    }
}

/// An ObjectEvent as Tracechain exports them.
fn shipping() -> Value {
    json!({
        "type": "ObjectEvent",
        "eventTime": "2023-11-14T22:13:23.000Z",
        "eventTimeZoneOffset": "+00:00",
        "epcList": ["urn:epc:id:sgtin:3760001.000001.R-17", "urn:epc:id:sgtin:3760001.000001.R-18"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:3760001.00000.0"},
        "bizTransactionList": [{"type": "testres", "bizTransaction": "urn:tracechain:attestation:5"}],
        "sourceList": [{"type": "possessing_party", "source": "urn:tracechain:org:0"}],
        "destinationList": [{"type": "possessing_party", "destination": "urn:tracechain:org:1"}],
        "ilmd": {"cbvmda:lotNumber": "L2019-01"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:3760001.000001.L2019-01", "quantity": 1200.0}],
    })
}

#[test]
fn the_pre_hash_string_of_an_exported_event() {
    assert_eq!(
        pre_hash_string(&shipping(), &Value::Null).expect("pre-hash"),
        concat!(
            "eventType=ObjectEventeventTime=2023-11-14T22:13:23.000ZeventTimeZoneOffset=+00:00",
            "epcListepc=https://id.gs1.org/01/03760001000016/21/R-17epc=https://id.gs1.org/01/03760001000016/21/R-18",
            "quantityListquantityElementepcClass=https://id.gs1.org/01/03760001000016/10/L2019-01quantity=1200",
            "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping",
            "disposition=https://ref.gs1.org/cbv/Disp-in_transitreadPointid=https://id.gs1.org/414/3760001000009",
            "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-testresbizTransaction=urn:tracechain:attestation:5",
            "destinationListtype=https://ref.gs1.org/cbv/SDT-possessing_partydestination=urn:tracechain:org:1",
            "ilmd{urn:epcglobal:cbv:mda:}lotNumber=L2019-01",
            "sourceListtype=https://ref.gs1.org/cbv/SDT-possessing_partysource=urn:tracechain:org:0",
        )
    );
}

#[test]
fn other_serialisations_of_the_same_event_hash_alike() {
    let original = event_hash(&shipping()).expect("hash");
    // Keys in another order, lists reversed, whitespace around values, another time zone, more
    // precision, Digital Links on another domain, CBV URNs and URIs for bare terms, 1200 as
    // an integer; `eventID`, `recordTime` and comments are not part of the event's identity.
    let text = r#"{
        "ilmd": {"cbvmda:lotNumber": " L2019-01 "},
        "destinationList": [{"destination": "urn:tracechain:org:1", "type": "urn:epcglobal:cbv:sdt:possessing_party"}],
        "sourceList": [{"source": "urn:tracechain:org:0", "type": "https://ref.gs1.org/cbv/SDT-possessing_party"}],
        "bizTransactionList": [{"bizTransaction": "urn:tracechain:attestation:5", "type": "cbv:BTT-testres"}],
        "readPoint": {"id": "https://example.com/gln/3760001000009?x=1"},
        "disposition": "urn:epcglobal:cbv:disp:in_transit",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping",
        "action": "OBSERVE",
        "quantityList": [{"quantity": 1200, "epcClass": "https://brand.example/01/03760001000016/10/L2019-01"}],
        "epcList": ["https://id.tracechain.localhost/01/03760001000016/21/R-18", "urn:epc:id:sgtin:3760001.000001.R-17"],
        "eventTimeZoneOffset": "+00:00",
        "eventTime": "2023-11-15T00:13:22.9996+02:00",
        "eventID": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
        "recordTime": "2024-01-01T00:00:00Z",
        "comment": "not hashed",
        "type": "ObjectEvent"
    }"#;
    let reordered: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(event_hash(&reordered).expect("hash"), original);
}

#[test]
fn any_change_changes_the_hash() {
    let original = event_hash(&shipping()).expect("hash");
    let changes: Vec<(&str, Value)> = vec![
        ("type", json!("TransactionEvent")),
        ("eventTime", json!("2023-11-14T22:13:23.001Z")),
        ("eventTimeZoneOffset", json!("+01:00")),
        ("epcList", json!(["urn:epc:id:sgtin:3760001.000001.R-17"])),
        ("quantityList", json!([{"epcClass": "urn:epc:class:lgtin:3760001.000001.L2019-01", "quantity": 1201}])),
        ("action", json!("ADD")),
        ("bizStep", json!("receiving")),
        ("disposition", json!("in_progress")),
        ("readPoint", json!({"id": "urn:epc:id:sgln:3760001.00000.1"})),
        ("bizLocation", json!({"id": "urn:epc:id:sgln:3760001.00000.0"})),
        ("bizTransactionList", json!([{"type": "testres", "bizTransaction": "urn:tracechain:attestation:6"}])),
        ("sourceList", json!([{"type": "owning_party", "source": "urn:tracechain:org:0"}])),
        ("destinationList", json!([{"type": "possessing_party", "destination": "urn:tracechain:org:2"}])),
        ("ilmd", json!({"cbvmda:lotNumber": "L2019-02"})),
        ("persistentDisposition", json!({"set": ["recalled"]})),
        ("certificationInfo", json!("https://ccig.example/reports/1.pdf")),
        ("example:note", json!("an extension")),
    ];
    let mut seen = std::collections::BTreeSet::from([original]);
    for (field, value) in changes {
        let mut changed = shipping();
        changed[field] = value;
        let hash = event_hash(&changed).expect("hash");
        assert!(seen.insert(hash), "changing {field} gave a hash already seen");
    }
    let mut removed = shipping();
    removed.as_object_mut().expect("object").remove("disposition");
    assert!(seen.insert(event_hash(&removed).expect("hash")));
}

#[test]
fn the_hash_uri_round_trips() {
    let hash = event_hash(&shipping()).expect("hash");
    let uri = hash.uri();
    assert!(uri.starts_with("ni:///sha-256;") && uri.ends_with("?ver=CBV2.0"), "{uri}");
    assert_eq!(uri.len(), "ni:///sha-256;".len() + 64 + "?ver=CBV2.0".len());
    assert_eq!(EventHash::from_uri(&uri), Some(hash));
    assert_eq!(EventHash::from_uri(&uri.to_uppercase()), None);
    assert_eq!(EventHash::from_uri("ni:///sha-256;00?ver=CBV2.0"), None);
}

#[test]
fn times_are_utc_with_milliseconds() {
    let utc = |text: &str| utc_millis("t", text);
    assert_eq!(utc("2020-03-04T11:00:30+01:00").as_deref(), Ok("2020-03-04T10:00:30.000Z"));
    assert_eq!(utc("2022-02-16T20:33:31.116000-06:00").as_deref(), Ok("2022-02-17T02:33:31.116Z"));
    assert_eq!(utc("2023-02-02T11:04:03.1415Z").as_deref(), Ok("2023-02-02T11:04:03.142Z"));
    assert_eq!(utc("2023-02-02T11:04:03.1425Z").as_deref(), Ok("2023-02-02T11:04:03.143Z"));
    assert_eq!(utc("1999-12-31T23:59:59.9999Z").as_deref(), Ok("2000-01-01T00:00:00.000Z"));
    assert_eq!(utc("2024-03-01T00:30:00+01:00").as_deref(), Ok("2024-02-29T23:30:00.000Z"));
    assert_eq!(utc("2024-02-29T23:30:00.5-14:00").as_deref(), Ok("2024-03-01T13:30:00.500Z"));
    for bad in ["2023-02-30T00:00:00Z", "2023-01-01T24:00:00Z", "2023-01-01T00:00:00", "2023-01-01 00:00:00Z", "x", ""]
    {
        assert!(utc(bad).is_err(), "{bad:?}");
    }
    assert!(utc("0000-01-01T00:00:00+01:00").is_err(), "before year 0");
}

#[test]
fn numbers_are_canonical_decimals() {
    let cases = [
        ("1", "1"),
        ("1.0", "1"),
        ("452.0", "452"),
        ("+007", "7"),
        ("-0.0", "0"),
        ("0.3434000", "0.3434"),
        ("12.10", "12.1"),
        ("1e3", "1000"),
        ("1.5E-3", "0.0015"),
        ("0.0001", "0.0001"),
        ("0.000015", "1.5e-05"),
        ("-2.5e-7", "-2.5e-07"),
        (".5", "0.5"),
        ("5.", "5"),
    ];
    for (text, canonical) in cases {
        assert_eq!(canonical_number(text).as_deref(), Some(canonical), "{text}");
    }
    for not_a_number in ["", "-", ".", "1e", "e5", "1.2.3", "0x10", "1 2", "nan", "inf", "1e99999", "+01:00"] {
        assert_eq!(canonical_number(not_a_number), None, "{not_a_number}");
    }
}

#[test]
fn gs1_identifiers_become_canonical_digital_links() {
    let cases = [
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:id:sscc:4012345.0000000333", "https://id.gs1.org/00/040123450000003338"),
        ("urn:epc:id:sgln:0614141.07346.1234", "https://id.gs1.org/414/0614141073467/254/1234"),
        ("urn:epc:id:sgln:4012345.00005.0", "https://id.gs1.org/414/4012345000054"),
        ("urn:epc:id:pgln:5200001.00000", "https://id.gs1.org/417/5200001000008"),
        ("urn:epc:class:lgtin:4054739.099914.20160711", "https://id.gs1.org/01/04054739999148/10/20160711"),
        ("urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"),
        ("urn:epc:id:gdti:4012345.55555.1234", "https://id.gs1.org/253/40123455555541234"),
        ("https://id.gs1.de/01/04012345999990/21/XYZ-1234", "https://id.gs1.org/01/04012345999990/21/XYZ-1234"),
        (
            "https://example.com/gtin/9780345418913/lot/A1/ser/765tz?abc=1#f",
            "https://id.gs1.org/01/09780345418913/21/765tz",
        ),
        ("https://example.com/01/09780345418913/22/2A/10/A1", "https://id.gs1.org/01/09780345418913/10/A1"),
    ];
    for (uri, canonical) in cases {
        assert_eq!(canonical_gs1_uri(uri).as_deref(), Some(canonical), "{uri}");
    }
    for other in [
        "urn:tracechain:org:1",
        "https://vocabulary.uncefact.org/unlocode#FRLEH",
        "https://ccig.example/reports/2026/000777.pdf",
        "urn:epc:id:sgtin:0614141.10734.2017",
        "urn:epc:id:sgtin:0614141.107346.",
        "urn:epc:id:sgtin:0614141.107346.a b",
        "https://example.com/01/97803454189/21/x",
        "https://example.com/01/09780345418913/99/x",
        "geo:47.506694,11.104301",
    ] {
        assert_eq!(canonical_gs1_uri(other), None, "{other}");
    }
}

#[test]
fn invalid_events_are_errors() {
    assert_eq!(event_hash(&json!([])), Err(EventHashError::NotAnObject));
    assert_eq!(
        event_hash(&json!({"eventTime": "2020-01-01T00:00:00Z"})),
        Err(EventHashError::UnknownEventType { event_type: String::new() })
    );
    assert_eq!(
        event_hash(&json!({"type": "Event", "eventTime": "2020-01-01T00:00:00Z"})),
        Err(EventHashError::UnknownEventType { event_type: "Event".into() })
    );
    assert_eq!(event_hash(&json!({"type": "ObjectEvent"})), Err(EventHashError::MissingEventTime));
    assert!(matches!(
        event_hash(&json!({"type": "ObjectEvent", "eventTime": "yesterday"})),
        Err(EventHashError::InvalidTime { field, .. }) if field == "eventTime"
    ));
    let mut wrong = shipping();
    wrong["epcList"] = json!("urn:epc:id:sgtin:3760001.000001.R-17");
    assert_eq!(
        event_hash(&wrong),
        Err(EventHashError::WrongType { field: "epcList".into(), expected: "a list of strings" })
    );
    let mut deep = json!("leaf");
    for _ in 0..(MAX_DEPTH + 5) {
        deep = json!({ "example:nested": deep });
    }
    let mut nested = shipping();
    nested["example:nested"] = deep;
    assert!(matches!(event_hash(&nested), Err(EventHashError::TooDeep { .. })));
    let mut wide = shipping();
    wide["epcList"] = Value::Array(vec![json!("urn:epc:id:sgtin:3760001.000001.R-17"); MAX_VALUES + 1]);
    assert_eq!(event_hash(&wide), Err(EventHashError::TooManyValues { limit: MAX_VALUES }));
    let mut large = shipping();
    large["example:blob"] = json!("x".repeat(MAX_PRE_HASH_BYTES + 1));
    assert_eq!(event_hash(&large), Err(EventHashError::TooLarge { limit: MAX_PRE_HASH_BYTES }));
}

/// Arbitrary JSON, a few levels deep, with keys and strings that look like EPCIS.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let words = prop_oneof![
        Just("urn:epc:id:sgtin:0614141.107346.2017".to_string()),
        Just("https://x.example/01/0614141107346/21/%41".to_string()),
        Just("2020-02-29T23:59:59.9995+14:00".to_string()),
        Just("1e-400".to_string()),
        Just("-0.000".to_string()),
        "[ -~]{0,24}",
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|number| json!(number)),
        any::<f64>().prop_map(|number| serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)),
        words.prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("epcList".to_string()),
        Just("quantityList".to_string()),
        Just("readPoint".to_string()),
        Just("sensorElementList".to_string()),
        Just("sensorReport".to_string()),
        Just("sensorMetadata".to_string()),
        Just("bizTransactionList".to_string()),
        Just("persistentDisposition".to_string()),
        Just("set".to_string()),
        Just("type".to_string()),
        Just("time".to_string()),
        Just("example:x".to_string()),
        "[a-z:]{1,6}",
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_events(mut value in arbitrary_json(), event_type in 0usize..6) {
        let _ = event_hash(&value);
        if let Value::Object(object) = &mut value {
            if let Some(event_type) = EVENT_TYPES.get(event_type) {
                object.insert("type".into(), json!(event_type));
            }
            object.insert("eventTime".into(), json!("2020-01-01T00:00:00Z"));
        }
        let _ = event_hash(&value);
        let _ = event_hash_in(&shipping(), &value);
    }

    #[test]
    fn never_panics_on_arbitrary_strings(text in "\\PC{0,40}", ascii in "[ -~]{0,40}") {
        for text in [&text, &ascii] {
            let _ = canonical_number(text);
            let _ = canonical_gs1_uri(text);
            let _ = canonical_gs1_uri(&format!("urn:epc:{text}"));
            let _ = canonical_gs1_uri(&format!("https://a.b/01/{text}"));
            let _ = utc_millis("t", text);
        }
    }
}
