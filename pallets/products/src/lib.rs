//! # pallet-products
//!
//! The registry of product classes (GS1 trade items, by GTIN-14) and of the items made of them
//! (serialised units and lots), and the keeper of each item's current state: owner, custodian,
//! location, lifecycle status, customs state, aggregate and recall. Other pallets (custody,
//! customs, identity) read and change that state only through the functions at the end of this
//! file ([`item`], [`ensure_movable`], [`recall_of`], [`set_custodian`], …), each emitting its
//! own events.
//!
//! ## Rules
//! Every call is signed by an account of a member organisation (else [`Error::NotMember`]); the
//! permission rule of each call is checked before anything else about its arguments (only the
//! GTIN comes first where the rule names the class's registrant, who is found by it).
//!
//! - `register_class` (0): the signer's organisation must hold the Manufacturer role
//!   ([`Error::NotManufacturer`]). The GTIN is given as 8, 12, 13 or 14 ASCII digits and
//!   normalised to 14 by left zero padding; its GS1 check digit must verify
//!   ([`Error::CheckDigitMismatch`]). The organisation must own the GS1 company prefix **at the
//!   fixed position** right after the indicator digit: `gtin14[1..1 + len]` is one of its prefixes
//!   ([`Error::PrefixNotOwned`]). A prefix that merely occurs elsewhere in the GTIN does not count
//!   (Hyperledger Grid's `contains` check is the mistake this avoids). Name 1..=128 bytes of
//!   UTF-8, brand 1..=64, HS code 6 to 10 ASCII digits, origin a two-letter country code, at most
//!   [`MAX_DOCUMENTS`] documents with a URI of 1..=256 printable ASCII bytes. A GTIN is
//!   registered once. Name, brand and recall reasons have no control or
//!   bidirectional-formatting characters ([`Error::NameHasControlCharacter`],
//!   [`Error::BrandHasControlCharacter`], [`Error::ReasonHasControlCharacter`]); a document URI
//!   is `https:`, `http:`, `ipfs:` or `ar:` (any case) followed by the address
//!   ([`Error::DocumentUriSchemeNotAllowed`]: no `javascript:` or `data:` link reaches a
//!   consumer's page).
//! - `commission_serials` (1) and `commission_lot` (2): the signer's organisation must hold the
//!   Manufacturer role **now** ([`Error::NotManufacturer`], checked first: a registrant whose
//!   role the consortium revoked commissions nothing more), and be the class's registrant (the
//!   brand's organisation, [`Error::NotBrandOwner`]). Serials and lots are 1..=20
//!   characters of GS1's AI encodable character set 82; a batch holds 1..=[`MAX_BATCH`] serials
//!   and its weight grows with the count; a lot's quantity is at least 1. The production date is a
//!   real calendar date `YYYYMMDD`; the expiry date, if any, is a real date after it; the
//!   location is a GLN with a valid check digit or a well-formed UN/LOCODE. An item id
//!   already taken (or taken twice in the batch) is refused ([`Error::DuplicateItem`]), and so is
//!   commissioning into a recalled class or lot. A batch is all or nothing: every item is
//!   checked before the first is written. The new items are `Active`, owned and held by the
//!   brand's organisation at the given location.
//! - `recall_lot` (3) and `recall_class` (4): by the brand's organisation or an organisation with
//!   the Regulator role ([`Error::NotBrandOrRegulator`]), with a reason of 1..=256 bytes of UTF-8.
//!   The lot must have been commissioned (as a lot item, or as the lot of serialised items); a
//!   recall is made once. A recall is not copied into every item (that would make a recall's cost
//!   grow with the lot): [`recall_of`] finds it from the item, so it shows on every item it
//!   covers at once, and [`ensure_movable`] refuses to move them.
//! - `add_document` (5): by the brand's organisation, which must still hold the Manufacturer role
//!   ([`Error::NotManufacturer`], checked first, then [`Error::NotBrandOwner`]), up to
//!   [`MAX_DOCUMENTS`] per class.
//!
//! ## Identifiers
//! An item's id is `blake2_256` of its canonical GS1 element string: `(01)<gtin14>(21)<serial>`
//! for a serialised item (SGTIN) and `(01)<gtin14>(10)<lot>` for a lot (LGTIN). A serialised
//! item's optional lot is not part of its id, as in GS1 (the serial is unique within the GTIN).
//!
//! ## Events
//! Every event that records something happening to goods carries what an EPCIS 2.0
//! ObjectEvent needs: `biz_step` and `disposition` (CBV short names, [`BizStep`] and
//! [`Disposition`]), `read_point` / `biz_location`, the organisation(s) and the signing agent,
//! and the block time (`pallet_timestamp::now`). `ProductClassRegistered` is master data (an
//! EPCIS vocabulary element, not an event) and has no business step.
//!
//! ## Failure
//! Calls fail with `BadOrigin` when not signed and otherwise with [`Error`], changing nothing.
//! The setters for other pallets do not check permissions (their callers check their own rules)
//! and do nothing for an unknown item.

