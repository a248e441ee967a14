//! A product's journey as a GS1 EPCIS 2.0 document (JSON-LD): a pure, deterministic function of
//! a [`Journey`] and a few facts about the chain ([`EpcisContext`]), with no clock and no I/O.
//!
//! ## Mapping
//! One event per journey step, in the journey's order:
//!
//! | step | event | action | CBV bizStep / disposition | parties, transactions |
//! |---|---|---|---|---|
//! | commissioned | ObjectEvent | ADD | commissioning / active | ilmd: `cbvmda:lotNumber`, `cbvmda:itemExpirationDate` |
//! | custody proposed | ObjectEvent | OBSERVE | shipping / in_transit | source and destination `possessing_party` |
//! | custody accepted | ObjectEvent | OBSERVE | receiving / in_progress | source and destination `possessing_party` |
//! | ownership accepted | TransactionEvent | ADD | accepting / in_progress | source and destination `owning_party`; the transfer |
//! | packed, unpacked | AggregationEvent | ADD, DELETE | packing, unpacking / in_progress | parent: the SSCC |
//! | customs declaration, decision | ObjectEvent | OBSERVE | arriving, holding, inspecting, accepting | the declaration |
//! | inspection attestation | ObjectEvent | OBSERVE | inspecting / conformant, non_conformant | `certificationInfo`: the report; `testres`: the attestation |
//! | recall | ObjectEvent | OBSERVE | (none in CBV) / recalled, persistent | |
//! | retail sale | ObjectEvent | OBSERVE | retail_selling / retail_sold | |
//! | counterfeit report | ObjectEvent | OBSERVE | inspecting / non_conformant | |
//! | destruction | ObjectEvent | DELETE | destroying / destroyed | |
//!
//! Steps of aggregates' own journeys (formed, dissolved) have no item event and are left out.
//!
//! ## Identifiers
//! - Items: `urn:epc:id:sgtin:<company prefix>.<indicator + item reference>.<serial>` in
//!   `epcList` (`childEPCs`), lots `urn:epc:class:lgtin:…` with their quantity in `quantityList`
//!   (`childQuantityList`); SSCCs `urn:epc:id:sscc:…`; GLNs `urn:epc:id:sgln:<prefix>.<location
//!   reference>.0`. The company prefix length comes from the chain's registry
//!   ([`EpcisContext::company_prefixes`]); a GS1 key whose prefix is not registered falls back to
//!   its GS1 Digital Link URI on `id.gs1.org`, which EPCIS 2.0 accepts as well.
//! - UN/LOCODEs: `https://vocabulary.uncefact.org/unlocode#<code>` (UN/CEFACT's vocabulary).
//! - Organisations: `urn:tracechain:org:<id>`, named in the header's master data (vocabulary
//!   type `urn:epcglobal:epcis:vtype:Party`); transfer proposals, customs declarations and
//!   attestations: `urn:tracechain:transfer:<id>`, `urn:tracechain:customs-declaration:<id>`,
//!   `urn:tracechain:attestation:<id>`.
//! - `eventID`: GS1's canonical event hash of the event itself (CBV 2.0 "EPCIS Event Hash ID",
//!   `ni:///sha-256;<hex>?ver=CBV2.0`, computed by [`event_hash`] over the event without its
//!   `eventID`), so the same chain gives the same ids on every export, and an exported event can
//!   be matched against the same event captured elsewhere. Two steps of one block that record
//!   exactly the same facts (time, items, bizStep, parties…) are the same EPCIS event and share
//!   an id.
//! - CBV values (bizStep, disposition, source/destination and business-transaction types) are
//!   the bare CBV 2.0 terms, which the EPCIS 2.0 JSON-LD context expands to
//!   `https://ref.gs1.org/cbv/…`; GS1's JSON schema refuses the `urn:epcglobal:cbv:…` forms there.
//!
//! Times: `eventTime` is the step's block time (UTC, milliseconds) with `eventTimeZoneOffset`
//! `+00:00`; `creationDate` is [`EpcisContext::creation_time`], the time of the block the journey
//! was read at (never the wall clock), so one block always exports the same document.
//!
//! ## Failure
//! [`EpcisError`]: a step without a known time (EPCIS requires one), or a journey whose GS1 keys
//! are malformed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};
use tracechain_primitives::{calendar::UtcDateTime, BlockNumber, Moment};

