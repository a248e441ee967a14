//! GS1's canonical EPCIS event hash (CBV 2.0, "EPCIS Event Hash ID"): one function,
//! [`event_hash`], from an EPCIS 2.0 JSON-LD event to `ni:///sha-256;<hex>?ver=CBV2.0`.
//!
//! The same event gives the same hash however it is serialised (key order, whitespace around
//! values, EPC URNs or Digital Links, bare CBV terms or their URIs, time zones, trailing zeros),
//! and any change of a value, or a field added or removed, gives another hash. Tracechain uses it
//! as the `eventID` of every exported event, so an exported journey can be matched against what
//! was captured, and the same event captured twice is recognised.
//!
//! ## The algorithm
//! A *pre-hash string* is built and its UTF-8 bytes hashed with SHA-256 (hex, lower case). The
//! pre-hash string concatenates, without separators, `key=value` for each value (or just `key`
//! for a structure, followed by its parts):
//!
//! 1. `eventType`, `eventTime` (in UTC with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`; a fourth
//!    decimal of 5–9 rounds up), `eventTimeZoneOffset` (as given), `certificationInfo`,
//!    `parentID`, `epcList`, `inputEPCList`, `childEPCs` (each `epc=…`), `quantityList`,
//!    `childQuantityList`, `inputQuantityList` (each `quantityElement` with `epcClass`,
//!    `quantity`, `uom`), `outputEPCList`, `outputQuantityList`, `action`, `transformationID`,
//!    `bizStep`, `disposition`, `persistentDisposition` (`set`, then `unset`), `readPoint` and
//!    `bizLocation` (`id`, then extensions), `sensorElementList` (each `sensorElement`:
//!    `sensorMetadata` with `time`, `startTime`, `endTime`, `deviceID`, `deviceMetadata`,
//!    `rawData`, `dataProcessingMethod`, `bizRules`; then each `sensorReport` with `type`,
//!    `exception`, `deviceID`, `deviceMetadata`, `rawData`, `dataProcessingMethod`, `time`,
//!    `microorganism`, `chemicalSubstance`, `value`, `component`, `stringValue`, `booleanValue`,
//!    `hexBinaryValue`, `uriValue`, `minValue`, `maxValue`, `meanValue`, `sDev`, `percRank`,
//!    `percValue`, `uom`, `coordinateReferenceSystem`; each part's extensions after its fields);
//! 2. then, sorted together as strings: `bizTransactionList` (each `type=…bizTransaction=…`),
//!    `sourceList` and `destinationList` (each `type=…source=…`), `ilmd` and every user
//!    extension or other field at event level, each as `{namespace}localName=value` (a nested
//!    structure as its name followed by its sorted parts).
//!
//! The members of every list, and the parts of every structure whose order is not fixed above,
//! are sorted as strings (byte order). Absent, `null` and empty values and lists are left out;
//! `eventID`, `recordTime`, `errorDeclaration`, `@context` and comments are not hashed.
//!
//! Values are normalised first: whitespace trimmed; CBV URNs (`urn:epcglobal:cbv:bizstep:…`,
//! `disp`, `btt`, `sdt`, `er`) and bare CBV terms (`shipping`, `in_transit`, `po`,
//! `owning_party`, sensor `Temperature`, `ALARM_CONDITION`, component `x`…) become their web
//! URIs (`https://ref.gs1.org/cbv/BizStep-shipping`, `https://gs1.org/voc/Temperature`); CURIEs
//! are expanded with the prefixes of the EPCIS 2.0 context and of the document's and the
//! event's own `@context`; numbers lose a leading `+`, leading zeros and trailing zeros (`1.50`
//! → `1.5`, `452.0` → `452`, below 10⁻⁴ in exponent form as `1.5e-05`); EPC URNs (`sgtin`,
//! `sscc`, `sgln`, `pgln`, `grai`, `giai`, `gsrn`, `gsrnp`, `gdti`, `sgcn`, `ginc`, `gsin`,
//! `cpi`, `itip`, `upui`, the class `lgtin` and the patterns `sgtin`, `grai`, `gdti`, `sgcn`,
//! `cpi`, `itip`, `upui`) become canonical GS1 Digital Link URIs on `https://id.gs1.org` with
//! their check digit; a Digital Link on any domain is reduced to the canonical form: domain
//! `id.gs1.org`, short names (`gtin`, `lot`, `ser`, …) as AIs, GTINs padded to 14 digits, query
//! and fragment stripped, and only the finest level of identification kept (a serial over a
//! lot, no CPV).
//!
//! ## Sources and bounds
//! The order and the rules follow the reference implementation of the CBV 2.0 algorithm
//! (github.com/RalphTro/epcis-event-hash-generator), whose worked examples are the tests (see
//! `tests.rs`). Where its text and its published hashes disagree, the hashes win: the business
//! transactions, sources and destinations are sorted with the ILMD and the extensions after
//! `sensorElementList`, as the reference's hashes have them. Where the reference is
//! accidentally dependent on the serialisation, this function is not:
//! - a business transaction's `type` always precedes its identifier, whatever the key order,
//!   and one without a type is hashed as `bizTransaction=…` (the reference drops the event);
//! - a bare string is expanded only where the EPCIS context defines it as a CBV term (the
//!   reference also expands an equal string in any other field of the same document);
//! - `true`/`false` are hashed as such (the reference's JSON reader writes `True`);
//! - CURIE prefixes of the standard EPCIS context (`cbvmda`, `gs1`, …) are expanded even when
//!   the document does not repeat them inline;
//! - numbers are normalised as decimal strings, exactly (no binary floating point): numbers with
//!   more than 15 significant digits keep all of them, where the reference rounds them to a
//!   double; a fourth decimal of exactly 5 in a time always rounds up, as the text says (the
//!   reference rounds half to even).
//!
//! Not covered: EPCIS XML (only JSON-LD events), JSON-LD contexts given by URL other than the
//! standard one (their prefixes are unknown here), the reference's "ignore fields" extension,
//! and compressed Digital Links.
//!
//! Every input is treated as hostile: nesting deeper than [`MAX_DEPTH`], more than
//! [`MAX_VALUES`] values or a pre-hash string longer than [`MAX_PRE_HASH_BYTES`] are refused,
//! as are events without a known `type` or a valid `eventTime`, and fields of the wrong JSON
//! type. Nothing here panics, iterates a hash map, reads a clock or uses floating point.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tracechain_primitives::{
    calendar::{civil_from_days, days_from_civil},
    gs1,
};