#[cfg(test)]
mod tests;
pub mod types;

use std::collections::BTreeSet;

use pallet_membership::types::{CountryCode, Location, OrgId, Role};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, Moment};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageWrite, ValueQuery},
    text::{check_text, check_uri, TextError, UriError},
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, PalletError, RuntimeConfig,
};

pub use types::{
    is_cset82, is_valid_date, is_valid_serial, lot_element_string, lot_item_id, serial_element_string, serial_item_id,
    AggregateRef, BizStep, CustomsState, Disposition, Document, Gtin, Item, ItemId, ItemKind, ItemStatus, ProductClass,
    Recall,
};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Products";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 10;
/// The most items one `commission_serials` call may create.
pub const MAX_BATCH: usize = 1_000;
/// The most documents a product class may list.
pub const MAX_DOCUMENTS: usize = 8;
/// The longest document URI, in bytes.
pub const MAX_URI_LEN: usize = 256;
/// The longest product name, in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// The longest brand, in bytes.
pub const MAX_BRAND_LEN: usize = 64;
/// The longest recall reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;

tracechain_support::storage_items! {
    /// GTIN → product class.
    pub const PRODUCT_CLASSES: StorageMap<Gtin, ProductClass> =
        StorageMap::new(PALLET_NAME, "ProductClasses", StorageHasher::Blake2_128Concat);
    /// item id → item. Ids are already hashes, so the key is not hashed again.
    pub const ITEMS: StorageMap<ItemId, Item> = StorageMap::new(PALLET_NAME, "Items", StorageHasher::Identity);
    /// (GTIN, lot) → how many items were commissioned under that lot (a lot item counts once, and
    /// so does each serialised item that names the lot). Recalls need it to know that a lot exists.
    pub const LOTS: StorageDoubleMap<Gtin, Vec<u8>, u32, ValueQuery> =
        StorageDoubleMap::new(PALLET_NAME, "Lots", StorageHasher::Blake2_128Concat, StorageHasher::Blake2_128Concat);
    /// (GTIN, lot) → the lot's recall.
    pub const LOT_RECALLS: StorageDoubleMap<Gtin, Vec<u8>, Recall> = StorageDoubleMap::new(
        PALLET_NAME,
        "LotRecalls",
        StorageHasher::Blake2_128Concat,
        StorageHasher::Blake2_128Concat,
    );
    /// GTIN → the whole class's recall.
    pub const CLASS_RECALLS: StorageMap<Gtin, Recall> =
        StorageMap::new(PALLET_NAME, "ClassRecalls", StorageHasher::Blake2_128Concat);
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Registers a product class. Signer: an account of a Manufacturer that owns the GTIN's
    /// company prefix.
    #[codec(index = 0)]
    register_class {
        /// GTIN-8, -12, -13 or -14 as ASCII digits; stored as GTIN-14.
        gtin: Vec<u8>,
        /// Name, 1..=128 bytes of UTF-8.
        name: Vec<u8>,
        /// Brand, 1..=64 bytes of UTF-8.
        brand: Vec<u8>,
        /// HS code, 6 to 10 ASCII digits.
        hs_code: Vec<u8>,
        /// Country of origin.
        origin: CountryCode,
        /// Documents kept off chain, at most 8.
        documents: Vec<Document>,
    },
    /// Commissions serialised items of a class. Signer: an account of the class's registrant.
    #[codec(index = 1)]
    commission_serials {
        /// The class's GTIN (8, 12, 13 or 14 digits).
        gtin: Vec<u8>,
        /// The lot the items belong to, if any.
        lot: Option<Vec<u8>>,
        /// The serials, 1..=1,000 of them, each 1..=20 characters of GS1 character set 82.
        serials: Vec<Vec<u8>>,
        /// Production date, `YYYYMMDD`.
        production_date: u32,
        /// Expiry date, `YYYYMMDD`, after the production date.
        expiry_date: Option<u32>,
        /// Where they are commissioned.
        location: Location,
    },
    /// Commissions a lot of a class. Signer: an account of the class's registrant.
    #[codec(index = 2)]
    commission_lot {
        /// The class's GTIN (8, 12, 13 or 14 digits).
        gtin: Vec<u8>,
        /// The lot number, 1..=20 characters of GS1 character set 82.
        lot: Vec<u8>,
        /// How many units, at least 1.
        quantity: u32,
        /// Production date, `YYYYMMDD`.
        production_date: u32,
        /// Expiry date, `YYYYMMDD`, after the production date.
        expiry_date: Option<u32>,
        /// Where it is commissioned.
        location: Location,
    },
    /// Recalls a lot. Signer: an account of the class's registrant or of a Regulator.
    #[codec(index = 3)]
    recall_lot {
        /// The class's GTIN (8, 12, 13 or 14 digits).
        gtin: Vec<u8>,
        /// The lot number.
        lot: Vec<u8>,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Recalls a whole product class. Signer: an account of the class's registrant or of a Regulator.
    #[codec(index = 4)]
    recall_class {
        /// The class's GTIN (8, 12, 13 or 14 digits).
        gtin: Vec<u8>,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Adds a document to a product class. Signer: an account of the class's registrant.
    #[codec(index = 5)]
    add_document {
        /// The class's GTIN (8, 12, 13 or 14 digits).
        gtin: Vec<u8>,
        /// The document.
        document: Document,
    },
}

/// The pallet's events. Indices are stable. Those about goods carry the fields of an EPCIS 2.0
/// ObjectEvent (see the crate docs).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A product class was registered (EPCIS master data for the class, not an EPCIS event).
    #[codec(index = 0)]
    ProductClassRegistered {
        /// Its GTIN-14.
        gtin: Gtin,
        /// The registrant (brand owner).
        brand_org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Its name.
        name: Vec<u8>,
        /// Its brand.
        brand: Vec<u8>,
        /// Its HS code.
        hs_code: Vec<u8>,
        /// Its country of origin.
        origin: CountryCode,
        /// Block time.
        time: Moment,
    },
    /// Serialised items were commissioned: an EPCIS ObjectEvent, action ADD, `epcList` = the
    /// SGTINs `gtin` + each of `serials`, `ilmd` = lot and dates.
    #[codec(index = 1)]
    ItemsCommissioned {
        /// The class.
        gtin: Gtin,
        /// The lot they belong to, if any.
        lot: Option<Vec<u8>>,
        /// Their serials, in the call's order.
        serials: Vec<Vec<u8>>,
        /// Their ids, in the same order.
        items: Vec<ItemId>,
        /// Production date, `YYYYMMDD`.
        production_date: u32,
        /// Expiry date, `YYYYMMDD`.
        expiry_date: Option<u32>,
        /// The brand's organisation: first owner and custodian.
        org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: where they were commissioned.
        read_point: Location,
        /// `bizLocation`: where they are now.
        biz_location: Location,
        /// `commissioning`.
        biz_step: BizStep,
        /// `active`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A lot was commissioned: an EPCIS ObjectEvent, action ADD, `quantityList` = the LGTIN
    /// `gtin` + `lot` with `quantity`, `ilmd` = dates.
    #[codec(index = 2)]
    LotCommissioned {
        /// The lot item's id.
        item: ItemId,
        /// The class.
        gtin: Gtin,
        /// The lot number.
        lot: Vec<u8>,
        /// How many units.
        quantity: u32,
        /// Production date, `YYYYMMDD`.
        production_date: u32,
        /// Expiry date, `YYYYMMDD`.
        expiry_date: Option<u32>,
        /// The brand's organisation: first owner and custodian.
        org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: where it was commissioned.
        read_point: Location,
        /// `bizLocation`: where it is now.
        biz_location: Location,
        /// `commissioning`.
        biz_step: BizStep,
        /// `active`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A lot was recalled: an EPCIS ObjectEvent, action OBSERVE, on the LGTIN `gtin` + `lot`
    /// (every item of the lot, serialised or not).
    #[codec(index = 3)]
    LotRecalled {
        /// The class.
        gtin: Gtin,
        /// The lot number.
        lot: Vec<u8>,
        /// The recalling organisation (brand or regulator).
        by: OrgId,
        /// The brand's organisation.
        brand_org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the recalling organisation's first registered location, if it has one
        /// (a recall is issued from an office, not where the goods are).
        read_point: Option<Location>,
        /// `recalling`.
        biz_step: BizStep,
        /// `recalled`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A whole product class was recalled: an EPCIS ObjectEvent, action OBSERVE, on the class
    /// (every item of the GTIN).
    #[codec(index = 4)]
    ClassRecalled {
        /// The class.
        gtin: Gtin,
        /// The recalling organisation (brand or regulator).
        by: OrgId,
        /// The brand's organisation.
        brand_org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the recalling organisation's first registered location, if it has one.
        read_point: Option<Location>,
        /// `recalling`.
        biz_step: BizStep,
        /// `recalled`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A document was added to a product class (master data).
    #[codec(index = 5)]
    DocumentAdded {
        /// The class.
        gtin: Gtin,
        /// The document.
        document: Document,
        /// The brand's organisation.
        brand_org: OrgId,
        /// The signing account.
        agent: AccountId32,
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
    /// Registering a product class, commissioning items and adding documents need the
    /// Manufacturer role.
    #[codec(index = 1)]
    #[error("the signer's organisation does not hold the manufacturer role")]
    NotManufacturer,
    /// The GTIN is not 8, 12, 13 or 14 ASCII digits.
    #[codec(index = 2)]
    #[error("a GTIN is 8, 12, 13 or 14 ASCII digits")]
    InvalidGtin,
    /// The GTIN's last digit is not the GS1 check digit of the others.
    #[codec(index = 3)]
    #[error("the GTIN's check digit does not verify")]
    CheckDigitMismatch,
    /// The digits after the GTIN's indicator do not start with a company prefix of the
    /// registrant's organisation.
    #[codec(index = 4)]
    #[error("the GTIN is not within a company prefix of the registrant's organisation")]
    PrefixNotOwned,
    /// A product class with this GTIN is already registered.
    #[codec(index = 5)]
    #[error("the product class is already registered")]
    ClassAlreadyRegistered,
    /// No product class has this GTIN.
    #[codec(index = 6)]
    #[error("no product class has this GTIN")]
    ProductClassNotFound,
    /// The name is empty, longer than 128 bytes or not UTF-8.
    #[codec(index = 7)]
    #[error("a product name is 1 to {MAX_NAME_LEN} bytes of UTF-8")]
    InvalidName,
    /// The brand is empty, longer than 64 bytes or not UTF-8.
    #[codec(index = 8)]
    #[error("a brand is 1 to {MAX_BRAND_LEN} bytes of UTF-8")]
    InvalidBrand,
    /// The HS code is not 6 to 10 ASCII digits.
    #[codec(index = 9)]
    #[error("an HS code is 6 to 10 ASCII digits")]
    InvalidHsCode,
    /// The country of origin is not two ASCII upper-case letters.
    #[codec(index = 10)]
    #[error("the country of origin is not an ISO 3166-1 alpha-2 code")]
    InvalidCountry,
    /// The class would list more than 8 documents.
    #[codec(index = 11)]
    #[error("a product class lists at most {MAX_DOCUMENTS} documents")]
    TooManyDocuments,
    /// A document URI is empty, longer than 256 bytes or not printable ASCII.
    #[codec(index = 12)]
    #[error("a document URI is 1 to {MAX_URI_LEN} bytes of printable ASCII")]
    InvalidDocumentUri,
    /// Only the class's registrant (the brand's organisation) may do this.
    #[codec(index = 13)]
    #[error("only the brand's organisation may do this")]
    NotBrandOwner,
    /// A serial is not 1 to 20 characters of GS1 character set 82.
    #[codec(index = 14)]
    #[error("a serial is 1 to 20 characters of GS1 character set 82")]
    InvalidSerial,
    /// A lot number is not 1 to 20 characters of GS1 character set 82.
    #[codec(index = 15)]
    #[error("a lot number is 1 to 20 characters of GS1 character set 82")]
    InvalidLot,
    /// A lot's quantity is zero.
    #[codec(index = 16)]
    #[error("a lot's quantity is at least 1")]
    InvalidQuantity,
    /// The production date is not a real `YYYYMMDD` date.
    #[codec(index = 17)]
    #[error("the production date is not a real YYYYMMDD date")]
    InvalidProductionDate,
    /// The expiry date is not a real `YYYYMMDD` date after the production date.
    #[codec(index = 18)]
    #[error("the expiry date is not a real YYYYMMDD date after the production date")]
    InvalidExpiryDate,
    /// The location is not a valid GLN (check digit) or UN/LOCODE.
    #[codec(index = 19)]
    #[error("the location is not a valid GLN or UN/LOCODE")]
    InvalidLocation,
    /// The batch holds no serials.
    #[codec(index = 20)]
    #[error("the batch holds no serials")]
    NoItems,
    /// The batch holds more than 1,000 serials.
    #[codec(index = 21)]
    #[error("a batch holds at most {MAX_BATCH} serials")]
    TooManyItems,
    /// An item with this id exists already, or appears twice in the batch.
    #[codec(index = 22)]
    #[error("an item with this id exists already")]
    DuplicateItem,
    /// The lot is under recall: no more items may be commissioned into it.
    #[codec(index = 23)]
    #[error("the lot is under recall")]
    LotUnderRecall,
    /// The product class is under recall: no more items may be commissioned.
    #[codec(index = 24)]
    #[error("the product class is under recall")]
    ClassUnderRecall,
    /// No item has this id.
    #[codec(index = 25)]
    #[error("no item has this id")]
    ItemNotFound,
    /// The item is not `Active` (sold, recalled, destroyed or counterfeit).
    #[codec(index = 26)]
    #[error("the item is not active")]
    ItemNotActive,
    /// The item, its lot or its class is under recall.
    #[codec(index = 27)]
    #[error("the item is under recall")]
    ItemRecalled,
    /// Customs holds the item (on hold, or pending an inspection).
    #[codec(index = 28)]
    #[error("customs holds the item")]
    ItemOnCustomsHold,
    /// Customs refused the item.
    #[codec(index = 29)]
    #[error("customs refused the item")]
    ItemRefusedByCustoms,
    /// Only the brand's organisation or a Regulator may recall.
    #[codec(index = 30)]
    #[error("only the brand's organisation or a regulator may recall")]
    NotBrandOrRegulator,
    /// No item was commissioned under this lot.
    #[codec(index = 31)]
    #[error("no item was commissioned under this lot")]
    LotNotFound,
    /// The lot or class is already under recall.
    #[codec(index = 32)]
    #[error("already under recall")]
    AlreadyRecalled,
    /// The recall reason is empty, longer than 256 bytes or not UTF-8.
    #[codec(index = 33)]
    #[error("a reason is 1 to {MAX_REASON_LEN} bytes of UTF-8")]
    InvalidReason,
    /// The item is declared to customs and awaits its decision: it may not change custody or
    /// ownership, be packed or unpacked, or be sold until customs decides.
    #[codec(index = 34)]
    #[error("the item is declared to customs and awaits the decision")]
    ItemAwaitingCustoms,
    /// The product name has a control or bidirectional-formatting character.
    #[codec(index = 35)]
    #[error("a product name has no control or bidirectional-formatting characters")]
    NameHasControlCharacter,
    /// The brand has a control or bidirectional-formatting character.
    #[codec(index = 36)]
    #[error("a brand has no control or bidirectional-formatting characters")]
    BrandHasControlCharacter,
    /// The recall reason has a control or bidirectional-formatting character.
    #[codec(index = 37)]
    #[error("a reason has no control or bidirectional-formatting characters")]
    ReasonHasControlCharacter,
    /// A document URI's scheme is not `https`, `http`, `ipfs` or `ar`, or nothing follows it.
    #[codec(index = 38)]
    #[error("a document URI is https:, http:, ipfs: or ar: followed by the address")]
    DocumentUriSchemeNotAllowed,
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
    const DOCS: &'static str = "GTIN product classes, serial and lot items, recalls.";
    type Call = Call;
    type Event = Event;
    type Error = Error;

    fn call_weight(_storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(call)
    }

    fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata()
    }
}

/// The weight of commissioning one item: the duplicate check (a read), the item (a write),
/// hashing its element string and encoding it.
const PER_ITEM_WEIGHT: Weight =
    db_reads_writes(1, 1).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// The weight of `call`. A batch's weight grows linearly with its serials.
pub fn call_weight(call: &Call) -> Weight {
    // Every call reads the signer's organisation and roles and the class.
    let base = db_reads_writes(4, 0).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));
    match call {
        Call::register_class { .. } => base.saturating_add(db_reads_writes(2, 1)),
        Call::commission_serials { serials, .. } => base
            .saturating_add(db_reads_writes(2, 1))
            .saturating_add(PER_ITEM_WEIGHT.saturating_mul(serials.len() as u64)),
        Call::commission_lot { .. } => base.saturating_add(db_reads_writes(2, 1)).saturating_add(PER_ITEM_WEIGHT),
        Call::recall_lot { .. } | Call::recall_class { .. } => base.saturating_add(db_reads_writes(3, 1)),
        Call::add_document { .. } => base.saturating_add(db_reads_writes(0, 1)),
    }
}

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::register_class { gtin, name, brand, hs_code, origin: country, documents } => {
            register_class(ctx, agent, &gtin, name, brand, hs_code, country, documents)
        }
        Call::commission_serials { gtin, lot, serials, production_date, expiry_date, location } => {
            commission_serials(ctx, agent, &gtin, lot, serials, (production_date, expiry_date), location)
        }
        Call::commission_lot { gtin, lot, quantity, production_date, expiry_date, location } => {
            commission_lot(ctx, agent, &gtin, lot, quantity, (production_date, expiry_date), location)
        }
        Call::recall_lot { gtin, lot, reason } => recall_lot(ctx, agent, &gtin, lot, reason),
        Call::recall_class { gtin, reason } => recall_class(ctx, agent, &gtin, reason),
        Call::add_document { gtin, document } => add_document(ctx, agent, &gtin, document),
    }
}

#[allow(clippy::too_many_arguments)]
fn register_class<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    name: Vec<u8>,
    brand: Vec<u8>,
    hs_code: Vec<u8>,
    origin: CountryCode,
    documents: Vec<Document>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if !pallet_membership::has_role(ctx, org, &Role::Manufacturer) {
        return Err(Error::NotManufacturer.into());
    }
    let gtin = Gtin::parse(gtin)?;
    // The company prefix must start right after the indicator digit: membership looks up the
    // prefix that `gtin[1..]` starts with, and it must be one of this organisation's.
    match pallet_membership::prefix_owner(ctx, gtin.after_indicator()) {
        Some((owner, _)) if owner == org => {}
        _ => return Err(Error::PrefixNotOwned.into()),
    }
    if PRODUCT_CLASSES.contains(ctx, &gtin) {
        return Err(Error::ClassAlreadyRegistered.into());
    }
    ensure_text(&name, MAX_NAME_LEN, Error::InvalidName, Error::NameHasControlCharacter)?;
    ensure_text(&brand, MAX_BRAND_LEN, Error::InvalidBrand, Error::BrandHasControlCharacter)?;
    if !(6..=10).contains(&hs_code.len()) || !hs_code.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidHsCode.into());
    }
    // Decoding accepts any two bytes; only the shape check makes it a country code.
    if !origin.is_valid() {
        return Err(Error::InvalidCountry.into());
    }
    ensure_documents(&documents)?;
    let class = ProductClass {
        gtin,
        brand_org: org,
        name: name.clone(),
        brand: brand.clone(),
        hs_code: hs_code.clone(),
        origin: origin.clone(),
        documents,
        registered_at: ctx.block_number(),
    };
    PRODUCT_CLASSES.insert(ctx, &gtin, &class);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::ProductClassRegistered {
        gtin,
        brand_org: org,
        agent,
        name,
        brand,
        hs_code,
        origin,
        time,
    });
    Ok(())
}

