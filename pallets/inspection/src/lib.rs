//! # pallet-inspection
//!
//! Attestations by accredited inspection bodies (CCIG and the like) on items, lots and
//! aggregates: the scope inspected (quarantine, quality, authenticity, lab test — an open set,
//! [`Scope`]), the result (pass, fail, conditional), the lab report's hash and URI, and how long
//! the finding holds. Customs reads them through [`passed`] before it clears goods; the RPC
//! reads them through [`attestation`], [`attestations_of`] and [`covering_attestations`].
//!
//! ## Rules
//! Every call is signed by an account of a member organisation (else [`Error::NotMember`]); the
//! permission rule is checked before anything else about the arguments (for `revoke` and
//! `supersede` the attestation is read first: its issuer is who may act on it).
//!
//! - `attest` (0): the signer's organisation must hold the membership role
//!   `Inspector { scope }` for exactly the scope attested ([`Error::NotAccredited`]): an
//!   accreditation for quality does not allow a quarantine attestation. Accreditations are
//!   granted and revoked by the consortium's governance (pallet-membership). The subject must
//!   exist: an item, a lot that was commissioned (GTIN check digit verified, lot of GS1
//!   character set 82), or an aggregate with a valid SSCC holding at most
//!   [`MAX_COVERED_ITEMS`] items. The report URI is 1..=256 bytes of printable ASCII; a validity
//!   end, if given, must be after the block time ([`Error::InvalidValidity`]); a `Conditional`
//!   result must state its conditions (1..=512 bytes of UTF-8) and `Pass` / `Fail` must not
//!   (the conditions are what a conditional pass means; on another result they would be
//!   ignored by every reader, so they are refused rather than silently kept).
//! - `revoke` (1): by the issuer organisation or a Regulator ([`Error::NotIssuerOrRegulator`]),
//!   with a reason of 1..=256 bytes of UTF-8. The issuer may revoke even after losing its
//!   accreditation: withdrawing a finding must never be blocked.
//! - `supersede` (2): by the issuer organisation, which must still be accredited for the scope,
//!   with a reason of 1..=256 bytes of UTF-8 ([`Error::InvalidReason`]), as a revocation: every
//!   withdrawal of a finding says why. The reason is kept on the old attestation
//!   (`superseded_reason`) and carried by `AttestationSuperseded`. The new attestation has the
//!   old one's subject, scope and covered items (it restates the finding about the same goods:
//!   a corrected report, a new validity) and links back (`supersedes`); the old one is marked
//!   `superseded_by`. Both stay readable.
//!
//! A revoked or superseded attestation can be neither revoked nor superseded again. Nothing is
//! ever edited or deleted: the history of a subject keeps every attestation.
//!
//! **Limits, and why nobody can use them against someone else**: an inspection body makes at
//! most [`MAX_ATTESTATIONS_PER_SUBJECT`] attestations (supersessions included) on one subject,
//! and at most that many of its aggregate attestations cover one item
//! ([`Error::TooManyAttestations`]). The bound is counted per (subject, issuer organisation),
//! never per subject alone: a body accredited for any scope can exhaust only its own allowance,
//! and the quarantine attestation clearance needs stays possible for the body accredited for it.
//! A subject's indices hold at most that many ids per inspection body, and inspection bodies are
//! admitted and accredited only by the consortium.
//!
//! ## What "passed" means
//! [`passed`]`(item, scope, now)` is true iff some attestation that covers the item, for exactly
//! that scope, has result `Pass` or `Conditional` (a conditional pass lets goods through; its
//! conditions are for the humans reading it) and is in force at `now`: not revoked, not
//! superseded, and `now < valid_until` when a validity end is set. An attestation covers an item
//! when it is on
//! - the item itself;
//! - the item's lot (a lot item's own lot, or the lot a serialised item was commissioned
//!   under), including items of the lot commissioned after the attestation: a lot is one
//!   production batch, and the inspection sampled the batch;
//! - an aggregate that held the item (at any depth) **when the attestation was made**. The
//!   items are read from pallet-custody at that moment and recorded (`CoveredItems`, and the
//!   per-item index `ItemCoverage`). So an item unpacked later stays covered (it was inspected
//!   in that pallet), and an item packed in later is not (it was not there to be inspected).
//!
//! ## Events
//! Attestations carry what an EPCIS 2.0 ObjectEvent with `certificationInfo` needs: `biz_step`
//! `inspecting`, the disposition of the goods (`conformant`, `non_conformant`; `conformant` for
//! a conditional pass, CBV having no conditional disposition), the read point (the item's or
//! aggregate's location; for a lot, the inspector's first registered location), the inspector
//! organisation and signing agent, the scope, result, report hash and URI, validity and
//! conditions, and the block time. A revocation is the EPCIS `errorDeclaration` of the
//! attestation's event (reason, declaration time); a supersession is a corrective event
//! (`correctiveEventIDs`): it emits both the new `Attested` and `AttestationSuperseded`.
//!
//! ## Weights
//! [`call_weight`] reads state, as pallet-custody's does: an attestation on an aggregate writes
//! one coverage entry per item inside, so it is priced by the item count custody stores for the
//! aggregate, and a supersession by the covered items of the attestation it replaces.
//!
//! ## Failure
//! Calls fail with `BadOrigin` when not signed and otherwise with [`Error`], changing nothing:
//! every value is checked before the first write. The read functions never fail; they return
//! `None` / empty / `false` for what does not exist.

