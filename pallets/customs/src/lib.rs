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

#[cfg(test)]
mod tests;
pub mod types;

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
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, PalletError, RuntimeConfig,
};

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

// ---------------------------------------------------------------------------------------------
// Weights
// ---------------------------------------------------------------------------------------------

/// Signer, roles, the port's authorities, the id counter, the declaration, the declarant's share
/// of the port's worklist; hashing and encoding.
const BASE_WEIGHT: Weight =
    db_reads_writes(6, 3).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// Declaring one item: movability (the item, its lot's and class's recalls), its nomination, its
/// class's origin, its declaration index; writing the index and its customs state.
const PER_DECLARED_ITEM_WEIGHT: Weight =
    db_reads_writes(6, 2).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// Naming the importer of one item: reading the item, writing its nomination.
const PER_NAMED_ITEM_WEIGHT: Weight =
    db_reads_writes(1, 1).saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0));

/// A decision on one item: reading and writing its customs state.
const PER_DECIDED_ITEM_WEIGHT: Weight = db_reads_writes(1, 1);

/// Clearing one item: its class (HS rules), and what covers it: its own, its lot's and its
/// aggregates' attestation lists and, amortised, the attestations.
const PER_CLEARED_ITEM_WEIGHT: Weight =
    db_reads_writes(6, 0).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// The weight of `call` in the current state: a declaration costs in proportion to its items
/// (an aggregate by the item count custody stores for it), a decision in proportion to the
/// declaration's items, which only the stored declaration tells.
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
        Call::declare { subjects, documents, .. } => {
            let items = subject_units(subjects);
            BASE_WEIGHT.saturating_add(PER_DECLARED_ITEM_WEIGHT.saturating_mul(items)).saturating_add(
                Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0).saturating_mul(documents.len() as u64),
            )
        }
        Call::hold { declaration, .. }
        | Call::refuse { declaration, .. }
        | Call::order_reexport { declaration, .. } => {
            BASE_WEIGHT.saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(decided_items(declaration)))
        }
        // The customs state and the status: two updates of each item; and the identity pallet's
        // destruction record, looked up and written.
        Call::order_destruction { declaration, .. } => {
            let items = decided_items(declaration);
            BASE_WEIGHT
                .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items.saturating_mul(2)))
                .saturating_add(db_reads_writes(1, 1).saturating_mul(items))
        }
        Call::require_inspection { declaration, scopes } => BASE_WEIGHT
            .saturating_add(db_reads_writes(1, 0))
            .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(decided_items(declaration)))
            .saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0).saturating_mul(scopes.len() as u64)),
        Call::clear { declaration, .. } => {
            let items = decided_items(declaration);
            BASE_WEIGHT
                .saturating_add(db_reads_writes(1, 0))
                .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items))
                .saturating_add(PER_CLEARED_ITEM_WEIGHT.saturating_mul(items))
        }
        Call::set_inspection_rule { .. } | Call::remove_inspection_rule { .. } => {
            db_reads_writes(3, 1).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
        }
        Call::name_importer { subjects, .. } => db_reads_writes(3, 0)
            .saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
            .saturating_add(PER_NAMED_ITEM_WEIGHT.saturating_mul(subject_units(subjects))),
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::declare { subjects, hs_code, declared_origin, declared_value, currency, port_of_entry, documents } => {
            let filing =
                Filing { subjects, hs_code, declared_origin, declared_value, currency, port: port_of_entry, documents };
            declare(ctx, agent, filing)
        }
        Call::hold { declaration, reason } => decide(ctx, agent, declaration, Ruling::Hold(reason)),
        Call::require_inspection { declaration, scopes } => {
            decide(ctx, agent, declaration, Ruling::RequireInspection(scopes))
        }
        Call::clear { declaration, certificate_ref } => decide(ctx, agent, declaration, Ruling::Clear(certificate_ref)),
        Call::refuse { declaration, reason } => decide(ctx, agent, declaration, Ruling::Refuse(reason)),
        Call::set_inspection_rule { chapters, scope } => set_rule(ctx, agent, InspectionRule { chapters, scope }),
        Call::remove_inspection_rule { chapters, scope } => remove_rule(ctx, agent, InspectionRule { chapters, scope }),
        Call::name_importer { subjects, importer } => name_importer(ctx, agent, subjects, importer),
        Call::order_reexport { declaration, reason } => decide(ctx, agent, declaration, Ruling::ReExport(reason)),
        Call::order_destruction { declaration, reason } => decide(ctx, agent, declaration, Ruling::Destroy(reason)),
    }
}

