//! The `trace_*` domain API over real HTTP, on a chain that has run the supply-chain workload:
//! items commissioned, handed to the carrier, declared at CNSHA, inspected and cleared.

mod common;

use common::*;
use serde_json::{json, Value};
use tracechain_primitives::H256;
use tracechain_rpc::NodeClient;
use tracechain_runtime::{
    workload::{supply_chain_workload, SupplyChainWorkload, WORKLOAD_GTIN},
    ChainSpec, RuntimeCall,
};

const ITEMS: usize = 5;

fn item_id(serial: u32) -> H256 {
    let gtin = pallet_products::types::Gtin::parse(WORKLOAD_GTIN.as_bytes()).expect("gtin");
    pallet_products::types::serial_item_id(&gtin, serial.to_string().as_bytes())
}

/// A node whose chain ran the first `phases` phases of the workload (all if `None`), and the
/// workload (signatures are randomised: the same workload built twice has other blocks).
fn node_after(phases: Option<usize>) -> (std::sync::Arc<TestNode>, SupplyChainWorkload) {
    let node = TestNode::new();
    let spec = ChainSpec::development().expect("spec");
    let workload = supply_chain_workload(&spec, ITEMS, 1_700_000_006_000).expect("workload");
    for phase in workload.phases.iter().take(phases.unwrap_or(usize::MAX)) {
        node.import(&phase.block);
    }
    (node, workload)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_items_and_classes_read_as_plain_json() {
    let (node, _) = node_after(None);
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();
    let best = node.best_header();

    let class = result(&url, "trace_getProductClass", json!([WORKLOAD_GTIN])).await;
    assert_eq!(class["gtin"], json!(WORKLOAD_GTIN));
    assert_eq!(class["origin"], json!("FR"));
    assert_eq!(class["hsCode"], json!("220421"));
    assert_eq!(class["brandOrganisation"]["name"], json!("Château X"));
    assert_eq!(class["recall"], Value::Null);
    assert_eq!(class["at"]["number"], json!(best.number));
    // A GTIN-13 is normalised; an unknown class is null; a bad check digit is an error.
    assert_eq!(result(&url, "trace_getProductClass", json!(["3760001000016"])).await["gtin"], json!(WORKLOAD_GTIN));
    assert_eq!(result(&url, "trace_getProductClass", json!(["03760001000023"])).await, Value::Null);
    let bad = error(&url, "trace_getProductClass", json!(["03760001000017"])).await;
    assert_eq!(bad["code"], json!(-32602));
    assert!(bad["data"].as_str().unwrap_or_default().contains("GTIN"), "{bad}");

    let uri = format!("https://id.tracechain.localhost/01/{WORKLOAD_GTIN}/21/3");
    let by_uri = result(&url, "trace_getJourney", json!([uri])).await;
    let by_id = result(&url, "trace_getJourney", json!([format!("{:?}", item_id(3))])).await;
    assert_eq!(by_uri, by_id);
    assert_eq!(by_uri["digitalLink"], json!(uri));
    assert_eq!(by_uri["customs"], json!("cleared"));
    assert_eq!(by_uri["custodian"]["name"], json!("Atlantic Freight"));
    let steps = by_uri["steps"].as_array().expect("steps");
    let biz_steps: Vec<&str> = steps.iter().filter_map(|step| step["bizStep"].as_str()).collect();
    for expected in ["commissioning", "shipping", "receiving", "arriving", "inspecting", "accepting"] {
        assert!(biz_steps.contains(&expected), "{expected} missing from {biz_steps:?}");
    }
    for step in steps {
        assert!(step["block"].as_u64().is_some_and(|block| block >= 1), "{step}");
        assert!(step["time"].as_u64().is_some_and(|time| time > 1_700_000_000_000), "every step has its time: {step}");
        assert!(step["party"]["roles"].as_array().is_some_and(|roles| !roles.is_empty()), "{step}");
    }
    assert_eq!(by_uri["declarations"][0]["documents"][0], json!(format!("{:?}", H256::repeat_byte(0xd0))));
    assert_eq!(by_uri["inspections"][0]["reportHash"], json!(format!("{:?}", H256::repeat_byte(0x1a))));

    let item = result(&url, "trace_getItem", json!([uri])).await;
    assert_eq!(item["status"], json!("active"));
    assert!(item.get("steps").is_none() && item["gtin"] == json!(WORKLOAD_GTIN), "{item}");
    let attestations = result(&url, "trace_getAttestations", json!([uri])).await;
    assert_eq!(attestations["entries"][0]["scope"], json!("quarantine"));
    assert_eq!(attestations["entries"][0]["result"], json!("pass"));
    assert_eq!(attestations["entries"][0]["inspector"]["name"], json!("CCIG"));

    // An unknown item is null; malformed references are errors that say why.
    let unknown = format!("https://id.tracechain.localhost/01/{WORKLOAD_GTIN}/21/999");
    assert_eq!(result(&url, "trace_getJourney", json!([unknown])).await, Value::Null);
    assert_eq!(result(&url, "trace_getAttestations", json!([format!("{:?}", H256::zero())])).await, Value::Null);
    for (reference, says) in
        [("0x1234", "32 bytes"), ("bottle 3", "Digital Link"), ("https://example.org/x", "Digital Link")]
    {
        let bad = error(&url, "trace_getJourney", json!([reference])).await;
        assert_eq!(bad["code"], json!(-32602), "{reference}");
        assert!(bad["data"].as_str().unwrap_or_default().contains(says), "{reference}: {bad}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_declarations_follow_customs_and_history_reads_at_a_past_block() {
    // Declared, not yet attested nor cleared.
    let (node, workload) = node_after(Some(5));
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();
    let declared_at = node.best_header();
    let open = result(&url, "trace_getOpenDeclarations", json!(["CNSHA"])).await;
    let entries = open["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), ITEMS);
    assert_eq!(entries[0]["importer"]["name"], json!("Shanghai Fine Imports"));
    assert_eq!(entries[0]["status"], json!("declared"));
    assert_eq!(result(&url, "trace_getOpenDeclarations", json!(["FRLEH"])).await["entries"], json!([]));
    let bad = error(&url, "trace_getOpenDeclarations", json!(["Shanghai"])).await;
    assert!(bad["data"].as_str().unwrap_or_default().contains("UN/LOCODE"), "{bad}");

    for phase in &workload.phases[5..] {
        node.import(&phase.block);
    }
    assert_eq!(result(&url, "trace_getOpenDeclarations", json!(["CNSHA"])).await["entries"], json!([]));
    // At the earlier block the declarations are still open.
    let then = result(&url, "trace_getOpenDeclarations", json!(["CNSHA", format!("{:?}", declared_at.hash())])).await;
    assert_eq!(then["entries"].as_array().map(Vec::len), Some(ITEMS));
    assert_eq!(then["at"]["number"], json!(declared_at.number));
    let unknown =
        error(&url, "trace_getOpenDeclarations", json!(["CNSHA", format!("{:?}", H256::repeat_byte(9))])).await;
    assert!(unknown["data"].as_str().unwrap_or_default().contains("unknown block"), "{unknown}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recalls_of_lots_and_classes_are_listed() {
    let (node, _) = node_after(Some(2));
    let alice = dev("Alice");
    let nonce = node.account_nonce(node.best_header().state_root, &alice.public()).expect("nonce");
    let recall = RuntimeCall::Products(pallet_products::Call::recall_lot {
        gtin: WORKLOAD_GTIN.as_bytes().to_vec(),
        lot: b"L2019-01".to_vec(),
        reason: b"cork taint".to_vec(),
    });
    node.submit(node.sign(&alice, recall, nonce)).expect("pooled");
    node.produce_block();
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();

    let all = result(&url, "trace_getRecalls", json!([])).await;
    assert_eq!(all["entries"].as_array().map(Vec::len), Some(1), "{all}");
    let entry = &all["entries"][0];
    assert_eq!(
        (&entry["gtin"], &entry["lot"], &entry["reason"]),
        (&json!(WORKLOAD_GTIN), &json!("L2019-01"), &json!("cork taint"))
    );
    assert_eq!(entry["by"]["name"], json!("Château X"));
    assert_eq!(result(&url, "trace_getRecalls", json!([WORKLOAD_GTIN])).await["entries"], all["entries"]);
    assert_eq!(result(&url, "trace_getRecalls", json!(["03760001000023"])).await["entries"], json!([]));
    let item = result(&url, "trace_getItem", json!([format!("{:?}", item_id(1))])).await;
    assert_eq!(item["status"], json!("recalled"));
    assert_eq!(item["recall"]["reason"], json!("cork taint"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_export_as_epcis_documents() {
    let (node, _) = node_after(None);
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();
    let uri = format!("https://id.tracechain.localhost/01/{WORKLOAD_GTIN}/21/3");
    let document = result(&url, "trace_getEpcis", json!([uri])).await;
    assert_eq!(document["type"], json!("EPCISDocument"));
    assert_eq!(document["schemaVersion"], json!("2.0"));
    assert_eq!(document["@context"][0], json!(tracechain_runtime::epcis::EPCIS_CONTEXT));
    let events = document["epcisBody"]["eventList"].as_array().expect("events");
    let journey = result(&url, "trace_getJourney", json!([uri])).await;
    assert_eq!(events.len(), journey["steps"].as_array().map(Vec::len).unwrap_or_default());
    assert_eq!(events[0]["bizStep"], json!("commissioning"));
    assert_eq!(events[0]["epcList"], json!(["urn:epc:id:sgtin:3760001.000001.3"]));
    // Event ids are GS1's canonical event hashes of the events themselves.
    for event in events {
        let mut without_id = event.clone();
        without_id.as_object_mut().expect("event").remove("eventID");
        let hash = tracechain_runtime::epcis::event_hash(&without_id).expect("hash");
        assert_eq!(event["eventID"], json!(hash.uri()));
    }
    // The same block exports the same bytes; the creation date is that block's time.
    let at = format!("{:?}", node.best_header().hash());
    let again = result(&url, "trace_getEpcis", json!([format!("{:?}", item_id(3)), at])).await;
    assert_eq!(again, document);
    assert!(document["creationDate"].as_str().is_some_and(|date| date.starts_with("2023-11-14T")), "{document}");
    // Unknown items are null; malformed ones are errors.
    let unknown = format!("https://id.tracechain.localhost/01/{WORKLOAD_GTIN}/21/999");
    assert_eq!(result(&url, "trace_getEpcis", json!([unknown])).await, Value::Null);
    assert_eq!(error(&url, "trace_getEpcis", json!(["bottle 3"])).await["code"], json!(-32602));
    server.stop().await;
}

/// A journey longer than several pages of custody history (the winery loops custody proposals
/// and cancellations): `trace_getJourney` serves every step in order, and
/// `trace_getJourneyProof` proves every page, so that the journey recomputes from the proof.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_of_several_history_pages_is_served_whole_and_proven_page_by_page() {
    use std::collections::BTreeMap;

    use parity_scale_codec::Decode;
    use tracechain_primitives::{header::Header, trie::verify_read_proof};
    use tracechain_runtime::{story, InMemoryChain, SignatureCheck};
    use tracechain_support::{overlay::StateReader, Overlay};

    let node = TestNode::new();
    let spec = ChainSpec::development().expect("spec");
    let mut author = InMemoryChain::new(&spec).expect("chain");
    let alice = dev("Alice");
    let winery = story::location(story::WINERY_GLN).expect("GLN");
    let build = |author: &mut InMemoryChain, extrinsics: Vec<Vec<u8>>| {
        let now = 1_700_000_000_000 + u64::from(author.head().number + 1) * 6_000;
        let (block, results) = author.build_block(now, &extrinsics, SignatureCheck::Verify).expect("block");
        assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
        node.import(&block);
    };
    let setup = vec![
        author.sign(&alice, story::register_class(), 0),
        author.sign(&alice, story::commission(vec![b"17".to_vec()], winery.clone()), 1),
    ];
    build(&mut author, setup);
    let gtin = pallet_products::types::Gtin::parse(story::GTIN.as_bytes()).expect("gtin");
    let bottle = pallet_products::types::serial_item_id(&gtin, b"17");
    let propose = RuntimeCall::Custody(pallet_custody::Call::propose_transfer {
        subject: pallet_custody::types::Subject::Item(bottle),
        kind: pallet_custody::types::TransferKind::Custody,
        to: 1,
        location: winery,
    });
    let page = pallet_custody::HISTORY_PAGE_STEPS;
    let loops = 2 * page + 8;
    let (mut nonce, mut id) = (2, 0u64);
    for _ in 0..4 {
        let mut extrinsics = Vec::new();
        for _ in 0..loops / 4 {
            extrinsics.push(author.sign(&alice, propose.clone(), nonce));
            let cancel = RuntimeCall::Custody(pallet_custody::Call::cancel { proposal: id });
            extrinsics.push(author.sign(&alice, cancel, nonce + 1));
            (nonce, id) = (nonce + 2, id + 1);
        }
        build(&mut author, extrinsics);
    }
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();
    let reference = format!("{bottle:?}");

    let journey = result(&url, "trace_getJourney", json!([reference])).await;
    let steps = journey["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1 + loops as usize, "commissioning, then every proposal");
    assert_eq!(steps[0]["bizStep"], json!("commissioning"));
    let proposals: Vec<&Value> = steps[1..].iter().map(|step| &step["record"]["proposal"]).collect();
    let expected: Vec<Value> = (0..u64::from(loops)).map(|proposal| json!(proposal)).collect();
    assert_eq!(proposals, expected.iter().collect::<Vec<_>>(), "every step in order: {}", steps[1]);

    let proof = result(&url, "trace_getJourneyProof", json!([reference])).await;
    let keys: Vec<Vec<u8>> = proof["keys"].as_array().expect("keys").iter().map(unhex).collect();
    let history_keys = (0..3).map(|index| pallet_custody::HISTORY_PAGES.key(&bottle, &index));
    for key in history_keys.chain([pallet_custody::HISTORY_LENGTH.key(&bottle)]) {
        assert!(keys.contains(&key), "the proof covers 0x{}", hex::encode(&key));
    }
    // The proof checks against the certified state root, and the journey recomputes from the
    // proven values alone, every page read.
    let header = Header::decode(&mut &unhex(&proof["header"])[..]).expect("header");
    let nodes: Vec<Vec<u8>> = proof["proof"].as_array().expect("proof").iter().map(unhex).collect();
    struct Proven(BTreeMap<Vec<u8>, Option<Vec<u8>>>);
    impl StateReader for Proven {
        fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
            self.0.get(key).cloned().ok_or_else(|| format!("0x{} is not proven", hex::encode(key)))
        }
    }
    let proven =
        Proven(verify_read_proof(&header.state_root, &nodes, &keys).expect("the proof checks").into_iter().collect());
    let state = Overlay::new(&proven);
    let recomputed = tracechain_runtime::journey::journey(&state, &bottle, &|_| None).expect("the item");
    assert_eq!(state.corruption(), None, "every key the journey reads is proven");
    assert_eq!(recomputed.steps.len(), steps.len());
    assert_eq!(serde_json::to_value(&recomputed.steps[1..]).expect("json"), json!(steps[1..]));
    server.stop().await;
}

/// The steps of every page of `reference`'s journey at `at` (the best block if `None`), in page
/// order, each page checked against the counts it carries.
async fn every_page(url: &str, reference: &str, at: Option<&str>) -> (Vec<Value>, Value) {
    let params = |page: u32| match at {
        Some(at) => json!([reference, page, at]),
        None => json!([reference, page]),
    };
    let first = result(url, "trace_getJourneyPage", params(0)).await;
    let pages = first["pages"].as_u64().expect("pages") as u32;
    let mut steps = Vec::new();
    for page in 0..pages {
        let answer = if page == 0 { first.clone() } else { result(url, "trace_getJourneyPage", params(page)).await };
        assert_eq!((&answer["page"], &answer["pages"]), (&json!(page), &json!(pages)));
        assert_eq!(answer["totalSteps"], first["totalSteps"]);
        assert_eq!(answer["item"], json!(reference));
        let page_steps = answer["steps"].as_array().expect("steps");
        // A page holds one history page: 64 custody steps, fewer only in the last.
        let custody = page_steps.iter().filter(|step| step["bizStep"] == json!("shipping")).count();
        if page + 1 < pages {
            assert_eq!(custody, pallet_custody::HISTORY_PAGE_STEPS as usize, "page {page}");
        }
        steps.extend(page_steps.iter().cloned());
    }
    (steps, first)
}

/// A history looper makes a journey longer than `trace_getJourney` answers whole: the whole
/// answer is refused with an error that names the step count and the paged method, and the
/// pages of `trace_getJourneyPage` concatenate to the journey, every step of every pallet in its
/// place (commissioning on the first page, inspections among the custody steps, the recall on
/// the last page).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_looped_journey_is_refused_whole_and_served_page_by_page() {
    use tracechain_rpc::trace::MAX_JOURNEY_STEPS;
    use tracechain_runtime::{story, InMemoryChain, SignatureCheck};

    let node = TestNode::new();
    let spec = ChainSpec::development().expect("spec");
    let mut author = InMemoryChain::new(&spec).expect("chain");
    let (alice, eve) = (dev("Alice"), dev("Eve"));
    let winery = story::location(story::WINERY_GLN).expect("GLN");
    let build = |author: &mut InMemoryChain, extrinsics: Vec<Vec<u8>>| {
        let now = 1_700_000_000_000 + u64::from(author.head().number + 1) * 6_000;
        let (block, results) = author.build_block(now, &extrinsics, SignatureCheck::Verify).expect("block");
        assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
        node.import(&block);
    };
    let setup = vec![
        author.sign(&alice, story::register_class(), 0),
        author.sign(&alice, story::commission(vec![b"17".to_vec()], winery.clone()), 1),
    ];
    build(&mut author, setup);
    let gtin = pallet_products::types::Gtin::parse(story::GTIN.as_bytes()).expect("gtin");
    let bottle = pallet_products::types::serial_item_id(&gtin, b"17");
    let propose = RuntimeCall::Custody(pallet_custody::Call::propose_transfer {
        subject: pallet_custody::types::Subject::Item(bottle),
        kind: pallet_custody::types::TransferKind::Custody,
        to: 1,
        location: winery,
    });
    let attest =
        story::attest_quarantine_pass(pallet_inspection::types::InspectionSubject::Item(bottle)).expect("call");
    // Loops per block: the first two fill exactly one history page each, so the inspection
    // attested in the second block sits at a page boundary; the one in the third block inside a
    // page.
    let loops_per_block = [64u64, 64, 40, 100, 100, 100, 60];
    let (mut nonce, mut id, mut eve_nonce) = (2, 0u64, 0);
    let mut mid = None;
    for (index, loops) in loops_per_block.iter().enumerate() {
        let mut extrinsics = Vec::new();
        for _ in 0..*loops {
            extrinsics.push(author.sign(&alice, propose.clone(), nonce));
            let cancel = RuntimeCall::Custody(pallet_custody::Call::cancel { proposal: id });
            extrinsics.push(author.sign(&alice, cancel, nonce + 1));
            (nonce, id) = (nonce + 2, id + 1);
        }
        if index == 1 || index == 2 {
            extrinsics.push(author.sign(&eve, attest.clone(), eve_nonce));
            eve_nonce += 1;
        }
        build(&mut author, extrinsics);
        if index == 4 {
            mid = Some(node.best_header());
        }
    }
    let recall = RuntimeCall::Products(pallet_products::Call::recall_lot {
        gtin: story::GTIN.as_bytes().to_vec(),
        lot: story::LOT.to_vec(),
        reason: b"cork taint".to_vec(),
    });
    let recall = author.sign(&alice, recall, nonce);
    build(&mut author, vec![recall]);
    let (_, server) = serve_node(node.clone()).await;
    let url = server.http_url();
    let reference = format!("{bottle:?}");
    let loops: u64 = loops_per_block.iter().sum();
    let total = 1 + loops + 2 + 1;
    assert!(total > MAX_JOURNEY_STEPS && 1 + 368 + 2 <= MAX_JOURNEY_STEPS);

    // At an earlier block the journey was short enough to answer whole: its pages concatenate
    // to it, step for step.
    let mid = format!("{:?}", mid.expect("mid").hash());
    let whole = result(&url, "trace_getJourney", json!([reference, mid])).await;
    let whole_steps = whole["steps"].as_array().expect("steps").clone();
    assert_eq!(whole_steps.len(), 1 + 368 + 2);
    let (paged, first) = every_page(&url, &reference, Some(&mid)).await;
    assert_eq!(paged, whole_steps, "the pages concatenate to the journey");
    assert_eq!((&first["pages"], &first["totalSteps"]), (&json!(6), &json!(whole_steps.len())));
    assert_eq!(paged[0]["bizStep"], json!("commissioning"));
    let attestations: Vec<usize> =
        (0..paged.len()).filter(|at| paged[*at]["record"]["type"] == "attestation").collect();
    assert_eq!(attestations, vec![1 + 128, 1 + 168 + 1], "each after the custody steps of its block");
    // The attestation of the second block opens page 2 (it follows the history step 127 that
    // ends page 1 in the journey, and precedes step 128).
    let page_two = result(&url, "trace_getJourneyPage", json!([reference, 2, mid])).await;
    assert_eq!(page_two["steps"][0]["record"]["type"], json!("attestation"));

    // Now it is longer than trace_getJourney answers: refused, naming the count and the way.
    let refused = error(&url, "trace_getJourney", json!([reference])).await;
    assert_eq!(refused["code"], json!(5001), "{refused}");
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("{total} steps")) && message.contains("trace_getJourneyPage"), "{message}");
    assert_eq!(refused["data"], json!({"steps": total, "pages": 9, "maxSteps": MAX_JOURNEY_STEPS}));
    let (paged, first) = every_page(&url, &reference, None).await;
    assert_eq!((&first["pages"], &first["totalSteps"]), (&json!(9), &json!(total)));
    assert_eq!(paged.len() as u64, total);
    assert_eq!(paged[..whole_steps.len()], whole_steps[..], "the earlier journey is a prefix of today's");
    assert_eq!(paged.last().map(|step| &step["bizStep"]), Some(&json!("recalling")));
    let proposals: Vec<&Value> =
        paged.iter().map(|step| &step["record"]["proposal"]).filter(|p| !p.is_null()).collect();
    let expected: Vec<Value> = (0..loops).map(|proposal| json!(proposal)).collect();
    assert_eq!(proposals, expected.iter().collect::<Vec<_>>(), "every custody step once, in order");
    // The whole item is still described without its history, and named parameters work.
    assert_eq!(result(&url, "trace_getItem", json!([reference])).await["status"], json!("recalled"));
    let named = result(&url, "trace_getJourneyPage", json!({"item": reference, "page": 8})).await;
    // The last page starts at history step 512, after the commissioning and both inspections.
    assert_eq!(named["steps"], json!(paged[1 + 8 * 64 + 2..]));

    // A page past the end, and bad parameters, are errors that say what is wrong.
    let past = error(&url, "trace_getJourneyPage", json!([reference, 9])).await;
    assert_eq!(past["code"], json!(-32602));
    let says = past["data"].as_str().unwrap_or_default();
    assert!(
        says.contains("parameter `page` (position 1) is 9, past the end") && says.contains("9 page(s), 0 to 8"),
        "{says}"
    );
    let unknown_block = format!("{:?}", H256::repeat_byte(9));
    for (params, expected) in [
        (json!([reference]), "parameter `page` (position 1) is required"),
        (json!([reference, "1"]), "parameter `page` (position 1) must be an integer"),
        (json!([reference, -1]), "parameter `page` (position 1) must be an integer"),
        (json!([reference, 1.5]), "parameter `page` (position 1) must be an integer"),
        (json!([reference, 4_294_967_296u64]), "parameter `page` (position 1) must be an integer"),
        (json!(["bottle 17", 0]), "parameter `item` (position 0)"),
        (json!(["0x1234", 0]), "32 bytes"),
        (json!([reference, 0, "0x12"]), "parameter `at` (position 2) must be a 32-byte hash"),
        (json!([reference, 0, unknown_block]), "unknown block"),
        (json!([reference, 0, null, 1]), "takes at most 3 parameter(s)"),
        (json!({"item": reference, "pages": 1}), "no parameter named \"pages\""),
    ] {
        let bad = error(&url, "trace_getJourneyPage", params.clone()).await;
        assert_eq!(bad["code"], json!(-32602), "{params}: {bad}");
        assert!(bad["data"].as_str().unwrap_or_default().contains(expected), "{params}: {bad}");
    }
    // An unknown item is null, whatever the page.
    let unknown = format!("{:?}", H256::repeat_byte(7));
    assert_eq!(result(&url, "trace_getJourneyPage", json!([unknown, 3])).await, Value::Null);
    server.stop().await;
}