use crate::journey::{Journey, Party, Step, StepRecord};

pub mod event_hash;

pub use event_hash::{event_hash, EventHash, EventHashError};

/// The EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// Block times are UTC.
pub const TIME_ZONE_OFFSET: &str = "+00:00";

/// What the conversion needs besides the journey.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpcisContext {
    /// GS1 company prefixes registered on the chain (digits); those that the journey's GTIN,
    /// GLNs and SSCCs start with are enough (see [`gs1_key_digits`]).
    pub company_prefixes: BTreeSet<String>,
    /// The document's creation time (ms since the Unix epoch): the time of the block read.
    pub creation_time: Moment,
}

/// Why a journey could not be exported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EpcisError {
    /// A step's block time is not known.
    #[error("step {index} ({biz_step}) in block #{block} has no known time; an EPCIS event needs one")]
    MissingTime {
        /// The step's position in the journey.
        index: usize,
        /// Its block.
        block: BlockNumber,
        /// Its bizStep.
        biz_step: String,
    },
    /// An event could not be hashed (never for the events built here; kept total).
    #[error("the event of step {index} cannot be hashed: {source}")]
    EventHash {
        /// The step's position in the journey.
        index: usize,
        /// Why.
        source: EventHashError,
    },
    /// The journey's GTIN is not 14 digits.
    #[error("the GTIN {gtin:?} is not 14 digits")]
    InvalidGtin {
        /// The GTIN as given.
        gtin: String,
    },
    /// An aggregate is not an 18-digit SSCC.
    #[error("the aggregate {sscc:?} is not an 18-digit SSCC")]
    InvalidSscc {
        /// The aggregate as given.
        sscc: String,
    },
    /// A location is neither `GLN <13 digits>` nor a UN/LOCODE.
    #[error("the location {location:?} is neither a GLN nor a UN/LOCODE")]
    InvalidLocation {
        /// The location as given.
        location: String,
    },
    /// A serialised item has no serial, or a lot item no lot.
    #[error("the item {item} has neither a serial nor a lot")]
    NoItemKey {
        /// The item id.
        item: String,
    },
}

/// The digit strings whose GS1 company prefix [`EpcisContext::company_prefixes`] should hold for
/// `journey`: the GTIN after its indicator, every GLN and every SSCC after its extension digit.
pub fn gs1_key_digits(journey: &Journey) -> BTreeSet<String> {
    let mut digits = BTreeSet::new();
    if let Some(after_indicator) = journey.gtin.get(1..) {
        digits.insert(after_indicator.to_string());
    }
    for step in &journey.steps {
        if let Some(gln) = step.location.as_deref().and_then(|location| location.strip_prefix("GLN ")) {
            digits.insert(gln.to_string());
        }
        if let Some(after_extension) = step.aggregate.as_deref().and_then(|sscc| sscc.get(1..)) {
            digits.insert(after_extension.to_string());
        }
    }
    digits
}

/// The EPCIS 2.0 `EPCISDocument` of `journey`.
pub fn epcis_document(journey: &Journey, context: &EpcisContext) -> Result<Value, EpcisError> {
    let events = epcis_events(journey, context)?;
    let mut document = json!({
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": iso_time(context.creation_time),
    });
    let parties = party_master_data(journey);
    if !parties.is_empty() {
        document["epcisHeader"] = json!({ "epcisMasterData": { "vocabularyList": [{
            "type": "urn:epcglobal:epcis:vtype:Party",
            "vocabularyElementList": parties,
        }]}});
    }
    document["epcisBody"] = json!({ "eventList": events });
    Ok(document)
}

