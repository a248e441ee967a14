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

pub mod api;
mod calls;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

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
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
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

/// The weight of `call` in the current state ([`weights`] gives each call's). An attestation on
/// an aggregate records every item the aggregate holds, so it is charged by the aggregate's
/// stored item count (custody reads them all even when there are more than
/// [`MAX_COVERED_ITEMS`] and the call is refused), and a supersession by the old attestation's
/// covered items, which it copies.
pub fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
    match call {
        Call::attest { subject: InspectionSubject::Aggregate(sscc), .. } => weights::attest(u64::from(
            pallet_custody::aggregate(storage, sscc).map_or(0, |aggregate| aggregate.item_count),
        )),
        Call::attest { .. } => weights::attest(0),
        Call::revoke { .. } => weights::revoke(),
        Call::supersede { attestation, .. } => {
            weights::supersede(u64::from(ATTESTATIONS.get(storage, attestation).map_or(0, |old| old.covered_items)))
        }
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::attest { subject, scope, result, report_hash, report_uri, valid_until, conditions } => {
            let finding = calls::Finding { result, report_hash, report_uri, valid_until, conditions };
            calls::attest(ctx, agent, subject, scope, finding)
        }
        Call::revoke { attestation, reason } => calls::revoke(ctx, agent, attestation, reason),
        Call::supersede { attestation, reason, result, report_hash, report_uri, valid_until, conditions } => {
            let finding = calls::Finding { result, report_hash, report_uri, valid_until, conditions };
            calls::supersede(ctx, agent, attestation, reason, finding)
        }
    }
}
