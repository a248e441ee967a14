//! The customs pallet's stored types: declarations, the decisions on them, and the regulator's
//! inspection rules by HS chapter.

use pallet_custody::types::Subject;
use pallet_membership::types::{CountryCode, OrgId, Scope, UnLocode};
use pallet_products::{CustomsState, Gtin, ItemId};
use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use tracechain_primitives::{AccountId32, BlockNumber, Moment, H256};

/// A declaration's id, given in order from 0.
pub type DeclarationId = u64;

/// Where a declaration stands. `Cleared`, `Refused`, `ReExported` and `Destroyed` are closed:
/// no more holds, inspections or clearances; a `Refused` one may still be ordered re-exported or
/// destroyed, which is final. Indices are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum DeclarationStatus {
    /// Filed, no decision yet.
    #[codec(index = 0)]
    Declared,
    /// Held by customs.
    #[codec(index = 1)]
    OnHold,
    /// Held pending inspections.
    #[codec(index = 2)]
    InspectionRequired,
    /// Cleared: the goods may enter.
    #[codec(index = 3)]
    Cleared,
    /// Refused entry.
    #[codec(index = 4)]
    Refused,
    /// Refused entry, then ordered re-exported.
    #[codec(index = 5)]
    ReExported,
    /// Refused entry, then ordered destroyed.
    #[codec(index = 6)]
    Destroyed,
}

impl DeclarationStatus {
    /// Whether customs may still decide on it.
    pub fn is_open(&self) -> bool {
        matches!(self, DeclarationStatus::Declared | DeclarationStatus::OnHold | DeclarationStatus::InspectionRequired)
    }

    /// The customs state of the declared items (pallet-products).
    pub fn customs_state(&self) -> CustomsState {
        match self {
            DeclarationStatus::Declared => CustomsState::Declared,
            DeclarationStatus::OnHold => CustomsState::OnHold,
            DeclarationStatus::InspectionRequired => CustomsState::InspectionRequired,
            DeclarationStatus::Cleared => CustomsState::Cleared,
            DeclarationStatus::Refused => CustomsState::Refused,
            DeclarationStatus::ReExported => CustomsState::ReExported,
            DeclarationStatus::Destroyed => CustomsState::Destroyed,
        }
    }
}

/// What customs decided. Indices are stable.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum DecisionKind {
    /// Held, for this reason.
    #[codec(index = 0)]
    Hold {
        /// Why.
        reason: Vec<u8>,
    },
    /// Held until these inspections pass.
    #[codec(index = 1)]
    RequireInspection {
        /// The scopes required by this decision.
        scopes: Vec<Scope>,
    },
    /// Cleared, under this release reference.
    #[codec(index = 2)]
    Clear {
        /// The customs release (certificate) reference.
        certificate_ref: Vec<u8>,
    },
    /// Refused entry, for this reason.
    #[codec(index = 3)]
    Refuse {
        /// Why.
        reason: Vec<u8>,
    },
    /// The refused goods are to leave the territory, for this reason.
    #[codec(index = 4)]
    ReExport {
        /// Why.
        reason: Vec<u8>,
    },
    /// The refused goods are to be destroyed, for this reason.
    #[codec(index = 5)]
    Destroy {
        /// Why.
        reason: Vec<u8>,
    },
}

/// A decision by the customs authority of the declaration's port.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Decision {
    /// What was decided.
    pub kind: DecisionKind,
    /// The customs organisation.
    pub by: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// The block of the decision.
    pub at: BlockNumber,
    /// The block time of the decision.
    pub time: Moment,
}

/// An import declaration and what customs decided on it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Declaration {
    /// Its id.
    pub id: DeclarationId,
    /// The importer of record.
    pub importer: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// What was declared, as given: items and aggregates (SSCC).
    pub subjects: Vec<Subject>,
    /// Every item declared, the aggregates expanded when it was filed (in the subjects' order,
    /// each once). Decisions apply to exactly these items, whatever the aggregates hold later.
    pub items: Vec<ItemId>,
    /// The declared HS code, 6 to 10 ASCII digits.
    pub hs_code: Vec<u8>,
    /// The declared country of origin.
    pub declared_origin: CountryCode,
    /// The declared customs value, in minor units of `currency`.
    pub declared_value: u128,
    /// ISO 4217 currency code, three ASCII upper-case letters.
    pub currency: [u8; 3],
    /// The port of entry.
    pub port: UnLocode,
    /// Hashes of the supporting documents (invoice, packing list, certificate of origin…).
    pub documents: Vec<H256>,
    /// The product classes whose registered origin differs from `declared_origin`, with that
    /// registered origin, sorted by GTIN. Empty when every class's origin agrees.
    pub origin_mismatch: Vec<(Gtin, CountryCode)>,
    /// Where it stands.
    pub status: DeclarationStatus,
    /// The inspection scopes customs required with `require_inspection`, sorted (the
    /// regulator's rules add to these at clearance; see [`crate::required_scopes`]).
    pub required_scopes: Vec<Scope>,
    /// The decisions, oldest first.
    pub decisions: Vec<Decision>,
    /// The block it was filed in.
    pub declared_at: BlockNumber,
    /// The block time it was filed at.
    pub declared_time: Moment,
}

/// The importer an item's owner named to declare it: it may declare the item while `owner`
/// still owns it (an ownership transfer makes the nomination lapse without a write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Nomination {
    /// The owner organisation that named the importer.
    pub owner: OrgId,
    /// The importer organisation named.
    pub importer: OrgId,
}

/// A regulator's rule: goods whose HS chapter is in `chapters` need a passed inspection of
/// `scope` before customs may clear them.
///
/// JSON: `{"chapters":[1,24],"scope":"quarantine"}`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectionRule {
    /// The HS chapters, an inclusive range within 1..=99 (e.g. `(1, 24)`: foods and beverages).
    pub chapters: (u8, u8),
    /// The inspection scope required.
    pub scope: Scope,
}

impl InspectionRule {
    /// Whether the range is within 1..=99 and not reversed.
    pub fn has_valid_chapters(&self) -> bool {
        let (first, last) = self.chapters;
        (1..=99).contains(&first) && (first..=99).contains(&last)
    }

    /// Whether the rule applies to HS chapter `chapter`.
    pub fn covers(&self, chapter: u8) -> bool {
        (self.chapters.0..=self.chapters.1).contains(&chapter)
    }
}

/// The HS chapter of an HS code: its first two digits (`220421` → 22), if it has them.
pub fn hs_chapter(hs_code: &[u8]) -> Option<u8> {
    match hs_code {
        [tens @ b'0'..=b'9', units @ b'0'..=b'9', ..] => Some((tens - b'0') * 10 + (units - b'0')),
        _ => None,
    }
}