#[cfg(test)]
mod tests;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};

use pallet_custody::types::{is_valid_sscc, Subject};
use pallet_membership::types::{Location, OrgId, Role, Scope};
use pallet_products::{is_valid_serial, BizStep, Disposition, Gtin, ItemId};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, Moment, H256};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageValue, ValueQuery},
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, PalletError, RuntimeConfig,
};

pub use types::{Attestation, AttestationId, AttestationStatus, InspectionResult, InspectionSubject, Revocation};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Inspection";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 13;
/// The longest report URI, in bytes.
pub const MAX_URI_LEN: usize = 256;
/// The longest statement of conditions, in bytes.
pub const MAX_CONDITIONS_LEN: usize = 512;
/// The longest revocation reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// The most attestations **one inspection body** may make on one subject (item, lot or
/// aggregate), and the most of its aggregate attestations that may cover one item. The bound is
/// per (subject, issuer), so no body can fill the room another needs: the indices of a subject
/// hold at most this many ids per organisation accredited as an inspector, a number only the
/// consortium's governance changes.
pub const MAX_ATTESTATIONS_PER_SUBJECT: usize = 64;
/// The most items an attested aggregate may hold (as many as one customs declaration). A larger
/// shipment is attested per lot or per smaller aggregate.
pub const MAX_COVERED_ITEMS: usize = 1_000;