/// Nesting deeper than this (objects and arrays inside the event) is refused.
pub const MAX_DEPTH: usize = 32;
/// An event with more values than this (strings, numbers, objects, array members) is refused.
pub const MAX_VALUES: usize = 100_000;
/// A pre-hash string longer than this is refused.
pub const MAX_PRE_HASH_BYTES: usize = 4 * 1024 * 1024;

/// The version of the algorithm, as the `ver` of the `ni` URI says it.
pub const HASH_VERSION: &str = "CBV2.0";

/// The EPCIS event types.
const EVENT_TYPES: [&str; 5] =
    ["ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"];

/// An event's canonical hash: the SHA-256 digest of its pre-hash string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The digest.
    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920), the event's `eventID`.
    pub fn uri(&self) -> String {
        self.to_string()
    }

    /// The hash named by an `ni:///sha-256;<64 lower-case hex digits>?ver=CBV2.0` URI.
    pub fn from_uri(uri: &str) -> Option<Self> {
        let hex_digits = uri.strip_prefix("ni:///sha-256;")?.strip_suffix("?ver=CBV2.0")?;
        if hex_digits.len() != 64 || hex_digits.bytes().any(|byte| byte.is_ascii_uppercase()) {
            return None;
        }
        let mut digest = [0u8; 32];
        hex::decode_to_slice(hex_digits, &mut digest).ok()?;
        Some(Self(digest))
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ni:///sha-256;{}?ver={HASH_VERSION}", hex::encode(self.0))
    }
}

/// Why an event could not be hashed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EventHashError {
    /// The event is not a JSON object.
    #[error("an EPCIS event is a JSON object")]
    NotAnObject,
    /// `type` is missing or not an EPCIS event type.
    #[error("the event type {event_type:?} is not an EPCIS event type")]
    UnknownEventType {
        /// The `type` as given (empty when missing or not a string).
        event_type: String,
    },
    /// `eventTime` is missing.
    #[error("the event has no eventTime")]
    MissingEventTime,
    /// A time is not an ISO 8601 date-time with a time zone.
    #[error("{field} {value:?} is not a date-time with a time zone (YYYY-MM-DDTHH:MM:SS[.s]Z or ±HH:MM)")]
    InvalidTime {
        /// The field.
        field: String,
        /// Its value (at most 64 characters of it).
        value: String,
    },
    /// A field has the wrong JSON type.
    #[error("{field} must be {expected}")]
    WrongType {
        /// The field.
        field: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The event nests deeper than [`MAX_DEPTH`].
    #[error("{field} nests deeper than {limit} levels")]
    TooDeep {
        /// The field where the limit was reached.
        field: String,
        /// The limit.
        limit: usize,
    },
    /// The event has more than [`MAX_VALUES`] values.
    #[error("the event has more than {limit} values")]
    TooManyValues {
        /// The limit.
        limit: usize,
    },
    /// The pre-hash string would be longer than [`MAX_PRE_HASH_BYTES`].
    #[error("the event's pre-hash string is longer than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
}

/// The canonical hash of `event`, an EPCIS 2.0 JSON-LD event; CURIE prefixes come from the
/// EPCIS 2.0 context and from the event's own `@context`, if any.
pub fn event_hash(event: &Value) -> Result<EventHash, EventHashError> {
    event_hash_in(event, &Value::Null)
}

/// The canonical hash of `event` as an event of a document whose `@context` is
/// `document_context` (its inline prefixes are used besides the standard ones).
pub fn event_hash_in(event: &Value, document_context: &Value) -> Result<EventHash, EventHashError> {
    let pre_hash = pre_hash_string(event, document_context)?;
    Ok(EventHash(Sha256::digest(pre_hash.as_bytes()).into()))
}

/// The pre-hash string of `event` (see the module docs), the input of SHA-256.
pub fn pre_hash_string(event: &Value, document_context: &Value) -> Result<String, EventHashError> {
    let object = event.as_object().ok_or(EventHashError::NotAnObject)?;
    let mut canon = Canon::new();
    canon.add_context(document_context);
    if let Some(context) = object.get("@context") {
        canon.add_context(context);
    }
    canon.event(object)
}

/// Fields whose order is fixed, in that order (the first part of the pre-hash string).
const ORDERED: [&str; 22] = [
    "eventTime",
    "eventTimeZoneOffset",
    "certificationInfo",
    "parentID",
    "epcList",
    "inputEPCList",
    "childEPCs",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "sensorElementList",
    // Not hashed.
    "eventID",
    "recordTime",
];

/// Fields left out of the hash.
const IGNORED: [&str; 6] = ["type", "errorDeclaration", "@context", "rdfs:comment", "comment", "#text"];

const SENSOR_METADATA: [&str; 8] =
    ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"];

const SENSOR_REPORT: [&str; 23] = [
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem",
];

/// A CBV vocabulary whose bare terms a field takes (EPCIS 2.0 JSON-LD context).
#[derive(Clone, Copy)]
enum Vocabulary {
    BizStep,
    Disposition,
    BizTransactionType,
    SourceDestinationType,
    MeasurementType,
    SensorAlert,
    Component,
}

impl Vocabulary {
    fn expand(self, term: &str) -> Option<String> {
        let (terms, prefix): (&[&str], &str) = match self {
            Vocabulary::BizStep => (&BIZ_STEPS, "https://ref.gs1.org/cbv/BizStep-"),
            Vocabulary::Disposition => (&DISPOSITIONS, "https://ref.gs1.org/cbv/Disp-"),
            Vocabulary::BizTransactionType => (&BIZ_TRANSACTION_TYPES, "https://ref.gs1.org/cbv/BTT-"),
            Vocabulary::SourceDestinationType => (&SOURCE_DESTINATION_TYPES, "https://ref.gs1.org/cbv/SDT-"),
            Vocabulary::MeasurementType => (&MEASUREMENT_TYPES, "https://gs1.org/voc/"),
            Vocabulary::SensorAlert => (&["ALARM_CONDITION", "ERROR_CONDITION"], "https://gs1.org/voc/"),
            Vocabulary::Component => (&COMPONENTS, "https://ref.gs1.org/cbv/Comp-"),
        };
        terms.contains(&term).then(|| format!("{prefix}{term}"))
    }
}

const BIZ_STEPS: [&str; 41] = [
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
];

const DISPOSITIONS: [&str; 33] = [
    "active",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
];

const BIZ_TRANSACTION_TYPES: [&str; 13] = [
    "bol",
    "cert",
    "desadv",
    "inv",
    "pedigree",
    "po",
    "poc",
    "prodorder",
    "recadv",
    "rma",
    "testprd",
    "testres",
    "upevt",
];

const SOURCE_DESTINATION_TYPES: [&str; 3] = ["owning_party", "possessing_party", "location"];