/// The commissioning checks shared by serials and lots: the signer's organisation must be the
/// class's registrant, the dates and the location must be valid, and neither the class nor the
/// lot may be recalled. Returns the brand's organisation and the GTIN.
fn check_commissioning(
    storage: &impl StorageRead,
    agent: &AccountId32,
    gtin: &[u8],
    lot: Option<&[u8]>,
    (production_date, expiry_date): (u32, Option<u32>),
    location: &Location,
) -> Result<(OrgId, Gtin), DispatchError> {
    let org = ensure_manufacturer(storage, agent)?;
    let gtin = Gtin::parse(gtin)?;
    let class = PRODUCT_CLASSES.get(storage, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org {
        return Err(Error::NotBrandOwner.into());
    }
    if !is_valid_date(production_date) {
        return Err(Error::InvalidProductionDate.into());
    }
    if let Some(expiry) = expiry_date {
        if !is_valid_date(expiry) || expiry <= production_date {
            return Err(Error::InvalidExpiryDate.into());
        }
    }
    // Decoding accepts any bytes; a GLN's check digit and a UN/LOCODE's shape are checked here.
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    if let Some(lot) = lot {
        if !is_valid_serial(lot) {
            return Err(Error::InvalidLot.into());
        }
        if LOT_RECALLS.contains(storage, &gtin, &lot.to_vec()) {
            return Err(Error::LotUnderRecall.into());
        }
    }
    if CLASS_RECALLS.contains(storage, &gtin) {
        return Err(Error::ClassUnderRecall.into());
    }
    Ok((org, gtin))
}

fn commission_serials<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Option<Vec<u8>>,
    serials: Vec<Vec<u8>>,
    dates: (u32, Option<u32>),
    location: Location,
) -> DispatchResult {
    let (org, gtin) = check_commissioning(ctx, &agent, gtin, lot.as_deref(), dates, &location)?;
    if serials.is_empty() {
        return Err(Error::NoItems.into());
    }
    if serials.len() > MAX_BATCH {
        return Err(Error::TooManyItems.into());
    }
    // Check every item before writing any, so that a batch with an error changes nothing even
    // when called outside the executive's transactional layer.
    let mut seen = BTreeSet::new();
    let mut items = Vec::with_capacity(serials.len());
    for serial in &serials {
        if !is_valid_serial(serial) {
            return Err(Error::InvalidSerial.into());
        }
        let id = serial_item_id(&gtin, serial);
        if !seen.insert(id) || ITEMS.contains(ctx, &id) {
            return Err(Error::DuplicateItem.into());
        }
        items.push(id);
    }
    let commissioned_at = ctx.block_number();
    for (id, serial) in items.iter().zip(&serials) {
        let item = Item {
            id: *id,
            gtin,
            kind: ItemKind::Serial { serial: serial.clone() },
            lot: lot.clone(),
            production_date: dates.0,
            expiry_date: dates.1,
            owner: org,
            custodian: org,
            location: location.clone(),
            status: ItemStatus::Active,
            customs: CustomsState::None,
            recalled: None,
            parent: None,
            commissioned_at,
        };
        ITEMS.insert(ctx, id, &item);
    }
    if let Some(lot) = &lot {
        note_lot_items(ctx, &gtin, lot, items.len() as u32);
    }
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::ItemsCommissioned {
        gtin,
        lot,
        serials,
        items,
        production_date: dates.0,
        expiry_date: dates.1,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::commissioning,
        disposition: Disposition::active,
        time,
    });
    Ok(())
}