tracechain_support::storage_items! {
    /// id → attestation.
    pub const ATTESTATIONS: StorageMap<AttestationId, Attestation> =
        StorageMap::new(PALLET_NAME, "Attestations", StorageHasher::Twox64Concat);
    /// the id the next attestation gets.
    pub const NEXT_ATTESTATION_ID: StorageValue<AttestationId, ValueQuery> =
        StorageValue::new(PALLET_NAME, "NextAttestationId");
    /// subject → the ids of the attestations made on it, oldest first: at most
    /// [`MAX_ATTESTATIONS_PER_SUBJECT`] per issuer (see
    /// [`IssuerSubjectCount`](ISSUER_SUBJECT_COUNT)).
    pub const SUBJECT_ATTESTATIONS: StorageMap<InspectionSubject, Vec<AttestationId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "SubjectAttestations", StorageHasher::Blake2_128Concat);
    /// id of an attestation on an aggregate → the items the aggregate held when it was made,
    /// sorted. Kept apart from the attestation so that reading an attestation stays cheap.
    pub const COVERED_ITEMS: StorageMap<AttestationId, Vec<ItemId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "CoveredItems", StorageHasher::Twox64Concat);
    /// item → the ids of the attestations on aggregates that held it when they were made, oldest
    /// first: at most [`MAX_ATTESTATIONS_PER_SUBJECT`] per issuer (see
    /// [`IssuerCoverageCount`](ISSUER_COVERAGE_COUNT)). Item ids are already hashes, so the key is
    /// not hashed again.
    pub const ITEM_COVERAGE: StorageMap<ItemId, Vec<AttestationId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "ItemCoverage", StorageHasher::Identity);
    /// (subject, issuer organisation) → how many attestations the issuer made on the subject, at
    /// most [`MAX_ATTESTATIONS_PER_SUBJECT`]: the per-issuer bound of
    /// [`SubjectAttestations`](SUBJECT_ATTESTATIONS).
    pub const ISSUER_SUBJECT_COUNT: StorageDoubleMap<InspectionSubject, OrgId, u32, ValueQuery> = StorageDoubleMap::new(
        PALLET_NAME,
        "IssuerSubjectCount",
        StorageHasher::Blake2_128Concat,
        StorageHasher::Twox64Concat,
    );
    /// (item, issuer organisation) → how many of the issuer's attestations on aggregates cover the
    /// item, at most [`MAX_ATTESTATIONS_PER_SUBJECT`]: the per-issuer bound of
    /// [`ItemCoverage`](ITEM_COVERAGE). Item ids are already hashes, so the first key is not hashed
    /// again.
    pub const ISSUER_COVERAGE_COUNT: StorageDoubleMap<ItemId, OrgId, u32, ValueQuery> =
        StorageDoubleMap::new(PALLET_NAME, "IssuerCoverageCount", StorageHasher::Identity, StorageHasher::Twox64Concat);
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Attests an inspection's finding. Signer: an account of an organisation accredited
    /// (`Inspector { scope }`) for exactly `scope`.
    #[codec(index = 0)]
    attest {
        /// What was inspected: an item, a lot or an aggregate.
        subject: InspectionSubject,
        /// The accreditation scope.
        scope: Scope,
        /// The finding.
        result: InspectionResult,
        /// `blake2_256` of the report.
        report_hash: H256,
        /// Where the report can be fetched, 1..=256 bytes of printable ASCII.
        report_uri: Vec<u8>,
        /// The end of validity (exclusive), ms since the Unix epoch, after the block time.
        valid_until: Option<Moment>,
        /// The conditions, for (and only for) a `Conditional` result: 1..=512 bytes of UTF-8.
        conditions: Option<Vec<u8>>,
    },
    /// Revokes an attestation. Signer: an account of its issuer or of a Regulator.
    #[codec(index = 1)]
    revoke {
        /// The attestation.
        attestation: AttestationId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Replaces an attestation with a new one on the same subject and scope. Signer: an account
    /// of its issuer, still accredited for the scope.
    #[codec(index = 2)]
    supersede {
        /// The attestation replaced.
        attestation: AttestationId,
        /// Why it is replaced, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
        /// The new finding.
        result: InspectionResult,
        /// `blake2_256` of the new report.
        report_hash: H256,
        /// Where the new report can be fetched, 1..=256 bytes of printable ASCII.
        report_uri: Vec<u8>,
        /// The new end of validity, after the block time.
        valid_until: Option<Moment>,
        /// The conditions, for (and only for) a `Conditional` result.
        conditions: Option<Vec<u8>>,
    },
}