const COMPONENTS: [&str; 14] = [
    "x",
    "y",
    "z",
    "axial_distance",
    "azimuth",
    "height",
    "spherical_radius",
    "polar_angle",
    "elevation_angle",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "altitude",
];

const MEASUREMENT_TYPES: [&str; 72] = [
    "AbsoluteHumidity",
    "AbsorbedDose",
    "AbsorbedDoseRate",
    "Acceleration",
    "Radioactivity",
    "Altitude",
    "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume",
    "Angle",
    "AngularAcceleration",
    "AngularMomentum",
    "AngularVelocity",
    "Area",
    "Capacitance",
    "Conductance",
    "Conductivity",
    "Count",
    "Density",
    "Dimensionless",
    "DoseEquivalent",
    "DoseEquivalentRate",
    "DynamicViscosity",
    "ElectricCharge",
    "ElectricCurrent",
    "ElectricCurrentDensity",
    "ElectricFieldStrength",
    "Energy",
    "Exposure",
    "Force",
    "Frequency",
    "Illuminance",
    "Inductance",
    "Irradiance",
    "KinematicViscosity",
    "Length",
    "LinearMomentum",
    "Luminance",
    "LuminousFlux",
    "LuminousIntensity",
    "MagneticFlux",
    "MagneticFluxDensity",
    "MagneticVectorPotential",
    "Mass",
    "MassConcentration",
    "MassFlowRate",
    "MassPerAreaTime",
    "MemoryCapacity",
    "MolalityOfSolute",
    "MolarEnergy",
    "MolarMass",
    "MolarVolume",
    "Power",
    "Pressure",
    "RadiantFlux",
    "RadiantIntensity",
    "RelativeHumidity",
    "Resistance",
    "Resistivity",
    "SolidAngle",
    "SpecificVolume",
    "Speed",
    "SurfaceDensity",
    "SurfaceTension",
    "Temperature",
    "Time",
    "Torque",
    "Voltage",
    "Volume",
    "VolumeFlowRate",
    "VolumeFraction",
    "VolumetricFlux",
    "Wavenumber",
];

