//! The acceptance story of the brief, walked over JSON-RPC only: Château X registers its 2019
//! wine and commissions 40 bottles in two SSCC pallets at the winery; Atlantic Freight carries
//! them to Le Havre and on to Shanghai; Shanghai Fine Imports takes custody and title and
//! declares them at CNSHA; Shanghai Customs holds them and requires a quarantine inspection
//! (clearing before it is refused); CCIG attests "pass"; customs clears; the bonded warehouse and
//! the Tmall Global store take over; the store unpacks a pallet and sells bottle 17; a second sale
//! of the same bottle is refused; the consumer's scan reads the journey from `trace_getJourney`.
//!
//! Every run uses fresh serials and SSCCs (derived from the finalized height at its start), so
//! the story can run again on the same chain; the product class is registered only once.

use serde_json::{json, Value};
use tracechain_primitives::{gs1::check_digit, keyring::Sr25519Pair};
use tracechain_runtime::{RuntimeCall, RuntimeEvent};

use pallet_custody::types::{Subject, TransferKind};
use pallet_inspection::types::InspectionSubject;
use pallet_membership::types::{Location, OrgId};
use pallet_products::types::{serial_item_id, Gtin};

use crate::{
    rpc::{Inclusion, RpcClient},
    ClientError,
};

use tracechain_runtime::story;
pub use tracechain_runtime::story::GTIN;
const CARRIER: OrgId = 1;
const IMPORTER: OrgId = 2;
const TMALL: OrgId = 5;
const WAREHOUSE: OrgId = 7;
const BOTTLES_PER_PALLET: u32 = 20;

/// The keys of the story's actors (the development chain's accounts).
struct Actors {
    winery: Sr25519Pair,
    carrier: Sr25519Pair,
    importer: Sr25519Pair,
    customs: Sr25519Pair,
    inspector: Sr25519Pair,
    store: Sr25519Pair,
    warehouse: Sr25519Pair,
}

/// What the story leaves behind: the scanned bottle's Digital Link and its journey as served by
/// `trace_getJourney`.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The Digital Link printed on bottle 17.
    pub digital_link: String,
    /// `trace_getJourney` of that link.
    pub journey: Value,
}

/// A step's progress, for the caller to print.
pub type Progress<'a> = &'a mut dyn FnMut(&str);

