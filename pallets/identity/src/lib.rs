//! # pallet-identity
//!
//! What a consumer's scan resolves to: each item's GS1 Digital Link URI, mapped both ways to the
//! item, and the statuses that matter at the shelf (sold, reported counterfeit, destroyed). The
//! statuses themselves live in pallet-products (set through `pallet_products::set_status`); this
//! pallet keeps the records behind them (`Sales`, `CounterfeitReports`, `Destructions`).
//!
//! ## Digital Link
//! An item's URI is `https://<resolver>/01/<GTIN-14>/21/<serial>` for a serialised item and
//! `https://<resolver>/01/<GTIN-14>/10/<lot>` for a lot ([`digital_link`]). The resolver domain
//! is set in genesis ([`GenesisConfig`]) and must be a plain DNS name; without one, GS1's own
//! resolver [`DEFAULT_RESOLVER_DOMAIN`] is used. Serial and lot characters outside the URI
//! unreserved set (`A-Z a-z 0-9 - . _ ~`) are percent-encoded (`%XX`, upper-case hex), as the
//! GS1 Digital Link standard requires.
//!
//! [`parse_digital_link`] accepts any resolver domain (the identity is the path, not the host;
//! GS1 treats `id.gs1.org` and a brand's own resolver alike), `http` or `https`, and the
//! canonical path forms `/01/<gtin>/21/<serial>`, `/01/<gtin>/10/<lot>` and
//! `/01/<gtin>/10/<lot>/21/<serial>` (a serialised item with its lot as a qualifier); a query
//! string (data attributes such as `?17=YYMMDD`) and a fragment are ignored. GTIN-8/12/13 are
//! normalised to 14 digits and the check digit must verify. Percent-encoded and raw path
//! characters are both accepted, so a link and its decoded form name the same item.
//!
//! The mapping is a pure function both ways: the item id is `blake2_256` of the GS1 element
//! string the URI's path spells, so two items can never share a URI and [`item_for_uri`] needs
//! no index. Nothing is stored per link (no `Links` map and no `register_link` hook): storing
//! what can be recomputed would only cost state, and the resolver domain is fixed at genesis,
//! so a link never changes.
//!
//! ## Rules
//! Every call is signed by an account of a member organisation (else [`Error::NotMember`]); the
//! permission rule is checked before the item's state.
//!
//! - `mark_sold` (0): by an account of the item's current custodian, which must hold the Retailer
//!   role; the item must be movable (`pallet_products::ensure_movable`: active, not recalled, not
//!   declared to customs and awaiting the decision (`ItemAwaitingCustoms`), not held or refused
//!   by customs). A sold item stays sold: a second sale is refused with
//!   [`Error::AlreadySold`], and the first sale is kept for every later scan ([`sale`]).
//! - `report_counterfeit` (1): by the brand's organisation (the class's registrant); at most once
//!   per item. Sets the status to `Counterfeit` whatever it was: a code found on fakes is
//!   compromised even after a sale.
//! - `mark_destroyed` (2): by the item's owner organisation or a Regulator; at most once per item.
//!   Sets the status to `Destroyed`. Customs ordering refused goods destroyed records the same
//!   destruction, through [`record_destruction`] (by the customs organisation, with its reason),
//!   so the journey, the item's status and a later `mark_destroyed` ([`Error::AlreadyDestroyed`])
//!   see one destruction whoever ordered it.
//!
//! Events carry what an EPCIS 2.0 ObjectEvent needs: `biz_step` and `disposition` as CBV short
//! names (`retail_selling`/`retail_sold`, `inspecting`/`non_conformant` for a counterfeit — CBV
//! has no counterfeit disposition —, `destroying`/`destroyed`), read point and business
//! location, the organisations, the signing agent and the block time.
//!
//! ## Failure
//! Calls fail with `BadOrigin` when not signed, with [`Error`], or with pallet-products' errors
//! from `ensure_movable`; a failed call changes nothing. [`build_genesis`] fails with
//! [`GenesisError`] for a resolver domain that is not a plain DNS name. [`parse_digital_link`]
//! fails with [`ParseError`].