/// The prefixes of the EPCIS 2.0 JSON-LD context.
const STANDARD_PREFIXES: [(&str, &str); 8] = [
    ("epcis", "https://ref.gs1.org/epcis/"),
    ("cbv", "https://ref.gs1.org/cbv/"),
    ("cbvmda", "urn:epcglobal:cbv:mda:"),
    ("gs1", "https://gs1.org/voc/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
];

/// The state of one pre-hash computation: the namespaces and the budgets left.
struct Canon {
    namespaces: BTreeMap<String, String>,
    values_left: usize,
    bytes: usize,
}

/// The path of a field, for errors.
fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn wrong(field: &str, expected: &'static str) -> EventHashError {
    EventHashError::WrongType { field: field.to_string(), expected }
}

impl Canon {
    fn new() -> Self {
        let namespaces =
            STANDARD_PREFIXES.iter().map(|(prefix, iri)| ((*prefix).to_string(), (*iri).to_string())).collect();
        Self { namespaces, values_left: MAX_VALUES, bytes: 0 }
    }

    /// Adds the prefixes an inline context (an object, or an array of them) defines.
    fn add_context(&mut self, context: &Value) {
        let mut add = |object: &Map<String, Value>| {
            for (prefix, iri) in object {
                if let Some(iri) = iri.as_str() {
                    if !prefix.starts_with('@') && !prefix.is_empty() && !prefix.contains(':') {
                        self.namespaces.insert(prefix.clone(), iri.to_string());
                    }
                }
            }
        };
        match context {
            Value::Object(object) => add(object),
            Value::Array(items) => {
                for item in items.iter().take(64) {
                    if let Value::Object(object) = item {
                        add(object);
                    }
                }
            }
            _ => {}
        }
    }

    /// Counts one value against [`MAX_VALUES`].
    fn count(&mut self) -> Result<(), EventHashError> {
        self.values_left =
            self.values_left.checked_sub(1).ok_or(EventHashError::TooManyValues { limit: MAX_VALUES })?;
        Ok(())
    }

    /// Counts a piece of the pre-hash string against [`MAX_PRE_HASH_BYTES`].
    fn emit(&mut self, piece: String) -> Result<String, EventHashError> {
        self.bytes = self.bytes.saturating_add(piece.len());
        if self.bytes > MAX_PRE_HASH_BYTES {
            return Err(EventHashError::TooLarge { limit: MAX_PRE_HASH_BYTES });
        }
        Ok(piece)
    }

    fn event(&mut self, event: &Map<String, Value>) -> Result<String, EventHashError> {
        let event_type = match event.get("type") {
            Some(Value::String(event_type)) if EVENT_TYPES.contains(&event_type.trim()) => event_type.trim(),
            Some(Value::String(event_type)) => {
                return Err(EventHashError::UnknownEventType { event_type: truncate(event_type) })
            }
            _ => return Err(EventHashError::UnknownEventType { event_type: String::new() }),
        };
        let mut out = format!("eventType={event_type}");
        let time = event.get("eventTime").ok_or(EventHashError::MissingEventTime)?;
        let time = time.as_str().ok_or_else(|| wrong("eventTime", "a string"))?;
        out.push_str(&format!("eventTime={}", utc_millis("eventTime", time)?));
        for field in ORDERED.iter().skip(1) {
            let Some(value) = event.get(*field) else { continue };
            self.count()?;
            let piece = match *field {
                "eventTimeZoneOffset" | "parentID" | "action" | "transformationID" => {
                    self.scalar(field, value, None)?.map(|text| format!("{field}={text}"))
                }
                "certificationInfo" => self.string_list(field, field, value, true)?,
                "epcList" | "inputEPCList" | "childEPCs" | "outputEPCList" => {
                    self.string_list(field, "epc", value, false)?
                }
                "quantityList" | "childQuantityList" | "inputQuantityList" | "outputQuantityList" => {
                    self.quantity_list(field, value)?
                }
                "bizStep" => {
                    self.scalar(field, value, Some(Vocabulary::BizStep))?.map(|text| format!("{field}={text}"))
                }
                "disposition" => {
                    self.scalar(field, value, Some(Vocabulary::Disposition))?.map(|text| format!("{field}={text}"))
                }
                "persistentDisposition" => self.persistent_disposition(value)?,
                "readPoint" | "bizLocation" => self.location(field, value)?,
                "sensorElementList" => self.sensor_element_list(value)?,
                _ => None,
            };
            if let Some(piece) = piece {
                out.push_str(&self.emit(piece)?);
            }
        }
        // The rest, sorted together: business transactions, sources, destinations, ILMD,
        // extensions and anything else.
        let mut rest = Vec::new();
        for (key, value) in event {
            if ORDERED.contains(&key.as_str()) || IGNORED.contains(&key.as_str()) {
                continue;
            }
            self.count()?;
            match key.as_str() {
                "bizTransactionList" => rest.extend(self.typed_list(key, "bizTransaction", value)?),
                "sourceList" => rest.extend(self.typed_list(key, "source", value)?),
                "destinationList" => rest.extend(self.typed_list(key, "destination", value)?),
                _ => rest.extend(self.generic(key, key, value, 1)?),
            }
        }
        rest.sort();
        for piece in rest {
            out.push_str(&self.emit(piece)?);
        }
        Ok(out)
    }

    /// A single value (a string, number or boolean), normalised; `None` when absent or empty.
    fn scalar(
        &mut self,
        field: &str,
        value: &Value,
        vocabulary: Option<Vocabulary>,
    ) -> Result<Option<String>, EventHashError> {
        let text = match value {
            Value::Null => return Ok(None),
            Value::String(text) => text.trim().to_string(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            _ => return Err(wrong(field, "a string")),
        };
        if text.is_empty() {
            return Ok(None);
        }
        if let Some(expanded) = vocabulary.and_then(|vocabulary| vocabulary.expand(&text)) {
            return Ok(Some(expanded));
        }
        Ok(Some(self.canonical_value(&text)))
    }

    /// `name` followed by `item=value` for each string of the list (or the one string, when
    /// `single_allowed`), sorted.
    fn string_list(
        &mut self,
        field: &str,
        item: &str,
        value: &Value,
        single_allowed: bool,
    ) -> Result<Option<String>, EventHashError> {
        let values: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Null => return Ok(None),
            other if single_allowed => vec![other],
            _ => return Err(wrong(field, "a list of strings")),
        };
        let mut items = Vec::with_capacity(values.len());
        for value in values {
            self.count()?;
            if matches!(value, Value::Array(_) | Value::Object(_)) {
                return Err(wrong(field, "a list of strings"));
            }
            if let Some(text) = self.scalar(field, value, None)? {
                items.push(format!("{item}={text}"));
            }
        }
        if items.is_empty() {
            return Ok(None);
        }
        items.sort();
        // `certificationInfo` has no list name of its own.
        let name = if item == field { "" } else { field };
        Ok(Some(format!("{name}{}", items.concat())))
    }

    fn quantity_list(&mut self, field: &str, value: &Value) -> Result<Option<String>, EventHashError> {
        let items = match value {
            Value::Array(items) => items,
            Value::Null => return Ok(None),
            _ => return Err(wrong(field, "a list of quantity elements")),
        };
        let mut elements = Vec::with_capacity(items.len());
        for item in items {
            self.count()?;
            let element = item.as_object().ok_or_else(|| wrong(field, "a list of quantity elements"))?;
            let parts = self.structure(field, element, &["epcClass", "quantity", "uom"], &[], 2)?;
            if !parts.is_empty() {
                elements.push(format!("quantityElement{parts}"));
            }
        }
        if elements.is_empty() {
            return Ok(None);
        }
        elements.sort();
        Ok(Some(format!("{field}{}", elements.concat())))
    }

    fn persistent_disposition(&mut self, value: &Value) -> Result<Option<String>, EventHashError> {
        let field = "persistentDisposition";
        let object = match value {
            Value::Object(object) => object,
            Value::Null => return Ok(None),
            _ => return Err(wrong(field, "an object with set and unset")),
        };
        let mut out = String::new();
        for part in ["set", "unset"] {
            let Some(values) = object.get(part) else { continue };
            let values: Vec<&Value> = match values {
                Value::Array(items) => items.iter().collect(),
                Value::Null => continue,
                other => vec![other],
            };
            let mut items = Vec::new();
            for value in values {
                self.count()?;
                if let Some(text) = self.scalar(&path(field, part), value, Some(Vocabulary::Disposition))? {
                    items.push(format!("{part}={text}"));
                }
            }
            items.sort();
            out.push_str(&items.concat());
        }
        Ok((!out.is_empty()).then(|| format!("{field}{out}")))
    }

    /// `readPoint` or `bizLocation`: `id`, then extensions.
    fn location(&mut self, field: &str, value: &Value) -> Result<Option<String>, EventHashError> {
        let object = match value {
            Value::Object(object) => object,
            Value::Null => return Ok(None),
            _ => return Err(wrong(field, "an object with an id")),
        };
        let parts = self.structure(field, object, &["id"], &[], 2)?;
        Ok((!parts.is_empty()).then(|| format!("{field}{parts}")))
    }

    fn sensor_element_list(&mut self, value: &Value) -> Result<Option<String>, EventHashError> {
        let field = "sensorElementList";
        let items = match value {
            Value::Array(items) => items,
            Value::Null => return Ok(None),
            _ => return Err(wrong(field, "a list of sensor elements")),
        };
        let mut elements = Vec::with_capacity(items.len());
        for item in items {
            self.count()?;
            let element = item.as_object().ok_or_else(|| wrong(field, "a list of sensor elements"))?;
            let mut out = String::new();
            if let Some(metadata) = element.get("sensorMetadata") {
                self.count()?;
                let metadata_field = "sensorElementList.sensorMetadata";
                match metadata {
                    Value::Object(metadata) => {
                        let parts = self.structure(metadata_field, metadata, &SENSOR_METADATA, &[], 3)?;
                        if !parts.is_empty() {
                            out.push_str(&format!("sensorMetadata{parts}"));
                        }
                    }
                    Value::Null => {}
                    _ => return Err(wrong(metadata_field, "an object")),
                }
            }
            if let Some(reports) = element.get("sensorReport") {
                self.count()?;
                let report_field = "sensorElementList.sensorReport";
                let reports: Vec<&Value> = match reports {
                    Value::Array(items) => items.iter().collect(),
                    Value::Null => Vec::new(),
                    other => vec![other],
                };
                let mut texts = Vec::with_capacity(reports.len());
                for report in reports {
                    self.count()?;
                    let report = report.as_object().ok_or_else(|| wrong(report_field, "a list of objects"))?;
                    let vocabularies = [
                        ("type", Vocabulary::MeasurementType),
                        ("exception", Vocabulary::SensorAlert),
                        ("component", Vocabulary::Component),
                    ];
                    let parts = self.structure(report_field, report, &SENSOR_REPORT, &vocabularies, 4)?;
                    if !parts.is_empty() {
                        texts.push(format!("sensorReport{parts}"));
                    }
                }
                texts.sort();
                out.push_str(&texts.concat());
            }
            let mut extensions = Vec::new();
            for (key, value) in element {
                if key != "sensorMetadata" && key != "sensorReport" {
                    self.count()?;
                    extensions.extend(self.generic(&path(field, key), key, value, 3)?);
                }
            }
            extensions.sort();
            out.push_str(&extensions.concat());
            if !out.is_empty() {
                elements.push(format!("sensorElement{out}"));
            }
        }
        if elements.is_empty() {
            return Ok(None);
        }
        elements.sort();
        Ok(Some(format!("{field}{}", elements.concat())))
    }

    /// The fields of a structure in `order` (times normalised, bare terms expanded as
    /// `vocabularies` say), then every other field as an extension, sorted.
    fn structure(
        &mut self,
        field: &str,
        object: &Map<String, Value>,
        order: &[&str],
        vocabularies: &[(&str, Vocabulary)],
        depth: usize,
    ) -> Result<String, EventHashError> {
        let mut out = String::new();
        for key in order {
            let Some(value) = object.get(*key) else { continue };
            self.count()?;
            let key_path = path(field, key);
            if matches!(*key, "time" | "startTime" | "endTime") {
                match value {
                    Value::String(text) if !text.trim().is_empty() => {
                        out.push_str(&format!("{key}={}", utc_millis(&key_path, text)?));
                    }
                    Value::Null => {}
                    Value::String(_) => {}
                    _ => return Err(wrong(&key_path, "a date-time string")),
                }
                continue;
            }
            let vocabulary = vocabularies.iter().find(|(name, _)| name == key).map(|(_, vocabulary)| *vocabulary);
            if let Some(text) = self.scalar(&key_path, value, vocabulary)? {
                out.push_str(&format!("{key}={text}"));
            }
        }
        let mut extensions = Vec::new();
        for (key, value) in object {
            if order.contains(&key.as_str()) || IGNORED.contains(&key.as_str()) {
                continue;
            }
            self.count()?;
            extensions.extend(self.generic(&path(field, key), key, value, depth)?);
        }
        extensions.sort();
        out.push_str(&extensions.concat());
        Ok(out)
    }

    /// `bizTransactionList`, `sourceList`, `destinationList`: the list name, then each
    /// element's `type=…` (if any) and `<id_key>=…`, the elements sorted.
    fn typed_list(&mut self, field: &str, id_key: &str, value: &Value) -> Result<Option<String>, EventHashError> {
        let items = match value {
            Value::Array(items) => items,
            Value::Null => return Ok(None),
            _ => return Err(wrong(field, "a list of objects")),
        };
        let vocabulary =
            if id_key == "bizTransaction" { Vocabulary::BizTransactionType } else { Vocabulary::SourceDestinationType };
        let mut elements = Vec::with_capacity(items.len());
        for item in items {
            self.count()?;
            let element = item.as_object().ok_or_else(|| wrong(field, "a list of objects"))?;
            let parts = self.structure(field, element, &["type", id_key], &[("type", vocabulary)], 2)?;
            if !parts.is_empty() {
                elements.push(parts);
            }
        }
        if elements.is_empty() {
            return Ok(None);
        }
        elements.sort();
        Ok(Some(format!("{field}{}", elements.concat())))
    }

    /// An extension (or any field the order does not know): `{namespace}local=value`, a
    /// structure as its name and its sorted parts, a list as one entry per member.
    fn generic(&mut self, field: &str, key: &str, value: &Value, depth: usize) -> Result<Vec<String>, EventHashError> {
        if depth > MAX_DEPTH {
            return Err(EventHashError::TooDeep { field: truncate(field), limit: MAX_DEPTH });
        }
        self.count()?;
        let name = self.expand_key(key);
        Ok(match value {
            Value::Null => Vec::new(),
            Value::Array(items) => {
                let mut entries = Vec::new();
                for item in items {
                    entries.extend(self.generic(field, key, item, depth + 1)?);
                }
                entries
            }
            Value::Object(object) => {
                let mut parts = Vec::new();
                for (child, value) in object {
                    if IGNORED.contains(&child.as_str()) && child != "type" {
                        continue;
                    }
                    parts.extend(self.generic(&path(field, child), child, value, depth + 1)?);
                }
                parts.sort();
                let text = self.emit(format!("{name}{}", parts.concat()))?;
                vec![text]
            }
            scalar => match self.scalar(field, scalar, None)? {
                Some(text) => vec![self.emit(format!("{name}={text}"))?],
                None => vec![name],
            },
        })
    }

    /// `prefix:local` as `{namespace}local` when the prefix is known.
    fn expand_key(&self, key: &str) -> String {
        match key.split_once(':') {
            Some((prefix, local)) if !local.starts_with("//") => match self.namespaces.get(prefix) {
                Some(namespace) => format!("{{{namespace}}}{local}"),
                None => key.to_string(),
            },
            _ => key.to_string(),
        }
    }

    /// A value normalised: CBV URNs as web URIs, CURIEs expanded, numbers canonical, EPC URNs
    /// and Digital Links in canonical Digital Link form.
    fn canonical_value(&self, text: &str) -> String {
        let mut text = cbv_web_uri(text);
        if let Some((prefix, local)) = text.split_once(':') {
            if !local.starts_with("//") {
                if let Some(namespace) = self.namespaces.get(prefix) {
                    text = format!("{namespace}{local}");
                }
            }
        }
        if let Some(number) = canonical_number(&text) {
            return number;
        }
        canonical_gs1_uri(&text).unwrap_or(text)
    }
}

/// At most 64 characters of `text`, for error messages.
fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

/// `urn:epcglobal:cbv:bizstep:x` and its kin as `https://ref.gs1.org/cbv/BizStep-x`.
fn cbv_web_uri(text: &str) -> String {
    const URNS: [(&str, &str); 5] = [
        ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ];
    for (urn, web) in URNS {
        if let Some(term) = text.strip_prefix(urn) {
            return format!("{web}{term}");
        }
    }
    text.to_string()
}

// ---------------------------------------------------------------------------------------------
// Times

/// An ISO 8601 date-time with a time zone, in UTC with milliseconds:
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`. Fractions beyond milliseconds round half up on the fourth digit.
pub fn utc_millis(field: &str, text: &str) -> Result<String, EventHashError> {
    let invalid = || EventHashError::InvalidTime { field: field.to_string(), value: truncate(text) };
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = bytes.get(range)?;
        if slice.is_empty() || !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        slice.iter().try_fold(0i64, |acc, digit| acc.checked_mul(10)?.checked_add(i64::from(digit - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if bytes.len() < 20
        || separators.iter().any(|(at, byte)| bytes.get(*at) != Some(byte))
        || !matches!(bytes.get(10), Some(b'T') | Some(b't'))
    {
        return Err(invalid());
    }
    let (year, month, day) = (digits(0..4), digits(5..7), digits(8..10));
    let (hour, minute, second) = (digits(11..13), digits(14..16), digits(17..19));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (year, month, day, hour, minute, second)
    else {
        return Err(invalid());
    };
    let mut rest = &text[19..];
    let mut millis = 0i64;
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return Err(invalid());
        }
        let fraction_digits = &fraction.as_bytes()[..length];
        for position in 0..3 {
            millis = millis * 10 + fraction_digits.get(position).map_or(0, |digit| i64::from(digit - b'0'));
        }
        if fraction_digits.get(3).is_some_and(|digit| *digit >= b'5') {
            millis += 1;
        }
        rest = &fraction[length..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let offset = rest.as_bytes();
            let sign = match offset.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(invalid()),
            };
            if offset.len() != 6 || offset[3] != b':' {
                return Err(invalid());
            }
            let parse = |slice: &[u8]| -> Option<i64> {
                slice
                    .iter()
                    .all(u8::is_ascii_digit)
                    .then(|| slice.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
            };
            let (Some(hours), Some(minutes)) = (parse(&offset[1..3]), parse(&offset[4..6])) else {
                return Err(invalid());
            };
            if hours > 23 || minutes > 59 {
                return Err(invalid());
            }
            sign * (hours * 60 + minutes)
        }
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(invalid());
    }
    let days = days_from_civil(year, month, day);
    let total_ms = ((days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60) * 1_000) + millis;
    let (days, ms_of_day) = (total_ms.div_euclid(86_400_000), total_ms.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(invalid());
    }
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1_000 % 60,
        ms_of_day % 1_000
    ))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// The canonical form of a decimal number (`[+-]digits[.digits][e[+-]digits]`), or `None` when
/// `text` is not one: no sign for positives, no leading or trailing zeros, integers without a
/// point, numbers below 10⁻⁴ as `d.ddde-XX` (the shortest form of the reference's doubles).
pub fn canonical_number(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut index = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            index = 1;
            true
        }
        Some(b'+') => {
            index = 1;
            false
        }
        _ => false,
    };
    let integer_start = index;
    while bytes.get(index).is_some_and(u8::is_ascii_digit) {
        index += 1;
    }
    let integer = &text[integer_start..index];
    let mut fraction = "";
    if bytes.get(index) == Some(&b'.') {
        let start = index + 1;
        index = start;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        fraction = &text[start..index];
    }
    if integer.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut exponent: i64 = 0;
    if matches!(bytes.get(index), Some(b'e') | Some(b'E')) {
        index += 1;
        let exponent_negative = match bytes.get(index) {
            Some(b'-') => {
                index += 1;
                true
            }
            Some(b'+') => {
                index += 1;
                false
            }
            _ => false,
        };
        let start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        let digits = &text[start..index];
        if digits.is_empty() || digits.len() > 4 {
            return None;
        }
        exponent = digits.parse().ok()?;
        if exponent_negative {
            exponent = -exponent;
        }
    }
    if index != bytes.len() {
        return None;
    }
    // value = 0.<significant> × 10^point
    let all_digits = format!("{integer}{fraction}");
    let leading_zeros = all_digits.bytes().take_while(|digit| *digit == b'0').count();
    let significant = all_digits[leading_zeros..].trim_end_matches('0');
    if significant.is_empty() {
        return Some("0".to_string());
    }
    let point = integer.len() as i64 - leading_zeros as i64 + exponent;
    if !(-400..=400).contains(&point) {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    let length = significant.len() as i64;
    let body = if length <= point {
        // An integer.
        format!("{significant}{}", "0".repeat((point - length) as usize))
    } else if point - 1 < -4 {
        let (first, rest) = significant.split_at(1);
        let magnitude = 1 - point;
        let mantissa = if rest.is_empty() { first.to_string() } else { format!("{first}.{rest}") };
        format!("{mantissa}e-{magnitude:02}")
    } else if point <= 0 {
        format!("0.{}{significant}", "0".repeat((-point) as usize))
    } else {
        let (whole, part) = significant.split_at(point as usize);
        format!("{whole}.{part}")
    };
    Some(format!("{sign}{body}"))
}

// ---------------------------------------------------------------------------------------------
// GS1 identifiers

/// The canonical GS1 Digital Link URI (on `https://id.gs1.org`, finest level of identification
/// only) of an EPC URN, EPC class or pattern URN, or a Digital Link on any domain; `None` when
/// `text` is none of these.
pub fn canonical_gs1_uri(text: &str) -> Option<String> {
    if let Some(urn) = text.strip_prefix("urn:epc:") {
        return epc_urn_to_digital_link(urn);
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        return canonical_digital_link(text);
    }
    None
}

/// The GS1 check digit of `digits`, which are ASCII digits ([`gs1::check_digit`]).
fn check_digit(digits: &str) -> char {
    gs1::check_digit(digits.as_bytes()).map_or('0', |digit| char::from(b'0' + digit))
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_digit())
}