/// What an importer files.
struct Filing {
    subjects: Vec<Subject>,
    hs_code: Vec<u8>,
    declared_origin: CountryCode,
    declared_value: u128,
    currency: [u8; 3],
    port: UnLocode,
    documents: Vec<H256>,
}

impl Filing {
    /// The checks that need no state.
    fn validate(&self) -> Result<(), Error> {
        if self.subjects.is_empty() {
            return Err(Error::NoItems);
        }
        if self.subjects.len() > MAX_DECLARATION_ITEMS {
            return Err(Error::TooManyItems);
        }
        if !is_valid_hs_code(&self.hs_code) {
            return Err(Error::InvalidHsCode);
        }
        // Decoding accepts any bytes; only the shape checks make them codes.
        if !self.declared_origin.is_valid() {
            return Err(Error::InvalidCountry);
        }
        if !self.currency.iter().all(u8::is_ascii_uppercase) {
            return Err(Error::InvalidCurrency);
        }
        if !self.port.is_valid() {
            return Err(Error::InvalidPort);
        }
        if self.documents.len() > MAX_DOCUMENTS {
            return Err(Error::TooManyDocuments);
        }
        Ok(())
    }
}

/// Whether `hs_code` is 6 to 10 ASCII digits with a chapter in 01..=99.
fn is_valid_hs_code(hs_code: &[u8]) -> bool {
    (6..=10).contains(&hs_code.len())
        && hs_code.iter().all(u8::is_ascii_digit)
        && hs_chapter(hs_code).is_some_and(|chapter| chapter >= 1)
}

/// The items the subjects name, aggregates expanded, each once, in order.
fn expand_subjects(storage: &impl StorageRead, subjects: &[Subject]) -> Result<Vec<ItemId>, Error> {
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for subject in subjects {
        let found = match subject {
            Subject::Item(id) => vec![*id],
            Subject::Aggregate(sscc) => {
                if !is_valid_sscc(sscc) {
                    return Err(Error::InvalidSscc);
                }
                let aggregate = pallet_custody::aggregate(storage, sscc).ok_or(Error::AggregateNotFound)?;
                // Refuse an oversized aggregate from its stored count, before reading it all.
                if items.len().saturating_add(aggregate.item_count as usize) > MAX_DECLARATION_ITEMS {
                    return Err(Error::TooManyItems);
                }
                pallet_custody::items_of(storage, subject)
            }
        };
        for id in found {
            if !seen.insert(id) {
                return Err(Error::DuplicateItem);
            }
            items.push(id);
        }
        if items.len() > MAX_DECLARATION_ITEMS {
            return Err(Error::TooManyItems);
        }
    }
    if items.is_empty() {
        return Err(Error::NoItems);
    }
    Ok(items)
}