/// The events of `journey`, one per step that concerns the item (see the module docs).
pub fn epcis_events(journey: &Journey, context: &EpcisContext) -> Result<Vec<Value>, EpcisError> {
    let ids = Identifiers::new(journey, context)?;
    let mut events = Vec::with_capacity(journey.steps.len());
    for (index, step) in journey.steps.iter().enumerate() {
        if matches!(step.record, StepRecord::Formed | StepRecord::Dissolved) {
            continue;
        }
        let time = step.time.ok_or_else(|| EpcisError::MissingTime {
            index,
            block: step.block,
            biz_step: step.biz_step.clone(),
        })?;
        let mut event = event(journey, step, &ids, time)?;
        let id = event_hash(&event).map_err(|source| EpcisError::EventHash { index, source })?;
        if let Value::Object(fields) = &mut event {
            fields.insert("eventID".into(), json!(id.uri()));
        }
        events.push(event);
    }
    Ok(events)
}

/// The identifiers of one journey's item, in EPC URN form.
struct Identifiers<'a> {
    prefixes: &'a BTreeSet<String>,
    /// `epcList` (serialised item) or `quantityList` (lot): the item as an event names it.
    item: ItemEpc,
}

enum ItemEpc {
    Instance(String),
    Class { epc_class: String, quantity: u32 },
}

impl<'a> Identifiers<'a> {
    fn new(journey: &Journey, context: &'a EpcisContext) -> Result<Self, EpcisError> {
        let prefixes = &context.company_prefixes;
        let gtin = &journey.gtin;
        if gtin.len() != 14 || !gtin.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(EpcisError::InvalidGtin { gtin: gtin.clone() });
        }
        // GTIN-14: indicator, company prefix + item reference, check digit.
        let (indicator, body) = (&gtin[..1], &gtin[1..13]);
        let urn_body = company_prefix(prefixes, body).map(|prefix| {
            let item_reference = &body[prefix.len()..];
            format!("{prefix}.{indicator}{item_reference}")
        });
        let item = match (&journey.serial, &journey.lot, journey.quantity) {
            (Some(serial), _, _) => ItemEpc::Instance(match &urn_body {
                Some(body) => format!("urn:epc:id:sgtin:{body}.{}", epc_escape(serial)),
                None => format!("https://id.gs1.org/01/{gtin}/21/{}", uri_escape(serial)),
            }),
            (None, Some(lot), quantity) => ItemEpc::Class {
                epc_class: match &urn_body {
                    Some(body) => format!("urn:epc:class:lgtin:{body}.{}", epc_escape(lot)),
                    None => format!("https://id.gs1.org/01/{gtin}/10/{}", uri_escape(lot)),
                },
                quantity: quantity.unwrap_or(0),
            },
            (None, None, _) => return Err(EpcisError::NoItemKey { item: journey.item.clone() }),
        };
        Ok(Self { prefixes, item })
    }

    /// Adds the item to `event` under `list` (`epcList`, `childEPCs`) or `quantities`
    /// (`quantityList`, `childQuantityList`).
    fn add_item(&self, event: &mut Map<String, Value>, list: &str, quantities: &str) {
        match &self.item {
            ItemEpc::Instance(epc) => {
                event.insert(list.into(), json!([epc]));
            }
            ItemEpc::Class { epc_class, quantity } => {
                event.insert(quantities.into(), json!([{ "epcClass": epc_class, "quantity": quantity }]));
            }
        }
    }

    fn sscc(&self, sscc: &str) -> Result<String, EpcisError> {
        if sscc.len() != 18 || !sscc.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(EpcisError::InvalidSscc { sscc: sscc.into() });
        }
        // SSCC: extension digit, company prefix + serial reference, check digit.
        let (extension, body) = (&sscc[..1], &sscc[1..17]);
        Ok(match company_prefix(self.prefixes, body) {
            Some(prefix) => format!("urn:epc:id:sscc:{prefix}.{extension}{}", &body[prefix.len()..]),
            None => format!("https://id.gs1.org/00/{sscc}"),
        })
    }

    fn location(&self, location: &str) -> Result<String, EpcisError> {
        let invalid = || EpcisError::InvalidLocation { location: location.into() };
        if let Some(gln) = location.strip_prefix("GLN ") {
            if gln.len() != 13 || !gln.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(invalid());
            }
            let body = &gln[..12];
            return Ok(match company_prefix(self.prefixes, body) {
                Some(prefix) => format!("urn:epc:id:sgln:{prefix}.{}.0", &body[prefix.len()..]),
                None => format!("https://id.gs1.org/414/{gln}"),
            });
        }
        if location.len() == 5 && location.bytes().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit()) {
            return Ok(format!("https://vocabulary.uncefact.org/unlocode#{location}"));
        }
        Err(invalid())
    }
}