/// The pallet's events. Indices are stable. See the crate docs for their EPCIS reading.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An attestation was made: an EPCIS ObjectEvent, action OBSERVE, on the subject (for an
    /// aggregate: `parentID` = the SSCC), with `certificationInfo`.
    #[codec(index = 0)]
    Attested {
        /// Its id.
        attestation: AttestationId,
        /// What was inspected.
        subject: InspectionSubject,
        /// For an aggregate, how many items it held (read them with [`covered_items`]); else 0.
        covered_items: u32,
        /// The accreditation scope.
        scope: Scope,
        /// The finding.
        result: InspectionResult,
        /// `blake2_256` of the report.
        report_hash: H256,
        /// Where the report can be fetched.
        report_uri: Vec<u8>,
        /// The end of validity (exclusive), if any.
        valid_until: Option<Moment>,
        /// The conditions of a conditional pass.
        conditions: Option<Vec<u8>>,
        /// The attestation it supersedes, if any.
        supersedes: Option<AttestationId>,
        /// The inspection body's organisation.
        inspector: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: where the goods are (item, aggregate); for a lot, the inspector's first
        /// registered location, if it has one.
        read_point: Option<Location>,
        /// `inspecting`.
        biz_step: BizStep,
        /// `conformant` (pass, conditional) or `non_conformant` (fail).
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// An attestation was revoked: the EPCIS `errorDeclaration` of its event.
    #[codec(index = 1)]
    AttestationRevoked {
        /// The attestation.
        attestation: AttestationId,
        /// What it was about.
        subject: InspectionSubject,
        /// Its scope.
        scope: Scope,
        /// Its issuer.
        issuer: OrgId,
        /// The revoking organisation (the issuer or a regulator).
        by: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why (the error declaration's reason).
        reason: Vec<u8>,
        /// `inspecting`.
        biz_step: BizStep,
        /// Block time (the error declaration's time).
        time: Moment,
    },
    /// An attestation was superseded by a newer one of its issuer (emitted after the new one's
    /// `Attested`): the old event's `errorDeclaration` with the new one as corrective event.
    #[codec(index = 2)]
    AttestationSuperseded {
        /// The old attestation.
        attestation: AttestationId,
        /// The new one.
        by: AttestationId,
        /// What they are about.
        subject: InspectionSubject,
        /// Their scope.
        scope: Scope,
        /// Their issuer.
        issuer: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why (the error declaration's reason).
        reason: Vec<u8>,
        /// Block time.
        time: Moment,
    },
}

/// The pallet's errors. Indices are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The signing account belongs to no member organisation.
    #[codec(index = 0)]
    #[error("the signer is not an account of a member organisation")]
    NotMember,
    /// The signer's organisation is not accredited (`Inspector { scope }`) for this scope.
    #[codec(index = 1)]
    #[error("the signer's organisation is not accredited for this inspection scope")]
    NotAccredited,
    /// Only the issuer organisation or a Regulator may revoke an attestation.
    #[codec(index = 2)]
    #[error("only the issuer or a regulator may revoke an attestation")]
    NotIssuerOrRegulator,
    /// Only the issuer organisation may supersede an attestation.
    #[codec(index = 3)]
    #[error("only the issuer may supersede an attestation")]
    NotIssuer,
    /// No item has this id.
    #[codec(index = 4)]
    #[error("no item has this id")]
    ItemNotFound,
    /// The lot's GTIN is not 14 digits with a valid check digit.
    #[codec(index = 5)]
    #[error("the lot's GTIN is not a valid GTIN-14")]
    InvalidGtin,
    /// The lot number is not 1 to 20 characters of GS1 character set 82.
    #[codec(index = 6)]
    #[error("a lot number is 1 to 20 characters of GS1 character set 82")]
    InvalidLot,
    /// No item was commissioned under this lot.
    #[codec(index = 7)]
    #[error("no item was commissioned under this lot")]
    LotNotFound,
    /// The SSCC is not 18 digits with a valid check digit.
    #[codec(index = 8)]
    #[error("the SSCC is not 18 digits with a valid check digit")]
    InvalidSscc,
    /// No aggregate has this SSCC.
    #[codec(index = 9)]
    #[error("no aggregate has this SSCC")]
    AggregateNotFound,
    /// The aggregate holds more than 1,000 items.
    #[codec(index = 10)]
    #[error("an attested aggregate holds at most {MAX_COVERED_ITEMS} items")]
    TooManyItems,
    /// The report URI is empty, longer than 256 bytes or not printable ASCII.
    #[codec(index = 11)]
    #[error("a report URI is 1 to {MAX_URI_LEN} bytes of printable ASCII")]
    InvalidReportUri,
    /// The validity end is not after the block time.
    #[codec(index = 12)]
    #[error("the validity must end after the current block time")]
    InvalidValidity,
    /// A `Conditional` result states no conditions.
    #[codec(index = 13)]
    #[error("a conditional result must state its conditions")]
    MissingConditions,
    /// A `Pass` or `Fail` result states conditions.
    #[codec(index = 14)]
    #[error("only a conditional result states conditions")]
    UnexpectedConditions,
    /// The conditions are empty, longer than 512 bytes or not UTF-8.
    #[codec(index = 15)]
    #[error("conditions are 1 to {MAX_CONDITIONS_LEN} bytes of UTF-8")]
    InvalidConditions,
    /// No attestation has this id.
    #[codec(index = 16)]
    #[error("no attestation has this id")]
    AttestationNotFound,
    /// The attestation was revoked already.
    #[codec(index = 17)]
    #[error("the attestation was revoked")]
    AlreadyRevoked,
    /// The attestation was superseded already.
    #[codec(index = 18)]
    #[error("the attestation was superseded")]
    AlreadySuperseded,
    /// The reason is empty, longer than 256 bytes or not UTF-8.
    #[codec(index = 19)]
    #[error("a reason is 1 to {MAX_REASON_LEN} bytes of UTF-8")]
    InvalidReason,
    /// The signer's organisation already made 64 attestations on the subject (or 64 of its
    /// aggregate attestations cover an item inside). Other organisations' attestations do not
    /// count.
    #[codec(index = 20)]
    #[error("an inspection body makes at most {MAX_ATTESTATIONS_PER_SUBJECT} attestations on a subject")]
    TooManyAttestations,
    /// Attestation ids are exhausted.
    #[codec(index = 21)]
    #[error("attestation ids are exhausted")]
    IdsExhausted,
    /// The reason has a control or bidirectional-formatting character.
    #[codec(index = 22)]
    #[error("a reason has no control or bidirectional-formatting characters")]
    ReasonHasControlCharacter,
    /// The conditions have a control or bidirectional-formatting character.
    #[codec(index = 23)]
    #[error("conditions have no control or bidirectional-formatting characters")]
    ConditionsHaveControlCharacter,
    /// The report URI's scheme is not `https`, `http`, `ipfs` or `ar`, or nothing follows it.
    #[codec(index = 24)]
    #[error("a report URI is https:, http:, ipfs: or ar: followed by the address")]
    ReportUriSchemeNotAllowed,
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = PALLET_INDEX;
}

/// The pallet, as the runtime lists it: [`tracechain_support::Pallet`] over this crate's
/// functions.
pub struct Pallet;

impl tracechain_support::Pallet for Pallet {
    const NAME: &'static str = PALLET_NAME;
    const INDEX: u8 = PALLET_INDEX;
    const DOCS: &'static str = "Attestations by accredited inspectors.";
    type Call = Call;
    type Event = Event;
    type Error = Error;

    fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(storage, call)
    }

    fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata()
    }
}