fn declare<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, filing: Filing) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if !pallet_membership::has_role(ctx, org, &Role::Importer) {
        return Err(Error::NotImporter.into());
    }
    filing.validate()?;
    if !pallet_membership::is_port_governed(ctx, &filing.port) {
        return Err(Error::PortNotGoverned.into());
    }
    let items = expand_subjects(ctx, &filing.subjects)?;
    let mut origins: BTreeMap<Gtin, CountryCode> = BTreeMap::new();
    let mut histories = Vec::with_capacity(items.len());
    for id in &items {
        let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
        ensure_may_declare(ctx, org, &item)?;
        // Declared is set only here and left only by a decision: an item in that state is under
        // an open declaration (on hold and pending inspection, ensure_movable refuses).
        if item.customs == CustomsState::Declared {
            return Err(Error::AlreadyDeclared.into());
        }
        let item = pallet_products::ensure_movable(ctx, id)?;
        let history = ITEM_DECLARATIONS.get(ctx, id);
        if item.customs == CustomsState::ReExported {
            // Re-exported goods leave the territory: the port that refused them does not see
            // them declared again. The last declaration of the item is the refused one.
            let refused_at = history.last().and_then(|last| DECLARATIONS.get(ctx, last)).map(|last| last.port);
            if refused_at.as_ref() == Some(&filing.port) {
                return Err(Error::ReExportedFromPort.into());
            }
        }
        if history.len() >= MAX_DECLARATIONS_PER_ITEM {
            return Err(Error::TooManyDeclarations.into());
        }
        histories.push(history);
        if let Entry::Vacant(slot) = origins.entry(item.gtin) {
            // Every item's class exists: products commissions items only into registered classes.
            if let Some(class) = pallet_products::product_class(ctx, &item.gtin) {
                slot.insert(class.origin);
            }
        }
    }
    let origin_mismatch: Vec<(Gtin, CountryCode)> =
        origins.into_iter().filter(|(_, registered)| *registered != filing.declared_origin).collect();
    let mut open = OPEN_BY_PORT_AND_DECLARANT.get(ctx, &filing.port, &org);
    if open.len() >= MAX_OPEN_PER_DECLARANT {
        return Err(Error::DeclarantShareFull { declarant: org }.into());
    }
    let id = NEXT_DECLARATION_ID.get(ctx);
    let next = id.checked_add(1).ok_or(Error::IdsExhausted)?;
    let time = pallet_timestamp::now(ctx);
    // At most MAX_DECLARATION_ITEMS, checked by the expansion.
    let item_count = items.len() as u32;
    let declaration = Declaration {
        id,
        importer: org,
        agent,
        subjects: filing.subjects.clone(),
        items,
        hs_code: filing.hs_code.clone(),
        declared_origin: filing.declared_origin.clone(),
        declared_value: filing.declared_value,
        currency: filing.currency,
        port: filing.port.clone(),
        documents: filing.documents.clone(),
        origin_mismatch: origin_mismatch.clone(),
        status: DeclarationStatus::Declared,
        required_scopes: Vec::new(),
        decisions: Vec::new(),
        declared_at: ctx.block_number(),
        declared_time: time,
    };
    NEXT_DECLARATION_ID.put(ctx, &next);
    for (item, mut history) in declaration.items.iter().zip(histories) {
        history.push(id);
        ITEM_DECLARATIONS.insert(ctx, item, &history);
        pallet_products::set_customs_state(ctx, item, CustomsState::Declared);
    }
    DECLARATIONS.insert(ctx, &id, &declaration);
    open.push(id);
    OPEN_BY_PORT_AND_DECLARANT.insert(ctx, &filing.port, &org, &open);
    let port = Location::UnLocode(filing.port);
    ctx.deposit_event(Event::Declared {
        declaration: id,
        subjects: filing.subjects,
        item_count,
        importer: org,
        agent,
        hs_code: filing.hs_code,
        declared_origin: filing.declared_origin,
        declared_value: filing.declared_value,
        currency: filing.currency,
        documents: filing.documents,
        origin_mismatch,
        read_point: port.clone(),
        biz_location: port,
        biz_step: BizStep::arriving,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

/// `Ok` if `org` owns or holds `item`, or is the importer its current owner named.
fn ensure_may_declare(storage: &impl StorageRead, org: OrgId, item: &pallet_products::Item) -> Result<(), Error> {
    if item.owner == org || item.custodian == org {
        return Ok(());
    }
    match NAMED_IMPORTERS.get(storage, &item.id) {
        Some(nomination) if nomination.importer == org && nomination.owner == item.owner => Ok(()),
        _ => Err(Error::NotOwnerOrCustodian),
    }
}

fn name_importer<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subjects: Vec<Subject>,
    importer: Option<OrgId>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if subjects.is_empty() {
        return Err(Error::NoItems.into());
    }
    if subjects.len() > MAX_DECLARATION_ITEMS {
        return Err(Error::TooManyItems.into());
    }
    let items = expand_subjects(ctx, &subjects)?;
    for id in &items {
        let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
        if item.owner != org {
            return Err(Error::NotOwner.into());
        }
    }
    if let Some(importer) = importer {
        let is_member = pallet_membership::organisation(ctx, importer).is_some();
        if !is_member || !pallet_membership::has_role(ctx, importer, &Role::Importer) {
            return Err(Error::NomineeNotImporter.into());
        }
    }
    for id in &items {
        match importer {
            Some(importer) => NAMED_IMPORTERS.insert(ctx, id, &Nomination { owner: org, importer }),
            None => NAMED_IMPORTERS.remove(ctx, id),
        }
    }
    let time = pallet_timestamp::now(ctx);
    // At most MAX_DECLARATION_ITEMS, checked by the expansion.
    let item_count = items.len() as u32;
    ctx.deposit_event(Event::ImporterNamed { subjects, item_count, owner: org, importer, agent, time });
    Ok(())
}

/// A customs decision as called.
enum Ruling {
    Hold(Vec<u8>),
    RequireInspection(Vec<Scope>),
    Clear(Vec<u8>),
    Refuse(Vec<u8>),
    ReExport(Vec<u8>),
    Destroy(Vec<u8>),
}

fn decide<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: DeclarationId,
    ruling: Ruling,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let roles = pallet_membership::roles(ctx, org);
    if !roles.iter().any(|role| matches!(role, Role::CustomsAuthority { .. })) {
        return Err(Error::NotCustomsAuthority.into());
    }
    let mut declaration = DECLARATIONS.get(ctx, &id).ok_or(Error::DeclarationNotFound)?;
    if !roles.contains(&Role::CustomsAuthority { port: declaration.port.clone() }) {
        return Err(Error::NotJurisdiction.into());
    }
    let was_open = declaration.status.is_open();
    match (&ruling, declaration.status) {
        // Only a refused declaration is ordered re-exported or destroyed, once.
        (Ruling::ReExport(_) | Ruling::Destroy(_), DeclarationStatus::Refused) => {}
        (Ruling::ReExport(_) | Ruling::Destroy(_), _) if was_open => return Err(Error::NotRefused.into()),
        (Ruling::ReExport(_) | Ruling::Destroy(_), _) => return Err(Error::DeclarationClosed.into()),
        _ if !was_open => return Err(Error::DeclarationClosed.into()),
        _ => {}
    }
    if declaration.decisions.len() >= MAX_DECISIONS {
        return Err(Error::TooManyDecisions.into());
    }
    let now = pallet_timestamp::now(ctx);
    // Validate the arguments and find the new status and the decision, writing nothing yet.
    let mut required = Vec::new();
    let (status, kind) = match ruling {
        Ruling::Hold(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::OnHold, DecisionKind::Hold { reason })
        }
        Ruling::RequireInspection(scopes) => {
            let scopes = validate_scopes(scopes)?;
            for scope in &scopes {
                insert_sorted(&mut declaration.required_scopes, scope.clone());
            }
            required = required_scopes(ctx, &declaration);
            (DeclarationStatus::InspectionRequired, DecisionKind::RequireInspection { scopes })
        }
        Ruling::Clear(certificate_ref) => {
            let reference_ok = !certificate_ref.is_empty()
                && certificate_ref.len() <= MAX_CERTIFICATE_REF_LEN
                && certificate_ref.iter().all(u8::is_ascii_graphic);
            if !reference_ok {
                return Err(Error::InvalidCertificateRef.into());
            }
            required = required_scopes(ctx, &declaration);
            ensure_inspections_passed(ctx, &declaration.items, &required, now)?;
            (DeclarationStatus::Cleared, DecisionKind::Clear { certificate_ref })
        }
        Ruling::Refuse(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::Refused, DecisionKind::Refuse { reason })
        }
        Ruling::ReExport(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::ReExported, DecisionKind::ReExport { reason })
        }
        Ruling::Destroy(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::Destroyed, DecisionKind::Destroy { reason })
        }
    };
    declaration.status = status;
    declaration.decisions.push(Decision { kind: kind.clone(), by: org, agent, at: ctx.block_number(), time: now });
    for item in &declaration.items {
        pallet_products::set_customs_state(ctx, item, status.customs_state());
        if let DecisionKind::Destroy { reason } = &kind {
            // The same destruction record (and status) as `Identity.mark_destroyed`, by customs.
            pallet_identity::record_destruction(ctx, item, org, reason);
        }
    }
    if was_open && !status.is_open() {
        let (port, declarant) = (&declaration.port, &declaration.importer);
        let mut open = OPEN_BY_PORT_AND_DECLARANT.get(ctx, port, declarant);
        open.retain(|held| *held != id);
        if open.is_empty() {
            OPEN_BY_PORT_AND_DECLARANT.remove(ctx, port, declarant);
        } else {
            OPEN_BY_PORT_AND_DECLARANT.insert(ctx, port, declarant, &open);
        }
    }
    DECLARATIONS.insert(ctx, &id, &declaration);
    let port = Location::UnLocode(declaration.port);
    let (subjects, importer) = (declaration.subjects, declaration.importer);
    // At most MAX_DECLARATION_ITEMS.
    let item_count = declaration.items.len() as u32;
    let event = match kind {
        DecisionKind::Hold { reason } => Event::Held {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::holding,
            disposition: Disposition::non_sellable_other,
            time: now,
        },
        DecisionKind::RequireInspection { scopes } => Event::InspectionRequired {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            scopes,
            required,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::inspecting,
            disposition: Disposition::in_progress,
            time: now,
        },
        DecisionKind::Clear { certificate_ref } => Event::Cleared {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            certificate_ref,
            inspections: required,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::accepting,
            disposition: Disposition::active,
            time: now,
        },
        DecisionKind::Refuse { reason } => Event::Refused {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::holding,
            disposition: Disposition::non_conformant,
            time: now,
        },
        DecisionKind::ReExport { reason } => Event::ReExportOrdered {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::departing,
            disposition: Disposition::in_transit,
            time: now,
        },
        DecisionKind::Destroy { reason } => Event::DestructionOrdered {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::destroying,
            disposition: Disposition::destroyed,
            time: now,
        },
    };
    ctx.deposit_event(event);
    Ok(())
}