/// The registered company prefix that `digits` starts with (the longest, though registered
/// prefixes never nest), leaving at least one digit of reference.
fn company_prefix<'p>(prefixes: &'p BTreeSet<String>, digits: &str) -> Option<&'p str> {
    prefixes
        .iter()
        .filter(|prefix| digits.len() > prefix.len() && digits.starts_with(prefix.as_str()))
        .max_by_key(|prefix| prefix.len())
        .map(String::as_str)
}

/// A party's URI.
fn party_uri(party: &Party) -> String {
    format!("urn:tracechain:org:{}", party.id)
}

/// Master data naming every organisation the events refer to, ordered by id.
fn party_master_data(journey: &Journey) -> Vec<Value> {
    let mut parties: BTreeMap<u32, &Party> = BTreeMap::new();
    for step in &journey.steps {
        if matches!(step.record, StepRecord::Formed | StepRecord::Dissolved) {
            continue;
        }
        for party in std::iter::once(&step.party).chain(step.counterparty.as_ref()) {
            parties.entry(party.id).or_insert(party);
        }
    }
    parties
        .values()
        .map(|party| {
            let mut attributes = vec![json!({ "id": "urn:epcglobal:cbv:mda#name", "attribute": party.name })];
            if !party.country.is_empty() {
                attributes.push(json!({ "id": "urn:epcglobal:cbv:mda#countryCode", "attribute": party.country }));
            }
            json!({ "id": party_uri(party), "attributes": attributes })
        })
        .collect()
}