/// The weight of recording one item an aggregate attestation covers: reading it from custody,
/// and reading and writing its coverage index and the issuer's count for it.
const PER_COVERED_ITEM_WEIGHT: Weight = db_reads_writes(3, 2);

/// The weight of `call` in the current state. An attestation on an aggregate records every
/// item the aggregate holds, so it is charged by the aggregate's stored item count (custody reads
/// them all even when there are more than [`MAX_COVERED_ITEMS`] and the call is refused), and a
/// supersession by the old attestation's covered items, which it copies.
pub fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
    // The signer's organisation and roles, the subject's existence, the id counter, the
    // attestation, the subject index and the issuer's count on it; hashing and encoding.
    let base = db_reads_writes(7, 4).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));
    let coverage = |items: u64| PER_COVERED_ITEM_WEIGHT.saturating_mul(items);
    match call {
        Call::attest { subject: InspectionSubject::Aggregate(sscc), .. } => {
            let items = pallet_custody::aggregate(storage, sscc).map_or(0, |aggregate| aggregate.item_count);
            base.saturating_add(coverage(u64::from(items)))
        }
        Call::attest { .. } => base,
        Call::revoke { .. } => {
            db_reads_writes(4, 1).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
        }
        Call::supersede { attestation, .. } => {
            let items = ATTESTATIONS.get(storage, attestation).map_or(0, |old| old.covered_items);
            base.saturating_add(db_reads_writes(2, 1)).saturating_add(coverage(u64::from(items)))
        }
    }
}

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::attest { subject, scope, result, report_hash, report_uri, valid_until, conditions } => {
            let finding = Finding { result, report_hash, report_uri, valid_until, conditions };
            attest(ctx, agent, subject, scope, finding)
        }
        Call::revoke { attestation, reason } => revoke(ctx, agent, attestation, reason),
        Call::supersede { attestation, reason, result, report_hash, report_uri, valid_until, conditions } => {
            let finding = Finding { result, report_hash, report_uri, valid_until, conditions };
            supersede(ctx, agent, attestation, reason, finding)
        }
    }
}

/// What an attestation finds: the fields `attest` and `supersede` share.
struct Finding {
    result: InspectionResult,
    report_hash: H256,
    report_uri: Vec<u8>,
    valid_until: Option<Moment>,
    conditions: Option<Vec<u8>>,
}

impl Finding {
    fn validate(&self, now: Moment) -> Result<(), Error> {
        let uri = &self.report_uri;
        match tracechain_support::text::check_uri(uri, MAX_URI_LEN) {
            Ok(()) => {}
            Err(tracechain_support::text::UriError::Malformed) => return Err(Error::InvalidReportUri),
            Err(tracechain_support::text::UriError::SchemeNotAllowed) => return Err(Error::ReportUriSchemeNotAllowed),
        }
        if self.valid_until.is_some_and(|until| until <= now) {
            return Err(Error::InvalidValidity);
        }
        match (&self.result, &self.conditions) {
            (InspectionResult::Conditional, None) => Err(Error::MissingConditions),
            (InspectionResult::Pass | InspectionResult::Fail, Some(_)) => Err(Error::UnexpectedConditions),
            (_, Some(conditions)) => ensure_text(
                conditions,
                MAX_CONDITIONS_LEN,
                Error::InvalidConditions,
                Error::ConditionsHaveControlCharacter,
            ),
            (_, None) => Ok(()),
        }
    }
}

