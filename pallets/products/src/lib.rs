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

pub mod api;
mod calls;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use std::collections::BTreeSet;

use pallet_membership::types::{CountryCode, Location, OrgId, Role};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, Moment};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageWrite, ValueQuery},
    text::{check_text, check_uri, BoundedText, TextError, UriError},
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
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
/// A product class's name as stored: text of 1 to [`MAX_NAME_LEN`] bytes, checked when the class
/// is registered (encoded, and described in the metadata, as `Vec<u8>`).
pub type ProductName = BoundedText<MAX_NAME_LEN>;
/// A product class's brand as stored: text of 1 to [`MAX_BRAND_LEN`] bytes, checked when the
/// class is registered (encoded, and described in the metadata, as `Vec<u8>`).
pub type BrandName = BoundedText<MAX_BRAND_LEN>;
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

/// The weight of `call` ([`weights`] gives each call's). A batch's weight grows linearly with
/// its serials.
pub fn call_weight(call: &Call) -> Weight {
    match call {
        Call::register_class { .. } => weights::register_class(),
        Call::commission_serials { serials, .. } => weights::commission_serials(serials.len() as u64),
        Call::commission_lot { .. } => weights::commission_lot(),
        Call::recall_lot { .. } => weights::recall_lot(),
        Call::recall_class { .. } => weights::recall_class(),
        Call::add_document { .. } => weights::add_document(),
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::register_class { gtin, name, brand, hs_code, origin: country, documents } => {
            calls::register_class(ctx, agent, &gtin, name, brand, hs_code, country, documents)
        }
        Call::commission_serials { gtin, lot, serials, production_date, expiry_date, location } => {
            calls::commission_serials(ctx, agent, &gtin, lot, serials, (production_date, expiry_date), location)
        }
        Call::commission_lot { gtin, lot, quantity, production_date, expiry_date, location } => {
            calls::commission_lot(ctx, agent, &gtin, lot, quantity, (production_date, expiry_date), location)
        }
        Call::recall_lot { gtin, lot, reason } => calls::recall_lot(ctx, agent, &gtin, lot, reason),
        Call::recall_class { gtin, reason } => calls::recall_class(ctx, agent, &gtin, reason),
        Call::add_document { gtin, document } => calls::add_document(ctx, agent, &gtin, document),
    }
}