fn commission_lot<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Vec<u8>,
    quantity: u32,
    dates: (u32, Option<u32>),
    location: Location,
) -> DispatchResult {
    let (org, gtin) = check_commissioning(ctx, &agent, gtin, Some(&lot), dates, &location)?;
    if quantity == 0 {
        return Err(Error::InvalidQuantity.into());
    }
    let id = lot_item_id(&gtin, &lot);
    if ITEMS.contains(ctx, &id) {
        return Err(Error::DuplicateItem.into());
    }
    let item = Item {
        id,
        gtin,
        kind: ItemKind::Lot { lot: lot.clone(), quantity },
        lot: None,
        production_date: dates.0,
        expiry_date: dates.1,
        owner: org,
        custodian: org,
        location: location.clone(),
        status: ItemStatus::Active,
        customs: CustomsState::None,
        recalled: None,
        parent: None,
        commissioned_at: ctx.block_number(),
    };
    ITEMS.insert(ctx, &id, &item);
    note_lot_items(ctx, &gtin, &lot, 1);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::LotCommissioned {
        item: id,
        gtin,
        lot,
        quantity,
        production_date: dates.0,
        expiry_date: dates.1,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::commissioning,
        disposition: Disposition::active,
        time,
    });
    Ok(())
}

fn note_lot_items(storage: &mut impl StorageWrite, gtin: &Gtin, lot: &[u8], count: u32) {
    let lot = lot.to_vec();
    let total = LOTS.get(storage, gtin, &lot).saturating_add(count);
    LOTS.insert(storage, gtin, &lot, &total);
}