fn attest<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subject: InspectionSubject,
    scope: Scope,
    finding: Finding,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    // Membership validated every granted scope, so an ill-formed scope is simply not held.
    ensure_accredited(ctx, org, &scope)?;
    let (read_point, covered) = check_subject(ctx, org, &subject)?;
    let now = pallet_timestamp::now(ctx);
    finding.validate(now)?;
    record(ctx, agent, org, subject, scope, finding, covered, None, read_point).map(|_| ())
}

/// Checks that the subject exists and is well formed; returns where it is (the read point) and,
/// for an aggregate, the items it holds now (sorted).
fn check_subject(
    storage: &impl StorageRead,
    org: OrgId,
    subject: &InspectionSubject,
) -> Result<(Option<Location>, Option<Vec<ItemId>>), Error> {
    match subject {
        InspectionSubject::Item(id) => {
            let item = pallet_products::item(storage, id).ok_or(Error::ItemNotFound)?;
            Ok((Some(item.location), None))
        }
        InspectionSubject::Lot { gtin, lot } => {
            // Decoding accepts any 14 bytes; only parsing verifies the digits and check digit.
            if Gtin::parse(gtin.as_bytes()).is_err() {
                return Err(Error::InvalidGtin);
            }
            if !is_valid_serial(lot) {
                return Err(Error::InvalidLot);
            }
            if !pallet_products::LOTS.contains(storage, gtin, lot) {
                return Err(Error::LotNotFound);
            }
            Ok((first_location(storage, org), None))
        }
        InspectionSubject::Aggregate(sscc) => {
            if !is_valid_sscc(sscc) {
                return Err(Error::InvalidSscc);
            }
            let aggregate = pallet_custody::aggregate(storage, sscc).ok_or(Error::AggregateNotFound)?;
            let items: BTreeSet<ItemId> =
                pallet_custody::items_of(storage, &Subject::Aggregate(*sscc)).into_iter().collect();
            if items.len() > MAX_COVERED_ITEMS {
                return Err(Error::TooManyItems);
            }
            Ok((Some(aggregate.location), Some(items.into_iter().collect())))
        }
    }
}

/// One more for an issuer's count, or `TooManyAttestations` when it has its bound already.
fn counted(count: u32) -> Result<u32, Error> {
    if count as usize >= MAX_ATTESTATIONS_PER_SUBJECT {
        return Err(Error::TooManyAttestations);
    }
    Ok(count + 1)
}

/// Writes a new attestation with its indices and emits `Attested`. Every check that can fail is
/// done before the first write.
#[allow(clippy::too_many_arguments)]
fn record<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    issuer: OrgId,
    subject: InspectionSubject,
    scope: Scope,
    finding: Finding,
    covered: Option<Vec<ItemId>>,
    supersedes: Option<AttestationId>,
    read_point: Option<Location>,
) -> Result<AttestationId, DispatchError> {
    let id = NEXT_ATTESTATION_ID.get(ctx);
    let next = id.checked_add(1).ok_or(Error::IdsExhausted)?;
    let subject_count = counted(ISSUER_SUBJECT_COUNT.get(ctx, &subject, &issuer))?;
    let covered = covered.unwrap_or_default();
    let mut coverage = Vec::with_capacity(covered.len());
    for item in &covered {
        coverage.push(counted(ISSUER_COVERAGE_COUNT.get(ctx, item, &issuer))?);
    }
    let time = pallet_timestamp::now(ctx);
    // At most MAX_COVERED_ITEMS, checked when the items were read.
    let covered_count = covered.len() as u32;
    let attestation = Attestation {
        id,
        subject: subject.clone(),
        scope: scope.clone(),
        result: finding.result,
        report_hash: finding.report_hash,
        report_uri: finding.report_uri.clone(),
        valid_until: finding.valid_until,
        conditions: finding.conditions.clone(),
        issuer,
        agent,
        covered_items: covered_count,
        supersedes,
        superseded_by: None,
        superseded_reason: None,
        revoked: None,
        issued_at: ctx.block_number(),
        issued_time: time,
    };
    NEXT_ATTESTATION_ID.put(ctx, &next);
    ATTESTATIONS.insert(ctx, &id, &attestation);
    let mut subject_ids = SUBJECT_ATTESTATIONS.get(ctx, &subject);
    subject_ids.push(id);
    SUBJECT_ATTESTATIONS.insert(ctx, &subject, &subject_ids);
    ISSUER_SUBJECT_COUNT.insert(ctx, &subject, &issuer, &subject_count);
    for (item, count) in covered.iter().zip(&coverage) {
        let mut ids = ITEM_COVERAGE.get(ctx, item);
        ids.push(id);
        ITEM_COVERAGE.insert(ctx, item, &ids);
        ISSUER_COVERAGE_COUNT.insert(ctx, item, &issuer, count);
    }
    if !covered.is_empty() {
        COVERED_ITEMS.insert(ctx, &id, &covered);
    }
    ctx.deposit_event(Event::Attested {
        attestation: id,
        subject,
        covered_items: covered_count,
        scope,
        result: finding.result,
        report_hash: finding.report_hash,
        report_uri: finding.report_uri,
        valid_until: finding.valid_until,
        conditions: finding.conditions,
        supersedes,
        inspector: issuer,
        agent,
        read_point,
        biz_step: BizStep::inspecting,
        disposition: finding.result.disposition(),
        time,
    });
    Ok(id)
}

