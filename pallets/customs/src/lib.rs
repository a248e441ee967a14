//! # pallet-customs
//!
//! Import declarations and the customs decisions on them. An importer declares goods (items, or
//! aggregates by SSCC) at a port of entry; the customs authority of **that** port, and no other,
//! holds them, requires inspections, clears them or refuses them. Clearance checks that every
//! inspection required — by the officer, or by the regulator's rules by HS chapter — has passed
//! for every declared item (pallet-inspection's [`pallet_inspection::passed`]). The items'
//! customs state lives in pallet-products (`set_customs_state`), whose `ensure_movable` keeps
//! goods that are declared and awaiting a decision, on hold, pending inspection or refused from
//! changing custody, ownership or aggregation, or from being sold.
//!
//! ## Rules
//! Every call is signed by an account of a member organisation (else [`Error::NotMember`]); the
//! permission rule is checked before anything else about the arguments.
//!
//! - `declare` (0): the signer's organisation must hold the Importer role
//!   ([`Error::NotImporter`]). HS code 6 to 10 ASCII digits whose chapter (first two digits) is
//!   01..=99; declared origin an ISO country code; currency ISO 4217 (three ASCII upper-case
//!   letters); port a UN/LOCODE; at most [`MAX_DOCUMENTS`] document hashes. The port must be
//!   **governed**: some member organisation holds `CustomsAuthority { port }` for it
//!   ([`Error::PortNotGoverned`]; pallet-membership's `is_port_governed`), so that goods are
//!   never declared where nobody can decide on them. Subjects are items or aggregates (valid
//!   SSCC, existing); the aggregates are expanded to the items they hold at every depth
//!   (pallet-custody's `items_of`) and the declaration records those items: decisions apply to
//!   exactly them, whatever is repacked later. At most [`MAX_DECLARATION_ITEMS`] items after
//!   expansion, none twice ([`Error::DuplicateItem`]). For **every** item the signer's
//!   organisation must be its owner, its custodian, or the importer its owner named with
//!   `name_importer` (a customs broker filing for the consignee), else
//!   [`Error::NotOwnerOrCustodian`]: nobody declares, and so freezes, another member's goods.
//!   Then each item must be under no open declaration ([`Error::AlreadyDeclared`]) and movable
//!   (`pallet_products::ensure_movable`, whose errors pass through). The items become
//!   `Declared`.
//! - **Each declarant's own share of a port's worklist**: a declaring organisation has at most
//!   [`MAX_OPEN_PER_DECLARANT`] open declarations at one port ([`Error::DeclarantShareFull`]).
//!   The bound is per (port, declaring organisation), not per port: a declarant holding many
//!   items and declaring them one by one fills only its own share, and every other importer
//!   still declares at that port. A declaration leaves its declarant's share when it is cleared
//!   or refused.
//! - **Declared goods wait**: from the declaration to the first decision, the items are
//!   `Declared`, which `ensure_movable` refuses with pallet-products' `ItemAwaitingCustoms`: no
//!   custody or ownership transfer (proposed, or accepted from a proposal made before), no
//!   packing or unpacking, no sale. Customs' decision says what happens next.
//! - `name_importer` (7): by the owner of every item named ([`Error::NotOwner`]; subjects as for
//!   `declare`), naming an organisation that is a member holding the Importer role
//!   ([`Error::NomineeNotImporter`]), or `None` to withdraw. The nomination is stored per item
//!   with the owner that made it and counts only while that organisation still owns the item:
//!   an ownership transfer makes it lapse, so a former owner's choice never binds the new one.
//!   Naming again replaces the previous nomination.
//! - **Origin check**: for every product class among the items whose registered origin differs
//!   from the declared origin, the declaration and the `Declared` event list `(GTIN, registered
//!   origin)` in `origin_mismatch`. A mismatch is flagged, not refused: deciding what it means
//!   (a re-export, a false declaration) is the customs officer's job.
//! - `hold` (1), `require_inspection` (2), `clear` (3), `refuse` (4): only by an organisation
//!   holding `CustomsAuthority { port }` for exactly the declaration's port: an organisation
//!   with no customs role gets [`Error::NotCustomsAuthority`], the customs of another port
//!   [`Error::NotJurisdiction`]. A cleared or refused declaration is closed: any further
//!   decision of these four is [`Error::DeclarationClosed`]. `hold` → items `OnHold`;
//!   `require_inspection` (1..=8 distinct valid scopes) → `InspectionRequired`, and the scopes
//!   are added to the declaration's required scopes; `clear` → `Cleared`; `refuse` →
//!   `Refused`. Reasons are
//!   1..=256 bytes of UTF-8, the clearance's certificate reference 1..=128 bytes of printable
//!   ASCII. A declaration records at most [`MAX_DECISIONS`] decisions.
//! - **Nothing is stuck for ever**: `order_reexport` (8) and `order_destruction` (9), by the
//!   customs authority of the declaration's port (same errors as above), with a reason of
//!   1..=256 bytes of UTF-8, decide what becomes of **refused** goods: on a declaration still
//!   open [`Error::NotRefused`], on one cleared or already ordered re-exported or destroyed
//!   [`Error::DeclarationClosed`]. Re-export → items `ReExported`: they move again (custody,
//!   ownership, packing; an aggregate holding them unpacks) and may be declared again, but not
//!   at the port that refused them ([`Error::ReExportedFromPort`]). Destruction → items
//!   `Destroyed` with the status `Destroyed`, and each item's destruction is recorded in
//!   pallet-identity (`Identity.Destructions`, by the customs organisation, with the order's
//!   reason) exactly as `Identity.mark_destroyed` records it: the journey, `trace_getItem` and
//!   the EPCIS export show them destroyed, they never move again (custody, ownership, packing:
//!   `ItemNotActive`), cannot be sold (`ItemNotActive`) nor marked destroyed a second time
//!   (`AlreadyDestroyed`), and no longer keep an aggregate sealed, so its custodian unpacks the
//!   rest.
//! - **Clearance** is refused with [`Error::InspectionMissing`] while some required scope has
//!   not passed for some declared item. The required scopes are the union of the scopes of
//!   `require_inspection` and of the regulator's rules whose chapter range contains the HS
//!   chapter of the declared HS code **or of any declared item's registered product class**:
//!   mis-declaring the HS code does not avoid an inspection. [`required_scopes`] computes them.
//! - `set_inspection_rule` (5) / `remove_inspection_rule` (6): only by a Regulator
//!   ([`Error::NotRegulator`]). Chapters are an inclusive range within 1..=99; a rule is a
//!   (chapter range, scope) pair, set once; at most [`MAX_RULES`]. Rule changes apply to every
//!   later clearance, open declarations included.
//!
//! ## Events
//! Every declaration and decision carries what an EPCIS 2.0 ObjectEvent (action OBSERVE) needs:
//! the subjects (EPCs and SSCCs), `biz_step` and `disposition` as CBV short names,
//! `read_point` and `biz_location` = the port as `Location::UnLocode`, the importer and the
//! customs organisation, the signing agent and the block time. CBV has no customs steps; its
//! own examples use `holding` and `inspecting`, so: declared `arriving` / `in_progress`, held
//! `holding` / `non_sellable_other`, inspection required `inspecting` / `in_progress`, cleared
//! `accepting` / `active` (accepted into the territory), refused `holding` / `non_conformant`,
//! re-export ordered `departing` / `in_transit`, destruction ordered `destroying` /
//! `destroyed`.
//! Rule changes are master data and carry no business step.
//!
//! ## Weights
//! [`call_weight`] reads state, as pallet-custody's does: a declaration is priced by its items
//! (an aggregate by the item and aggregate counts custody stores for it), and a decision by the
//! items of the stored declaration it decides on (clearance also by the inspection look-ups per
//! item).
//!
//! ## Failure
//! Calls fail with `BadOrigin` when not signed, with [`Error`], or with pallet-products' errors
//! from `ensure_movable`. Every check runs before the first write, so a failed call changes
//! nothing. [`build_genesis`] fails with [`GenesisError`] for an invalid or duplicate rule.