/// The recall permission: the signer's organisation is the class's registrant or a Regulator.
/// Returns the recalling organisation and the class.
fn check_recall(
    storage: &impl StorageRead,
    agent: &AccountId32,
    gtin: &[u8],
) -> Result<(OrgId, ProductClass), DispatchError> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    let gtin = Gtin::parse(gtin)?;
    let class = PRODUCT_CLASSES.get(storage, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org && !pallet_membership::has_role(storage, org, &Role::Regulator) {
        return Err(Error::NotBrandOrRegulator.into());
    }
    Ok((org, class))
}

fn recall_lot<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Vec<u8>,
    reason: Vec<u8>,
) -> DispatchResult {
    let (org, class) = check_recall(ctx, &agent, gtin)?;
    if !is_valid_serial(&lot) {
        return Err(Error::InvalidLot.into());
    }
    if !LOTS.contains(ctx, &class.gtin, &lot) {
        return Err(Error::LotNotFound.into());
    }
    if LOT_RECALLS.contains(ctx, &class.gtin, &lot) {
        return Err(Error::AlreadyRecalled.into());
    }
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    let recall = Recall { by: org, reason: reason.clone(), at: ctx.block_number(), time };
    LOT_RECALLS.insert(ctx, &class.gtin, &lot, &recall);
    let read_point = first_location(ctx, org);
    ctx.deposit_event(Event::LotRecalled {
        gtin: class.gtin,
        lot,
        by: org,
        brand_org: class.brand_org,
        agent,
        reason,
        read_point,
        biz_step: BizStep::recalling,
        disposition: Disposition::recalled,
        time,
    });
    Ok(())
}