fn revoke<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: AttestationId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut attestation = ATTESTATIONS.get(ctx, &id).ok_or(Error::AttestationNotFound)?;
    if attestation.issuer != org && !pallet_membership::has_role(ctx, org, &Role::Regulator) {
        return Err(Error::NotIssuerOrRegulator.into());
    }
    ensure_open(&attestation)?;
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    attestation.revoked = Some(Revocation { by: org, agent, reason: reason.clone(), at: ctx.block_number(), time });
    ATTESTATIONS.insert(ctx, &id, &attestation);
    ctx.deposit_event(Event::AttestationRevoked {
        attestation: id,
        subject: attestation.subject,
        scope: attestation.scope,
        issuer: attestation.issuer,
        by: org,
        agent,
        reason,
        biz_step: BizStep::inspecting,
        time,
    });
    Ok(())
}

fn supersede<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    old_id: AttestationId,
    reason: Vec<u8>,
    finding: Finding,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut old = ATTESTATIONS.get(ctx, &old_id).ok_or(Error::AttestationNotFound)?;
    if old.issuer != org {
        return Err(Error::NotIssuer.into());
    }
    // A body that lost its accreditation may no longer issue findings, corrected or not.
    ensure_accredited(ctx, org, &old.scope)?;
    ensure_open(&old)?;
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let now = pallet_timestamp::now(ctx);
    finding.validate(now)?;
    // The new attestation restates the finding about the same goods: an aggregate's covered
    // items are the old attestation's, not what the SSCC holds today.
    let covered = (old.covered_items > 0).then(|| COVERED_ITEMS.get(ctx, &old_id));
    let read_point = match &old.subject {
        InspectionSubject::Item(id) => pallet_products::item(ctx, id).map(|item| item.location),
        InspectionSubject::Lot { .. } => first_location(ctx, org),
        InspectionSubject::Aggregate(sscc) => pallet_custody::aggregate(ctx, sscc).map(|aggregate| aggregate.location),
    };
    let new_id =
        record(ctx, agent, org, old.subject.clone(), old.scope.clone(), finding, covered, Some(old_id), read_point)?;
    old.superseded_by = Some(new_id);
    old.superseded_reason = Some(reason.clone());
    ATTESTATIONS.insert(ctx, &old_id, &old);
    ctx.deposit_event(Event::AttestationSuperseded {
        attestation: old_id,
        by: new_id,
        subject: old.subject,
        scope: old.scope,
        issuer: org,
        agent,
        reason,
        time: now,
    });
    Ok(())
}

fn ensure_accredited(storage: &impl StorageRead, org: OrgId, scope: &Scope) -> Result<(), Error> {
    if pallet_membership::has_role(storage, org, &Role::Inspector { scope: scope.clone() }) {
        Ok(())
    } else {
        Err(Error::NotAccredited)
    }
}

/// `Ok` if the attestation was neither revoked nor superseded.
fn ensure_open(attestation: &Attestation) -> Result<(), Error> {
    if attestation.revoked.is_some() {
        return Err(Error::AlreadyRevoked);
    }
    if attestation.superseded_by.is_some() {
        return Err(Error::AlreadySuperseded);
    }
    Ok(())
}

fn first_location(storage: &impl StorageRead, org: OrgId) -> Option<Location> {
    pallet_membership::organisation(storage, org).and_then(|organisation| organisation.locations.first().cloned())
}