/// The number of characters of an EPC URN component (a `%XX` escape counts once), if every
/// character is one an EPC URN allows.
fn urn_chars(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let escape = bytes.get(index + 1..index + 3)?;
            if !escape.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            index += 3;
        } else if bytes[index].is_ascii_alphanumeric() || b"!'()*+,.:;=_-".contains(&bytes[index]) {
            index += 1;
        } else {
            return None;
        }
        count += 1;
    }
    Some(count)
}

/// A URN component as a Digital Link path component: `! ( ) * + , :` percent-encoded.
fn dl_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '!' => out.push_str("%21"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '*' => out.push_str("%2A"),
            '+' => out.push_str("%2B"),
            ',' => out.push_str("%2C"),
            ':' => out.push_str("%3A"),
            other => out.push(other),
        }
    }
    out
}

/// `<company prefix>.<reference>` with a prefix of 6 to 12 digits and `total` digits in all.
fn prefix_and_reference<'a>(prefix: &'a str, reference: &'a str, total: usize) -> Option<(&'a str, &'a str)> {
    ((6..=12).contains(&prefix.len())
        && prefix.len() + reference.len() == total
        && all_digits(prefix)
        && all_digits(reference))
    .then_some((prefix, reference))
}

/// A GTIN-14 from an SGTIN-style `<prefix>.<indicator + item reference>`.
fn gtin(prefix: &str, item_reference: &str) -> Option<String> {
    let (prefix, item_reference) = prefix_and_reference(prefix, item_reference, 13)?;
    let (indicator, item) = item_reference.split_at(1);
    let body = format!("{indicator}{prefix}{item}");
    let check = check_digit(&body);
    Some(format!("{body}{check}"))
}