pub mod api;
mod calls;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use pallet_membership::types::{Location, OrgId, Role};
use pallet_products::{is_valid_serial, BizStep, Disposition, Gtin, Item, ItemId, ItemKind, ItemStatus};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, BlockNumber, Moment};
use tracechain_support::{
    dispatch::{DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageMap, StorageRead, StorageValue, StorageWrite},
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
pub use types::{DigitalLinkKey, Sale, StatusChange};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Identity";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 14;
/// The resolver used when genesis set none: GS1's global resolver.
pub const DEFAULT_RESOLVER_DOMAIN: &str = "id.gs1.org";
/// The longest reason for a counterfeit report or a destruction, in bytes.
pub const MAX_REASON_LEN: usize = 256;

tracechain_support::storage_items! {
    /// the Digital Link resolver's domain, lower case, set in genesis.
    pub const RESOLVER_DOMAIN: StorageValue<Vec<u8>> = StorageValue::new(PALLET_NAME, "ResolverDomain");
    /// item → its retail sale.
    pub const SALES: StorageMap<ItemId, Sale> = StorageMap::new(PALLET_NAME, "Sales", StorageHasher::Identity);
    /// item → the brand's counterfeit report.
    pub const COUNTERFEIT_REPORTS: StorageMap<ItemId, StatusChange> =
        StorageMap::new(PALLET_NAME, "CounterfeitReports", StorageHasher::Identity);
    /// item → its destruction.
    pub const DESTRUCTIONS: StorageMap<ItemId, StatusChange> =
        StorageMap::new(PALLET_NAME, "Destructions", StorageHasher::Identity);
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Marks an item sold to a consumer. Signer: an account of the item's custodian, a Retailer.
    #[codec(index = 0)]
    mark_sold {
        /// The item.
        item: ItemId,
    },
    /// Reports that an item's code was found on counterfeits. Signer: an account of the brand.
    #[codec(index = 1)]
    report_counterfeit {
        /// The item.
        item: ItemId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Records that an item was destroyed. Signer: an account of its owner or of a Regulator.
    #[codec(index = 2)]
    mark_destroyed {
        /// The item.
        item: ItemId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
}

/// The pallet's events. Indices are stable. Each carries the fields of an EPCIS 2.0 ObjectEvent
/// (action OBSERVE) on the item.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An item was sold to a consumer.
    #[codec(index = 0)]
    ItemSold {
        /// The item.
        item: ItemId,
        /// Its class.
        gtin: Gtin,
        /// The selling retailer (its custodian).
        by: OrgId,
        /// Its owner at the sale.
        owner: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: the item's location (the store).
        read_point: Location,
        /// `bizLocation`: the same.
        biz_location: Location,
        /// `retail_selling`.
        biz_step: BizStep,
        /// `retail_sold`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// The brand reported the item's code found on counterfeits.
    #[codec(index = 1)]
    CounterfeitReported {
        /// The item.
        item: ItemId,
        /// Its class.
        gtin: Gtin,
        /// The brand's organisation.
        by: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the item's last known location.
        read_point: Location,
        /// `inspecting`.
        biz_step: BizStep,
        /// `non_conformant` (CBV has no counterfeit disposition).
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// An item was destroyed.
    #[codec(index = 2)]
    ItemDestroyed {
        /// The item.
        item: ItemId,
        /// Its class.
        gtin: Gtin,
        /// The organisation that recorded it (owner or regulator).
        by: OrgId,
        /// Its owner.
        owner: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `readPoint`: the item's location.
        read_point: Location,
        /// `bizLocation`: the same.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The signing account belongs to no member organisation.
    #[codec(index = 0)]
    #[error("the signer is not an account of a member organisation")]
    NotMember,
    /// Marking a sale needs the Retailer role.
    #[codec(index = 1)]
    #[error("the signer's organisation does not hold the retailer role")]
    NotRetailer,
    /// Only the item's current custodian may mark it sold.
    #[codec(index = 2)]
    #[error("the signer's organisation is not the item's custodian")]
    NotCustodian,
    /// The item was sold already, in block `at` at time `time` (read the whole sale with
    /// [`sale`]). The block and time are not encoded: a module error has four bytes, and
    /// clients look errors up by index.
    #[codec(index = 3)]
    #[error("the item was already sold in block {at} (time {time})")]
    AlreadySold {
        /// The block of the first sale.
        #[codec(skip)]
        at: BlockNumber,
        /// The block time of the first sale, ms since the Unix epoch.
        #[codec(skip)]
        time: Moment,
    },
    /// Only the brand's organisation (the class's registrant) may report a counterfeit.
    #[codec(index = 4)]
    #[error("only the brand's organisation may report a counterfeit")]
    NotBrandOwner,
    /// Only the item's owner or a Regulator may record its destruction.
    #[codec(index = 5)]
    #[error("only the item's owner or a regulator may record its destruction")]
    NotOwnerOrRegulator,
    /// No item has this id.
    #[codec(index = 6)]
    #[error("no item has this id")]
    ItemNotFound,
    /// The item was already reported counterfeit.
    #[codec(index = 7)]
    #[error("the item was already reported counterfeit")]
    AlreadyReported,
    /// The item was already destroyed.
    #[codec(index = 8)]
    #[error("the item was already destroyed")]
    AlreadyDestroyed,
    /// The reason is empty, longer than 256 bytes or not UTF-8.
    #[codec(index = 9)]
    #[error("a reason is 1 to {MAX_REASON_LEN} bytes of UTF-8")]
    InvalidReason,
    /// The reason has a control or bidirectional-formatting character.
    #[codec(index = 10)]
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
    const DOCS: &'static str = "GS1 Digital Link identities, sale, counterfeit reports, destruction.";
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

/// Why a Digital Link URI was not understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The URI does not start with `https://` or `http://`.
    #[error("a Digital Link starts with https:// or http://")]
    NotHttp,
    /// The host is empty or has characters a host name cannot have.
    #[error("the host {host:?} is not a host name")]
    InvalidHost {
        /// The host part as given.
        host: String,
    },
    /// The path is not `/01/<gtin>/21/<serial>`, `/01/<gtin>/10/<lot>` or
    /// `/01/<gtin>/10/<lot>/21/<serial>`.
    #[error("the path {path:?} is not a canonical GS1 Digital Link path")]
    NotCanonicalPath {
        /// The path as given.
        path: String,
    },
    /// The GTIN is not 8, 12, 13 or 14 digits.
    #[error("the GTIN is not 8, 12, 13 or 14 digits")]
    InvalidGtin,
    /// The GTIN's check digit does not verify.
    #[error("the GTIN's check digit does not verify")]
    CheckDigitMismatch,
    /// A `%` is not followed by two hex digits, or a character may not appear unencoded in a path.
    #[error("bad percent-encoding or a character not allowed in a URI path")]
    InvalidEncoding,
    /// The serial is not 1 to 20 characters of GS1 character set 82.
    #[error("the serial is not 1 to 20 characters of GS1 character set 82")]
    InvalidSerial,
    /// The lot is not 1 to 20 characters of GS1 character set 82.
    #[error("the lot is not 1 to 20 characters of GS1 character set 82")]
    InvalidLot,
}

/// The pallet's genesis configuration (the `identity` section of a chain spec).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The Digital Link resolver's domain, a plain DNS name such as `id.example.com` (no scheme,
    /// port or path).
    pub resolver_domain: String,
}

impl Default for GenesisConfig {
    fn default() -> Self {
        Self { resolver_domain: DEFAULT_RESOLVER_DOMAIN.into() }
    }
}

/// Why a genesis configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// The resolver domain is not a plain DNS name.
    #[error("resolver domain {domain:?} is not a plain DNS name: {reason}")]
    InvalidResolverDomain {
        /// The domain as given.
        domain: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Writes the genesis state: the resolver domain, validated and lower-cased.
pub fn build_genesis(storage: &mut impl StorageWrite, config: &GenesisConfig) -> Result<(), GenesisError> {
    let domain = &config.resolver_domain;
    validate_domain(domain).map_err(|reason| GenesisError::InvalidResolverDomain { domain: domain.clone(), reason })?;
    RESOLVER_DOMAIN.put(storage, &domain.to_ascii_lowercase().into_bytes());
    Ok(())
}

/// Checks that `domain` is a plain DNS name (RFC 1123 host name): at most 253 characters, dot
/// separated labels of 1 to 63 letters, digits and hyphens that neither start nor end with a
/// hyphen, and a last label that is not all digits (which rules out IPv4 addresses).
fn validate_domain(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() || domain.len() > 253 {
        return Err("it must be 1 to 253 characters");
    }
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("each label must be 1 to 63 characters");
        }
        if !label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-') {
            return Err("labels hold only letters, digits and hyphens");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label may not start or end with a hyphen");
        }
    }
    if domain.rsplit('.').next().is_some_and(|last| last.bytes().all(|byte| byte.is_ascii_digit())) {
        return Err("the top-level label may not be all digits");
    }
    Ok(())
}

/// The weight of `call` ([`weights`] gives each call's).
pub fn call_weight(call: &Call) -> Weight {
    match call {
        Call::mark_sold { .. } => weights::mark_sold(),
        Call::report_counterfeit { .. } => weights::report_counterfeit(),
        Call::mark_destroyed { .. } => weights::mark_destroyed(),
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::mark_sold { item } => calls::mark_sold(ctx, agent, item),
        Call::report_counterfeit { item, reason } => calls::report_counterfeit(ctx, agent, item, reason),
        Call::mark_destroyed { item, reason } => calls::mark_destroyed(ctx, agent, item, reason),
    }
}
