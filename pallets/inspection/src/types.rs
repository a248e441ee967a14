//! The inspection pallet's stored types: what an attestation is about ([`InspectionSubject`]),
//! its finding ([`InspectionResult`]), the attestation itself and its revocation.

use pallet_custody::types::Sscc;
use pallet_membership::types::{OrgId, Scope};
use pallet_products::{Disposition, Gtin, ItemId};
use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use tracechain_primitives::{AccountId32, BlockNumber, Moment, H256};

/// An attestation's id, given in order from 0.
pub type AttestationId = u64;

/// What an attestation is about. Indices are stable.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, TypeInfo)]
pub enum InspectionSubject {
    /// One item (a serialised unit or a lot item), by its id.
    #[codec(index = 0)]
    Item(ItemId),
    /// A lot: every item commissioned under `lot` of the class `gtin` (lot items and serialised
    /// items that name the lot), whenever they were commissioned.
    #[codec(index = 1)]
    Lot {
        /// The class's GTIN-14.
        gtin: Gtin,
        /// The lot number (AI 10), 1 to 20 characters of GS1 character set 82.
        lot: Vec<u8>,
    },
    /// An aggregate (pallet, container) by its SSCC: the items it held, at every depth, when the
    /// attestation was made (see the crate docs).
    #[codec(index = 2)]
    Aggregate(Sscc),
}

/// An inspection's finding. Indices are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum InspectionResult {
    /// The goods conform.
    #[codec(index = 0)]
    Pass,
    /// The goods do not conform.
    #[codec(index = 1)]
    Fail,
    /// The goods conform under the conditions stated in the attestation.
    #[codec(index = 2)]
    Conditional,
}

impl InspectionResult {
    /// Whether the finding lets the goods through: `Pass`, and `Conditional` (the conditions
    /// are the inspector's to state and the customs officer's to read; the chain does not
    /// interpret them).
    pub fn counts_as_pass(&self) -> bool {
        matches!(self, InspectionResult::Pass | InspectionResult::Conditional)
    }

    /// The EPCIS disposition of the inspected goods: `conformant` for a pass, `non_conformant`
    /// for a failure, and `conformant` for a conditional pass too (CBV 2.0 has no conditional
    /// disposition; the result itself says "conditional").
    pub fn disposition(&self) -> Disposition {
        match self {
            InspectionResult::Pass | InspectionResult::Conditional => Disposition::conformant,
            InspectionResult::Fail => Disposition::non_conformant,
        }
    }
}

/// A revocation: who withdrew an attestation, why and when.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Revocation {
    /// The revoking organisation: the issuer, or a Regulator.
    pub by: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// Why, 1 to 256 bytes of UTF-8.
    pub reason: Vec<u8>,
    /// The block of the revocation.
    pub at: BlockNumber,
    /// The block time of the revocation.
    pub time: Moment,
}

/// Where an attestation stands at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum AttestationStatus {
    /// In force: neither revoked, superseded nor expired.
    #[codec(index = 0)]
    InForce,
    /// Its validity ended.
    #[codec(index = 1)]
    Expired,
    /// Withdrawn by its issuer or a regulator.
    #[codec(index = 2)]
    Revoked,
    /// Replaced by a newer attestation of its issuer.
    #[codec(index = 3)]
    Superseded,
}

/// An inspector's attestation. Never edited: only `superseded_by` with `superseded_reason`, or
/// `revoked`, are ever set, once, after it is made.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Attestation {
    /// Its id.
    pub id: AttestationId,
    /// What was inspected.
    pub subject: InspectionSubject,
    /// The accreditation scope it was made under.
    pub scope: Scope,
    /// The finding.
    pub result: InspectionResult,
    /// `blake2_256` of the inspection report (kept off chain).
    pub report_hash: H256,
    /// Where the report can be fetched: 1 to 256 bytes of printable ASCII.
    pub report_uri: Vec<u8>,
    /// The end of its validity (exclusive), ms since the Unix epoch; `None` for no end.
    pub valid_until: Option<Moment>,
    /// The conditions of a `Conditional` result (1 to 512 bytes of UTF-8); `None` otherwise.
    pub conditions: Option<Vec<u8>>,
    /// The inspection body (issuer) organisation.
    pub issuer: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// How many items an aggregate held when it was attested (see [`crate::covered_items`]);
    /// 0 for an item or a lot.
    pub covered_items: u32,
    /// The attestation this one replaces, if any.
    pub supersedes: Option<AttestationId>,
    /// The attestation that replaced this one, once superseded.
    pub superseded_by: Option<AttestationId>,
    /// Why it was superseded (1 to 256 bytes of UTF-8), once superseded.
    pub superseded_reason: Option<Vec<u8>>,
    /// Its revocation, once revoked.
    pub revoked: Option<Revocation>,
    /// The block it was made in.
    pub issued_at: BlockNumber,
    /// The block time it was made at.
    pub issued_time: Moment,
}

impl Attestation {
    /// Where it stands at time `now`. Revocation and supersession are reported before expiry:
    /// they are deliberate acts and say more.
    pub fn status(&self, now: Moment) -> AttestationStatus {
        if self.revoked.is_some() {
            AttestationStatus::Revoked
        } else if self.superseded_by.is_some() {
            AttestationStatus::Superseded
        } else if self.valid_until.is_some_and(|until| now >= until) {
            AttestationStatus::Expired
        } else {
            AttestationStatus::InForce
        }
    }

    /// Whether, at time `now`, it is in force with a passing result (`Pass` or `Conditional`).
    pub fn passes_at(&self, now: Moment) -> bool {
        self.result.counts_as_pass() && self.status(now) == AttestationStatus::InForce
    }
}