/// `<prefix>.<reference>` of `total` digits followed by its check digit.
fn key_with_check(prefix: &str, reference: &str, total: usize) -> Option<String> {
    let (prefix, reference) = prefix_and_reference(prefix, reference, total)?;
    let body = format!("{prefix}{reference}");
    let check = check_digit(&body);
    Some(format!("{body}{check}"))
}

fn bounded(text: &str, min: usize, max: usize) -> Option<&str> {
    urn_chars(text).is_some_and(|count| (min..=max).contains(&count)).then_some(text)
}

/// `id:sgtin:…`, `class:lgtin:…`, `idpat:sgtin:…` and their kin (GS1 TDS) as Digital Links.
fn epc_urn_to_digital_link(urn: &str) -> Option<String> {
    const DL: &str = "https://id.gs1.org";
    let (kind, rest) = urn.split_once(':')?;
    let (scheme, body) = rest.split_once(':')?;
    let parts: Vec<&str> = body.splitn(5, '.').collect();
    let part = |index: usize| parts.get(index).copied();
    let count = parts.len();
    match (kind, scheme) {
        ("id", "sgtin") if count >= 3 => {
            let serial = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 1, 20)?;
            Some(format!("{DL}/01/{}/21/{}", gtin(part(0)?, part(1)?)?, dl_encode(serial)))
        }
        ("id", "sscc") if count == 2 => {
            let (prefix, reference) = prefix_and_reference(part(0)?, part(1)?, 17)?;
            let (extension, serial) = reference.split_at(1);
            let body = format!("{extension}{prefix}{serial}");
            let check = check_digit(&body);
            Some(format!("{DL}/00/{body}{check}"))
        }
        ("id", "sgln") if count >= 3 => {
            let gln = key_with_check(part(0)?, part(1)?, 12)?;
            let extension = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 1, 20)?;
            if extension == "0" {
                Some(format!("{DL}/414/{gln}"))
            } else {
                Some(format!("{DL}/414/{gln}/254/{}", dl_encode(extension)))
            }
        }
        ("id", "pgln") if count == 2 => Some(format!("{DL}/417/{}", key_with_check(part(0)?, part(1)?, 12)?)),
        ("id", "grai") if count >= 3 => {
            let grai = key_with_check(&format!("0{}", part(0)?), part(1)?, 13)?;
            let serial = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 1, 16)?;
            Some(format!("{DL}/8003/{grai}{}", dl_encode(serial)))
        }
        ("id", "giai") if count >= 2 => {
            let prefix = part(0)?;
            let asset = &body[prefix.len() + 1..];
            if !(6..=12).contains(&prefix.len()) || !all_digits(prefix) {
                return None;
            }
            let asset = bounded(asset, 1, 30 - prefix.len())?;
            Some(format!("{DL}/8004/{prefix}{}", dl_encode(asset)))
        }
        ("id", "gsrn") if count == 2 => Some(format!("{DL}/8018/{}", key_with_check(part(0)?, part(1)?, 17)?)),
        ("id", "gsrnp") if count == 2 => Some(format!("{DL}/8017/{}", key_with_check(part(0)?, part(1)?, 17)?)),
        ("id", "gdti") if count >= 3 => {
            let gdti = key_with_check(part(0)?, part(1)?, 12)?;
            let serial = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 0, 17)?;
            Some(format!("{DL}/253/{gdti}{}", dl_encode(serial)))
        }
        ("id", "sgcn") if count == 3 => {
            let gcn = key_with_check(part(0)?, part(1)?, 12)?;
            let serial = part(2)?;
            (all_digits(serial) && (1..=12).contains(&serial.len())).then(|| format!("{DL}/255/{gcn}{serial}"))
        }
        ("id", "ginc") if count >= 2 => {
            let prefix = part(0)?;
            if !(6..=12).contains(&prefix.len()) || !all_digits(prefix) {
                return None;
            }
            let reference = bounded(&body[prefix.len() + 1..], 1, 30 - prefix.len())?;
            Some(format!("{DL}/401/{prefix}{}", dl_encode(reference)))
        }
        ("id", "gsin") if count == 2 => Some(format!("{DL}/402/{}", key_with_check(part(0)?, part(1)?, 16)?)),
        ("id", "cpi") if count == 3 => {
            let (prefix, reference, serial) = (part(0)?, part(1)?, part(2)?);
            if !(6..=12).contains(&prefix.len()) || !all_digits(prefix) || !cpi_reference(reference, prefix.len()) {
                return None;
            }
            if !all_digits(serial) || !(1..=12).contains(&serial.len()) {
                return None;
            }
            Some(format!("{DL}/8010/{prefix}{reference}/8011/{serial}"))
        }
        ("id", "itip") if count == 5 => {
            let (piece, total) = (part(2)?, part(3)?);
            let serial = bounded(part(4)?, 1, 20)?;
            if piece.len() != 2 || total.len() != 2 || !all_digits(piece) || !all_digits(total) {
                return None;
            }
            Some(format!("{DL}/8006/{}{piece}{total}/21/{}", gtin(part(0)?, part(1)?)?, dl_encode(serial)))
        }
        ("id", "upui") if count >= 3 => {
            let serial = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 1, 28)?;
            Some(format!("{DL}/01/{}/235/{}", gtin(part(0)?, part(1)?)?, dl_encode(serial)))
        }
        ("class", "lgtin") if count >= 3 => {
            let lot = bounded(&body[part(0)?.len() + part(1)?.len() + 2..], 1, 20)?;
            Some(format!("{DL}/01/{}/10/{}", gtin(part(0)?, part(1)?)?, dl_encode(lot)))
        }
        ("idpat", "sgtin" | "upui") if count == 3 && part(2)? == "*" => {
            Some(format!("{DL}/01/{}", gtin(part(0)?, part(1)?)?))
        }
        ("idpat", "grai") if count == 3 && part(2)? == "*" => {
            Some(format!("{DL}/8003/{}", key_with_check(&format!("0{}", part(0)?), part(1)?, 13)?))
        }
        ("idpat", "gdti") if count == 3 && part(2)? == "*" => {
            Some(format!("{DL}/253/{}", key_with_check(part(0)?, part(1)?, 12)?))
        }
        ("idpat", "sgcn") if count == 3 && part(2)? == "*" => {
            Some(format!("{DL}/255/{}", key_with_check(part(0)?, part(1)?, 12)?))
        }
        ("idpat", "cpi") if count == 3 && part(2)? == "*" => {
            let (prefix, reference) = (part(0)?, part(1)?);
            if !(6..=12).contains(&prefix.len()) || !all_digits(prefix) || !cpi_reference(reference, prefix.len()) {
                return None;
            }
            Some(format!("{DL}/8010/{prefix}{reference}"))
        }
        ("idpat", "itip") if count == 5 && part(4)? == "*" => {
            let (piece, total) = (part(2)?, part(3)?);
            if piece.len() != 2 || total.len() != 2 || !all_digits(piece) || !all_digits(total) {
                return None;
            }
            Some(format!("{DL}/8006/{}{piece}{total}", gtin(part(0)?, part(1)?)?))
        }
        _ => None,
    }
}