/// One step as an event.
fn event(journey: &Journey, step: &Step, ids: &Identifiers<'_>, time: Moment) -> Result<Value, EpcisError> {
    let (event_type, action) = match step.record {
        StepRecord::OwnershipAccepted { .. } => ("TransactionEvent", "ADD"),
        StepRecord::Packed => ("AggregationEvent", "ADD"),
        StepRecord::Unpacked => ("AggregationEvent", "DELETE"),
        StepRecord::Commissioned => ("ObjectEvent", "ADD"),
        StepRecord::Destruction => ("ObjectEvent", "DELETE"),
        _ => ("ObjectEvent", "OBSERVE"),
    };
    let mut event = Map::new();
    event.insert("type".into(), json!(event_type));
    event.insert("eventTime".into(), json!(iso_time(time)));
    event.insert("eventTimeZoneOffset".into(), json!(TIME_ZONE_OFFSET));
    match step.record {
        StepRecord::Packed | StepRecord::Unpacked => {
            if let Some(sscc) = &step.aggregate {
                event.insert("parentID".into(), json!(ids.sscc(sscc)?));
            }
            ids.add_item(&mut event, "childEPCs", "childQuantityList");
        }
        _ => ids.add_item(&mut event, "epcList", "quantityList"),
    }
    event.insert("action".into(), json!(action));
    // CBV has no bizStep for a recall; the disposition says it.
    if step.record != StepRecord::Recall {
        event.insert("bizStep".into(), json!(step.biz_step));
    }
    if let Some(disposition) = &step.disposition {
        event.insert("disposition".into(), json!(disposition));
    }
    if step.record == StepRecord::Recall {
        event.insert("persistentDisposition".into(), json!({ "set": ["recalled"] }));
    }
    if let Some(location) = &step.location {
        let location = ids.location(location)?;
        event.insert("readPoint".into(), json!({ "id": location }));
        // Goods being shipped are on their way, not at a business location.
        if !matches!(step.record, StepRecord::CustodyProposed { .. }) {
            event.insert("bizLocation".into(), json!({ "id": location }));
        }
    }
    let transaction = |uri: String| json!({ "bizTransaction": uri });
    let transactions = match step.record {
        StepRecord::CustodyProposed { proposal }
        | StepRecord::CustodyAccepted { proposal }
        | StepRecord::OwnershipAccepted { proposal } => {
            vec![transaction(format!("urn:tracechain:transfer:{proposal}"))]
        }
        StepRecord::Declared { declaration } | StepRecord::CustomsDecision { declaration } => {
            vec![transaction(format!("urn:tracechain:customs-declaration:{declaration}"))]
        }
        StepRecord::Attestation { attestation } => {
            vec![json!({ "type": "testres", "bizTransaction": format!("urn:tracechain:attestation:{attestation}") })]
        }
        _ => Vec::new(),
    };
    if !transactions.is_empty() {
        event.insert("bizTransactionList".into(), json!(transactions));
    }
    let (from, to) = (step.counterparty.as_ref(), &step.party);
    let parties = match step.record {
        StepRecord::CustodyProposed { .. } => {
            step.counterparty.as_ref().map(|receiver| ("possessing_party", &step.party, receiver))
        }
        StepRecord::CustodyAccepted { .. } => from.map(|from| ("possessing_party", from, to)),
        StepRecord::OwnershipAccepted { .. } => from.map(|from| ("owning_party", from, to)),
        _ => None,
    };
    if let Some((kind, source, destination)) = parties {
        event.insert("sourceList".into(), json!([{ "type": kind, "source": party_uri(source) }]));
        event.insert("destinationList".into(), json!([{ "type": kind, "destination": party_uri(destination) }]));
    }
    if step.record == StepRecord::Commissioned {
        let mut ilmd = Map::new();
        if let Some(lot) = &journey.lot {
            ilmd.insert("cbvmda:lotNumber".into(), json!(lot));
        }
        if let Some(expiry) = journey.expiry_date {
            ilmd.insert("cbvmda:itemExpirationDate".into(), json!(iso_date(expiry)));
        }
        if !ilmd.is_empty() {
            event.insert("ilmd".into(), Value::Object(ilmd));
        }
    }
    if let StepRecord::Attestation { attestation } = step.record {
        let report = journey.inspections.iter().find(|inspection| inspection.id == attestation);
        let uri = match report {
            Some(report) if is_absolute_uri(&report.report_uri) => report.report_uri.clone(),
            _ => format!("urn:tracechain:attestation:{attestation}"),
        };
        event.insert("certificationInfo".into(), json!(uri));
    }
    Ok(Value::Object(event))
}

/// `2026-11-23T23:42:07.287Z`.
fn iso_time(ms: Moment) -> String {
    UtcDateTime::from_unix_ms(ms).rfc3339()
}

/// `YYYYMMDD` as `YYYY-MM-DD`.
fn iso_date(date: u32) -> String {
    format!("{:04}-{:02}-{:02}", date / 10_000, date / 100 % 100, date % 100)
}

/// Whether `text` is an absolute URI: a scheme (a letter, then letters, digits, `+ - .`), a colon
/// and no whitespace or characters a URI cannot hold.
fn is_absolute_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let mut scheme_bytes = scheme.bytes();
    scheme_bytes.next().is_some_and(|first| first.is_ascii_alphabetic())
        && scheme_bytes.all(|byte| byte.is_ascii_alphanumeric() || b"+-.".contains(&byte))
        && !rest.is_empty()
        && rest.bytes().all(|byte| byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte))
}

/// A serial or lot in an EPC URN (GS1 TDS): `" % & / < > ?` and anything outside the URN's
/// character set are percent-encoded.
fn epc_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.:;=!'()*+,".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A serial or lot in a Digital Link path.
fn uri_escape(value: &str) -> String {
    pallet_identity::percent_encode(value.as_bytes())
}

#[cfg(test)]
mod tests;