/// Walks the story against the node behind `client`; `progress` hears each step.
pub fn run(client: &RpcClient, progress: Progress<'_>) -> Result<Outcome, ClientError> {
    let pair = |suri: &str| {
        Sr25519Pair::from_suri(suri).map_err(|error| ClientError::Story(format!("dev key {suri}: {error}")))
    };
    let actors = Actors {
        winery: pair("//Alice")?,
        carrier: pair("//Bob")?,
        importer: pair("//Charlie")?,
        customs: pair("//Dave")?,
        inspector: pair("//Eve")?,
        store: pair("//Ferdie")?,
        warehouse: pair("//Warehouse")?,
    };
    let run_id = client.finalized_number()?;
    let serial = |n: u32| format!("R{run_id}-{n}");
    let gtin = Gtin::parse(GTIN.as_bytes()).map_err(|error| ClientError::Story(format!("GTIN: {error:?}")))?;
    let item = |n: u32| serial_item_id(&gtin, serial(n).as_bytes());
    let pallets = [sscc(run_id, 1)?, sscc(run_id, 2)?];
    let winery_gln = location(story::WINERY_GLN)?;

    if client.call("trace_getProductClass", json!([GTIN]))?.is_null() {
        client.execute("registering the product class", vec![(&actors.winery, story::register_class())])?;
        progress(&format!("registered {GTIN} (Château X 2019, 750 ml)"));
    }
    let mut calls = Vec::new();
    for (index, pallet) in pallets.iter().enumerate() {
        let first = index as u32 * BOTTLES_PER_PALLET + 1;
        let numbers: Vec<u32> = (first..first + BOTTLES_PER_PALLET).collect();
        let serials = numbers.iter().map(|n| serial(*n).into_bytes()).collect();
        calls.push((&actors.winery, story::commission(serials, winery_gln.clone())));
        calls.push((
            &actors.winery,
            RuntimeCall::Custody(pallet_custody::Call::pack {
                sscc: *pallet,
                children: numbers.iter().map(|n| Subject::Item(item(*n))).collect(),
                location: winery_gln.clone(),
            }),
        ));
    }
    client.execute("commissioning and packing", calls)?;
    progress(&format!("commissioned {} bottles in pallets {}", 2 * BOTTLES_PER_PALLET, sscc_text(&pallets)));

    hand_over(
        client,
        &pallets,
        (&actors.winery, &actors.carrier),
        CARRIER,
        TransferKind::Custody,
        ("3760001000009", "3760001000009"),
    )?;
    progress("Atlantic Freight took custody at the winery");
    hand_over(
        client,
        &pallets,
        (&actors.carrier, &actors.importer),
        IMPORTER,
        TransferKind::Custody,
        ("FRLEH", "CNSHA"),
    )?;
    progress("handed over at Le Havre (FRLEH), received by Shanghai Fine Imports at CNSHA");
    hand_over(
        client,
        &pallets,
        (&actors.winery, &actors.importer),
        IMPORTER,
        TransferKind::Ownership,
        ("3760001000009", "CNSHA"),
    )?;
    progress("title passed to Shanghai Fine Imports");

    let declarations = declare(client, &actors.importer, &pallets)?;
    progress(&format!("declared at CNSHA: declarations {declarations:?}"));
    let mut decisions = Vec::new();
    for declaration in &declarations {
        let hold =
            pallet_customs::Call::hold { declaration: *declaration, reason: b"quarantine inspection pending".to_vec() };
        let scopes = vec!["quarantine".parse().map_err(|error| ClientError::Story(format!("scope: {error:?}")))?];
        decisions.push((&actors.customs, RuntimeCall::Customs(hold)));
        decisions.push((
            &actors.customs,
            RuntimeCall::Customs(pallet_customs::Call::require_inspection { declaration: *declaration, scopes }),
        ));
    }
    client.execute("holding for inspection", decisions)?;
    progress("Shanghai Customs: on hold, quarantine inspection required");
    let clear = |declaration: u64| {
        RuntimeCall::Customs(pallet_customs::Call::clear {
            declaration,
            certificate_ref: b"CNSHA-2026-000123".to_vec(),
        })
    };
    match client.execute("clearing before the inspection", vec![(&actors.customs, clear(declarations[0]))]) {
        Err(ClientError::Dispatch { error, .. }) => {
            progress(&format!("clearance before the inspection refused: {error}"))
        }
        Err(other) => return Err(other),
        Ok(_) => return Err(ClientError::Story("customs cleared before the required inspection passed".into())),
    }
    let mut attestations = Vec::new();
    for pallet in &pallets {
        let attest =
            story::attest_quarantine_pass(InspectionSubject::Aggregate(*pallet)).map_err(ClientError::Story)?;
        attestations.push((&actors.inspector, attest));
    }
    client.execute("attesting the quarantine inspection", attestations)?;
    progress("CCIG attested quarantine: pass");
    client
        .execute("clearing", declarations.iter().map(|declaration| (&actors.customs, clear(*declaration))).collect())?;
    progress("Shanghai Customs cleared both declarations");

    hand_over(
        client,
        &pallets,
        (&actors.importer, &actors.warehouse),
        WAREHOUSE,
        TransferKind::Custody,
        ("CNSHA", "CNSHA"),
    )?;
    hand_over(client, &pallets, (&actors.warehouse, &actors.store), TMALL, TransferKind::Custody, ("CNSHA", "CNSHA"))?;
    hand_over(client, &pallets, (&actors.importer, &actors.store), TMALL, TransferKind::Ownership, ("CNSHA", "CNSHA"))?;
    progress("through the bonded warehouse to Tmall Global, which took title");
    let unpack = pallet_custody::Call::unpack { sscc: pallets[0], location: location("CNSHA")? };
    client.execute("unpacking at the store", vec![(&actors.store, RuntimeCall::Custody(unpack))])?;
    let sell = || RuntimeCall::Identity(pallet_identity::Call::mark_sold { item: item(17) });
    client.execute("selling bottle 17", vec![(&actors.store, sell())])?;
    progress(&format!("bottle {} sold by Tmall Global", serial(17)));
    match client.execute("selling bottle 17 again", vec![(&actors.store, sell())]) {
        Err(ClientError::Dispatch { error, .. }) => {
            progress(&format!("a second sale of the same bottle is refused: {error}"))
        }
        Err(other) => return Err(other),
        Ok(_) => return Err(ClientError::Story("the same bottle was sold twice".into())),
    }

    let resolver = client.call("trace_getItem", json!([format!("{:?}", item(17))]))?;
    let digital_link = resolver["digitalLink"]
        .as_str()
        .ok_or_else(|| ClientError::Story(format!("trace_getItem has no digitalLink: {resolver}")))?
        .to_string();
    let journey = client.call("trace_getJourney", json!([digital_link]))?;
    if journey["status"] != json!("sold") || journey["customs"] != json!("cleared") {
        return Err(ClientError::Story(format!(
            "unexpected journey: status {}, customs {}",
            journey["status"], journey["customs"]
        )));
    }
    Ok(Outcome { digital_link, journey })
}