/// A CPI component reference: digits, upper-case letters, `-`, `%23` (#) and `%2F` (/), with
/// the company prefix at most 30 characters.
fn cpi_reference(reference: &str, prefix_length: usize) -> bool {
    let bytes = reference.as_bytes();
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() {
        match bytes[index] {
            b'%' => match bytes.get(index + 1..index + 3) {
                Some(b"23") | Some(b"2F") | Some(b"2f") => index += 3,
                _ => return false,
            },
            byte if byte.is_ascii_digit() || byte.is_ascii_uppercase() || byte == b'-' => index += 1,
            _ => return false,
        }
        count += 1;
    }
    count >= 1 && count + prefix_length <= 30
}

/// Characters a Digital Link path value may hold (GS1's AI encodable set, percent-escapes).
fn dl_value(text: &str, max: usize) -> bool {
    let bytes = text.as_bytes();
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() {
        if bytes[index] == b'%' {
            match bytes.get(index + 1..index + 3) {
                Some(escape) if escape.iter().all(u8::is_ascii_hexdigit) => index += 3,
                _ => return false,
            }
        } else if bytes[index].is_ascii_alphanumeric() || b"\"'-.;<=>?_".contains(&bytes[index]) {
            index += 1;
        } else {
            return false;
        }
        count += 1;
    }
    count <= max
}