/// The scopes of a `require_inspection`, checked, sorted.
fn validate_scopes(scopes: Vec<Scope>) -> Result<Vec<Scope>, Error> {
    if scopes.is_empty() {
        return Err(Error::NoScopes);
    }
    if scopes.len() > MAX_SCOPES {
        return Err(Error::TooManyScopes);
    }
    let mut sorted = Vec::with_capacity(scopes.len());
    for scope in scopes {
        if !scope.is_valid() {
            return Err(Error::InvalidScope);
        }
        if !insert_sorted(&mut sorted, scope) {
            return Err(Error::DuplicateScope);
        }
    }
    Ok(sorted)
}

/// Inserts `scope` into the list sorted by bytes; `false` if it was there already.
fn insert_sorted(scopes: &mut Vec<Scope>, scope: Scope) -> bool {
    match scopes.binary_search_by(|held| held.as_bytes().cmp(scope.as_bytes())) {
        Ok(_) => false,
        Err(slot) => {
            scopes.insert(slot, scope);
            true
        }
    }
}

/// `InspectionMissing` for the first item (in declaration order) and scope (in byte order)
/// without a passed inspection in force at `now`.
fn ensure_inspections_passed(
    storage: &impl StorageRead,
    items: &[ItemId],
    scopes: &[Scope],
    now: Moment,
) -> Result<(), Error> {
    if scopes.is_empty() {
        return Ok(());
    }
    let mut checker = PassChecker::new(storage, now);
    for item in items {
        let passed = checker.passed_scopes(item);
        if let Some(missing) = scopes.iter().find(|scope| !passed.contains(scope)) {
            return Err(Error::InspectionMissing { scope: missing.as_bytes().to_vec(), item: *item });
        }
    }
    Ok(())
}