fn recall_class<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    reason: Vec<u8>,
) -> DispatchResult {
    let (org, class) = check_recall(ctx, &agent, gtin)?;
    if CLASS_RECALLS.contains(ctx, &class.gtin) {
        return Err(Error::AlreadyRecalled.into());
    }
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    let recall = Recall { by: org, reason: reason.clone(), at: ctx.block_number(), time };
    CLASS_RECALLS.insert(ctx, &class.gtin, &recall);
    let read_point = first_location(ctx, org);
    ctx.deposit_event(Event::ClassRecalled {
        gtin: class.gtin,
        by: org,
        brand_org: class.brand_org,
        agent,
        reason,
        read_point,
        biz_step: BizStep::recalling,
        disposition: Disposition::recalled,
        time,
    });
    Ok(())
}

fn add_document<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    document: Document,
) -> DispatchResult {
    let org = ensure_manufacturer(ctx, &agent)?;
    let gtin = Gtin::parse(gtin)?;
    let mut class = PRODUCT_CLASSES.get(ctx, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org {
        return Err(Error::NotBrandOwner.into());
    }
    class.documents.push(document.clone());
    ensure_documents(&class.documents)?;
    PRODUCT_CLASSES.insert(ctx, &gtin, &class);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::DocumentAdded { gtin, document, brand_org: org, agent, time });
    Ok(())
}