/// A Digital Link on any domain in its constrained canonical form, or `None` when `uri` is not
/// a Digital Link with a primary key Tracechain knows (00, 01, 253, 255, 401, 402, 414, 417,
/// 8003, 8004, 8006, 8010, 8017, 8018).
fn canonical_digital_link(uri: &str) -> Option<String> {
    let without_scheme = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://"))?;
    let end = without_scheme.find(['?', '#']).unwrap_or(without_scheme.len());
    let without_query = &without_scheme[..end];
    let (_authority, path) = without_query.split_once('/')?;
    let segments: Vec<&str> = path.split('/').take(64).collect();
    let ai = |segment: &str| -> String {
        match segment {
            "gtin" => "01",
            "itip" => "8006",
            "cpid" => "8010",
            "gln" => "414",
            "party" => "417",
            "gsrnp" => "8017",
            "gsrn" => "8018",
            "gcn" => "255",
            "sscc" => "00",
            "gdti" => "253",
            "ginc" => "401",
            "gsin" => "402",
            "grai" => "8003",
            "giai" => "8004",
            "cpv" => "22",
            "lot" => "10",
            "ser" => "21",
            other => other,
        }
        .to_string()
    };
    const PRIMARY: [&str; 14] =
        ["00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017", "8018"];
    let start = (0..segments.len()).find(|index| {
        PRIMARY.contains(&ai(segments[*index]).as_str())
            && segments
                .get(index + 1)
                .is_some_and(|value| value.len() > 4 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit))
    })?;
    let mut rest: Vec<&str> = segments[start..].to_vec();
    if rest.last() == Some(&"") {
        rest.pop();
    }
    if !rest.len().is_multiple_of(2) {
        return None;
    }
    let pairs: Vec<(String, &str)> = rest.chunks(2).map(|pair| (ai(pair[0]), pair[1])).collect();
    let (primary, value) = (pairs[0].0.as_str(), pairs[0].1);
    let qualifiers: BTreeMap<&str, &str> = pairs[1..].iter().map(|(ai, value)| (ai.as_str(), *value)).collect();
    if qualifiers.len() != pairs.len() - 1 {
        return None;
    }
    let allowed: &[&str] = match primary {
        "01" => &["22", "10", "21", "235"],
        "8006" => &["22", "10", "21"],
        "414" => &["254"],
        "8010" => &["8011"],
        _ => &[],
    };
    if qualifiers.keys().any(|qualifier| !allowed.contains(qualifier)) {
        return None;
    }
    let digits_of = |text: &str, length: usize| text.len() == length && all_digits(text);
    let key =
        match primary {
            "01" => {
                let padded = match value.len() {
                    8 => format!("000000{value}"),
                    12 => format!("00{value}"),
                    13 => format!("0{value}"),
                    _ => value.to_string(),
                };
                digits_of(&padded, 14).then_some(padded)?
            }
            "00" => digits_of(value, 18).then(|| value.to_string())?,
            "414" | "417" => digits_of(value, 13).then(|| value.to_string())?,
            "402" => digits_of(value, 17).then(|| value.to_string())?,
            "8006" | "8017" | "8018" => digits_of(value, 18).then(|| value.to_string())?,
            "253" => (value.len() >= 13 && all_digits(&value[..13]) && dl_value(&value[13..], 17))
                .then(|| value.to_string())?,
            "255" => (value.len() >= 13 && value.len() <= 25 && all_digits(value)).then(|| value.to_string())?,
            "8003" => (value.len() >= 14 && all_digits(&value[..14]) && dl_value(&value[14..], 16))
                .then(|| value.to_string())?,
            "401" | "8004" | "8010" => dl_value(value, 30).then(|| value.to_string())?,
            _ => return None,
        };
    let mut out = format!("https://id.gs1.org/{primary}/{key}");
    let qualifier = match primary {
        "01" => ["21", "10", "235"].iter().find_map(|ai| qualifiers.get(ai).map(|value| (*ai, *value, 28))),
        "8006" => ["21", "10"].iter().find_map(|ai| qualifiers.get(ai).map(|value| (*ai, *value, 20))),
        "414" => qualifiers.get("254").map(|value| ("254", *value, 20)),
        "8010" => qualifiers.get("8011").map(|value| ("8011", *value, 12)),
        _ => None,
    };
    if let Some((ai, value, max)) = qualifier {
        if !dl_value(value, max) {
            return None;
        }
        out.push_str(&format!("/{ai}/{value}"));
    }
    Some(out)
}

#[cfg(test)]
mod tests;