fn ensure_regulator(storage: &impl StorageRead, agent: &AccountId32) -> Result<OrgId, Error> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    if pallet_membership::has_role(storage, org, &Role::Regulator) {
        Ok(org)
    } else {
        Err(Error::NotRegulator)
    }
}

fn set_rule<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, rule: InspectionRule) -> DispatchResult {
    let org = ensure_regulator(ctx, &agent)?;
    if !rule.has_valid_chapters() {
        return Err(Error::InvalidChapterRange.into());
    }
    if !rule.scope.is_valid() {
        return Err(Error::InvalidScope.into());
    }
    let mut rules = INSPECTION_RULES.get(ctx);
    let slot = match rules.binary_search_by(|held| rule_order(held, &rule)) {
        Ok(_) => return Err(Error::RuleExists.into()),
        Err(slot) => slot,
    };
    if rules.len() >= MAX_RULES {
        return Err(Error::TooManyRules.into());
    }
    rules.insert(slot, rule.clone());
    INSPECTION_RULES.put(ctx, &rules);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::InspectionRuleSet { chapters: rule.chapters, scope: rule.scope, by: org, agent, time });
    Ok(())
}

fn remove_rule<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, rule: InspectionRule) -> DispatchResult {
    let org = ensure_regulator(ctx, &agent)?;
    let mut rules = INSPECTION_RULES.get(ctx);
    let slot = rules.binary_search_by(|held| rule_order(held, &rule)).map_err(|_| Error::RuleNotFound)?;
    rules.remove(slot);
    if rules.is_empty() {
        INSPECTION_RULES.kill(ctx);
    } else {
        INSPECTION_RULES.put(ctx, &rules);
    }
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::InspectionRuleRemoved {
        chapters: rule.chapters,
        scope: rule.scope,
        by: org,
        agent,
        time,
    });
    Ok(())
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
// Reads, for the RPC
// ---------------------------------------------------------------------------------------------