/// The signer's organisation, if it holds the Manufacturer role now (a brand whose role the
/// consortium revoked no longer commissions or documents its classes).
fn ensure_manufacturer(storage: &impl StorageRead, agent: &AccountId32) -> Result<OrgId, Error> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    if pallet_membership::has_role(storage, org, &Role::Manufacturer) {
        Ok(org)
    } else {
        Err(Error::NotManufacturer)
    }
}

fn first_location(storage: &impl StorageRead, org: OrgId) -> Option<Location> {
    pallet_membership::organisation(storage, org).and_then(|organisation| organisation.locations.first().cloned())
}

/// Member-written text: `malformed` when empty, too long or not UTF-8, `hidden` when it has a
/// control or bidirectional-formatting character (`tracechain_support::text`).
fn ensure_text(text: &[u8], max_len: usize, malformed: Error, hidden: Error) -> Result<(), Error> {
    match check_text(text, max_len) {
        Ok(_) => Ok(()),
        Err(TextError::ControlCharacter) => Err(hidden),
        Err(_) => Err(malformed),
    }
}

fn ensure_documents(documents: &[Document]) -> Result<(), Error> {
    if documents.len() > MAX_DOCUMENTS {
        return Err(Error::TooManyDocuments);
    }
    for document in documents {
        match check_uri(&document.uri, MAX_URI_LEN) {
            Ok(()) => {}
            Err(UriError::Malformed) => return Err(Error::InvalidDocumentUri),
            Err(UriError::SchemeNotAllowed) => return Err(Error::DocumentUriSchemeNotAllowed),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// For other pallets: reads, the movability check, and setters (no permission checks: the caller
// checked its own rule).
// ---------------------------------------------------------------------------------------------

/// The product class with this GTIN.
pub fn product_class(storage: &impl StorageRead, gtin: &Gtin) -> Option<ProductClass> {
    PRODUCT_CLASSES.get(storage, gtin)
}

/// The item with this id.
pub fn item(storage: &impl StorageRead, id: &ItemId) -> Option<Item> {
    ITEMS.get(storage, id)
}

/// The recall of lot `lot` of `gtin`, if recalled.
pub fn lot_recall(storage: &impl StorageRead, gtin: &Gtin, lot: &[u8]) -> Option<Recall> {
    LOT_RECALLS.get(storage, gtin, &lot.to_vec())
}

/// The recall of the whole class `gtin`, if recalled.
pub fn class_recall(storage: &impl StorageRead, gtin: &Gtin) -> Option<Recall> {
    CLASS_RECALLS.get(storage, gtin)
}

/// Whether the item, its lot or its product class is under recall: the item's own recall first,
/// then its lot's (a lot item's own lot, or a serialised item's `lot`), then its class's.
pub fn recall_of(storage: &impl StorageRead, item: &Item) -> Option<Recall> {
    item.recalled
        .clone()
        .or_else(|| item.lot_number().and_then(|lot| lot_recall(storage, &item.gtin, lot)))
        .or_else(|| class_recall(storage, &item.gtin))
}

/// `Ok(item)` if the item may change custody, ownership or aggregation, or be sold, now: it
/// exists, is `Active`, is not under recall (itself, its lot or its class), does not await a
/// customs decision (`Declared`: [`Error::ItemAwaitingCustoms`]), and customs neither holds it
/// (`OnHold`, `InspectionRequired`) nor refused it (`Refused`; goods customs then ordered
/// re-exported move again).
pub fn ensure_movable(storage: &impl StorageRead, id: &ItemId) -> Result<Item, DispatchError> {
    let item = ITEMS.get(storage, id).ok_or(Error::ItemNotFound)?;
    if item.status != ItemStatus::Active {
        return Err(Error::ItemNotActive.into());
    }
    if recall_of(storage, &item).is_some() {
        return Err(Error::ItemRecalled.into());
    }
    match item.customs {
        CustomsState::Declared => Err(Error::ItemAwaitingCustoms.into()),
        CustomsState::OnHold | CustomsState::InspectionRequired => Err(Error::ItemOnCustomsHold.into()),
        CustomsState::Refused => Err(Error::ItemRefusedByCustoms.into()),
        // A destroyed item's status is `Destroyed` already; this is the same answer.
        CustomsState::Destroyed => Err(Error::ItemNotActive.into()),
        CustomsState::None | CustomsState::Cleared | CustomsState::ReExported => Ok(item),
    }
}

fn update_item(storage: &mut impl StorageWrite, id: &ItemId, change: impl FnOnce(&mut Item)) {
    if let Some(mut item) = ITEMS.get(storage, id) {
        change(&mut item);
        ITEMS.insert(storage, id, &item);
    }
}

/// Sets the item's custodian and location (custody accepted).
pub fn set_custodian(storage: &mut impl StorageWrite, id: &ItemId, custodian: OrgId, location: Location) {
    update_item(storage, id, |item| {
        item.custodian = custodian;
        item.location = location;
    });
}

/// Sets the item's owner (ownership accepted).
pub fn set_owner(storage: &mut impl StorageWrite, id: &ItemId, owner: OrgId) {
    update_item(storage, id, |item| item.owner = owner);
}

/// Sets the item's location.
pub fn set_location(storage: &mut impl StorageWrite, id: &ItemId, location: Location) {
    update_item(storage, id, |item| item.location = location);
}

/// Sets the item's lifecycle status.
pub fn set_status(storage: &mut impl StorageWrite, id: &ItemId, status: ItemStatus) {
    update_item(storage, id, |item| item.status = status);
}

/// Sets the item's customs state.
pub fn set_customs_state(storage: &mut impl StorageWrite, id: &ItemId, state: CustomsState) {
    update_item(storage, id, |item| item.customs = state);
}

/// Sets (or clears) the aggregate the item is packed in.
pub fn set_parent(storage: &mut impl StorageWrite, id: &ItemId, parent: Option<AggregateRef>) {
    update_item(storage, id, |item| item.parent = parent);
}