/// Proposes the pallets to `to` (custody or title) and has the receiver accept, with the
/// proposal ids read from the `TransferProposed` events.
fn hand_over(
    client: &RpcClient,
    pallets: &[[u8; 18]],
    (from, receiver): (&Sr25519Pair, &Sr25519Pair),
    to: OrgId,
    kind: TransferKind,
    (at, received_at): (&str, &str),
) -> Result<(), ClientError> {
    let proposals: Vec<_> = pallets
        .iter()
        .map(|pallet| {
            let subject = Subject::Aggregate(*pallet);
            Ok((
                from,
                RuntimeCall::Custody(pallet_custody::Call::propose_transfer {
                    subject,
                    kind,
                    to,
                    location: location(at)?,
                }),
            ))
        })
        .collect::<Result<_, ClientError>>()?;
    let proposed = client.execute("proposing a transfer", proposals)?;
    let ids = event_ids(&proposed, |event| match event {
        RuntimeEvent::Custody(pallet_custody::Event::TransferProposed { proposal, .. }) => Some(*proposal),
        _ => None,
    })?;
    let accepts = ids
        .into_iter()
        .map(|proposal| {
            Ok((
                receiver,
                RuntimeCall::Custody(pallet_custody::Call::accept { proposal, location: location(received_at)? }),
            ))
        })
        .collect::<Result<_, ClientError>>()?;
    client.execute("accepting a transfer", accepts)?;
    Ok(())
}

fn declare(client: &RpcClient, importer: &Sr25519Pair, pallets: &[[u8; 18]]) -> Result<Vec<u64>, ClientError> {
    let calls = pallets
        .iter()
        .map(|pallet| (importer, story::declare_at_shanghai(vec![Subject::Aggregate(*pallet)], 900_000)))
        .collect();
    let declared = client.execute("declaring at CNSHA", calls)?;
    event_ids(&declared, |event| match event {
        RuntimeEvent::Customs(pallet_customs::Event::Declared { declaration, .. }) => Some(*declaration),
        _ => None,
    })
}

/// One id per inclusion, from the first of its events that `pick` accepts.
fn event_ids(inclusions: &[Inclusion], pick: impl Fn(&RuntimeEvent) -> Option<u64>) -> Result<Vec<u64>, ClientError> {
    inclusions
        .iter()
        .map(|inclusion| {
            inclusion.events.iter().find_map(&pick).ok_or_else(|| {
                ClientError::Story(format!(
                    "block #{} extrinsic {} emitted no expected event",
                    inclusion.block, inclusion.index
                ))
            })
        })
        .collect()
}

/// SSCC with extension digit 0, company prefix 3760001 and a serial reference unique to the run.
fn sscc(run_id: u32, pallet: u32) -> Result<[u8; 18], ClientError> {
    let body = format!("03760001{:09}", u64::from(run_id % 10_000_000) * 100 + u64::from(pallet));
    let digit = check_digit(body.as_bytes()).ok_or_else(|| ClientError::Story(format!("SSCC body {body}")))?;
    let mut sscc = [0u8; 18];
    sscc[..17].copy_from_slice(body.as_bytes());
    sscc[17] = b'0' + digit;
    Ok(sscc)
}

fn sscc_text(pallets: &[[u8; 18]]) -> String {
    pallets.iter().map(|sscc| String::from_utf8_lossy(sscc).into_owned()).collect::<Vec<_>>().join(", ")
}

fn location(text: &str) -> Result<Location, ClientError> {
    story::location(text).map_err(ClientError::Story)
}

/// The journey as lines a person reads (see [`tracechain_runtime::journey::describe`]).
pub fn journey_lines(journey: &Value) -> Vec<String> {
    match serde_json::from_value::<tracechain_runtime::journey::Journey>(journey.clone()) {
        Ok(journey) => tracechain_runtime::journey::describe(&journey),
        Err(error) => vec![format!("(the node's journey does not have the expected shape: {error})")],
    }
}