/// The declaration with this id.
pub fn declaration(storage: &impl StorageRead, id: DeclarationId) -> Option<Declaration> {
    DECLARATIONS.get(storage, &id)
}

/// The open declarations (declared, on hold, pending inspection) `declarant` filed at `port`,
/// oldest first: its share of the port's worklist, at most [`MAX_OPEN_PER_DECLARANT`].
pub fn open_declarations_of(
    storage: &impl StorageRead,
    port: &UnLocode,
    declarant: OrgId,
) -> Vec<(DeclarationId, Declaration)> {
    OPEN_BY_PORT_AND_DECLARANT
        .get(storage, port, &declarant)
        .into_iter()
        .filter_map(|id| DECLARATIONS.get(storage, &id).map(|declaration| (id, declaration)))
        .collect()
}

/// The open declarations at `port` (a customs office's worklist), from the keys under
/// [`worklist_prefix`] of `port` in key order: each declarant's share ([`open_declarations_of`])
/// in the order of its key, oldest first within a share. Storage is read by key only, so the
/// caller iterates the keys (the RPC through the node's key iterator, over a state root); keys
/// that are not worklist entries of `port` are skipped.
pub fn open_declarations_by_port<K: AsRef<[u8]>>(
    storage: &impl StorageRead,
    port: &UnLocode,
    worklist_keys: impl IntoIterator<Item = K>,
) -> Vec<(DeclarationId, Declaration)> {
    worklist_keys
        .into_iter()
        .filter_map(|key| worklist_declarant(port, key.as_ref()))
        .flat_map(|declarant| open_declarations_of(storage, port, declarant))
        .collect()
}