pub mod api;
mod calls;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use std::collections::{btree_map::Entry, BTreeMap, BTreeSet};

use pallet_custody::types::{is_valid_sscc, Subject};
use pallet_inspection::PassChecker;
use pallet_membership::types::{CountryCode, Location, OrgId, Role, Scope, UnLocode};
use pallet_products::{BizStep, CustomsState, Disposition, Gtin, ItemId};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, Moment, H256};
use tracechain_support::{
    dispatch::{DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
pub use types::{
    hs_chapter, Decision, DecisionKind, Declaration, DeclarationId, DeclarationStatus, InspectionRule, Nomination,
};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Customs";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 12;
/// The most items one declaration may cover, aggregates expanded.
pub const MAX_DECLARATION_ITEMS: usize = 1_000;
/// The most document hashes a declaration may list.
pub const MAX_DOCUMENTS: usize = 8;
/// The most scopes one `require_inspection` may name.
pub const MAX_SCOPES: usize = 8;
/// The most decisions a declaration records.
pub const MAX_DECISIONS: usize = 16;
/// The most inspection rules.
pub const MAX_RULES: usize = 64;
/// The most open declarations one declaring organisation may hold at one port (its share of the
/// port's worklist, `OpenByPortAndDeclarant`).
pub const MAX_OPEN_PER_DECLARANT: usize = 1_024;
/// The most declarations remembered per item.
pub const MAX_DECLARATIONS_PER_ITEM: usize = 64;
/// The longest reason for a hold or a refusal, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// The longest certificate reference of a clearance, in bytes.
pub const MAX_CERTIFICATE_REF_LEN: usize = 128;

tracechain_support::storage_items! {
    /// id → declaration.
    pub const DECLARATIONS: StorageMap<DeclarationId, Declaration> =
        StorageMap::new(PALLET_NAME, "Declarations", StorageHasher::Twox64Concat);
    /// the id the next declaration gets.
    pub const NEXT_DECLARATION_ID: StorageValue<DeclarationId, ValueQuery> =
        StorageValue::new(PALLET_NAME, "NextDeclarationId");
    /// (port, declaring organisation) → the ids of that organisation's open declarations at the
    /// port, oldest first, at most [`MAX_OPEN_PER_DECLARANT`]; absent when it has none. Maintained
    /// on declare and on clearance or refusal. A port's entries share the prefix
    /// `twox128(Customs) ++ twox128(OpenByPortAndDeclarant) ++ blake2_128(port) ++ port`: its
    /// worklist is read by iterating the keys under that prefix, in key order (declarants by
    /// `twox64(organisation id)`, a fixed order that is not the order of the ids).
    pub const OPEN_BY_PORT_AND_DECLARANT: StorageDoubleMap<UnLocode, OrgId, Vec<DeclarationId>, ValueQuery> =
        StorageDoubleMap::new(
            PALLET_NAME,
            "OpenByPortAndDeclarant",
            StorageHasher::Blake2_128Concat,
            StorageHasher::Twox64Concat,
        );
    /// item → the ids of the declarations that covered it, oldest first, at most
    /// [`MAX_DECLARATIONS_PER_ITEM`]. Item ids are already hashes, so the key is not hashed again.
    pub const ITEM_DECLARATIONS: StorageMap<ItemId, Vec<DeclarationId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "ItemDeclarations", StorageHasher::Identity);
    /// the regulator's rules, sorted by chapter range, then scope.
    pub const INSPECTION_RULES: StorageValue<Vec<InspectionRule>, ValueQuery> =
        StorageValue::new(PALLET_NAME, "InspectionRules");
    /// item → the importer its owner named to declare it, and that owner (the nomination counts
    /// only while that organisation still owns the item). Item ids are already hashes, so the key
    /// is not hashed again.
    pub const NAMED_IMPORTERS: StorageMap<ItemId, Nomination> =
        StorageMap::new(PALLET_NAME, "NamedImporters", StorageHasher::Identity);
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Files an import declaration. Signer: an account of an Importer that owns or holds every
    /// declared item, or that their owner named ([`Call::name_importer`]).
    #[codec(index = 0)]
    declare {
        /// Items and aggregates, at most 1,000 items once the aggregates are expanded.
        subjects: Vec<Subject>,
        /// HS code, 6 to 10 ASCII digits, chapter 01..=99.
        hs_code: Vec<u8>,
        /// Declared country of origin.
        declared_origin: CountryCode,
        /// Declared customs value, in minor units of `currency`.
        declared_value: u128,
        /// ISO 4217 currency code, three ASCII upper-case letters.
        currency: [u8; 3],
        /// Port of entry.
        port_of_entry: UnLocode,
        /// Hashes of the supporting documents, at most 8.
        documents: Vec<H256>,
    },
    /// Holds the declared goods. Signer: an account of the customs authority of the port.
    #[codec(index = 1)]
    hold {
        /// The declaration.
        declaration: DeclarationId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Holds the declared goods until inspections of these scopes pass. Signer: an account of
    /// the customs authority of the port.
    #[codec(index = 2)]
    require_inspection {
        /// The declaration.
        declaration: DeclarationId,
        /// 1..=8 distinct inspection scopes.
        scopes: Vec<Scope>,
    },
    /// Clears the declared goods. Signer: an account of the customs authority of the port.
    #[codec(index = 3)]
    clear {
        /// The declaration.
        declaration: DeclarationId,
        /// The customs release reference, 1..=128 bytes of printable ASCII.
        certificate_ref: Vec<u8>,
    },
    /// Refuses entry to the declared goods. Signer: an account of the customs authority of the
    /// port.
    #[codec(index = 4)]
    refuse {
        /// The declaration.
        declaration: DeclarationId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Requires an inspection of `scope` for goods of HS chapters `chapters`. Signer: an account
    /// of a Regulator.
    #[codec(index = 5)]
    set_inspection_rule {
        /// First and last HS chapter, inclusive, within 1..=99.
        chapters: (u8, u8),
        /// The inspection scope required.
        scope: Scope,
    },
    /// Removes a rule. Signer: an account of a Regulator.
    #[codec(index = 6)]
    remove_inspection_rule {
        /// The rule's chapter range.
        chapters: (u8, u8),
        /// The rule's scope.
        scope: Scope,
    },
    /// Names the importer that may declare these goods (or, with `None`, withdraws the
    /// nomination). Signer: an account of the owner of every item.
    #[codec(index = 7)]
    name_importer {
        /// Items and aggregates, at most 1,000 items once the aggregates are expanded.
        subjects: Vec<Subject>,
        /// The importer organisation, which must hold the Importer role; `None` withdraws.
        importer: Option<OrgId>,
    },
    /// Orders refused goods re-exported: they may move again, out of the territory, and be
    /// declared at another port. Signer: an account of the customs authority of the port.
    #[codec(index = 8)]
    order_reexport {
        /// The refused declaration.
        declaration: DeclarationId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Orders refused goods destroyed: their status becomes `Destroyed`. Signer: an account of
    /// the customs authority of the port.
    #[codec(index = 9)]
    order_destruction {
        /// The refused declaration.
        declaration: DeclarationId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
}

/// The pallet's events. Indices are stable. See the crate docs for their EPCIS reading.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A declaration was filed.
    #[codec(index = 0)]
    Declared {
        /// Its id.
        declaration: DeclarationId,
        /// What was declared (EPCs and SSCCs).
        subjects: Vec<Subject>,
        /// How many items, aggregates expanded.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// The declared HS code.
        hs_code: Vec<u8>,
        /// The declared origin.
        declared_origin: CountryCode,
        /// The declared value, in minor units.
        declared_value: u128,
        /// ISO 4217 currency code.
        currency: [u8; 3],
        /// Document hashes.
        documents: Vec<H256>,
        /// The classes whose registered origin differs from the declared one, with that origin.
        origin_mismatch: Vec<(Gtin, CountryCode)>,
        /// `readPoint`: the port of entry.
        read_point: Location,
        /// `bizLocation`: the port of entry.
        biz_location: Location,
        /// `arriving`.
        biz_step: BizStep,
        /// `in_progress`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// Customs held the goods.
    #[codec(index = 1)]
    Held {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `holding`.
        biz_step: BizStep,
        /// `non_sellable_other`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// Customs required inspections before clearance.
    #[codec(index = 2)]
    InspectionRequired {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// The scopes this decision named.
        scopes: Vec<Scope>,
        /// Every scope clearance now requires (this and earlier decisions, and the regulator's
        /// rules), sorted.
        required: Vec<Scope>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `inspecting`.
        biz_step: BizStep,
        /// `in_progress`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// Customs cleared the goods.
    #[codec(index = 3)]
    Cleared {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// The customs release reference.
        certificate_ref: Vec<u8>,
        /// The inspection scopes that were required and had passed for every item, sorted.
        inspections: Vec<Scope>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `accepting`.
        biz_step: BizStep,
        /// `active`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// Customs refused entry to the goods.
    #[codec(index = 4)]
    Refused {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `holding`.
        biz_step: BizStep,
        /// `non_conformant`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A regulator set an inspection rule (master data).
    #[codec(index = 5)]
    InspectionRuleSet {
        /// First and last HS chapter.
        chapters: (u8, u8),
        /// The scope required.
        scope: Scope,
        /// The regulator.
        by: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Block time.
        time: Moment,
    },
    /// A regulator removed an inspection rule (master data).
    #[codec(index = 6)]
    InspectionRuleRemoved {
        /// First and last HS chapter.
        chapters: (u8, u8),
        /// The scope no longer required.
        scope: Scope,
        /// The regulator.
        by: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Block time.
        time: Moment,
    },
    /// The owner named the importer that may declare the goods, or withdrew the nomination
    /// (master data: no business step).
    #[codec(index = 7)]
    ImporterNamed {
        /// The goods, as given (EPCs and SSCCs).
        subjects: Vec<Subject>,
        /// How many items, aggregates expanded.
        item_count: u32,
        /// The owner organisation.
        owner: OrgId,
        /// The importer named; `None` when withdrawn.
        importer: Option<OrgId>,
        /// The signing account.
        agent: AccountId32,
        /// Block time.
        time: Moment,
    },
    /// Customs ordered refused goods re-exported.
    #[codec(index = 8)]
    ReExportOrdered {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `departing`.
        biz_step: BizStep,
        /// `in_transit`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// Customs ordered refused goods destroyed.
    #[codec(index = 9)]
    DestructionOrdered {
        /// The declaration.
        declaration: DeclarationId,
        /// What was declared.
        subjects: Vec<Subject>,
        /// How many items.
        item_count: u32,
        /// The importer of record.
        importer: OrgId,
        /// The customs organisation.
        customs: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the port.
        read_point: Location,
        /// `bizLocation`: the port.
        biz_location: Location,
        /// `destroying`.
        biz_step: BizStep,
        /// `destroyed`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
}

/// The pallet's errors. Indices are stable.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The signing account belongs to no member organisation.
    #[codec(index = 0)]
    #[error("the signer is not an account of a member organisation")]
    NotMember,
    /// Filing a declaration needs the Importer role.
    #[codec(index = 1)]
    #[error("the signer's organisation does not hold the importer role")]
    NotImporter,
    /// Customs decisions need a customs authority role, which the organisation does not hold
    /// for any port.
    #[codec(index = 2)]
    #[error("the signer's organisation is not a customs authority")]
    NotCustomsAuthority,
    /// The organisation is a customs authority, but not for the declaration's port.
    #[codec(index = 3)]
    #[error("the signer's organisation has no customs jurisdiction over the declaration's port")]
    NotJurisdiction,
    /// Inspection rules are set and removed by a Regulator only.
    #[codec(index = 4)]
    #[error("the signer's organisation does not hold the regulator role")]
    NotRegulator,
    /// The declaration names no items (no subjects, or aggregates holding no items).
    #[codec(index = 5)]
    #[error("the declaration names no items")]
    NoItems,
    /// More than 1,000 items (or subjects), aggregates expanded.
    #[codec(index = 6)]
    #[error("a declaration covers at most {MAX_DECLARATION_ITEMS} items")]
    TooManyItems,
    /// An item is named twice (directly, or inside a declared aggregate).
    #[codec(index = 7)]
    #[error("an item is declared twice")]
    DuplicateItem,
    /// An SSCC is not 18 digits with a valid check digit.
    #[codec(index = 8)]
    #[error("an SSCC is not 18 digits with a valid check digit")]
    InvalidSscc,
    /// No aggregate has this SSCC.
    #[codec(index = 9)]
    #[error("no aggregate has this SSCC")]
    AggregateNotFound,
    /// An item is already under an open declaration.
    #[codec(index = 10)]
    #[error("an item is already under an open declaration")]
    AlreadyDeclared,
    /// The HS code is not 6 to 10 ASCII digits with a chapter in 01..=99.
    #[codec(index = 11)]
    #[error("an HS code is 6 to 10 ASCII digits, chapter 01 to 99")]
    InvalidHsCode,
    /// The declared origin is not two ASCII upper-case letters.
    #[codec(index = 12)]
    #[error("the declared origin is not an ISO 3166-1 alpha-2 code")]
    InvalidCountry,
    /// The currency is not three ASCII upper-case letters.
    #[codec(index = 13)]
    #[error("the currency is not an ISO 4217 code (three upper-case letters)")]
    InvalidCurrency,
    /// The port of entry is not a UN/LOCODE.
    #[codec(index = 14)]
    #[error("the port of entry is not a UN/LOCODE")]
    InvalidPort,
    /// More than 8 document hashes.
    #[codec(index = 15)]
    #[error("a declaration lists at most {MAX_DOCUMENTS} documents")]
    TooManyDocuments,
    /// No declaration has this id.
    #[codec(index = 16)]
    #[error("no declaration has this id")]
    DeclarationNotFound,
    /// The declaration was cleared or refused: no more decisions.
    #[codec(index = 17)]
    #[error("the declaration is closed (cleared or refused)")]
    DeclarationClosed,
    /// The reason is empty, longer than 256 bytes or not UTF-8.
    #[codec(index = 18)]
    #[error("a reason is 1 to {MAX_REASON_LEN} bytes of UTF-8")]
    InvalidReason,
    /// The certificate reference is empty, longer than 128 bytes or not printable ASCII.
    #[codec(index = 19)]
    #[error("a certificate reference is 1 to {MAX_CERTIFICATE_REF_LEN} bytes of printable ASCII")]
    InvalidCertificateRef,
    /// `require_inspection` names no scope.
    #[codec(index = 20)]
    #[error("name at least one inspection scope")]
    NoScopes,
    /// `require_inspection` names more than 8 scopes.
    #[codec(index = 21)]
    #[error("name at most {MAX_SCOPES} inspection scopes")]
    TooManyScopes,
    /// A scope is not 1 to 32 of `a-z`, `0-9`, `_` and `-`.
    #[codec(index = 22)]
    #[error("an inspection scope is 1 to 32 of a-z, 0-9, '_' and '-'")]
    InvalidScope,
    /// A scope is named twice.
    #[codec(index = 23)]
    #[error("an inspection scope is named twice")]
    DuplicateScope,
    /// Clearance needs a passed inspection of `scope` for `item`, which it does not have (no
    /// attestation, or only failed, revoked, superseded or expired ones). The scope and item
    /// are not encoded: a module error has four bytes, and clients look errors up by index;
    /// [`required_scopes`] and `pallet_inspection::covering_attestations` tell the rest.
    #[codec(index = 24)]
    #[error("inspection {} has not passed for item {item:?}", String::from_utf8_lossy(.scope))]
    InspectionMissing {
        /// The scope missing, as bytes.
        #[codec(skip)]
        scope: Vec<u8>,
        /// The first item without it.
        #[codec(skip)]
        item: ItemId,
    },
    /// The chapter range is not within 1..=99, or its first chapter is after its last.
    #[codec(index = 25)]
    #[error("a chapter range is within 1..=99, first before last")]
    InvalidChapterRange,
    /// The same rule (chapter range and scope) is already set.
    #[codec(index = 26)]
    #[error("this inspection rule is already set")]
    RuleExists,
    /// No rule has this chapter range and scope.
    #[codec(index = 27)]
    #[error("no inspection rule has this chapter range and scope")]
    RuleNotFound,
    /// There are 64 rules already.
    #[codec(index = 28)]
    #[error("at most {MAX_RULES} inspection rules")]
    TooManyRules,
    /// The declaring organisation has 1,024 open declarations at the port already: its own share
    /// of the port's worklist is full (other declarants' shares are theirs). The organisation is
    /// not encoded: a module error has four bytes.
    #[codec(index = 29)]
    #[error(
        "organisation {declarant} already has {MAX_OPEN_PER_DECLARANT} open declarations at this port, the most \
         one declarant may hold at a port"
    )]
    DeclarantShareFull {
        /// The declaring organisation.
        #[codec(skip)]
        declarant: OrgId,
    },
    /// An item was declared 64 times already.
    #[codec(index = 30)]
    #[error("an item is declared at most {MAX_DECLARATIONS_PER_ITEM} times")]
    TooManyDeclarations,
    /// The declaration has 16 decisions already.
    #[codec(index = 31)]
    #[error("a declaration records at most {MAX_DECISIONS} decisions")]
    TooManyDecisions,
    /// Declaration ids are exhausted.
    #[codec(index = 32)]
    #[error("declaration ids are exhausted")]
    IdsExhausted,
    /// No member organisation holds `CustomsAuthority` for the port of entry: nobody could
    /// decide on the declaration.
    #[codec(index = 33)]
    #[error("no member organisation is the customs authority of the port of entry")]
    PortNotGoverned,
    /// The signer's organisation neither owns nor holds a declared item, and is not the importer
    /// its owner named.
    #[codec(index = 34)]
    #[error("the signer's organisation neither owns nor holds an item, nor was named its importer")]
    NotOwnerOrCustodian,
    /// Only the owner of every item may name their importer.
    #[codec(index = 35)]
    #[error("the signer's organisation does not own every item")]
    NotOwner,
    /// The organisation named as importer is not a member holding the Importer role.
    #[codec(index = 36)]
    #[error("the organisation named is not a member importer")]
    NomineeNotImporter,
    /// Re-export and destruction are ordered only on a refused declaration; this one is still
    /// open (refuse it first).
    #[codec(index = 37)]
    #[error("the declaration is not refused")]
    NotRefused,
    /// The item was refused at this port and ordered re-exported: it may be declared at another
    /// port only.
    #[codec(index = 38)]
    #[error("the item was refused and re-exported from this port")]
    ReExportedFromPort,
    /// The reason has a control or bidirectional-formatting character.
    #[codec(index = 39)]
    #[error("a reason has no control or bidirectional-formatting characters")]
    ReasonHasControlCharacter,
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
    const DOCS: &'static str = "Customs declarations and the port's decisions.";
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

/// The pallet's genesis configuration (the `customs` section of a chain spec).
///
/// JSON: `{"inspectionRules":[{"chapters":[1,24],"scope":"quarantine"}]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The initial inspection rules.
    #[serde(default)]
    pub inspection_rules: Vec<InspectionRule>,
}

/// Why a genesis configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// A rule's chapter range is not within 1..=99, first before last.
    #[error("inspection rule {index}: chapters {first}..={last} are not a range within 1..=99")]
    InvalidChapterRange {
        /// The rule's position in the list.
        index: usize,
        /// Its first chapter.
        first: u8,
        /// Its last chapter.
        last: u8,
    },
    /// A rule appears twice.
    #[error("inspection rule {index} repeats an earlier rule")]
    DuplicateRule {
        /// The second occurrence's position.
        index: usize,
    },
    /// More rules than [`MAX_RULES`].
    #[error("{count} inspection rules; at most {MAX_RULES}")]
    TooManyRules {
        /// How many were given.
        count: usize,
    },
}

/// Writes the initial inspection rules, validated as `set_inspection_rule` would (scopes are
/// validated when the JSON is parsed).
pub fn build_genesis(storage: &mut impl StorageWrite, config: &GenesisConfig) -> Result<(), GenesisError> {
    let rules = &config.inspection_rules;
    if rules.len() > MAX_RULES {
        return Err(GenesisError::TooManyRules { count: rules.len() });
    }
    let mut sorted: Vec<InspectionRule> = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        if !rule.has_valid_chapters() {
            let (first, last) = rule.chapters;
            return Err(GenesisError::InvalidChapterRange { index, first, last });
        }
        match sorted.binary_search_by(|held| rule_order(held, rule)) {
            Ok(_) => return Err(GenesisError::DuplicateRule { index }),
            Err(slot) => sorted.insert(slot, rule.clone()),
        }
    }
    if !sorted.is_empty() {
        INSPECTION_RULES.put(storage, &sorted);
    }
    Ok(())
}

/// The order of the stored rules: chapter range, then scope bytes.
fn rule_order(a: &InspectionRule, b: &InspectionRule) -> std::cmp::Ordering {
    a.chapters.cmp(&b.chapters).then_with(|| a.scope.as_bytes().cmp(b.scope.as_bytes()))
}

/// The weight of `call` in the current state ([`weights`] gives each call's): a declaration
/// costs in proportion to its items (an aggregate by the item count custody stores for it), a
/// decision in proportion to the declaration's items, which only the stored declaration tells.
pub fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
    let decided_items =
        |id: &DeclarationId| DECLARATIONS.get(storage, id).map_or(0, |declaration| declaration.items.len() as u64);
    // A call with too many subjects fails before looking at them; only the first
    // `MAX_DECLARATION_ITEMS` + 1 are worth pricing.
    let subject_units = |subjects: &[Subject]| {
        subjects.iter().take(MAX_DECLARATION_ITEMS + 1).fold(0u64, |items, subject| {
            let units = match subject {
                Subject::Item(_) => 1,
                Subject::Aggregate(sscc) => {
                    pallet_custody::aggregate(storage, sscc).map_or(1, |aggregate| aggregate.units())
                }
            };
            items.saturating_add(units)
        })
    };
    match call {
        Call::declare { subjects, documents, .. } => weights::declare(subject_units(subjects), documents.len() as u64),
        Call::hold { declaration, .. } => weights::hold(decided_items(declaration)),
        Call::refuse { declaration, .. } => weights::refuse(decided_items(declaration)),
        Call::order_reexport { declaration, .. } => weights::order_reexport(decided_items(declaration)),
        Call::order_destruction { declaration, .. } => weights::order_destruction(decided_items(declaration)),
        Call::require_inspection { declaration, scopes } => {
            weights::require_inspection(decided_items(declaration), scopes.len() as u64)
        }
        Call::clear { declaration, .. } => weights::clear(decided_items(declaration)),
        Call::set_inspection_rule { .. } => weights::set_inspection_rule(),
        Call::remove_inspection_rule { .. } => weights::remove_inspection_rule(),
        Call::name_importer { subjects, .. } => weights::name_importer(subject_units(subjects)),
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::declare { subjects, hs_code, declared_origin, declared_value, currency, port_of_entry, documents } => {
            let filing = calls::Filing {
                subjects,
                hs_code,
                declared_origin,
                declared_value,
                currency,
                port: port_of_entry,
                documents,
            };
            calls::declare(ctx, agent, filing)
        }
        Call::hold { declaration, reason } => calls::decide(ctx, agent, declaration, calls::Ruling::Hold(reason)),
        Call::require_inspection { declaration, scopes } => {
            calls::decide(ctx, agent, declaration, calls::Ruling::RequireInspection(scopes))
        }
        Call::clear { declaration, certificate_ref } => {
            calls::decide(ctx, agent, declaration, calls::Ruling::Clear(certificate_ref))
        }
        Call::refuse { declaration, reason } => calls::decide(ctx, agent, declaration, calls::Ruling::Refuse(reason)),
        Call::set_inspection_rule { chapters, scope } => {
            calls::set_rule(ctx, agent, InspectionRule { chapters, scope })
        }
        Call::remove_inspection_rule { chapters, scope } => {
            calls::remove_rule(ctx, agent, InspectionRule { chapters, scope })
        }
        Call::name_importer { subjects, importer } => calls::name_importer(ctx, agent, subjects, importer),
        Call::order_reexport { declaration, reason } => {
            calls::decide(ctx, agent, declaration, calls::Ruling::ReExport(reason))
        }
        Call::order_destruction { declaration, reason } => {
            calls::decide(ctx, agent, declaration, calls::Ruling::Destroy(reason))
        }
    }
}