/// Member-written text: `malformed` when empty, too long or not UTF-8, `hidden` when it has a
/// control or bidirectional-formatting character (`tracechain_support::text`).
fn ensure_text(text: &[u8], max_len: usize, malformed: Error, hidden: Error) -> Result<(), Error> {
    match tracechain_support::text::check_text(text, max_len) {
        Ok(_) => Ok(()),
        Err(tracechain_support::text::TextError::ControlCharacter) => Err(hidden),
        Err(_) => Err(malformed),
    }
}

// ---------------------------------------------------------------------------------------------
// Reads, for pallet-customs and the RPC
// ---------------------------------------------------------------------------------------------

/// The attestation with this id.
pub fn attestation(storage: &impl StorageRead, id: AttestationId) -> Option<Attestation> {
    ATTESTATIONS.get(storage, &id)
}

/// Every attestation made on `subject` itself (revoked and superseded ones included), oldest
/// first. For what covers an item through its lot or an aggregate, see [`covering_attestations`].
pub fn attestations_of(storage: &impl StorageRead, subject: &InspectionSubject) -> Vec<Attestation> {
    SUBJECT_ATTESTATIONS.get(storage, subject).into_iter().filter_map(|id| attestation(storage, id)).collect()
}

/// The items an aggregate attestation covers (what the aggregate held when it was made),
/// sorted; empty for an attestation on an item or a lot.
pub fn covered_items(storage: &impl StorageRead, id: AttestationId) -> Vec<ItemId> {
    COVERED_ITEMS.get(storage, &id)
}

/// The ids of the attestations that cover `item` (see the crate docs): on the item, on its lot,
/// and on aggregates that held it when they were made; each list oldest first.
fn covering_ids(storage: &impl StorageRead, item: &ItemId) -> Vec<AttestationId> {
    let mut ids = SUBJECT_ATTESTATIONS.get(storage, &InspectionSubject::Item(*item));
    if let Some(record) = pallet_products::item(storage, item) {
        if let Some(lot) = record.lot_number() {
            let lot = InspectionSubject::Lot { gtin: record.gtin, lot: lot.to_vec() };
            ids.extend(SUBJECT_ATTESTATIONS.get(storage, &lot));
        }
    }
    ids.extend(ITEM_COVERAGE.get(storage, item));
    ids
}

/// Every attestation that covers `item` (on the item, on its lot, on aggregates that held it
/// when attested), revoked and superseded ones included: what a consumer's scan shows.
pub fn covering_attestations(storage: &impl StorageRead, item: &ItemId) -> Vec<Attestation> {
    covering_ids(storage, item).into_iter().filter_map(|id| attestation(storage, id)).collect()
}

/// Whether `item` has passed an inspection of `scope` that is in force at `now`: some attestation
/// covering it for exactly that scope has result `Pass` or `Conditional` and is neither revoked,
/// superseded nor expired (see the crate docs).
pub fn passed(storage: &impl StorageRead, item: &ItemId, scope: &Scope, now: Moment) -> bool {
    PassChecker::new(storage, now).passed(item, scope)
}

/// [`passed`] for many items and scopes, reading each attestation once: an attestation on an
/// aggregate or a lot covers many items, and clearing a declaration asks about each of them.
pub struct PassChecker<'s, S> {
    storage: &'s S,
    now: Moment,
    /// Attestation id → its scope if it passes at `now`, `None` if it does not (or is missing).
    verdicts: BTreeMap<AttestationId, Option<Scope>>,
}

impl<'s, S: StorageRead> PassChecker<'s, S> {
    /// A checker at time `now`.
    pub fn new(storage: &'s S, now: Moment) -> Self {
        Self { storage, now, verdicts: BTreeMap::new() }
    }

    /// The scopes for which `item` has an attestation in force with a passing result, sorted
    /// and without duplicates.
    pub fn passed_scopes(&mut self, item: &ItemId) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = Vec::new();
        for id in covering_ids(self.storage, item) {
            let (storage, now) = (self.storage, self.now);
            let verdict = self.verdicts.entry(id).or_insert_with(|| {
                attestation(storage, id).filter(|attestation| attestation.passes_at(now)).map(|found| found.scope)
            });
            if let Some(scope) = verdict {
                if let Err(slot) = scopes.binary_search_by(|held| held.as_bytes().cmp(scope.as_bytes())) {
                    scopes.insert(slot, scope.clone());
                }
            }
        }
        scopes
    }

    /// Whether `item` passed an inspection of `scope` in force at the checker's time.
    pub fn passed(&mut self, item: &ItemId, scope: &Scope) -> bool {
        self.passed_scopes(item).contains(scope)
    }
}