/// The storage-key prefix shared by the entries of `port`'s worklist, one per declarant with open
/// declarations there: `twox128(Customs) ++ twox128(OpenByPortAndDeclarant) ++ blake2_128(port) ++
/// port`. A customs office lists its port's open work by iterating the keys under it, in key
/// order, reading each declarant ([`worklist_declarant`]) and its share
/// ([`open_declarations_of`]).
pub fn worklist_prefix(port: &UnLocode) -> Vec<u8> {
    tracechain_primitives::storage_key::map_key(
        PALLET_NAME,
        OPEN_BY_PORT_AND_DECLARANT.item(),
        OPEN_BY_PORT_AND_DECLARANT.hashers().0,
        &port.encode(),
    )
}

/// The declarant of a worklist entry, from a key under [`worklist_prefix`] of `port`: the
/// organisation id after its `twox64` hash. `None` if the key is not a worklist entry of `port`.
pub fn worklist_declarant(port: &UnLocode, key: &[u8]) -> Option<OrgId> {
    let rest = key.strip_prefix(worklist_prefix(port).as_slice())?;
    let mut id = rest.get(8..)?;
    let declarant = OrgId::decode(&mut id).ok()?;
    // The whole key, and no more, or it is not this item's key.
    (id.is_empty() && OPEN_BY_PORT_AND_DECLARANT.key(port, &declarant) == key).then_some(declarant)
}

/// Every declaration that covered `item`, oldest first (at most one of them open).
pub fn declarations_of_item(storage: &impl StorageRead, item: &ItemId) -> Vec<(DeclarationId, Declaration)> {
    ITEM_DECLARATIONS
        .get(storage, item)
        .into_iter()
        .filter_map(|id| DECLARATIONS.get(storage, &id).map(|declaration| (id, declaration)))
        .collect()
}

/// The importer `item`'s owner named to declare it, if the nomination is still in force (the
/// organisation that named it still owns the item).
pub fn named_importer(storage: &impl StorageRead, item: &ItemId) -> Option<OrgId> {
    let nomination = NAMED_IMPORTERS.get(storage, item)?;
    let owner = pallet_products::item(storage, item)?.owner;
    (nomination.owner == owner).then_some(nomination.importer)
}

/// The regulator's inspection rules, sorted by chapter range, then scope.
pub fn inspection_rules(storage: &impl StorageRead) -> Vec<InspectionRule> {
    INSPECTION_RULES.get(storage)
}

/// The inspection scopes clearing `declaration` requires now, sorted: those customs required,
/// and those of the rules covering the HS chapter of the declared HS code or of any declared
/// item's registered product class.
pub fn required_scopes(storage: &impl StorageRead, declaration: &Declaration) -> Vec<Scope> {
    let mut scopes = declaration.required_scopes.clone();
    let rules = inspection_rules(storage);
    if rules.is_empty() {
        return scopes;
    }
    let mut chapters = BTreeSet::new();
    chapters.extend(hs_chapter(&declaration.hs_code));
    let mut classes = BTreeSet::new();
    for item in &declaration.items {
        if let Some(record) = pallet_products::item(storage, item) {
            if classes.insert(record.gtin) {
                let class = pallet_products::product_class(storage, &record.gtin);
                chapters.extend(class.and_then(|class| hs_chapter(&class.hs_code)));
            }
        }
    }
    for rule in rules {
        if chapters.iter().any(|chapter| rule.covers(*chapter)) {
            insert_sorted(&mut scopes, rule.scope);
        }
    }
    scopes
}
